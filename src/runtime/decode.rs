//! Decodes success bodies for the generated clients (code generation routes them here).

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// progenitor's `ResponseValue::from_response`, except that the response's headers are moved
/// into the value rather than cloned: one header map less per call.
pub(crate) async fn decode_json<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&body).map_err(|e| Error::InvalidResponsePayload(body, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}
