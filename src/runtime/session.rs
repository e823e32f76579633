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

/// How a [`LoginSession`] logs in: a call that answers a new token.
type Login = Box<
    dyn Fn() -> Pin<Box<dyn Future<Output = Result<crate::Secret, String>> + Send>> + Send + Sync,
>;

/// A user token that a login call gives (Weavr's `login_with_password`), as a
/// [`CredentialSource`](super::auth::CredentialSource) for a generated builder's
/// `<scheme>_source`: the token held, and the login to get a new one with before the first
/// call that needs it and once more when a call is answered 401. The provider's facade makes
/// the login call; the holding, renewing and forgetting are here.
pub struct LoginSession {
    token: std::sync::RwLock<Option<crate::Secret>>,
    login: Option<Login>,
    never_renew: &'static [&'static str],
}

impl LoginSession {
    /// A session holding `token` (none: logged out), with no way to log in yet.
    pub fn new(token: Option<crate::Secret>) -> Self {
        LoginSession {
            token: std::sync::RwLock::new(token),
            login: None,
            never_renew: &[],
        }
    }

    /// Logs in with `login` when a token is needed; its error says why, never a secret.
    pub fn login_with<F>(mut self, login: impl Fn() -> F + Send + Sync + 'static) -> Self
    where
        F: Future<Output = Result<crate::Secret, String>> + Send + 'static,
    {
        self.login = Some(Box::new(move || Box::pin(login())));
        self
    }

    /// Calls of these operations never log in (a logout).
    pub fn never_renewing(mut self, operation_ids: &'static [&'static str]) -> Self {
        self.never_renew = operation_ids;
        self
    }

    /// Replaces the token held (`None` forgets it).
    pub fn set(&self, token: Option<crate::Secret>) {
        if let Ok(mut held) = self.token.write() {
            *held = token;
        }
    }
}

impl super::auth::CredentialSource for LoginSession {
    fn current(&self) -> Option<crate::Secret> {
        self.token.read().ok()?.clone()
    }

    fn can_renew(&self, operation_id: &str) -> bool {
        self.login.is_some() && !self.never_renew.contains(&operation_id)
    }

    fn renew(&self) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + '_>> {
        Box::pin(async move {
            let login = self.login.as_ref().ok_or("no login credentials")?;
            let token = login().await?;
            self.set(Some(token));
            Ok(())
        })
    }
}

impl std::fmt::Debug for LoginSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.token.read().is_ok_and(|t| t.is_some());
        f.debug_struct("LoginSession")
            .field("logged_in", &held)
            .field("can_log_in", &self.login.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::super::auth::CredentialSource;
    use super::*;
    use crate::Secret;

    #[tokio::test]
    async fn a_login_session_renews_through_its_login_except_where_told_not_to() {
        let session = LoginSession::new(None);
        assert!(
            !session.can_renew("getThings"),
            "no login: nothing to renew with"
        );
        assert!(session.renew().await.is_err());

        let logins = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = logins.clone();
        let session = LoginSession::new(Some(Secret::new("old")))
            .never_renewing(&["logout"])
            .login_with(move || {
                let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async move {
                    match n {
                        0 => Ok(Secret::new("new")),
                        _ => Err("login refused".to_string()),
                    }
                }
            });
        assert_eq!(session.current().as_ref().map(Secret::expose), Some("old"));
        assert!(session.can_renew("getThings"));
        assert!(!session.can_renew("logout"));
        session.renew().await.unwrap();
        assert_eq!(session.current().as_ref().map(Secret::expose), Some("new"));
        assert_eq!(session.renew().await, Err("login refused".to_string()));
        session.set(None);
        assert!(session.current().is_none());
        assert!(!format!("{session:?}").contains("new"));
    }
}
