//! A request built by a generated `<operation>_request` builder, typed by the body its
//! operation returns on success, so the call loop decodes the right type.

use std::fmt;

use serde::de::DeserializeOwned;

use super::decode::{Decoder, SuccessBody, json};

/// A request ready to send, whose operation returns a `T` on success. Made by the generated
/// `<operation>_request` builders; [`Prepared::into_inner`] gives the `reqwest::Request`.
pub struct Prepared<T> {
    request: reqwest::Request,
    decode: Decoder<T>,
}

impl<T: DeserializeOwned + 'static> Prepared<T> {
    /// Wraps a request of an operation whose success body is JSON typed `T`.
    pub fn new(request: reqwest::Request) -> Self {
        Prepared {
            request,
            decode: json::<T>,
        }
    }
}

impl<T: SuccessBody> Prepared<T> {
    /// Wraps a request of an operation whose success is decoded by status (a success enum) or
    /// is not JSON (`Bytes`, `String`).
    pub fn decoded(request: reqwest::Request) -> Self {
        Prepared {
            request,
            decode: T::decode,
        }
    }
}

impl<T> Prepared<T> {
    /// The request, to change or send.
    pub fn into_inner(self) -> reqwest::Request {
        self.request
    }

    /// The same request sent to `url` (a next-page link).
    #[doc(hidden)]
    pub fn with_url(mut self, url: reqwest::Url) -> Self {
        *self.request.url_mut() = url;
        self
    }

    /// The request and how its success body is decoded.
    pub(crate) fn into_parts(self) -> (reqwest::Request, Decoder<T>) {
        (self.request, self.decode)
    }
}

impl<T> fmt::Debug for Prepared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Method and path only: headers carry credentials, the query may carry user data.
        f.debug_struct("Prepared")
            .field("method", self.request.method())
            .field("path", &self.request.url().path())
            .finish_non_exhaustive()
    }
}
