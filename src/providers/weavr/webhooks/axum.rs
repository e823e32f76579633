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

use axum::extract::{FromRef, FromRequest, Request};

pub use crate::runtime::webhook::axum::{MAX_BODY, WebhookRejection};

use super::{Delivery, Verifier};

/// A delivery that passed [`Verifier::verify_delivery`], taken from the request by a handler.
/// The verifier comes from the router's state (`Verifier: FromRef<S>`).
#[derive(Debug, Clone)]
pub struct VerifiedEvent(pub Delivery);

impl<S> FromRequest<S> for VerifiedEvent
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let verify = |headers: &_, body: &_| verifier.verify_delivery(headers, body);
        crate::runtime::webhook::axum::verified(req, verify)
            .await
            .map(VerifiedEvent)
    }
}
