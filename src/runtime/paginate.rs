//! Pagination of list operations the sidecar marks paginated: [`Pages`] fetches one page at a
//! time, lazily, each through the call loop (retries, auth, typed errors), and [`Items`]
//! yields the items of every page. Both are `futures_core::Stream`s.
//!
//! Pages are read through their JSON form, so one implementation serves every spec: the
//! generated code names the fields (items, total, cursor, next link) by their JSON paths.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api::BoxCall;
use super::error::{DecodeFailure, Error, ErrorMeta, Failure, OperationError, RawBody};
use super::orchestrator::Response;

/// How an operation pages, from the sidecar. Field paths are JSON property names from the
/// response body's root.
#[derive(Debug, Clone, Copy)]
pub enum PageStyle {
    /// `offset`/`limit` query parameters; ends at `total`, else at a page shorter than the
    /// limit, or an empty one.
    Offset {
        /// The field with the number of items of all pages, if any.
        total: &'static [&'static str],
        /// The field holding the page's items.
        items: &'static [&'static str],
    },
    /// A cursor query parameter; ends when the cursor is missing, null or empty, the page is
    /// empty, or `has_more` is false.
    Cursor {
        /// Where the next cursor is.
        next: CursorFrom,
        /// A boolean field saying another page exists, if any.
        has_more: &'static [&'static str],
        /// The field holding the page's items.
        items: &'static [&'static str],
    },
    /// The next page's URL; ends when there is none.
    Link {
        /// The field with the URL, or empty for the `Link: <…>; rel="next"` header.
        next: &'static [&'static str],
        /// The field holding the page's items.
        items: &'static [&'static str],
    },
}

/// Where a cursor comes from.
#[derive(Debug, Clone, Copy)]
pub enum CursorFrom {
    /// This field of the response.
    Field(&'static [&'static str]),
    /// This field of the page's last item (Stripe's `starting_after`).
    LastItem(&'static [&'static str]),
}

impl PageStyle {
    fn items(&self) -> &'static [&'static str] {
        match self {
            PageStyle::Offset { items, .. }
            | PageStyle::Cursor { items, .. }
            | PageStyle::Link { items, .. } => items,
        }
    }
}

/// Which page to fetch, given to the generated fetch function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// The call as the caller set it up.
    First,
    /// The call with this offset.
    Offset(u64),
    /// The call with this cursor.
    Cursor(String),
    /// The call sent to this URL (a next-page link).
    Link(reqwest::Url),
}

/// An integer query parameter an offset or limit can be written to and read from.
pub trait PageNumber: Sized {
    /// `n` as this type, if it fits.
    fn from_u64(n: u64) -> Option<Self>;
    /// The value as a count.
    fn to_u64(&self) -> Option<u64>;
}

macro_rules! page_numbers {
    ($($t:ty),*) => {$(
        impl PageNumber for $t {
            fn from_u64(n: u64) -> Option<Self> {
                <$t>::try_from(n).ok()
            }
            fn to_u64(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }
        }
    )*};
}
page_numbers!(i32, i64, u32, u64, usize);

macro_rules! nonzero_page_numbers {
    ($($t:ty => $inner:ty),*) => {$(
        impl PageNumber for $t {
            fn from_u64(n: u64) -> Option<Self> {
                <$inner>::try_from(n).ok().and_then(<$t>::new)
            }
            fn to_u64(&self) -> Option<u64> {
                u64::try_from(self.get()).ok()
            }
        }
    )*};
}
nonzero_page_numbers!(std::num::NonZeroU32 => u32, std::num::NonZeroU64 => u64);

impl PageNumber for f64 {
    fn from_u64(n: u64) -> Option<Self> {
        Some(n as f64)
    }
    fn to_u64(&self) -> Option<u64> {
        (self.is_finite() && *self >= 0.0).then_some(*self as u64)
    }
}

/// A page and its items as JSON.
type PageAndItems<T> = (Response<T>, Vec<Value>);

type Fetch<'c, T, E> = Box<dyn Fn(PageRequest) -> BoxCall<'c, T, E> + Send + Sync + 'c>;

/// The pages of a paginated call, fetched one at a time as the stream is polled; each page
/// goes through the call loop. An error ends the stream after it is yielded.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<'c, T, E> {
    fetch: Fetch<'c, T, E>,
    style: PageStyle,
    /// The page size the caller asked for, if any.
    limit: Option<u64>,
    /// The offset of the page being fetched (offset paging).
    offset: u64,
    /// The link of the page being fetched, to resolve a relative next link against.
    base: Option<reqwest::Url>,
    state: State<'c, T, E>,
}

enum State<'c, T, E> {
    Next(PageRequest),
    Fetching(BoxCall<'c, T, E>),
    Done,
}

impl<T, E> fmt::Debug for Pages<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("style", &self.style)
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

impl<'c, T, E> Pages<'c, T, E>
where
    T: Serialize + Send + 'static,
    E: OperationError + Send,
{
    /// Pages of a call: `fetch` sends one page request; `offset` and `limit` are what the
    /// caller set on the call (offset paging starts at that offset); `base` is the base URL.
    pub fn new(
        style: PageStyle,
        offset: Option<u64>,
        limit: Option<u64>,
        base: &str,
        fetch: impl Fn(PageRequest) -> BoxCall<'c, T, E> + Send + Sync + 'c,
    ) -> Self {
        Pages {
            fetch: Box::new(fetch),
            style,
            limit,
            offset: offset.unwrap_or(0),
            base: reqwest::Url::parse(&format!("{}/", base.trim_end_matches('/'))).ok(),
            state: State::Next(PageRequest::First),
        }
    }

    /// The items of every page, in order.
    pub fn items<I: DeserializeOwned>(self) -> Items<'c, I, T, E> {
        Items {
            pages: self,
            buffer: VecDeque::new(),
            _item: PhantomData,
        }
    }

    /// What follows `page`, and the page's items as JSON.
    fn after(&mut self, page: &Response<T>) -> Result<(Option<PageRequest>, Vec<Value>), String> {
        let body = serde_json::to_value(page.body()).map_err(|e| e.to_string())?;
        let items = match at(&body, self.style.items()) {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(_) => return Err("the items field is not an array".into()),
        };
        let next = match self.style {
            PageStyle::Offset { total, .. } => {
                let seen = self.offset + items.len() as u64;
                let total = (!total.is_empty())
                    .then(|| at(&body, total).and_then(Value::as_u64))
                    .flatten();
                let more = match (total, self.limit) {
                    _ if items.is_empty() => false,
                    (Some(total), _) => seen < total,
                    (None, Some(limit)) => items.len() as u64 >= limit,
                    (None, None) => true,
                };
                self.offset = seen;
                more.then_some(PageRequest::Offset(seen))
            }
            PageStyle::Cursor { next, has_more, .. } => {
                let cursor = match next {
                    CursorFrom::Field(path) => at(&body, path),
                    CursorFrom::LastItem(path) => items.last().and_then(|i| at(i, path)),
                };
                let cursor = match cursor {
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                let more = has_more.is_empty()
                    || at(&body, has_more).and_then(Value::as_bool) != Some(false);
                cursor
                    .filter(|_| more && !items.is_empty())
                    .map(PageRequest::Cursor)
            }
            PageStyle::Link { next, .. } => {
                let link = if next.is_empty() {
                    next_link_header(page.headers())
                } else {
                    at(&body, next).and_then(Value::as_str).map(str::to_string)
                };
                match link.filter(|l| !l.is_empty()) {
                    None => None,
                    Some(link) => {
                        let url = match &self.base {
                            Some(base) => base.join(&link),
                            None => reqwest::Url::parse(&link),
                        }
                        .map_err(|e| format!("the next-page link is not a URL: {e}"))?;
                        self.base = Some(url.clone());
                        Some(PageRequest::Link(url))
                    }
                }
            }
        };
        Ok((next, items))
    }

    fn poll_page(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<PageAndItems<T>, Error<E>>>> {
        loop {
            match &mut self.state {
                State::Done => return Poll::Ready(None),
                State::Next(request) => {
                    let request = std::mem::replace(request, PageRequest::First);
                    self.state = State::Fetching((self.fetch)(request));
                }
                State::Fetching(call) => {
                    let result = match call.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(result) => result,
                    };
                    self.state = State::Done;
                    let page = match result {
                        Ok(page) => page,
                        Err(e) => return Poll::Ready(Some(Err(e))),
                    };
                    return Poll::Ready(Some(match self.after(&page) {
                        Ok((next, items)) => {
                            if let Some(next) = next {
                                self.state = State::Next(next);
                            }
                            Ok((page, items))
                        }
                        Err(reason) => Err(undecodable(&page, reason)),
                    }));
                }
            }
        }
    }
}

impl<T, E> Stream for Pages<'_, T, E>
where
    T: Serialize + Send + 'static,
    E: OperationError + Send,
{
    type Item = Result<Response<T>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut()
            .poll_page(cx)
            .map(|page| page.map(|result| result.map(|(page, _)| page)))
    }
}

/// The items of every page of a paginated call, fetched page by page as the stream is
/// polled.
#[must_use = "streams do nothing unless polled"]
pub struct Items<'c, I, T, E> {
    pages: Pages<'c, T, E>,
    buffer: VecDeque<I>,
    _item: PhantomData<fn() -> I>,
}

// Nothing in `Items` is pinned: items are moved out of the buffer, the page future is boxed.
impl<I, T, E> Unpin for Items<'_, I, T, E> {}

impl<I, T, E> fmt::Debug for Items<'_, I, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<I, T, E> Stream for Items<'_, I, T, E>
where
    I: DeserializeOwned,
    T: Serialize + Send + 'static,
    E: OperationError + Send,
{
    type Item = Result<I, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let (page, items) = match this.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => page,
            };
            match serde_json::from_value::<Vec<I>>(Value::Array(items)) {
                Ok(items) => this.buffer.extend(items),
                Err(e) => {
                    this.pages.state = State::Done;
                    return Poll::Ready(Some(Err(undecodable(&page, e.to_string()))));
                }
            }
        }
    }
}

/// The value at `path` (property names) in `value`.
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, name| v.get(name))
}

/// The `rel="next"` target of a `Link` header (RFC 8288).
fn next_link_header(headers: &reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(value) = value.to_str() else { continue };
        for link in value.split(',') {
            let mut parts = link.split(';');
            let target = parts.next()?.trim();
            let is_next = parts.any(|p| {
                let p = p.trim().to_ascii_lowercase();
                p == "rel=next" || p == "rel=\"next\""
            });
            if is_next && let Some(url) = target.strip_prefix('<').and_then(|t| t.strip_suffix('>'))
            {
                return Some(url.to_string());
            }
        }
    }
    None
}

/// A page whose paging fields cannot be read: a decode error keeping its status.
fn undecodable<T: Serialize, E: OperationError>(page: &Response<T>, reason: String) -> Error<E> {
    let body = serde_json::to_vec(page.body()).unwrap_or_default();
    let failure = DecodeFailure {
        status: page.status(),
        body: RawBody::capped(body.into()),
        reason: format!("the page cannot be read for paging: {reason}"),
    };
    Error::new(
        E::from_failure(Failure::Decode(failure)),
        ErrorMeta::default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_give_the_next_target() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            reqwest::header::LINK,
            r#"<https://a.example/x?page=1>; rel="prev", <https://a.example/x?page=3>; rel="next""#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link_header(&h).as_deref(),
            Some("https://a.example/x?page=3")
        );
        h.insert(
            reqwest::header::LINK,
            "<https://a.example/x>; rel=prev".parse().unwrap(),
        );
        assert_eq!(next_link_header(&h), None);
    }

    #[test]
    fn page_numbers_convert_or_refuse() {
        assert_eq!(i32::from_u64(20), Some(20));
        assert_eq!(i32::from_u64(u64::MAX), None);
        assert_eq!(std::num::NonZeroU32::from_u64(0), None);
        assert_eq!(std::num::NonZeroU64::new(5).unwrap().to_u64(), Some(5));
        assert_eq!((-1i64).to_u64(), None);
    }
}
