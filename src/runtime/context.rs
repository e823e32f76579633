//! The per-attempt context the generated client carries: what to add to the request, and
//! what came back before the generated code decodes it.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};

/// Headers a client sends on every request (its credentials). Built once when the client is
/// built or logs in, then shared by every call, so a call copies no credential.
#[derive(Clone, Default)]
pub(crate) struct FixedHeaders(Arc<[(HeaderName, HeaderValue)]>);

impl FixedHeaders {
    pub(crate) fn new(headers: Vec<(HeaderName, HeaderValue)>) -> Self {
        FixedHeaders(headers.into())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(HeaderName, HeaderValue)> {
        self.0.iter()
    }
}

/// Carried by every generated `Client` (progenitor's "inner" value); its hooks run on each
/// request. Cheap to clone.
#[derive(Clone, Default)]
pub struct CallCtx {
    state: Arc<CallState>,
}

#[derive(Default)]
struct CallState {
    fixed: FixedHeaders,
    /// The idempotency header of this logical call, the same on every attempt.
    idempotency: Option<(HeaderName, HeaderValue)>,
    /// The last status received, 0 before any. progenitor drops it when a success body does
    /// not decode; this keeps it.
    observed: AtomicU16,
}

impl CallCtx {
    /// A context that adds `fixed`, then the idempotency header if any, to each request.
    pub(crate) fn new(fixed: FixedHeaders, idempotency: Option<(HeaderName, HeaderValue)>) -> Self {
        CallCtx {
            state: Arc::new(CallState {
                fixed,
                idempotency,
                observed: AtomicU16::new(0),
            }),
        }
    }

    /// The same call with new credentials (after logging in again).
    pub(crate) fn renewed(&self, fixed: FixedHeaders) -> Self {
        Self::new(fixed, self.state.idempotency.clone())
    }

    /// Called by the generated client before sending.
    pub fn before_send(
        &self,
        request: &mut reqwest::Request,
        _info: &progenitor_client::OperationInfo,
    ) {
        // Appended: the generated request never sets these names itself, and appending runs
        // the same code as the request builder did just before.
        let headers = request.headers_mut();
        for (name, value) in self.state.fixed.iter().chain(&self.state.idempotency) {
            headers.append(name.clone(), value.clone());
        }
    }

    /// Called by the generated client when the response head arrives.
    pub fn after_receive(&self, result: &reqwest::Result<reqwest::Response>) {
        if let Ok(response) = result {
            self.state
                .observed
                .store(response.status().as_u16(), Ordering::Relaxed);
        }
    }

    /// The status of the response, once received.
    pub fn observed_status(&self) -> Option<StatusCode> {
        StatusCode::from_u16(self.state.observed.load(Ordering::Relaxed)).ok()
    }
}

impl fmt::Debug for CallCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: values include credentials.
        let names: Vec<_> = self
            .state
            .fixed
            .iter()
            .chain(&self.state.idempotency)
            .map(|(name, _)| name)
            .collect();
        f.debug_struct("CallCtx").field("headers", &names).finish()
    }
}
