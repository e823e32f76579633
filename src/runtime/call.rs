//! A pending facade call: set per-call options, then `.await` it.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use super::error::Error;
use super::orchestrator::Response;

type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;
/// Runs a call with its options.
type Runner<'c, T, E> =
    Box<dyn FnOnce(CallOptions) -> BoxFuture<'c, Result<Response<T>, Error<E>>> + Send + 'c>;

/// Options of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub(crate) idempotency_key: Option<String>,
}

/// A call to one operation, not yet sent. `.await` sends it; before that,
/// [`Call::idempotency_key`] can set the key (otherwise one is generated for operations that
/// take one).
///
/// ```no_run
/// # async fn demo(weavr: paysdk::weavr::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let account = weavr
///     .unlink_linked_account("652d25b73541d8084a88a38d")
///     .idempotency_key("order-7-unlink")
///     .await?;
/// println!("{:?} after {} attempt(s)", account.status, account.attempts());
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'c, T, E> {
    run: Runner<'c, T, E>,
    options: CallOptions,
}

impl<'c, T, E> Call<'c, T, E> {
    pub(crate) fn new<F, Fut>(run: F) -> Self
    where
        F: FnOnce(CallOptions) -> Fut + Send + 'c,
        Fut: Future<Output = Result<Response<T>, Error<E>>> + Send + 'c,
    {
        Call {
            run: Box::new(move |options| Box::pin(run(options))),
            options: CallOptions::default(),
        }
    }

    /// A call whose runner takes the caller's idempotency key, if one is set; generated
    /// calls convert into a `Call` through it.
    #[doc(hidden)]
    pub fn keyed<F, Fut>(run: F) -> Self
    where
        F: FnOnce(Option<String>) -> Fut + Send + 'c,
        Fut: Future<Output = Result<Response<T>, Error<E>>> + Send + 'c,
    {
        Self::new(move |options| run(options.idempotency_key))
    }

    /// Uses `key` as the idempotency key, instead of a generated one. Use it to resume a call
    /// whose outcome is unknown (after a crash, say): the provider replays the first result
    /// rather than applying the call twice. Ignored by operations that take no key.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Sends the call; the same as `.await`.
    pub async fn send(self) -> Result<Response<T>, Error<E>> {
        (self.run)(self.options).await
    }
}

impl<'c, T: 'c, E: 'c> IntoFuture for Call<'c, T, E> {
    type Output = Result<Response<T>, Error<E>>;
    type IntoFuture = BoxFuture<'c, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        (self.run)(self.options)
    }
}

impl<T, E> fmt::Debug for Call<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("options", &self.options)
            .finish()
    }
}
