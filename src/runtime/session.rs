//! Credentials of calls that act for a logged-in user: the headers to send now, and how to
//! log in again when the provider answers 401.

use std::future::Future;
use std::pin::Pin;

use super::context::FixedHeaders;

/// A login, in flight; boxed because it is itself a call through the same loop.
pub(crate) type Renewal<'s> = Pin<Box<dyn Future<Output = bool> + Send + 's>>;

/// Implemented by provider clients that can log a user in. The call loop logs in before the
/// first attempt when no token is held, takes the headers to send, and on a 401 logs in once
/// more and takes them again.
pub(crate) trait Session: Send + Sync {
    /// The credential headers to send now.
    fn headers(&self) -> FixedHeaders;

    /// Whether the client holds login credentials, so a 401 is worth one more login.
    fn can_renew(&self) -> bool;

    /// Whether the client must log in before sending: it has credentials but no token.
    fn needs_login(&self) -> bool;

    /// Logs in; whether it worked. A failed login leaves the call to end with its 401.
    fn renew(&self) -> Renewal<'_>;
}
