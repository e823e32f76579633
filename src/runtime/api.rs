//! What a generated facade client (`paysdk::apis::<module>::Client`) holds and calls: the
//! transport, the generated request builders, and one function that runs an operation
//! through the call loop. Generated code reaches it as `::paysdk::runtime::ApiClient`, so it
//! compiles in any crate that depends on paysdk.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

use super::auth::{Auth, AuthBuildError, AuthBuilder, Requirement, SecurityScheme, SourceSession};
use super::config::{BuildError, ClientConfig};
use super::context::{CallCtx, FixedHeaders};
use super::error::{Error, ErrorMeta, Failure, OperationError};
use super::operation::{OperationSpec, ServerTemplate};
use super::orchestrator::{
    Ended, Exchange, Invocation, ProviderPolicy, Response, Transport, Typed,
};
use super::prepared::Prepared;
use super::retry::{is_transient_status, retry_after_header};
use super::secret::Secret;

/// A boxed call future, as a generated call's `IntoFuture` returns it.
pub type BoxCall<'c, T, E> =
    Pin<Box<dyn Future<Output = Result<Response<T>, Error<E>>> + Send + 'c>>;

/// Header names that make an operation carry an idempotency key when it declares one.
pub const IDEMPOTENCY_HEADERS: [&str; 3] =
    ["idempotency-key", "x-idempotency-key", "idempotency-ref"];

/// The longest caller-given idempotency key sent when the spec states no limit.
pub const DEFAULT_IDEMPOTENCY_KEY_MAX_LEN: usize = 255;

/// How a spec's responses are read, from its sidecar settings (`specs/<name>.paysdk.yaml`):
/// the request reference (a header, or a field of error bodies), headers read as a retry hint
/// after `Retry-After`, and error responses that are transient beyond 429 and 5xx.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiRules {
    /// The response header with the provider's reference for the request.
    pub request_ref_header: Option<&'static HeaderName>,
    /// The field of a JSON error body with the provider's reference for the request
    /// (property names from the root), read when the header gives none; empty for none.
    pub request_ref_field: &'static [&'static str],
    /// Headers holding seconds to wait, read when there is no `Retry-After`.
    pub retry_after_headers: &'static [&'static str],
    /// Error responses retried like a 503.
    pub transient: &'static [TransientRule],
}

/// An error response that is transient: `status`, and when `field` is not empty, the JSON
/// body's field at that path equal to `equals`.
#[derive(Debug, Clone, Copy)]
pub struct TransientRule {
    /// The status.
    pub status: u16,
    /// Property names from the body's root; empty for every response of `status`.
    pub field: &'static [&'static str],
    /// The field's value.
    pub equals: &'static str,
}

impl ProviderPolicy for ApiRules {
    fn request_ref_header(&self) -> Option<&'static HeaderName> {
        self.request_ref_header
    }

    fn request_ref(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Option<String> {
        let header = self.request_ref_header.and_then(|name| headers.get(name));
        if let Some(value) = header {
            return value.to_str().ok().map(str::to_string);
        }
        if self.request_ref_field.is_empty() || status.is_success() || body.is_empty() {
            return None;
        }
        let body: serde_json::Value = serde_json::from_slice(body).ok()?;
        let at = self
            .request_ref_field
            .iter()
            .try_fold(&body, |v, name| v.get(name))?;
        match at {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        retry_after_header(headers).or_else(|| {
            self.retry_after_headers.iter().find_map(|name| {
                let secs = headers
                    .get(*name)?
                    .to_str()
                    .ok()?
                    .trim()
                    .parse::<u64>()
                    .ok()?;
                Some(Duration::from_secs(secs))
            })
        })
    }

    fn is_transient(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> bool {
        if is_transient_status(status) {
            return true;
        }
        let mut parsed: Option<Option<serde_json::Value>> = None;
        self.transient.iter().any(|rule| {
            if rule.status != status.as_u16() {
                return false;
            }
            if rule.field.is_empty() {
                return true;
            }
            let body = parsed.get_or_insert_with(|| serde_json::from_slice(body).ok());
            let mut at = body.as_ref();
            for name in rule.field {
                at = at.and_then(|v| v.get(name));
            }
            at.and_then(|v| v.as_str()) == Some(rule.equals)
        })
    }
}

/// Where a generated client sends requests, and with what settings; made by a generated
/// `ClientBuilder`.
pub struct ApiSettings {
    /// The API's name, used in errors (the module name).
    pub api: &'static str,
    /// The base URL given by the caller, if any.
    pub base_url: Option<String>,
    /// The spec's servers; the first without variables is the default base URL.
    pub servers: &'static [ServerTemplate],
    /// Timeouts and retries.
    pub config: ClientConfig,
    /// The caller's HTTP client, if any.
    pub http: Option<reqwest::Client>,
    /// The spec's security schemes, which operations' requirements index.
    pub schemes: &'static [SecurityScheme],
    /// The credentials given, by scheme.
    pub auth: AuthBuilder,
    /// How responses are read.
    pub rules: ApiRules,
    /// The longest idempotency key a caller may give.
    pub idempotency_max_len: usize,
}

/// The state a generated facade client shares across calls; `C` is the generated raw
/// client whose `<operation>_request` builders make the requests. Cheap to clone.
pub struct ApiClient<C> {
    inner: Arc<Inner<C>>,
}

struct Inner<C> {
    shared: Shared,
    raw: C,
}

/// What calls need besides the generated client, apart from it so that the call path does
/// not depend on its type.
struct Shared {
    transport: Transport,
    auth: Auth,
    idempotency_max_len: usize,
}

impl<C> Clone for ApiClient<C> {
    fn clone(&self) -> Self {
        ApiClient {
            inner: self.inner.clone(),
        }
    }
}

impl<C> fmt::Debug for ApiClient<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.inner.shared.transport.base_url)
            .finish_non_exhaustive()
    }
}

impl<C: Send + Sync + 'static> ApiClient<C> {
    /// Checks the settings and makes the HTTP client; `new` makes the generated client.
    pub fn new(
        settings: ApiSettings,
        new: fn(&str, reqwest::Client, CallCtx) -> C,
    ) -> Result<Self, BuildError> {
        let ApiSettings {
            api,
            base_url,
            servers,
            config,
            http,
            schemes,
            auth,
            rules,
            idempotency_max_len,
        } = settings;
        let base_url = match base_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => servers
                .iter()
                .find(|s| s.variables.is_empty() && s.url.contains("://"))
                .map(|s| s.url.trim_end_matches('/').to_string())
                .ok_or(BuildError::Missing {
                    provider: api,
                    what: "base URL",
                    hint: "ClientBuilder::base_url; the spec declares no server without variables",
                })?,
        };
        let transport = Transport::new(api, base_url, config, http, Arc::new(rules))?;
        let auth = Auth::new(
            schemes,
            auth,
            &transport.base_url,
            &transport.http,
            transport.config.attempt_timeout,
        )
        .map_err(|e| match e {
            AuthBuildError::InvalidHeader(what) => BuildError::InvalidHeaderValue {
                provider: api,
                what,
            },
            AuthBuildError::InvalidTokenUrl(what) => BuildError::InvalidTokenUrl {
                provider: api,
                scheme: what,
            },
        })?;
        let raw = transport.generated(new);
        Ok(ApiClient {
            inner: Arc::new(Inner {
                shared: Shared {
                    transport,
                    auth,
                    idempotency_max_len,
                },
                raw,
            }),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.shared.transport.base_url
    }

    /// The generated raw client.
    pub fn raw(&self) -> &C {
        &self.inner.raw
    }

    /// Runs one logical call of `op` through the call loop. `security` is the operation's
    /// requirement: the first alternative the client has credentials for is sent on every
    /// attempt, and none met fails before sending. `idempotency` names the header that
    /// carries the key when the operation takes one: the caller's key, checked, or a new
    /// one, made here once and sent on every attempt. `build` makes each attempt's request
    /// with a generated builder.
    // The builders' error type is progenitor's.
    #[allow(clippy::result_large_err)]
    pub fn execute<'s, T, E, B>(
        &'s self,
        op: &'static OperationSpec,
        security: Requirement,
        idempotency: Option<&'static str>,
        caller_key: Option<String>,
        build: B,
    ) -> impl Future<Output = Result<Response<T>, Error<E>>> + Send + 's
    where
        T: Send + 'static,
        E: OperationError + Send,
        B: Fn(&C) -> Result<Prepared<T>, progenitor_client::Error<()>> + Send + Sync + 's,
    {
        let inner = &*self.inner;
        async move {
            let mut exchange = Typed::new(move || build(&inner.raw));
            let call = CallSpec {
                op,
                security,
                idempotency,
                caller_key,
            };
            let ended = inner.shared.call(call, &mut exchange).await;
            exchange.finish(ended)
        }
    }
}

/// What `ApiClient::execute` was given besides the builder.
struct CallSpec {
    op: &'static OperationSpec,
    security: Requirement,
    idempotency: Option<&'static str>,
    caller_key: Option<String>,
}

impl Shared {
    /// The credentials and the idempotency key of a call, then the call loop; not generic,
    /// so it is compiled once for every operation.
    async fn call(&self, call: CallSpec, exchange: &mut dyn Exchange) -> Ended {
        let CallSpec {
            op,
            security,
            idempotency,
            caller_key,
        } = call;
        let resolved = match self.auth.resolve(security) {
            Ok(resolved) => resolved,
            Err(missing) => {
                exchange.fail(Err(Failure::InvalidRequest(missing)));
                return Err(ErrorMeta::default());
            }
        };
        let max_len = self.idempotency_max_len;
        let query = resolved.query;
        fn keyed<'i>(
            mut invocation: Invocation<'i>,
            query: Vec<(&'static str, &'i Secret)>,
            idempotency: Option<&'static str>,
            max_len: usize,
            caller_key: Option<String>,
        ) -> Invocation<'i> {
            invocation.query = query;
            match idempotency {
                Some(header) => invocation.idempotent(header, max_len, caller_key),
                None => invocation,
            }
        }
        match resolved.source {
            None => {
                let headers = FixedHeaders::new(resolved.headers);
                let invocation = keyed(
                    Invocation::new(op, headers),
                    query,
                    idempotency,
                    max_len,
                    caller_key,
                );
                self.transport.exchange(invocation, exchange).await
            }
            Some(dynamic) => {
                let session = SourceSession {
                    fixed: resolved.headers,
                    dynamic,
                    operation_id: op.operation_id,
                };
                let invocation = keyed(
                    Invocation::in_session(op, &session),
                    query,
                    idempotency,
                    max_len,
                    caller_key,
                );
                self.transport.exchange(invocation, exchange).await
            }
        }
    }
}
