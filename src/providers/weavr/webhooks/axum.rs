//! An axum extractor for verified Weavr deliveries (feature `axum`).
//!
//! ```
//! use axum::{Router, routing::post, http::StatusCode};
//! use paysdk::Secret;
//! use paysdk::weavr::webhooks::{Verifier, VerifiedEvent};
//!
//! async fn receive(VerifiedEvent(delivery): VerifiedEvent) -> StatusCode {
//!     // Verified and decoded; hand it on (queue, database) before answering 200.
//!     println!("{} {:?}", delivery.event.kind(), delivery.meta.call_ref);
//!     StatusCode::OK
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/weavr", post(receive))
//!     .with_state(Verifier::new(Secret::new("api-key")));
//! # let _ = app;
//! ```

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Delivery, Verifier, WebhookError};

/// Largest body read; Weavr's events are a few kilobytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// A delivery that passed [`Verifier::verify_delivery`], taken from the request by a handler.
/// The verifier comes from the router's state (`Verifier: FromRef<S>`).
#[derive(Debug, Clone)]
pub struct VerifiedEvent(pub Delivery);

/// Why the extractor refused a request; as a response, a 4xx the provider will not retry
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

impl<S> FromRequest<S> for VerifiedEvent
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let (parts, body) = req.into_parts();
        let body: Bytes = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| WebhookRejection::Body)?;
        verifier
            .verify_delivery(&parts.headers, &body)
            .map(VerifiedEvent)
            .map_err(WebhookRejection::Verification)
    }
}
