//! What serves every API: errors, the call loop, retries, idempotency keys, secrets and the
//! hooks the generated clients call. Nothing here knows a provider.

mod api;
pub mod auth;
mod call;
mod config;
mod context;
mod decode;
mod error;
pub mod form;
mod idempotency;
pub mod lenient;
pub mod multipart;
mod operation;
mod orchestrator;
mod paginate;
mod path;
mod prepared;
mod query;
mod retry;
mod secret;
mod session;
pub mod webhook;

// Used by the generated facades (`paysdk::apis`).
#[doc(hidden)]
pub use api::{
    ApiClient, ApiRules, ApiSettings, BoxCall, DEFAULT_IDEMPOTENCY_KEY_MAX_LEN,
    IDEMPOTENCY_HEADERS, TransientRule,
};
pub use call::Call;
pub use config::{BuildError, ClientConfig};
pub use context::CallCtx;
// The fixture clients' tests drive the call loop directly.
#[cfg(test)]
pub(crate) use context::FixedHeaders;
pub use decode::{Decoder, SuccessBody};
#[cfg(test)]
pub(crate) use orchestrator::{Invocation, Transport};
// Used by generated operations and success enums.
#[doc(hidden)]
pub use decode::{decode_json, decode_success, text as text_body, undocumented_status};
pub use error::{
    DecodeFailure, Error, ErrorMeta, Failure, InvalidRequest, OperationError, RAW_BODY_CAP,
    RawBody, RawResponse, TimeoutError, TimeoutKind, TransportError, UndeclaredStatus,
};
#[doc(hidden)]
pub use form::form_body;
pub use idempotency::IdempotencyKey;
#[doc(hidden)]
pub use multipart::multipart_body;
pub use operation::{OperationSpec, ServerTemplate};
pub use orchestrator::{ProviderPolicy, Response};
pub use paginate::{CursorFrom, Items, PageNumber, PageRequest, PageStyle, Pages};
#[doc(hidden)]
pub use path::PathParam;
pub use prepared::Prepared;
pub use query::{QueryStyle, append_query};
pub use retry::{RetryConfig, is_transient_status, retry_after_header};
pub use secret::Secret;
pub(crate) use secret::sensitive_header;
pub use session::LoginSession;
