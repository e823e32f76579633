//! Reads and decodes success bodies, for the call loop and for the generated clients (code
//! generation routes their decoding here).

use std::any::TypeId;

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

/// Decodes a success body of the given status; [`Prepared`](super::Prepared) carries one, so
/// the call loop decodes whatever type the operation returns.
pub type Decoder<T> = fn(StatusCode, &Bytes) -> Result<T, serde_json::Error>;

/// A success body that is not one JSON type: the generated success enums (one variant per
/// documented status), [`Bytes`] for binary bodies and `String` for `text/*` ones.
pub trait SuccessBody: Sized {
    /// Decodes the body of a response with `status`.
    fn decode(status: StatusCode, body: &Bytes) -> Result<Self, serde_json::Error>;
}

impl SuccessBody for Bytes {
    fn decode(_: StatusCode, body: &Bytes) -> Result<Self, serde_json::Error> {
        Ok(body.clone())
    }
}

impl SuccessBody for String {
    fn decode(_: StatusCode, body: &Bytes) -> Result<Self, serde_json::Error> {
        text(body)
    }
}

/// A `text/*` body as a string; invalid UTF-8 is a decode error (the bytes are kept by the
/// caller), not silently replaced.
pub fn text(body: &Bytes) -> Result<String, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(serde::de::Error::custom(format_args!(
            "the text body is not UTF-8 (at byte {})",
            e.valid_up_to()
        ))),
    }
}

/// A JSON body as `T`. `()` (an operation documenting no body) decodes from JSON `null`
/// whatever was sent, as the generated code ignores such a body.
pub fn json<T: DeserializeOwned + 'static>(
    _status: StatusCode,
    body: &Bytes,
) -> Result<T, serde_json::Error> {
    let json: &[u8] = if TypeId::of::<T>() == TypeId::of::<()>() {
        b"null"
    } else {
        body
    };
    serde_json::from_slice(json)
}

/// The error a success enum gives for a status it does not document.
pub fn undocumented_status(status: StatusCode) -> serde_json::Error {
    serde::de::Error::custom(format_args!(
        "status {} is not a documented success",
        status.as_u16()
    ))
}

/// Why a success body gave no value.
pub(crate) enum BodyError {
    /// The body could not be read.
    Read(reqwest::Error),
    /// The body is not the documented one; the bytes are kept.
    Decode(Bytes, serde_json::Error),
}

/// Reads the body and decodes it with `decode`, moving the response's headers into the value
/// rather than cloning them.
pub(crate) async fn read_body<T>(
    mut response: reqwest::Response,
    decode: Decoder<T>,
) -> Result<ResponseValue<T>, BodyError> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(BodyError::Read)?;
    let inner = decode(status, &body).map_err(|e| BodyError::Decode(body, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

fn progenitor_error<E>(e: BodyError) -> Error<E> {
    match e {
        BodyError::Read(e) => Error::ResponseBodyError(e),
        BodyError::Decode(body, e) => Error::InvalidResponsePayload(body, e),
    }
}

/// progenitor's `ResponseValue::from_response`, except that the response's headers are moved
/// into the value rather than cloned: one header map less per call.
pub async fn decode_json<T: DeserializeOwned + 'static, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    read_body(response, json::<T>)
        .await
        .map_err(progenitor_error)
}

/// The generated operations' decoding of a [`SuccessBody`] (success enums, bytes, text).
pub async fn decode_success<T: SuccessBody, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    read_body(response, T::decode)
        .await
        .map_err(progenitor_error)
}
