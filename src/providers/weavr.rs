//! Weavr Embedded Payment Run API: linked accounts, login and institutions.
//!
//! ```no_run
//! use paysdk::weavr::{Client, Environment};
//! use paysdk::Secret;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let weavr = Client::builder()
//!     .environment(Environment::Sandbox)
//!     .api_key(Secret::new("my-api-key"))
//!     .build()?;
//! weavr.login_with_password("controller@example.com", Secret::new("tokenised-password")).await?;
//! let accounts = weavr.list_linked_accounts().await?;
//! for account in &accounts.linked_accounts {
//!     println!("{} {}", account.id, account.status);
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::apis::weavr_payment_run as api;
use crate::runtime::auth::CredentialSource;
use crate::runtime::{BuildError, ClientConfig, LoginSession, Response, Secret, sensitive_header};
use api::operations::LOGOUT;

pub use api::*;

pub mod webhooks;

/// A buyer's bank account linked for funding payment runs.
pub type LinkedAccount = types::GetLinkedAccountsIdResponse;
/// The status of a linked account (open: unknown future values are kept).
pub type LinkedAccountStatus = types::GetLinkedAccountsIdResponseStatus;
/// The list of a buyer's linked accounts.
pub type LinkedAccounts = types::GetLinkedAccountsResponse;
/// The bank details of an account.
pub type AccountIdentification = types::AccountIdentification;
/// What login returns: the token and who it identifies.
pub type AuthToken = types::AcquireAuthTokenResponse;
/// Institutions supported for account linking.
pub type Institutions = types::GetInstitutionsResponse;
/// A linked account made by the sandbox simulator.
pub type SimulatedLinkedAccount = types::PostLinkedAccountsResponse;

/// Error of [`Client::login_with_password`].
pub type LoginError = api::LoginWithPasswordError;

/// Builds a [`Client`]: the generated builder, with the login session.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    api: api::ClientBuilder,
    has_api_key: bool,
    token: Option<Secret>,
    login: Option<(String, Secret)>,
    config: ClientConfig,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Where to send requests (default: the sandbox).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.api = self.api.environment(environment);
        self
    }
    /// A custom base URL; short for `environment(Environment::Custom(url))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }
    /// The application's API key, sent as `api-key` (required).
    pub fn api_key(mut self, api_key: Secret) -> Self {
        (self.api, self.has_api_key) = (self.api.api_key(api_key), true);
        self
    }
    /// A user token obtained elsewhere, sent as `Authorization: Bearer`.
    pub fn auth_token(mut self, token: Secret) -> Self {
        self.token = Some(token);
        self
    }
    /// Login credentials kept by the client: it logs in on the first call that needs a
    /// token, and once more when a call is answered 401 (tokens expire after 5 minutes idle).
    pub fn login(mut self, email: impl Into<String>, password: Secret) -> Self {
        self.login = Some((email.into(), password));
        self
    }
    /// Timeouts and retries.
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }
    /// Uses this `reqwest` client instead of making one.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let (provider, hint) = ("weavr", "ClientBuilder::api_key");
        if !self.has_api_key {
            return Err(BuildError::Missing {
                provider,
                what: "API key",
                hint,
            });
        }
        let bearer = |t: &Secret| sensitive_header(&format!("Bearer {}", t.expose()));
        if self.token.as_ref().is_some_and(|t| bearer(t).is_none()) {
            let what = "auth token";
            return Err(BuildError::InvalidHeaderValue { provider, what });
        }
        let http = match self.http {
            Some(http) => http,
            None => (self.config.http_client())
                .map_err(|source| BuildError::Http { provider, source })?,
        };
        // Two clients on one connection pool: the session logs in through the one without it.
        let api = self.api.config(self.config).http_client(http);
        let login_api = api.clone().build()?;
        // Tokens expire after 5 minutes idle; logout neither logs in nor retries.
        let mut session = LoginSession::new(self.token).never_renewing(&[LOGOUT.operation_id]);
        if let Some((email, password)) = self.login {
            let api = login_api.clone();
            session = session.login_with(move || {
                let (api, body) = (api.clone(), login_body(&email, password.clone()));
                async move {
                    let login = api.login_with_password(&body).await;
                    login
                        .map(|r| r.token.clone())
                        .map_err(|e| format!("login failed: {e}"))
                }
            });
        }
        let session = Arc::new(session);
        let api = api.auth_token_source(session.clone()).build()?;
        Ok(Client {
            api,
            login_api,
            session,
        })
    }
}

/// A client of the Weavr Embedded Payment Run API. Cheap to clone; share one per process.
///
/// It derefs to the generated [`api::Client`], whose methods (named and configured by
/// `specs/weavr-payment-run.paysdk.yaml`, which also makes `update_linked_account` and
/// `simulate_linked_account` build their bodies) take the login session's token; those
/// below keep the session or take an [`InstitutionsQuery`].
#[derive(Clone)]
pub struct Client {
    api: api::Client,
    /// The API key only: logging in needs no token.
    login_api: api::Client,
    session: Arc<LoginSession>,
}

/// Weavr's login body.
fn login_body(email: &str, password: Secret) -> types::AcquireAuthTokenBody {
    let password = types::AcquireAuthTokenBodyPassword { value: password };
    let email = email.to_string();
    types::AcquireAuthTokenBody { email, password }
}

impl Deref for Client {
    type Target = api::Client;

    fn deref(&self) -> &api::Client {
        &self.api
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("weavr::Client")
            .field("base_url", &self.base_url())
            .field("logged_in", &self.is_logged_in())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Whether the client holds a user token.
    pub fn is_logged_in(&self) -> bool {
        self.session.current().is_some()
    }

    /// Logs a user in (`POST /v1/login_with_password`) and keeps the token for later calls.
    /// The password must be tokenised for non-PCI integrations. A 409 means the password
    /// expired; its body carries a token usable only to update the password.
    pub async fn login_with_password(
        &self,
        email: &str,
        password: Secret,
    ) -> Result<Response<AuthToken>, crate::Error<LoginError>> {
        let response = (self.login_api)
            .login_with_password(&login_body(email, password))
            .await?;
        self.session.set(Some(response.token.clone()));
        Ok(response)
    }

    /// Lists institutions supported for account linking (`GET /v1/institutions`), filtered by
    /// `query`. `.await` gives one page; `.items()` every institution, page by page.
    pub fn list_institutions(&self, query: &InstitutionsQuery) -> api::ListInstitutionsCall<'_> {
        self.api.list_institutions().with_query(query)
    }

    /// Ends the user's session (`POST /v1/logout`) and forgets the token.
    pub async fn logout(&self) -> Result<Response<()>, crate::Error<LogoutError>> {
        let result = self.api.logout().await;
        if result.is_ok() {
            self.session.set(None);
        }
        result
    }
}
