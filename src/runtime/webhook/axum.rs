//! What every axum extractor of verified deliveries shares (feature `axum`): reading the
//! body with a limit, and the rejection answered when verification fails.

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::WebhookError;

/// Largest body read; providers' events are a few kilobytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// Why an extractor refused a request; as a response, a 4xx the provider will not retry
/// (authentication failed), or a 500 it will retry (authentic, but not decodable by this
/// version, so not handed on).
#[derive(Debug)]
pub enum WebhookRejection {
    /// The body could not be read (too large, or the connection failed).
    Body,
    /// Verification failed.
    Verification(WebhookError),
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            WebhookRejection::Body => {
                (StatusCode::PAYLOAD_TOO_LARGE, "webhook body not readable").into_response()
            }
            WebhookRejection::Verification(e) if e.is_unauthenticated() => {
                (StatusCode::UNAUTHORIZED, e.to_string()).into_response()
            }
            WebhookRejection::Verification(e) => {
                (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
            }
        }
    }
}

/// Reads `req`'s body (up to [`MAX_BODY`]) and hands headers and body to `verify`.
pub async fn verified<T>(
    req: Request,
    verify: impl FnOnce(&HeaderMap, &[u8]) -> Result<T, WebhookError>,
) -> Result<T, WebhookRejection> {
    let (parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| WebhookRejection::Body)?;
    verify(&parts.headers, &body).map_err(WebhookRejection::Verification)
}
