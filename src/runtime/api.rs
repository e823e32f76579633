//! What a generated facade client (`paysdk::apis::<module>::Client`) holds and calls: the
//! transport, the generated request builders, and one function that runs an operation
//! through the call loop. Generated code reaches it as `::paysdk::runtime::ApiClient`, so it
//! compiles in any crate that depends on paysdk.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::config::{BuildError, ClientConfig};
use super::context::{CallCtx, FixedHeaders};
use super::error::{Error, OperationError};
use super::operation::{OperationSpec, ServerTemplate};
use super::orchestrator::{Invocation, ProviderPolicy, Response, Transport};
use super::prepared::Prepared;

/// A boxed call future, as a generated call's `IntoFuture` returns it.
pub type BoxCall<'c, T, E> =
    Pin<Box<dyn Future<Output = Result<Response<T>, Error<E>>> + Send + 'c>>;

/// Header names that make an operation carry an idempotency key when it declares one.
pub const IDEMPOTENCY_HEADERS: [&str; 3] =
    ["idempotency-key", "x-idempotency-key", "idempotency-ref"];

/// The longest caller-given idempotency key sent when the spec states no limit.
pub const DEFAULT_IDEMPOTENCY_KEY_MAX_LEN: usize = 255;

/// How responses of a spec without provider rules are read: `Retry-After`, the standard
/// transient statuses, no request reference.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpecPolicy;

impl ProviderPolicy for SpecPolicy {}

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
}

/// The state a generated facade client shares across calls; `C` is the generated raw
/// client whose `<operation>_request` builders make the requests. Cheap to clone.
pub struct ApiClient<C> {
    inner: Arc<Inner<C>>,
}

struct Inner<C> {
    transport: Transport,
    raw: C,
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
            .field("base_url", &self.inner.transport.base_url)
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
        let transport = Transport::new(api, base_url, config, http, Arc::new(SpecPolicy))?;
        let raw = transport.generated(new);
        Ok(ApiClient {
            inner: Arc::new(Inner { transport, raw }),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.transport.base_url
    }

    /// The generated raw client.
    pub fn raw(&self) -> &C {
        &self.inner.raw
    }

    /// Runs one logical call of `op` through the call loop. `idempotency` names the header
    /// that carries the key when the operation takes one: the caller's key, checked, or a
    /// new one, made here once and sent on every attempt. `build` makes each attempt's
    /// request with a generated builder.
    // The builders' error type is progenitor's.
    #[allow(clippy::result_large_err)]
    pub fn execute<'s, T, E, B>(
        &'s self,
        op: &'static OperationSpec,
        idempotency: Option<&'static str>,
        caller_key: Option<String>,
        build: B,
    ) -> impl Future<Output = Result<Response<T>, Error<E>>> + Send + 's
    where
        T: Send + 'static,
        E: OperationError + Send,
        B: Fn(&C) -> Result<Prepared<T>, progenitor_client::Error<()>> + Send + Sync + 's,
    {
        let mut invocation = Invocation::new(op, FixedHeaders::default());
        if let Some(header) = idempotency {
            invocation = invocation.idempotent(header, DEFAULT_IDEMPOTENCY_KEY_MAX_LEN, caller_key);
        }
        let inner = &*self.inner;
        inner
            .transport
            .execute(invocation, move || build(&inner.raw))
    }
}
