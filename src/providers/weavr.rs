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
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::raw::weavr_payment_run as raw;
use crate::runtime::{
    BuildError, Call, ClientConfig, FixedHeaders, Invocation, OperationSpec, ProviderPolicy,
    Renewal, Response, Secret, Session, Transport, is_transient_status, retry_after_header,
    sensitive_header,
};

pub use raw::errors;
pub use raw::types;

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

/// Error of [`Client::list_linked_accounts`].
pub type ListLinkedAccountsError = errors::GetLinkedAccountsError;
/// Error of [`Client::get_linked_account`].
pub type GetLinkedAccountError = errors::GetLinkedAccountsIdError;
/// Error of [`Client::update_linked_account`].
pub type UpdateLinkedAccountError = errors::PatchLinkedAccountsIdError;
/// Error of [`Client::unlink_linked_account`].
pub type UnlinkLinkedAccountError = errors::UnlinkLinkedAccountsIdError;
/// Error of [`Client::login_with_password`].
pub type LoginError = errors::AcquireAuthTokenError;
/// Error of [`Client::logout`].
pub type LogoutError = errors::LogoutError;
/// Error of [`Client::list_institutions`].
pub type ListInstitutionsError = errors::GetInstitutionsError;
/// Error of [`Client::simulate_linked_account`].
pub type SimulateLinkedAccountError = errors::PostLinkedAccountsError;

const PROVIDER: &str = "weavr";

/// The idempotency header Weavr declares on its write operations.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-ref";
const IDEMPOTENCY_KEY_MAX_LEN: usize = 255;
const API_KEY_HEADER: HeaderName = HeaderName::from_static("api-key");
static REQUEST_REF_HEADER: HeaderName = HeaderName::from_static("request-ref");
const RATE_LIMIT_RESET_HEADER: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Where the API lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://sandbox.weavr.io/payment-run`, the only server Weavr's spec declares.
    Sandbox,
    /// Any base URL (production, a proxy, a simulator, a test server).
    Custom(String),
}

impl Environment {
    /// The base URL.
    pub fn base_url(&self) -> String {
        match self {
            Environment::Sandbox => raw::operations::SERVERS
                .first()
                .map(|s| s.url.to_string())
                .unwrap_or_default(),
            Environment::Custom(url) => url.trim_end_matches('/').to_string(),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    environment: Option<Environment>,
    api_key: Option<Secret>,
    token: Option<Secret>,
    login: Option<(String, Secret)>,
    config: ClientConfig,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Where to send requests (default: the sandbox).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }
    /// A custom base URL; short for `environment(Environment::Custom(url))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }
    /// The application's API key, sent as `api-key` (required).
    pub fn api_key(mut self, api_key: Secret) -> Self {
        self.api_key = Some(api_key);
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
        let api_key = self.api_key.ok_or(BuildError::Missing {
            provider: PROVIDER,
            what: "API key",
            hint: "ClientBuilder::api_key",
        })?;
        let invalid = |what| BuildError::InvalidHeaderValue {
            provider: PROVIDER,
            what,
        };
        let api_key = sensitive_header(api_key.expose()).ok_or_else(|| invalid("API key"))?;
        let token = match self.token {
            Some(t) => Some(bearer(&t).ok_or_else(|| invalid("auth token"))?),
            None => None,
        };
        let base_url = self.environment.unwrap_or(Environment::Sandbox).base_url();
        let transport = Transport::new(
            PROVIDER,
            base_url,
            self.config,
            self.http,
            Arc::new(WeavrPolicy),
        )?;
        Ok(Client {
            shared: Arc::new(Shared {
                raw: transport.generated(RawClient::new_with_client),
                transport,
                session: RwLock::new(session_headers(&api_key, token)),
                api_key_only: FixedHeaders::new(vec![(API_KEY_HEADER, api_key.clone())]),
                api_key,
                login: self.login,
            }),
        })
    }
}

fn bearer(token: &Secret) -> Option<HeaderValue> {
    sensitive_header(&format!("Bearer {}", token.expose()))
}

/// What calls that need a user send: the API key, plus the token while one is held.
fn session_headers(api_key: &HeaderValue, token: Option<HeaderValue>) -> FixedHeaders {
    let mut headers = vec![(API_KEY_HEADER, api_key.clone())];
    headers.extend(token.map(|t| (AUTHORIZATION, t)));
    FixedHeaders::new(headers)
}

/// Reads Weavr responses: `request-ref` header, `x-ratelimit-reset` as a retry hint, and a
/// 409 `IDEMPOTENT_REQUEST_IN_PROGRESS` as transient (the first request is still running).
#[derive(Debug)]
struct WeavrPolicy;

impl ProviderPolicy for WeavrPolicy {
    fn request_ref_header(&self) -> Option<&'static HeaderName> {
        Some(&REQUEST_REF_HEADER)
    }

    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        retry_after_header(headers).or_else(|| {
            let secs = headers
                .get(&RATE_LIMIT_RESET_HEADER)?
                .to_str()
                .ok()?
                .trim()
                .parse::<u64>()
                .ok()?;
            Some(Duration::from_secs(secs))
        })
    }

    fn is_transient(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> bool {
        if status == StatusCode::CONFLICT {
            #[derive(serde::Deserialize)]
            struct Conflict<'a> {
                #[serde(rename = "errorCode", borrow)]
                error_code: Option<&'a str>,
            }
            return serde_json::from_slice::<Conflict<'_>>(body)
                .is_ok_and(|c| c.error_code == Some("IDEMPOTENT_REQUEST_IN_PROGRESS"));
        }
        is_transient_status(status)
    }
}

struct Shared {
    transport: Transport,
    /// The generated client, whose request builders the calls use.
    raw: RawClient,
    api_key: HeaderValue,
    /// Headers of calls that need only the API key (login).
    api_key_only: FixedHeaders,
    /// Headers of calls that need a user, rebuilt when the token changes.
    session: RwLock<FixedHeaders>,
    login: Option<(String, Secret)>,
}

/// A client of the Weavr Embedded Payment Run API. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("weavr::Client")
            .field("base_url", &self.shared.transport.base_url)
            .field("logged_in", &self.is_logged_in())
            .finish_non_exhaustive()
    }
}

type RawClient = raw::Client;
use raw::operations as ops;

/// Which credentials an operation needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// The API key only.
    ApiKey,
    /// The API key and the token held now; no login.
    CurrentToken,
    /// A user session: logs in when needed (see [`Session`]).
    Session,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.transport.base_url
    }

    /// Whether the client holds a user token.
    pub fn is_logged_in(&self) -> bool {
        self.shared
            .session
            .read()
            .is_ok_and(|s| s.iter().any(|(name, _)| name == AUTHORIZATION))
    }

    fn set_token(&self, token: Option<HeaderValue>) {
        if let Ok(mut session) = self.shared.session.write() {
            *session = session_headers(&self.shared.api_key, token);
        }
    }

    /// A call of `op` with the credentials it needs; an idempotency key (the caller's, or a
    /// new one) if the operation declares one. Made once, the key is reused by every attempt
    /// and by the resend after a re-login, so they stay one logical call.
    fn invocation(
        &self,
        op: &'static OperationSpec,
        auth: Auth,
        caller_key: Option<String>,
    ) -> Invocation<'_> {
        let invocation = match auth {
            Auth::ApiKey => Invocation::new(op, self.shared.api_key_only.clone()),
            Auth::CurrentToken => Invocation::new(op, Session::headers(self)),
            Auth::Session => Invocation::in_session(op, self),
        };
        if op.declares_header(IDEMPOTENCY_HEADER) {
            invocation.idempotent(IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_MAX_LEN, caller_key)
        } else {
            invocation
        }
    }

    async fn relogin(&self) -> Result<(), crate::Error<LoginError>> {
        if let Some((email, password)) = &self.shared.login {
            self.login_with_password(email, password.clone()).await?;
        }
        Ok(())
    }

    /// Logs a user in (`POST /v1/login_with_password`) and keeps the token for later calls.
    /// The password must be tokenised for non-PCI integrations. A 409 means the password
    /// expired; its body carries a token usable only to update the password.
    pub async fn login_with_password(
        &self,
        email: &str,
        password: Secret,
    ) -> Result<Response<AuthToken>, crate::Error<LoginError>> {
        let body = types::AcquireAuthTokenBody {
            email: email.to_string(),
            password: types::AcquireAuthTokenBodyPassword { value: password },
        };
        let body = &body;
        let response = self
            .shared
            .transport
            .execute(
                self.invocation(&ops::ACQUIRE_AUTH_TOKEN, Auth::ApiKey, None),
                || self.shared.raw.acquire_auth_token_request(body),
            )
            .await?;
        self.set_token(bearer(&response.token));
        Ok(response)
    }

    /// Ends the user's session (`POST /v1/logout`) and forgets the token.
    pub async fn logout(&self) -> Result<Response<()>, crate::Error<LogoutError>> {
        let result = self
            .shared
            .transport
            .execute(
                self.invocation(&ops::LOGOUT, Auth::CurrentToken, None),
                || self.shared.raw.logout_request(),
            )
            .await;
        if result.is_ok() {
            self.set_token(None);
        }
        result
    }

    /// Lists the buyer's linked accounts, including unlinked ones (`GET /v1/linked_accounts`).
    pub async fn list_linked_accounts(
        &self,
    ) -> Result<Response<LinkedAccounts>, crate::Error<ListLinkedAccountsError>> {
        self.shared
            .transport
            .execute(
                self.invocation(&ops::GET_LINKED_ACCOUNTS, Auth::Session, None),
                || self.shared.raw.get_linked_accounts_request(),
            )
            .await
    }

    /// Fetches one linked account (`GET /v1/linked_accounts/{linked_account_id}`).
    pub async fn get_linked_account(
        &self,
        linked_account_id: &str,
    ) -> Result<Response<LinkedAccount>, crate::Error<GetLinkedAccountError>> {
        self.shared
            .transport
            .execute(
                self.invocation(&ops::GET_LINKED_ACCOUNTS_ID, Auth::Session, None),
                || {
                    self.shared
                        .raw
                        .get_linked_accounts_id_request(linked_account_id)
                },
            )
            .await
    }

    /// Sets a linked account's friendly name (`PATCH /v1/linked_accounts/{linked_account_id}`).
    /// Sends an `idempotency-ref`.
    pub fn update_linked_account<'c>(
        &'c self,
        linked_account_id: &'c str,
        friendly_name: &'c str,
    ) -> Call<'c, LinkedAccount, UpdateLinkedAccountError> {
        Call::new(move |options| async move {
            let body = types::PatchLinkedAccountsIdBody {
                friendly_name: Some(friendly_name.to_string()),
            };
            let body = &body;
            let op = &ops::PATCH_LINKED_ACCOUNTS_ID;
            self.shared
                .transport
                .execute(
                    self.invocation(op, Auth::Session, options.idempotency_key),
                    || {
                        self.shared.raw.patch_linked_accounts_id_request(
                            linked_account_id,
                            None,
                            body,
                        )
                    },
                )
                .await
        })
    }

    /// Unlinks a linked account; not reversible
    /// (`POST /v1/linked_accounts/{linked_account_id}/unlink`). Sends an `idempotency-ref`,
    /// the same on every retry.
    pub fn unlink_linked_account<'c>(
        &'c self,
        linked_account_id: &'c str,
    ) -> Call<'c, LinkedAccount, UnlinkLinkedAccountError> {
        Call::new(move |options| async move {
            let op = &ops::UNLINK_LINKED_ACCOUNTS_ID;
            self.shared
                .transport
                .execute(
                    self.invocation(op, Auth::Session, options.idempotency_key),
                    || {
                        self.shared
                            .raw
                            .unlink_linked_accounts_id_request(linked_account_id, None)
                    },
                )
                .await
        })
    }

    /// Lists institutions supported for account linking (`GET /v1/institutions`).
    pub async fn list_institutions(
        &self,
        query: &InstitutionsQuery,
    ) -> Result<Response<Institutions>, crate::Error<ListInstitutionsError>> {
        self.shared
            .transport
            .execute(
                self.invocation(&ops::GET_INSTITUTIONS, Auth::ApiKey, None),
                || {
                    self.shared.raw.get_institutions_request(
                        query.country.as_deref(),
                        query.institution_ids.as_ref(),
                        query.institution_name.as_deref(),
                        query.limit,
                        query.market.as_ref(),
                        query.offset,
                    )
                },
            )
            .await
    }

    /// Sandbox only: creates a linked account for a buyer without Open Banking
    /// (`POST /simulate/v1/linked_accounts`).
    pub async fn simulate_linked_account(
        &self,
        buyer_id: &str,
        account: AccountIdentification,
    ) -> Result<Response<SimulatedLinkedAccount>, crate::Error<SimulateLinkedAccountError>> {
        let body = types::PostLinkedAccountsBody {
            buyer_id: buyer_id.to_string(),
            account_identification: account,
            created_by: None,
            currency: types::PostLinkedAccountsBodyCurrency::Gbp,
            institution_id: None,
        };
        let body = &body;
        self.shared
            .transport
            .execute(
                self.invocation(&ops::POST_LINKED_ACCOUNTS, Auth::ApiKey, None),
                || self.shared.raw.post_linked_accounts_request(body),
            )
            .await
    }
}

/// Calls that need a user: the API key plus the token while one is held; with login
/// credentials, the client logs in before its first such call and once more on a 401 (tokens
/// expire after 5 minutes idle).
impl Session for Client {
    fn headers(&self) -> FixedHeaders {
        match self.shared.session.read() {
            Ok(session) => session.clone(),
            Err(_) => self.shared.api_key_only.clone(),
        }
    }

    fn can_renew(&self) -> bool {
        self.shared.login.is_some()
    }

    fn needs_login(&self) -> bool {
        self.can_renew() && !self.is_logged_in()
    }

    fn renew(&self) -> Renewal<'_> {
        Box::pin(async move { self.relogin().await.is_ok() })
    }
}

/// Filters for [`Client::list_institutions`]; all optional.
#[derive(Debug, Clone, Default)]
pub struct InstitutionsQuery {
    /// Country code, such as `GB`.
    pub country: Option<String>,
    /// Only these institutions.
    pub institution_ids: Option<Vec<String>>,
    /// Name contains.
    pub institution_name: Option<String>,
    /// Markets.
    pub market: Option<Vec<types::GetInstitutionsMarketItem>>,
    /// Records to skip.
    pub offset: Option<i32>,
    /// Records to return.
    pub limit: Option<std::num::NonZeroU32>,
}
