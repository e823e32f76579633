//! Credentials that change while a client lives: the headers to send now, and how to get new
//! ones before the first attempt and once more when the provider answers 401.

use std::future::Future;
use std::pin::Pin;

use super::context::FixedHeaders;
use super::error::InvalidRequest;

/// A renewal, in flight; boxed because it may itself be a call through the same loop.
pub(crate) type Renewal<'s> = Pin<Box<dyn Future<Output = Result<(), InvalidRequest>> + Send + 's>>;

/// What the call loop asks of a call's changing credentials. It renews before the first
/// attempt when none are held (a failure ends the call before anything is sent), takes the
/// headers to send, and on a 401 renews once more and takes them again.
pub(crate) trait Session: Send + Sync {
    /// The credential headers to send now.
    fn headers(&self) -> FixedHeaders;

    /// Whether new credentials can be had, so a 401 is worth one more renewal.
    fn can_renew(&self) -> bool;

    /// Whether renewal must come before sending: it can renew but holds nothing.
    fn needs_login(&self) -> bool;

    /// Gets new credentials; the error names the scheme and why.
    fn renew(&self) -> Renewal<'_>;
}
