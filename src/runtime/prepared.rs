//! A request built by a generated `<operation>_request` builder, typed by the body its
//! operation returns on success, so the call loop decodes the right type.

use std::fmt;
use std::marker::PhantomData;

/// A request ready to send, whose operation returns a `T` on success. Made by the generated
/// `<operation>_request` builders; [`Prepared::into_inner`] gives the `reqwest::Request`.
pub struct Prepared<T> {
    request: reqwest::Request,
    body: PhantomData<fn() -> T>,
}

impl<T> Prepared<T> {
    /// Wraps a request of an operation returning `T`.
    pub fn new(request: reqwest::Request) -> Self {
        Prepared {
            request,
            body: PhantomData,
        }
    }

    /// The request, to change or send.
    pub fn into_inner(self) -> reqwest::Request {
        self.request
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
