//! Error types shared by every operation: the per-operation enums generated from the specs
//! build on the pieces here, and [`Error`] wraps one with what every error can answer.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How much of an unexpected body is kept: enough to diagnose, bounded against huge pages.
pub const RAW_BODY_CAP: usize = 64 * 1024;

/// A response body kept as bytes, capped at [`RAW_BODY_CAP`]. Its `Debug` shows only the
/// length, because bodies can carry personal data.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody {
    bytes: Bytes,
    truncated: bool,
}

impl RawBody {
    /// Keeps up to [`RAW_BODY_CAP`] bytes of `bytes`.
    pub fn capped(bytes: Bytes) -> Self {
        if bytes.len() > RAW_BODY_CAP {
            RawBody {
                bytes: bytes.slice(..RAW_BODY_CAP),
                truncated: true,
            }
        } else {
            RawBody {
                bytes,
                truncated: false,
            }
        }
    }

    /// The bytes kept.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes kept, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Whether the body was longer than the cap.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Number of bytes kept.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether no bytes were received.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RawBody({} bytes{})",
            self.len(),
            if self.truncated { ", truncated" } else { "" }
        )
    }
}

/// A response that was not a documented success, as the generated error enums decode it.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// Status received.
    pub status: StatusCode,
    /// Headers received.
    pub headers: HeaderMap,
    /// Body received (capped).
    pub body: RawBody,
}

impl RawResponse {
    /// Decodes the body as `T`, or says why not, keeping status and body.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, DecodeFailure> {
        serde_json::from_slice(self.body.as_bytes()).map_err(|e| DecodeFailure {
            status: self.status,
            body: self.body.clone(),
            reason: e.to_string(),
        })
    }

    /// Decodes the body as `T` if there is one (ignoring whitespace); `None` if it is empty.
    pub fn decode_optional<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<Option<T>, DecodeFailure> {
        if self.body.as_bytes().iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.decode().map(Some)
    }

    /// This response as an undeclared status.
    pub fn undeclared(&self) -> UndeclaredStatus {
        UndeclaredStatus {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }
}

/// A status the spec does not declare for the operation.
#[derive(Debug, Clone)]
pub struct UndeclaredStatus {
    status: StatusCode,
    headers: HeaderMap,
    body: RawBody,
}

impl UndeclaredStatus {
    /// The status received.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The headers received.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The body received (capped).
    pub fn body(&self) -> &RawBody {
        &self.body
    }
}

impl fmt::Display for UndeclaredStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undeclared status {}", self.status)
    }
}

/// A body that did not decode as the documented type. Status and raw body are kept, so an
/// HTML error page from a gateway still says 500.
#[derive(Debug, Clone)]
pub struct DecodeFailure {
    pub(crate) status: StatusCode,
    pub(crate) body: RawBody,
    pub(crate) reason: String,
}

impl DecodeFailure {
    /// The status received.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The body received (capped).
    pub fn body(&self) -> &RawBody {
        &self.body
    }
    /// Why decoding failed.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The serde message can quote a value from the body; say only where it failed.
        let at = self
            .reason
            .rfind(" at line ")
            .map(|i| &self.reason[i + 1..])
            .unwrap_or("");
        write!(
            f,
            "status {}: the {}-byte body did not decode as documented {at}",
            self.status,
            self.body.len()
        )
    }
}

impl std::error::Error for DecodeFailure {}

/// Which limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Connecting to the server.
    Connect,
    /// One attempt (request sent, response not complete).
    Attempt,
    /// The whole call, across retries.
    Overall,
}

/// No response in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    pub(crate) kind: TimeoutKind,
    pub(crate) after: Duration,
}

impl TimeoutError {
    /// Which limit ran out.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }
    /// The limit.
    pub fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Attempt => "attempt",
            TimeoutKind::Overall => "overall deadline",
        };
        write!(f, "timed out ({what}, {:?})", self.after)
    }
}

/// The request could not be sent, or the connection broke.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) message: String,
    pub(crate) may_have_reached_server: bool,
    pub(crate) source: Option<reqwest::Error>,
}

impl TransportError {
    /// Whether the request may have reached the server before the failure. When false
    /// (for example, the connection was refused) resending is always safe.
    pub fn may_have_reached_server(&self) -> bool {
        self.may_have_reached_server
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// The request could not be built from the arguments (for example, a header value with a
/// newline, or an idempotency key longer than the provider allows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest {
    pub(crate) message: String,
    /// Security schemes the operation needs that the client has no credentials for.
    missing_credentials: Vec<&'static str>,
    /// The security scheme whose credential could not be obtained (a token fetch or login
    /// that failed before the request was sent).
    failed_scheme: Option<&'static str>,
}

impl InvalidRequest {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        InvalidRequest {
            message: message.into(),
            missing_credentials: Vec::new(),
            failed_scheme: None,
        }
    }

    /// The credential of security scheme `scheme` could not be obtained (`why`: the token
    /// endpoint's status, say; never a secret), so the operation was not sent.
    pub(crate) fn credential_failed(scheme: &'static str, why: &str) -> Self {
        InvalidRequest {
            message: format!(
                "the credential of security scheme '{scheme}' could not be obtained ({why}); \
                 nothing was sent"
            ),
            missing_credentials: Vec::new(),
            failed_scheme: Some(scheme),
        }
    }

    /// The security scheme (as the spec names it) whose credential could not be obtained
    /// before sending, such as an OAuth2 token endpoint that answered an error.
    pub fn failed_scheme(&self) -> Option<&'static str> {
        self.failed_scheme
    }

    /// The operation needs credentials of `schemes` (the spec's names), which the client
    /// was not given; nothing was sent.
    pub(crate) fn missing_credentials(schemes: Vec<&'static str>) -> Self {
        let names: Vec<String> = schemes.iter().map(|s| format!("'{s}'")).collect();
        InvalidRequest {
            message: format!(
                "the operation needs credentials for security scheme {} (set it on the \
                 ClientBuilder); nothing was sent",
                names.join(" and ")
            ),
            missing_credentials: schemes,
            failed_scheme: None,
        }
    }

    /// The security schemes (as the spec names them) whose credentials the call needed and
    /// the client lacks; empty unless that is why the call failed.
    pub fn missing_schemes(&self) -> &[&'static str] {
        &self.missing_credentials
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request: {}", self.message)
    }
}

/// What can go wrong outside an operation's documented statuses.
#[derive(Debug)]
pub enum Failure {
    /// A status the spec does not declare.
    Undeclared(UndeclaredStatus),
    /// A body that did not decode.
    Decode(DecodeFailure),
    /// No response in time.
    Timeout(TimeoutError),
    /// Connection or I/O failure.
    Transport(TransportError),
    /// The request could not be built.
    InvalidRequest(InvalidRequest),
}

/// Implemented by each generated per-operation error enum.
pub trait OperationError: fmt::Debug + fmt::Display + Send + Sync + Sized + 'static {
    /// The operationId.
    const OPERATION_ID: &'static str;
    /// Decodes a response whose status is not a documented success.
    fn from_response(response: &RawResponse) -> Self;
    /// Wraps a failure outside the documented statuses.
    fn from_failure(failure: Failure) -> Self;
    /// The HTTP status this error stands for, if the server answered.
    fn status(&self) -> Option<StatusCode>;
}

/// The error of a facade call: the operation's error enum `E` plus what every error answers
/// (status, provider request reference, retry hint, idempotency key, attempts).
///
/// `Display` is one line; it never contains a secret or a body.
pub struct Error<E> {
    kind: E,
    meta: Box<ErrorMeta>,
}

/// What every error carries besides its kind.
#[derive(Debug, Clone, Default)]
pub struct ErrorMeta {
    pub(crate) headers: Option<HeaderMap>,
    pub(crate) request_ref: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) retryable: bool,
}

impl ErrorMeta {
    /// Response headers of the last attempt, if a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.headers.as_ref()
    }
    /// The provider's reference for the failed request (Weavr `request-ref`, Enfuce error `id`).
    pub fn request_ref(&self) -> Option<&str> {
        self.request_ref.as_deref()
    }
    /// How long the provider asked to wait before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// The idempotency key sent with every attempt, if the operation had one.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }
    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<E: OperationError> Error<E> {
    pub(crate) fn new(kind: E, meta: ErrorMeta) -> Self {
        Error {
            kind,
            meta: Box::new(meta),
        }
    }

    /// The operation's error: match on it for the documented statuses.
    pub fn kind(&self) -> &E {
        &self.kind
    }
    /// Takes the operation's error out.
    pub fn into_kind(self) -> E {
        self.kind
    }
    /// Everything else the error carries.
    pub fn meta(&self) -> &ErrorMeta {
        &self.meta
    }
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.kind.status()
    }
    /// The provider's request reference, for support tickets.
    pub fn request_ref(&self) -> Option<&str> {
        self.meta.request_ref()
    }
    /// How long the provider asked to wait (`Retry-After`, Weavr `x-ratelimit-reset`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.meta.retry_after
    }
    /// Whether sending the same call again later may succeed and is safe: the failure is
    /// transient and the request is idempotent or carried an idempotency key.
    pub fn is_retryable(&self) -> bool {
        self.meta.retryable
    }
    /// The idempotency key that was used; resend with it to resume after a crash.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.meta.idempotency_key()
    }
    /// Attempts made before giving up.
    pub fn attempts(&self) -> u32 {
        self.meta.attempts
    }
    /// The operationId.
    pub fn operation_id(&self) -> &'static str {
        E::OPERATION_ID
    }
}

impl<E: OperationError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(r) = &self.meta.request_ref {
            write!(f, " (request-ref {r})")?;
        }
        if self.meta.attempts > 1 {
            write!(f, " after {} attempts", self.meta.attempts)?;
        }
        Ok(())
    }
}

impl<E: OperationError> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("status", &self.kind.status())
            .field("request_ref", &self.meta.request_ref)
            .field("retry_after", &self.meta.retry_after)
            .field("idempotency_key", &self.meta.idempotency_key)
            .field("attempts", &self.meta.attempts)
            .finish()
    }
}

impl<E: OperationError + std::error::Error> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}
