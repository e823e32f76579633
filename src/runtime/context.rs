//! What requests carry besides their operation's parameters: a client's credential headers,
//! and the context every generated client holds.

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

/// Carried by every generated `Client` (progenitor's "inner" value) of the raw layer. It
/// records the status of the last response, which progenitor drops when a success body
/// does not decode. Cheap to clone.
#[derive(Clone, Default)]
pub struct CallCtx {
    /// The last status received, 0 before any.
    observed: Arc<AtomicU16>,
}

impl CallCtx {
    /// Called by the generated client when the response head arrives.
    pub fn after_receive(&self, result: &reqwest::Result<reqwest::Response>) {
        if let Ok(response) = result {
            self.observed
                .store(response.status().as_u16(), Ordering::Relaxed);
        }
    }

    /// The status of the last response, once one was received.
    pub fn observed_status(&self) -> Option<StatusCode> {
        StatusCode::from_u16(self.observed.load(Ordering::Relaxed)).ok()
    }
}

impl fmt::Debug for CallCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallCtx")
            .field("observed_status", &self.observed_status())
            .finish()
    }
}
