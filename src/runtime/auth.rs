//! Credentials from a spec's `securitySchemes`, sent per operation as its `security` asks:
//! API keys in a header, the query or a cookie; HTTP basic and bearer; OAuth2 client
//! credentials (a token fetched from the token URL, kept until it expires, fetched again once
//! on a 401); OpenID Connect as a bearer token.
//!
//! Generated code describes the schemes ([`SecurityScheme`]) and each operation's
//! requirement (alternatives of scheme indices); the client resolves a requirement to what
//! one call sends, or to an error naming the schemes it lacks, before anything is sent.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};
use tokio::time::Instant;

use super::context::FixedHeaders;
use super::error::InvalidRequest;
use super::secret::{Secret, sensitive_header};
use super::session::{Renewal, Session};

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyIn {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// What kind of credential a scheme takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `type: apiKey`: the key under `name` in `location`.
    ApiKey {
        /// Header, query or cookie.
        location: ApiKeyIn,
        /// The header, parameter or cookie name.
        name: &'static str,
    },
    /// `type: http, scheme: basic`.
    Basic,
    /// `type: http, scheme: bearer`, and `type: openIdConnect` (a token the caller obtained).
    Bearer,
    /// A scheme paysdk cannot send (the reason); operations that need only it fail before
    /// sending.
    Unsupported(&'static str),
    /// `type: oauth2` with a `clientCredentials` flow.
    ClientCredentials {
        /// The token URL, absolute or relative to the base URL.
        token_url: &'static str,
        /// The scopes the spec's operations ask for, space-separated in the token request.
        scopes: &'static [&'static str],
    },
}

/// One entry of `components/securitySchemes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's name in the spec.
    pub name: &'static str,
    /// What it takes.
    pub kind: SchemeKind,
}

/// An operation's `security`: alternatives, each a set of indices into the spec's schemes.
/// Empty: no credentials. An empty alternative: credentials optional.
pub type Requirement = &'static [&'static [usize]];

/// A credential given to a generated `ClientBuilder`, for one scheme.
#[derive(Clone)]
pub enum Credential {
    /// An API key or bearer token.
    Secret(Secret),
    /// HTTP basic user name and password.
    Basic(String, Secret),
    /// OAuth2 client id and secret.
    Client {
        /// The client id.
        id: String,
        /// The client secret.
        secret: Secret,
    },
    /// A token that changes while the client lives (a user's login session), for a bearer
    /// scheme or an API key in a header.
    Source(Arc<dyn CredentialSource>),
}

/// A credential that changes while a client lives, such as the token of a user's login
/// session. The call loop sends [`current`](Self::current) on every attempt (as
/// `Authorization: Bearer` for a bearer scheme, as the header of an API-key scheme); when
/// [`can_renew`](Self::can_renew) says so, it calls [`renew`](Self::renew) before the first
/// attempt if nothing is held (a failure ends the call before anything is sent) and once more
/// when the call is answered 401 (then resends with the same idempotency key).
pub trait CredentialSource: Send + Sync + 'static {
    /// The token to send now, if one is held.
    fn current(&self) -> Option<Secret>;

    /// Whether a call of `operation_id` may get a new token from [`renew`](Self::renew).
    fn can_renew(&self, operation_id: &str) -> bool;

    /// Gets a new token. The error says why not, for the call's error; never a secret.
    fn renew(&self) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + '_>>;
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Secret(_) => f.write_str("Secret([redacted])"),
            Credential::Basic(user, _) => write!(f, "Basic({user:?}, [redacted])"),
            Credential::Client { id, .. } => write!(f, "Client({id:?}, [redacted])"),
            Credential::Source(_) => f.write_str("Source"),
        }
    }
}

/// The credentials a generated `ClientBuilder` collects, by scheme index.
#[derive(Clone, Default)]
pub struct AuthBuilder {
    given: Vec<(usize, Credential)>,
    token_urls: Vec<(usize, String)>,
}

impl fmt::Debug for AuthBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.given.iter().map(|(i, _)| i))
            .finish()
    }
}

impl AuthBuilder {
    /// Sets the credential of scheme `index` (replacing an earlier one).
    pub fn set(&mut self, index: usize, credential: Credential) {
        self.given.retain(|(i, _)| *i != index);
        self.given.push((index, credential));
    }

    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.given.is_empty()
    }

    /// Uses `url` as the token URL of the OAuth2 scheme `index`, instead of the spec's.
    pub fn token_url(&mut self, index: usize, url: String) {
        self.token_urls.retain(|(i, _)| *i != index);
        self.token_urls.push((index, url));
    }
}

/// What one scheme sends, ready.
enum Ready {
    Header(HeaderName, HeaderValue),
    Query(&'static str, Secret),
    Cookie(&'static str, Secret),
    /// A changing token, in this header (`Bearer ` before it for `Authorization`).
    Source(Arc<Dynamic>),
}

/// A changing credential and where it goes.
pub(crate) struct Dynamic {
    scheme: &'static str,
    header: HeaderName,
    bearer: bool,
    source: Arc<dyn CredentialSource>,
}

impl Dynamic {
    fn value(&self) -> Option<HeaderValue> {
        let token = self.source.current()?;
        if self.bearer {
            sensitive_header(&format!("Bearer {}", token.expose()))
        } else {
            sensitive_header(token.expose())
        }
    }
}

/// The credentials of one client, resolved once at build.
pub(crate) struct Auth {
    schemes: &'static [SecurityScheme],
    /// By scheme index; `None` where the caller gave nothing.
    ready: Vec<Option<Ready>>,
}

/// Why credentials given to a builder cannot be used.
pub(crate) enum AuthBuildError {
    /// The value cannot go in a header (scheme name).
    InvalidHeader(&'static str),
    /// The token URL does not resolve against the base URL.
    InvalidTokenUrl(&'static str),
}

impl Auth {
    pub(crate) fn new(
        schemes: &'static [SecurityScheme],
        given: AuthBuilder,
        base_url: &str,
        http: &reqwest::Client,
        attempt_timeout: Duration,
    ) -> Result<Self, AuthBuildError> {
        let mut ready: Vec<Option<Ready>> = schemes.iter().map(|_| None).collect();
        for (index, credential) in given.given.iter().cloned() {
            let Some(scheme) = schemes.get(index) else {
                continue;
            };
            let invalid = || AuthBuildError::InvalidHeader(scheme.name);
            let value = match (scheme.kind, credential) {
                (SchemeKind::ApiKey { location, name }, Credential::Secret(key)) => {
                    match location {
                        ApiKeyIn::Header => {
                            let header =
                                HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
                            Ready::Header(
                                header,
                                sensitive_header(key.expose()).ok_or_else(invalid)?,
                            )
                        }
                        ApiKeyIn::Query => Ready::Query(name, key),
                        ApiKeyIn::Cookie => {
                            sensitive_header(&format!("{name}={}", key.expose()))
                                .ok_or_else(invalid)?;
                            Ready::Cookie(name, key)
                        }
                    }
                }
                (SchemeKind::Bearer, Credential::Source(source)) => {
                    Ready::Source(Arc::new(Dynamic {
                        scheme: scheme.name,
                        header: AUTHORIZATION,
                        bearer: true,
                        source,
                    }))
                }
                (
                    SchemeKind::ApiKey {
                        location: ApiKeyIn::Header,
                        name,
                    },
                    Credential::Source(source),
                ) => Ready::Source(Arc::new(Dynamic {
                    scheme: scheme.name,
                    header: HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?,
                    bearer: false,
                    source,
                })),
                (SchemeKind::Bearer, Credential::Secret(token)) => Ready::Header(
                    AUTHORIZATION,
                    sensitive_header(&format!("Bearer {}", token.expose())).ok_or_else(invalid)?,
                ),
                (SchemeKind::Basic, Credential::Basic(user, password)) => {
                    Ready::Header(AUTHORIZATION, basic(&user, &password).ok_or_else(invalid)?)
                }
                (
                    SchemeKind::ClientCredentials { token_url, scopes },
                    Credential::Client { id, secret },
                ) => {
                    let url = given
                        .token_urls
                        .iter()
                        .find(|(i, _)| *i == index)
                        .map_or(token_url, |(_, url)| url.as_str());
                    let url = resolve(base_url, url)
                        .ok_or(AuthBuildError::InvalidTokenUrl(scheme.name))?;
                    let client = OAuthClient {
                        url,
                        authorization: basic(&id, &secret).ok_or_else(invalid)?,
                        scopes: scopes.join(" "),
                        http: http.clone(),
                        timeout: attempt_timeout,
                        token: RwLock::new(None),
                        fetching: tokio::sync::Mutex::new(()),
                    };
                    Ready::Source(Arc::new(Dynamic {
                        scheme: scheme.name,
                        header: AUTHORIZATION,
                        bearer: true,
                        source: Arc::new(client),
                    }))
                }
                // The generated setters give each scheme its own kind of credential.
                _ => continue,
            };
            ready[index] = Some(value);
        }
        Ok(Auth { schemes, ready })
    }

    /// What a call of an operation with `requirement` sends: the first alternative whose
    /// every scheme has a credential. An error names the schemes of the first alternative
    /// when none can be met.
    pub(crate) fn resolve(&self, requirement: Requirement) -> Result<Resolved<'_>, InvalidRequest> {
        if requirement.is_empty() {
            return Ok(Resolved::default());
        }
        let met = requirement.iter().find(|alt| {
            alt.iter()
                .all(|&i| self.ready.get(i).is_some_and(Option::is_some))
        });
        let Some(alternative) = met else {
            let missing: Vec<&'static str> = requirement[0]
                .iter()
                .filter(|&&i| self.ready.get(i).is_none_or(Option::is_none))
                .filter_map(|&i| self.schemes.get(i).map(|s| s.name))
                .collect();
            return Err(InvalidRequest::missing_credentials(missing));
        };
        let mut resolved = Resolved::default();
        let mut headers = Vec::new();
        let mut cookies = Vec::new();
        for &i in alternative.iter() {
            match self.ready.get(i).and_then(Option::as_ref) {
                Some(Ready::Header(name, value)) => headers.push((name.clone(), value.clone())),
                Some(Ready::Query(name, key)) => resolved.query.push((name, key)),
                Some(Ready::Cookie(name, key)) => cookies.push(format!("{name}={}", key.expose())),
                Some(Ready::Source(source)) => resolved.source = Some(source),
                None => {}
            }
        }
        if !cookies.is_empty() {
            // Checked at build, one by one; joined they stay valid.
            if let Some(value) = sensitive_header(&cookies.join("; ")) {
                headers.push((COOKIE, value));
            }
        }
        resolved.headers = headers;
        Ok(resolved)
    }
}

/// What one call sends.
#[derive(Default)]
pub(crate) struct Resolved<'a> {
    /// Headers on every attempt.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Query parameters on every attempt.
    pub(crate) query: Vec<(&'static str, &'a Secret)>,
    /// The changing credential sent besides `headers`.
    pub(crate) source: Option<&'a Dynamic>,
}

fn basic(user: &str, password: &Secret) -> Option<HeaderValue> {
    use base64::Engine as _;
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose()));
    sensitive_header(&format!("Basic {encoded}"))
}

/// `url` as an absolute URL: as is, or resolved against `base` (RFC 3986).
fn resolve(base: &str, url: &str) -> Option<reqwest::Url> {
    if let Ok(absolute) = reqwest::Url::parse(url) {
        return Some(absolute);
    }
    reqwest::Url::parse(base).ok()?.join(url).ok()
}

/// How long before its stated expiry a token is fetched again, so none expires in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// An OAuth2 client-credentials token source: one token shared by every call until it
/// expires; concurrent calls wait for one fetch.
pub(crate) struct OAuthClient {
    url: reqwest::Url,
    /// The client id and secret, as HTTP basic (RFC 6749 §2.3.1).
    authorization: HeaderValue,
    scopes: String,
    http: reqwest::Client,
    timeout: Duration,
    token: RwLock<Option<(Secret, Option<Instant>)>>,
    fetching: tokio::sync::Mutex<()>,
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl CredentialSource for OAuthClient {
    /// A token that has not expired.
    fn current(&self) -> Option<Secret> {
        let token = self.token.read().ok()?;
        let (value, expires) = token.as_ref()?;
        match expires {
            Some(at) if Instant::now() >= *at => None,
            _ => Some(value.clone()),
        }
    }

    fn can_renew(&self, _operation_id: &str) -> bool {
        true
    }

    /// Fetches a token unless another call fetched one while this one waited.
    fn renew(&self) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + '_>> {
        let stale = self.current();
        Box::pin(async move {
            let _one_at_a_time = self.fetching.lock().await;
            if let Some(now) = self.current()
                && Some(&now) != stale.as_ref()
            {
                return Ok(());
            }
            self.fetch().await.inspect_err(|why| {
                tracing::warn!("OAuth2 token request failed: {why}");
            })
        })
    }
}

impl OAuthClient {
    async fn fetch(&self) -> Result<(), String> {
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if !self.scopes.is_empty() {
                form.append_pair("scope", &self.scopes);
            }
            form.finish()
        };
        let response = self
            .http
            .post(self.url.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .header(
                reqwest::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            )
            .body(form)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| format!("the token request failed: {}", e.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the token endpoint answered {status}"));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("the token response failed: {}", e.without_url()))?;
        let token: TokenResponse = serde_json::from_slice(&bytes)
            .map_err(|e| format!("the token response does not decode: {e}"))?;
        sensitive_header(&format!("Bearer {}", token.access_token.expose()))
            .ok_or("the token cannot go in a header")?;
        let expires = token
            .expires_in
            .map(|s| Instant::now() + Duration::from_secs(s).saturating_sub(EXPIRY_MARGIN));
        if let Ok(mut slot) = self.token.write() {
            *slot = Some((token.access_token, expires));
        }
        Ok(())
    }
}

/// A call's credentials when one scheme's token changes: the fixed headers plus the current
/// token; renewed before the first attempt when none is held, and once more on a 401.
pub(crate) struct SourceSession<'a> {
    pub(crate) fixed: Vec<(HeaderName, HeaderValue)>,
    pub(crate) dynamic: &'a Dynamic,
    pub(crate) operation_id: &'static str,
}

impl Session for SourceSession<'_> {
    fn headers(&self) -> FixedHeaders {
        let mut headers = self.fixed.clone();
        headers.extend(
            self.dynamic
                .value()
                .map(|t| (self.dynamic.header.clone(), t)),
        );
        FixedHeaders::new(headers)
    }

    fn can_renew(&self) -> bool {
        self.dynamic.source.can_renew(self.operation_id)
    }

    fn needs_login(&self) -> bool {
        self.can_renew() && self.dynamic.source.current().is_none()
    }

    fn renew(&self) -> Renewal<'_> {
        let scheme = self.dynamic.scheme;
        let renewal = self.dynamic.source.renew();
        Box::pin(async move {
            renewal
                .await
                .map_err(|why| InvalidRequest::credential_failed(scheme, &why))
        })
    }
}
