//! Reads and decodes success bodies, for the call loop and for the generated clients (code
//! generation routes their decoding here).

use std::any::TypeId;

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Why a success body gave no value.
pub(crate) enum BodyError {
    /// The body could not be read.
    Read(reqwest::Error),
    /// The body is not the documented JSON; the bytes are kept.
    Decode(Bytes, serde_json::Error),
}

/// Reads the body and decodes it as `T`, moving the response's headers into the value rather
/// than cloning them. `()` (an operation documenting no body) decodes from JSON `null`
/// whatever was sent, as the generated code ignores such a body.
pub(crate) async fn read_json<T: DeserializeOwned + 'static>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, BodyError> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(BodyError::Read)?;
    let json: &[u8] = if TypeId::of::<T>() == TypeId::of::<()>() {
        b"null"
    } else {
        &body
    };
    let inner = serde_json::from_slice(json).map_err(|e| BodyError::Decode(body, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// progenitor's `ResponseValue::from_response`, except that the response's headers are moved
/// into the value rather than cloned: one header map less per call.
pub(crate) async fn decode_json<T: DeserializeOwned + 'static, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    read_json(response).await.map_err(|e| match e {
        BodyError::Read(e) => Error::ResponseBodyError(e),
        BodyError::Decode(body, e) => Error::InvalidResponsePayload(body, e),
    })
}
