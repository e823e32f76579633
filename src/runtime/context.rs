//! The per-attempt context the generated client carries: what to add to the request, and
//! what came back before the generated code decodes it.

use std::fmt;
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// Carried by every generated `Client` (progenitor's "inner" value); its hooks run on each
/// request. Cheap to clone.
#[derive(Clone, Default)]
pub struct CallCtx {
    state: Arc<CallState>,
}

#[derive(Default)]
struct CallState {
    headers: HeaderMap,
    observed: Mutex<Option<StatusCode>>,
}

impl CallCtx {
    /// A context that adds `headers` to the request.
    pub fn with_headers(headers: HeaderMap) -> Self {
        CallCtx {
            state: Arc::new(CallState {
                headers,
                observed: Mutex::new(None),
            }),
        }
    }

    /// Called by the generated client before sending.
    pub fn before_send(
        &self,
        request: &mut reqwest::Request,
        _info: &progenitor_client::OperationInfo,
    ) {
        let headers = request.headers_mut();
        // progenitor sends `api-version: <info.version>`; neither provider documents it.
        headers.remove(API_VERSION);
        for (name, value) in &self.state.headers {
            headers.insert(name.clone(), value.clone());
        }
    }

    /// Called by the generated client when the response head arrives. Only the status is
    /// kept: progenitor loses it when a success body does not decode.
    pub fn after_receive(&self, result: &reqwest::Result<reqwest::Response>) {
        if let Ok(response) = result
            && let Ok(mut observed) = self.state.observed.lock()
        {
            *observed = Some(response.status());
        }
    }

    /// The status of the response, once received.
    pub fn observed_status(&self) -> Option<StatusCode> {
        self.state.observed.lock().ok().and_then(|o| *o)
    }
}

impl fmt::Debug for CallCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: values include credentials.
        f.debug_struct("CallCtx")
            .field("headers", &self.state.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}
