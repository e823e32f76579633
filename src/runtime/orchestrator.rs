//! The call loop: build one attempt's request with a generated builder, send it, classify
//! what came back, and either return, or wait and resend with the same idempotency key.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::{Instant, Sleep};
use tracing::Instrument;
use tracing::instrument::Instrumented;

use super::config::{BuildError, ClientConfig};
use super::context::{CallCtx, FixedHeaders};
use super::decode::Decoder;
use super::error::{
    DecodeFailure, Error, ErrorMeta, Failure, InvalidRequest, OperationError, RawBody, RawResponse,
    TimeoutError, TimeoutKind, TransportError,
};
use super::idempotency::IdempotencyKey;
use super::operation::OperationSpec;
use super::prepared::Prepared;
use super::retry::{is_transient_status, retry_after_header};
use super::secret::Secret;
use super::session::Session;

/// What differs between providers in how responses are read. Small and stateless; each
/// provider module implements it once.
pub trait ProviderPolicy: Send + Sync + 'static {
    /// The header carrying the provider's reference for a request, if it sends one. On a
    /// success it is read only when the caller asks, so a success costs no lookup.
    fn request_ref_header(&self) -> Option<&'static HeaderName> {
        None
    }

    /// The provider's reference for a request, from an error response. By default, the
    /// [`request_ref_header`](Self::request_ref_header).
    fn request_ref(
        &self,
        _status: StatusCode,
        headers: &HeaderMap,
        _body: &[u8],
    ) -> Option<String> {
        let value = headers.get(self.request_ref_header()?)?;
        value.to_str().ok().map(str::to_string)
    }

    /// How long the provider asks to wait before retrying.
    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        retry_after_header(headers)
    }

    /// Whether an error response is transient (may succeed if resent). Whether resending is
    /// *safe* is decided separately, from the method and the idempotency key.
    fn is_transient(&self, status: StatusCode, _headers: &HeaderMap, _body: &[u8]) -> bool {
        is_transient_status(status)
    }
}

/// A successful call: the decoded body plus what the caller may need to keep.
pub struct Response<T> {
    // progenitor's value: it holds the status and headers with the body. Boxed once, so the
    // call loop moves a pointer rather than the decoded body.
    value: Box<ResponseValue<T>>,
    idempotency_key: Option<String>,
    request_ref_header: Option<&'static HeaderName>,
    attempts: u32,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.value
    }
    /// The status received.
    pub fn status(&self) -> StatusCode {
        self.value.status()
    }
    /// The headers received.
    pub fn headers(&self) -> &HeaderMap {
        self.value.headers()
    }
    /// The idempotency key sent (the same on every attempt), if the operation had one.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }
    /// The provider's reference for the request, when it sends one on success.
    pub fn request_ref(&self) -> Option<&str> {
        self.headers().get(self.request_ref_header?)?.to_str().ok()
    }
    /// Attempts it took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Clone> Clone for Response<T> {
    fn clone(&self) -> Self {
        Response {
            value: Box::new(ResponseValue::new(
                self.value.as_ref().as_ref().clone(),
                self.value.status(),
                self.value.headers().clone(),
            )),
            idempotency_key: self.idempotency_key.clone(),
            request_ref_header: self.request_ref_header,
            attempts: self.attempts,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("body", self.body())
            .field("status", &self.status())
            .field("headers", self.headers())
            .field("idempotency_key", &self.idempotency_key)
            .field("request_ref", &self.request_ref())
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// Everything a provider client shares across calls. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Arc<str>,
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) policy: Arc<dyn ProviderPolicy>,
}

impl Transport {
    /// Checks the base URL and makes the HTTP client (unless the caller brought one).
    pub(crate) fn new(
        provider: &'static str,
        base_url: String,
        config: ClientConfig,
        http: Option<reqwest::Client>,
        policy: Arc<dyn ProviderPolicy>,
    ) -> Result<Self, BuildError> {
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(BuildError::InvalidBaseUrl {
                provider,
                url: base_url,
            });
        }
        let http = match http {
            Some(http) => http,
            None => config
                .http_client()
                .map_err(|source| BuildError::Http { provider, source })?,
        };
        Ok(Transport {
            http,
            base_url: base_url.into(),
            config: Arc::new(config),
            policy,
        })
    }

    /// A generated client for this transport's base URL and HTTP client, made once per
    /// provider client: calls use its request builders.
    pub(crate) fn generated<C>(&self, new: fn(&str, reqwest::Client, CallCtx) -> C) -> C {
        new(&self.base_url, self.http.clone(), CallCtx::default())
    }
}

/// Where a call's credential headers come from.
pub(crate) enum Credentials<'s> {
    /// The same headers on every attempt.
    Fixed(FixedHeaders),
    /// A user session: its current headers, renewed by logging in again on a 401.
    Session(&'s dyn Session),
}

/// One logical call.
pub(crate) struct Invocation<'s> {
    pub(crate) op: &'static OperationSpec,
    /// Credentials for every attempt.
    pub(crate) credentials: Credentials<'s>,
    /// Credentials added to the query of every attempt.
    pub(crate) query: Vec<(&'static str, &'s Secret)>,
    /// The idempotency header and key, if the operation gets one.
    pub(crate) idempotency: Option<(HeaderName, IdempotencyKey)>,
    /// Set when the request cannot be built (a caller's key the provider would reject).
    pub(crate) invalid: Option<InvalidRequest>,
}

impl<'s> Invocation<'s> {
    /// A call of `op` sending `headers` on every attempt.
    pub(crate) fn new(op: &'static OperationSpec, headers: FixedHeaders) -> Self {
        Self::with(op, Credentials::Fixed(headers))
    }

    /// A call of `op` acting for the user of `session`.
    pub(crate) fn in_session(op: &'static OperationSpec, session: &'s dyn Session) -> Self {
        Self::with(op, Credentials::Session(session))
    }

    fn with(op: &'static OperationSpec, credentials: Credentials<'s>) -> Self {
        Invocation {
            op,
            credentials,
            query: Vec::new(),
            idempotency: None,
            invalid: None,
        }
    }

    /// Sends an idempotency key in `header`: the caller's, checked against `max_len`, or a
    /// new UUID v4. Made once here, it is reused by every attempt.
    pub(crate) fn idempotent(
        mut self,
        header: &'static str,
        max_len: usize,
        caller_key: Option<String>,
    ) -> Self {
        let key = match caller_key {
            Some(k) => IdempotencyKey::parse(k, max_len),
            None => Ok(IdempotencyKey::generate()),
        };
        match key {
            Ok(k) => self.idempotency = Some((HeaderName::from_static(header), k)),
            Err(e) => self.invalid = Some(e),
        }
        self
    }
}

/// What of a call depends on its operation's types: the generated builder, the success
/// type and the error enum. The call loop reaches them through this trait, so it is
/// compiled once rather than once per operation.
pub(crate) trait Exchange: Send {
    /// Makes one attempt's request, keeping how its success body decodes.
    // The builders' error type is progenitor's.
    #[allow(clippy::result_large_err)]
    fn request(&mut self) -> Result<reqwest::Request, progenitor_client::Error<()>>;
    /// Decodes a success body and keeps the value.
    fn decode(&mut self, status: StatusCode, body: &Bytes) -> Result<(), serde_json::Error>;
    /// Makes the operation's error from an error response or a failure and keeps it;
    /// returns its status.
    fn fail(&mut self, outcome: Result<&RawResponse, Failure>) -> Option<StatusCode>;
    /// Writes the error kept, for the log.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// How a call ended; the value or the error itself is kept by its [`Exchange`].
pub(crate) type Ended = Result<Success, ErrorMeta>;

/// A success, but for its decoded body.
pub(crate) struct Success {
    status: StatusCode,
    headers: HeaderMap,
    idempotency_key: Option<String>,
    request_ref_header: Option<&'static HeaderName>,
    attempts: u32,
}

/// The [`Exchange`] of an operation: `build` makes its requests, whose success bodies are
/// `T`, and its errors are `E`.
pub(crate) struct Typed<T, E, B> {
    build: B,
    decoder: Option<Decoder<T>>,
    value: Option<T>,
    error: Option<E>,
}

impl<T, E, B> Typed<T, E, B>
where
    T: Send + 'static,
    E: OperationError,
    B: Fn() -> Result<Prepared<T>, progenitor_client::Error<()>> + Send,
{
    pub(crate) fn new(build: B) -> Self {
        Typed {
            build,
            decoder: None,
            value: None,
            error: None,
        }
    }

    /// The call's result from how it ended.
    pub(crate) fn finish(self, ended: Ended) -> Result<Response<T>, Error<E>> {
        let Typed { value, error, .. } = self;
        // The loop keeps a value before a success and an error before a failure.
        let kind = match ended {
            Ok(s) => match value {
                Some(value) => return Ok(s.with(value)),
                None => E::from_failure(lost()),
            },
            Err(meta) => match error {
                Some(kind) => return Err(Error::new(kind, meta)),
                None => E::from_failure(lost()),
            },
        };
        Err(Error::new(kind, ErrorMeta::default()))
    }
}

impl Success {
    fn with<T>(self, value: T) -> Response<T> {
        Response {
            value: Box::new(ResponseValue::new(value, self.status, self.headers)),
            idempotency_key: self.idempotency_key,
            request_ref_header: self.request_ref_header,
            attempts: self.attempts,
        }
    }
}

/// What a call that ended without a result gives (the loop never does so).
fn lost() -> Failure {
    Failure::InvalidRequest(InvalidRequest::new("the call ended without a result"))
}

impl<T, E, B> Exchange for Typed<T, E, B>
where
    T: Send + 'static,
    E: OperationError,
    B: Fn() -> Result<Prepared<T>, progenitor_client::Error<()>> + Send,
{
    fn request(&mut self) -> Result<reqwest::Request, progenitor_client::Error<()>> {
        let (request, decoder) = (self.build)()?.into_parts();
        self.decoder = Some(decoder);
        Ok(request)
    }

    fn decode(&mut self, status: StatusCode, body: &Bytes) -> Result<(), serde_json::Error> {
        let Some(decode) = self.decoder else {
            return Err(serde::de::Error::custom("no request was built"));
        };
        self.value = Some(decode(status, body)?);
        Ok(())
    }

    fn fail(&mut self, outcome: Result<&RawResponse, Failure>) -> Option<StatusCode> {
        let kind = match outcome {
            Ok(raw) => E::from_response(raw),
            Err(failure) => E::from_failure(failure),
        };
        self.error.insert(kind).status()
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(kind) => fmt::Display::fmt(kind, f),
            None => Ok(()),
        }
    }
}

/// The error an [`Exchange`] keeps, as the log shows it.
struct Described<'e>(&'e dyn Exchange);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.describe(f)
    }
}

/// How an attempt ended, before it is turned into a result.
enum Attempt {
    /// The body is decoded and kept by the exchange.
    Success(StatusCode, HeaderMap),
    Response(RawResponse),
    Failed(Failure),
}

impl Transport {
    /// Runs a call of a generated builder through the call loop, for the fixture clients'
    /// tests.
    #[cfg(test)]
    pub(crate) async fn execute<T, E, B>(
        &self,
        invocation: Invocation<'_>,
        build: B,
    ) -> Result<Response<T>, Error<E>>
    where
        T: Send + 'static,
        E: OperationError,
        B: Fn() -> Result<Prepared<T>, progenitor_client::Error<()>> + Send,
    {
        let mut exchange = Typed::new(build);
        let ended = self.exchange(invocation, &mut exchange).await;
        exchange.finish(ended)
    }

    /// Runs a call. `exchange` makes the request of one attempt (with a generated
    /// `<operation>_request` builder); the loop adds the credentials and the idempotency key,
    /// sends it, and has `exchange` decode the success body or make the error.
    ///
    /// Not an `async fn`: the call's future is `run`'s own, wrapped in its span only when a
    /// subscriber listens, so no layer is added around it.
    pub(crate) fn exchange<'a>(
        &'a self,
        invocation: Invocation<'a>,
        exchange: &'a mut dyn Exchange,
    ) -> impl Future<Output = Ended> + Send + 'a {
        let key = invocation
            .idempotency
            .as_ref()
            .map(|(_, k)| k.as_str().to_string());
        let span = tracing::info_span!(
            "paysdk.call",
            operation = invocation.op.operation_id,
            idempotency_key = key.as_deref().unwrap_or(""),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        // Entering a disabled span on every poll still costs; skip it when nobody listens.
        if span.is_disabled() {
            Traced::Plain {
                future: self.run(invocation, exchange, key, span),
            }
        } else {
            let future = self.run(invocation, exchange, key, span.clone());
            Traced::Instrumented {
                future: future.instrument(span),
            }
        }
    }

    async fn run(
        &self,
        invocation: Invocation<'_>,
        exchange: &mut dyn Exchange,
        mut key: Option<String>,
        span: tracing::Span,
    ) -> Ended {
        let config = &self.config;
        let op = invocation.op;
        let started = Instant::now();
        let deadline = started + config.overall_timeout;
        let safe_to_resend = op.is_idempotent_method() || invocation.idempotency.is_some();

        if let Some(invalid) = invocation.invalid {
            exchange.fail(Err(Failure::InvalidRequest(invalid)));
            return Err(ErrorMeta::default());
        }
        let idempotency_header = match &invocation.idempotency {
            None => None,
            Some((name, key)) => match HeaderValue::from_str(key.as_str()) {
                Ok(value) => Some((name.clone(), value)),
                Err(_) => {
                    let failure = Failure::InvalidRequest(InvalidRequest::new(
                        "the idempotency key is not a valid header value",
                    ));
                    exchange.fail(Err(failure));
                    return Err(meta(key.as_str(), 0));
                }
            },
        };
        let query = invocation.query;
        let (mut credentials, session) = match invocation.credentials {
            Credentials::Fixed(headers) => (headers, None),
            Credentials::Session(session) => {
                if session.needs_login()
                    && let Err(failed) = session.renew().await
                {
                    // Without its credential the call would only be refused: not sent.
                    exchange.fail(Err(Failure::InvalidRequest(failed)));
                    return Err(ErrorMeta::default());
                }
                (session.headers(), Some(session))
            }
        };
        let mut renewed = false;

        let mut attempt = 0u32;
        loop {
            attempt += 1;
            record(&span, "attempt", attempt);
            // One clock read per attempt: the attempt ends at its own limit or the call's.
            let now = Instant::now();
            let attempt_deadline = deadline.min(now + config.attempt_timeout);
            let limit = attempt_deadline.saturating_duration_since(now);
            let timed_out = || {
                let kind = if limit < config.attempt_timeout {
                    TimeoutKind::Overall
                } else {
                    TimeoutKind::Attempt
                };
                Attempt::Failed(Failure::Timeout(TimeoutError { kind, after: limit }))
            };
            let outcome = match exchange.request() {
                Ok(mut request) => {
                    if !query.is_empty() {
                        request
                            .url_mut()
                            .query_pairs_mut()
                            .extend_pairs(query.iter().map(|(name, key)| (*name, key.expose())));
                    }
                    let headers = request.headers_mut();
                    for (name, value) in credentials.iter() {
                        headers.append(name.clone(), value.clone());
                    }
                    // Replaces what a builder put in a required idempotency header.
                    if let Some((name, value)) = &idempotency_header {
                        headers.insert(name.clone(), value.clone());
                    }
                    // One timer per attempt, for the response head and then its body.
                    let mut timer = pin!(tokio::time::sleep_until(attempt_deadline));
                    let sent = Within::new(self.http.execute(request), timer.as_mut()).await;
                    match sent {
                        None => timed_out(),
                        Some(Err(e)) => {
                            let reached = !e.is_connect();
                            Attempt::Failed(transport_failure(e, reached))
                        }
                        Some(Ok(response)) if is_success(op, response.status()) => {
                            let read = read_success(response, &mut *exchange);
                            Within::new(read, timer.as_mut())
                                .await
                                .unwrap_or_else(timed_out)
                        }
                        Some(Ok(response)) => {
                            let read = Within::new(read_error_response(response), timer.as_mut());
                            read.await.unwrap_or_else(timed_out)
                        }
                    }
                }
                Err(error) => Attempt::Failed(build_failure(error)),
            };

            // Decided before waiting, so nothing of this attempt is kept across the wait.
            let settled = self.settle(
                outcome,
                &mut *exchange,
                attempt,
                &mut key,
                safe_to_resend,
                deadline,
                &span,
            );
            let meta = match settled {
                Settled::Retry(wait) => {
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Settled::Failed(meta, Some(StatusCode::UNAUTHORIZED)) => meta,
                Settled::Failed(meta, _) => return Err(meta),
                Settled::Done(success) => return Ok(success),
            };
            // A 401 in a session: the token may have expired. Log in once more and resend,
            // with the same idempotency key, so it stays the same logical call.
            match session {
                Some(session) if !renewed && session.can_renew() => {
                    renewed = true;
                    tracing::debug!(operation = op.operation_id, "401: logging in again once");
                    if session.renew().await.is_err() {
                        return Err(meta);
                    }
                    credentials = session.headers();
                }
                _ => return Err(meta),
            }
        }
    }

    /// What an attempt's outcome means for the call: its result, or a wait before resending.
    #[allow(clippy::too_many_arguments)]
    fn settle(
        &self,
        outcome: Attempt,
        exchange: &mut dyn Exchange,
        attempt: u32,
        key: &mut Option<String>,
        safe_to_resend: bool,
        deadline: Instant,
        span: &tracing::Span,
    ) -> Settled {
        let config = &self.config;
        let (meta, failure_or_response) = match outcome {
            Attempt::Success(status, headers) => {
                record(span, "status", status.as_u16());
                return Settled::Done(Success {
                    status,
                    headers,
                    idempotency_key: key.take(),
                    request_ref_header: self.policy.request_ref_header(),
                    attempts: attempt,
                });
            }
            Attempt::Response(raw) => {
                record(span, "status", raw.status.as_u16());
                let transient =
                    self.policy
                        .is_transient(raw.status, &raw.headers, raw.body.as_bytes());
                let meta = ErrorMeta {
                    request_ref: self.policy.request_ref(
                        raw.status,
                        &raw.headers,
                        raw.body.as_bytes(),
                    ),
                    retry_after: self.policy.retry_after(&raw.headers),
                    headers: Some(raw.headers.clone()),
                    idempotency_key: key.clone(),
                    attempts: attempt,
                    retryable: transient && safe_to_resend,
                };
                (meta, Ok(raw))
            }
            Attempt::Failed(failure) => {
                let retryable = match &failure {
                    Failure::Transport(t) => !t.may_have_reached_server || safe_to_resend,
                    Failure::Timeout(t) => t.kind == TimeoutKind::Connect || safe_to_resend,
                    Failure::Undeclared(_) | Failure::Decode(_) | Failure::InvalidRequest(_) => {
                        false
                    }
                };
                let meta = ErrorMeta {
                    idempotency_key: key.clone(),
                    attempts: attempt,
                    retryable,
                    ..ErrorMeta::default()
                };
                (meta, Err(failure))
            }
        };

        let wait = if meta.retryable && attempt < config.retry.max_attempts {
            let backoff = config.retry.backoff_for(attempt);
            match meta.retry_after {
                Some(hint) if hint > config.retry.max_retry_after => None,
                Some(hint) => Some(hint.max(backoff)),
                None => Some(backoff),
            }
        } else {
            None
        };
        match wait {
            Some(wait) if Instant::now() + wait < deadline => Settled::Retry(wait),
            _ => {
                let status = match failure_or_response {
                    Ok(raw) => exchange.fail(Ok(&raw)),
                    Err(failure) => exchange.fail(Err(failure)),
                };
                tracing::debug!(attempt, "call failed: {}", Described(exchange));
                Settled::Failed(meta, status)
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// A call's future, inside its span only when a subscriber listens.
    #[project = TracedProjection]
    enum Traced<F> {
        Plain { #[pin] future: F },
        Instrumented { #[pin] future: Instrumented<F> },
    }
}

impl<F: Future> Future for Traced<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.project() {
            TracedProjection::Plain { future } => future.poll(cx),
            TracedProjection::Instrumented { future } => future.poll(cx),
        }
    }
}

/// What the call loop does after an attempt.
enum Settled {
    Done(Success),
    Failed(ErrorMeta, Option<StatusCode>),
    Retry(Duration),
}

/// Records a field of the call's span; looking the field up costs even when nobody listens.
fn record(span: &tracing::Span, field: &str, value: impl tracing::Value) {
    if !span.is_disabled() {
        span.record(field, value);
    }
}

fn meta(key: &str, attempts: u32) -> ErrorMeta {
    ErrorMeta {
        idempotency_key: Some(key.to_string()),
        attempts,
        ..ErrorMeta::default()
    }
}

/// Reads the body of an error status (the only outcome of an attempt that needs more I/O).
async fn read_error_response(response: reqwest::Response) -> Attempt {
    let status = response.status();
    let headers = response.headers().clone();
    match response.bytes().await {
        Ok(bytes) => Attempt::Response(RawResponse {
            status,
            headers,
            body: RawBody::capped(bytes),
        }),
        Err(e) => Attempt::Failed(transport_failure(e, true)),
    }
}

/// Whether `status` is a success the operation documents. A spec whose successes are only
/// ranges lists no code; then any 2xx is one.
fn is_success(op: &OperationSpec, status: StatusCode) -> bool {
    if op.success_statuses.is_empty() {
        status.is_success()
    } else {
        op.success_statuses.contains(&status.as_u16())
    }
}

/// Reads a success body and has `exchange` decode it; one that does not decode keeps its
/// status. The headers are moved into the result rather than cloned.
async fn read_success(mut response: reqwest::Response, exchange: &mut dyn Exchange) -> Attempt {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) => return Attempt::Failed(transport_failure(e, true)),
    };
    match exchange.decode(status, &body) {
        Ok(()) => Attempt::Success(status, headers),
        Err(e) => Attempt::Failed(Failure::Decode(DecodeFailure {
            status,
            body: RawBody::capped(body),
            reason: e.to_string(),
        })),
    }
}

/// Why a generated builder could not make the request (a value that cannot go in a header
/// or URL). Every attempt would fail the same way, so it is never retried.
fn build_failure(error: progenitor_client::Error<()>) -> Failure {
    let reason = match error {
        progenitor_client::Error::InvalidRequest(message)
        | progenitor_client::Error::Custom(message) => message,
        // reqwest's Display includes the URL, and with it query parameters; keep the cause.
        progenitor_client::Error::CommunicationError(e) => match std::error::Error::source(&e) {
            Some(cause) => format!("the request could not be built: {cause}"),
            None => "the request could not be built".to_string(),
        },
        other => format!("the request could not be built: {other}"),
    };
    Failure::InvalidRequest(InvalidRequest::new(reason))
}

pin_project_lite::pin_project! {
    /// `future`'s output, or `None` once the attempt's timer fires first. One timer serves
    /// every phase of an attempt, so it is registered once.
    struct Within<'t, F> {
        #[pin]
        future: F,
        timer: Pin<&'t mut Sleep>,
    }
}

impl<'t, F> Within<'t, F> {
    fn new(future: F, timer: Pin<&'t mut Sleep>) -> Self {
        Within { future, timer }
    }
}

impl<F: Future> Future for Within<'_, F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Some(output));
        }
        this.timer.as_mut().poll(cx).map(|()| None)
    }
}

fn transport_failure(e: reqwest::Error, may_have_reached_server: bool) -> Failure {
    if e.is_timeout() {
        let kind = if e.is_connect() {
            TimeoutKind::Connect
        } else {
            TimeoutKind::Attempt
        };
        return Failure::Timeout(TimeoutError {
            kind,
            after: Duration::ZERO,
        });
    }
    // reqwest's Display includes the URL, and with it query parameters such as auditUser;
    // keep the kind of failure only.
    let what = if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the connection failed while reading the response"
    } else if e.is_request() {
        "the connection failed while sending the request"
    } else {
        "the connection failed"
    };
    let cause = std::error::Error::source(&e)
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    Failure::Transport(TransportError {
        message: format!("{what}{cause}"),
        may_have_reached_server,
        source: Some(e.without_url()),
    })
}
