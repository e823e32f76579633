//! The HTTP side: one listener on 127.0.0.1 serving both APIs, each connection driven by hyper
//! so a fault can close it after the effect; and the pipeline every request goes through
//! (faults, authentication, rate limit, validation, idempotency, effect).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::any;
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tower::ServiceExt as _;

use super::faults::Fault;
use super::idempotency::{Admission, IdempotencyStore, Policy, fingerprint};
use super::{Api, Shared, enfuce, weavr};

/// Largest request body read; larger ones get the provider's "too large" answer.
const MAX_BODY: usize = 1024 * 1024;

/// A response as the simulator decided it; cloned into the idempotency store for replays.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    /// A few headers at most; a list keeps `Result<_, Reply>` small.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn empty(status: StatusCode) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// `value` as a JSON body. Serializing the simulator's own values cannot fail in practice;
    /// if it ever did, the client gets a 500 rather than the simulator a panic.
    pub(crate) fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Reply {
                status,
                headers: Vec::new(),
                body: body.into(),
            }
            .with_header(CONTENT_TYPE, "application/json"),
            Err(e) => {
                tracing::error!("simulator: cannot serialize a response: {e}");
                Reply::empty(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    pub(crate) fn with_header(mut self, name: HeaderName, value: impl AsRef<str>) -> Self {
        if let Ok(value) = HeaderValue::from_str(value.as_ref()) {
            self.headers.retain(|(n, _)| *n != name);
            self.headers.push((name, value));
        }
        self
    }

    fn into_response(self) -> Response {
        // Built by hand: axum would label an empty body application/octet-stream.
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        response.headers_mut().extend(self.headers);
        response
    }
}

/// A request as the APIs see it: method, path below the API's base, query, headers, body.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub(crate) method: Method,
    pub(crate) path: String,
    /// Path segments, percent-decoded.
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Incoming {
    fn new(
        method: Method,
        path: &str,
        query: Option<&str>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode(s, false).unwrap_or_else(|| s.to_string()))
            .collect();
        let query = query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .filter_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                Some((percent_decode(k, true)?, percent_decode(v, true)?))
            })
            .collect();
        Incoming {
            method,
            path: path.to_string(),
            segments,
            query,
            headers,
            body,
        }
    }

    /// The first value of query parameter `name`.
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of query parameter `name` (repeated, or `name[]`).
    pub(crate) fn query_values(&self, name: &str) -> Vec<&str> {
        let bracketed = format!("{name}[]");
        self.query
            .iter()
            .filter(|(k, _)| k == name || *k == bracketed)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Header `name` as text; `None` if absent or not visible ASCII.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// One operation's method and path template below the API's base; `*` is a parameter segment.
pub(crate) type Template = (Method, &'static [&'static str]);

/// How a request's method and path meet an API's templates.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Matched<'a> {
    /// The index of the first template with this method and path, and its parameter segments.
    Found(usize, Vec<&'a str>),
    /// The path exists, for other methods only: the `Allow` header's value (RFC 9110 15.5.6).
    MethodNotAllowed(String),
    /// No template has this path.
    NotFound,
}

/// Matches `segments` against `templates` as OpenAPI matches paths: the first path that
/// fits is the resource (the table lists concrete paths before templated ones), then the
/// method picks the operation among that path's templates.
pub(crate) fn match_route<'a>(
    templates: &[Template],
    method: &Method,
    segments: &'a [String],
) -> Matched<'a> {
    let fits = |template: &[&str]| {
        template.len() == segments.len()
            && template
                .iter()
                .zip(segments)
                .all(|(t, s)| *t == "*" || *t == s.as_str())
    };
    let Some((_, path)) = templates.iter().find(|(_, t)| fits(t)) else {
        return Matched::NotFound;
    };
    let same_path = || templates.iter().enumerate().filter(|(_, (_, t))| t == path);
    if let Some((index, _)) = same_path().find(|(_, (m, _))| m == method) {
        let params = path
            .iter()
            .zip(segments)
            .filter(|(t, _)| **t == "*")
            .map(|(_, s)| s.as_str())
            .collect();
        return Matched::Found(index, params);
    }
    let mut allowed: Vec<&str> = same_path().map(|(_, (m, _))| m.as_str()).collect();
    allowed.sort_unstable();
    allowed.dedup();
    Matched::MethodNotAllowed(allowed.join(", "))
}

/// A JSON body read as `T`, with the spec's types enforced. The generated types are lenient
/// on purpose (a client takes `123` for a string field), a provider is not: the body is
/// written back from `T` and every value `T` kept must be the value sent, and a `null` sent
/// for a field `T` knows is refused (nothing in these specs is nullable). Properties `T` does
/// not know are allowed, as the specs do not close their objects. The error names the field.
pub(crate) fn strict_json<T>(body: &[u8]) -> Result<T, String>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let sent: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let typed: T = serde_json::from_value(sent.clone())
        .map_err(|e| format!("the body does not match the schema: {e}"))?;
    let kept = serde_json::to_value(&typed).map_err(|e| format!("internal: {e}"))?;
    let mut nulls = Vec::new();
    if let Some(at) = first_difference(&sent, &kept, String::new(), &mut nulls) {
        return Err(format!("{at} has the wrong type"));
    }
    // A null `T` dropped is either an unknown property (allowed) or an optional field sent as
    // null (not allowed): a known field refuses one of two probes of other JSON types.
    for at in nulls {
        for probe in [serde_json::Value::Bool(true), serde_json::Value::from("x")] {
            let mut doc = sent.clone();
            if let Some(slot) = doc.pointer_mut(&at) {
                *slot = probe;
            }
            if serde_json::from_value::<T>(doc).is_err() {
                return Err(format!("{at} must not be null"));
            }
        }
    }
    Ok(typed)
}

/// The first place where `kept` (what `T` made of `sent`) differs from `sent`, as a JSON
/// pointer; the pointers of nulls `T` dropped go to `nulls`.
fn first_difference(
    sent: &serde_json::Value,
    kept: &serde_json::Value,
    at: String,
    nulls: &mut Vec<String>,
) -> Option<String> {
    use serde_json::Value;
    match (sent, kept) {
        (Value::Object(sent), Value::Object(kept)) => {
            for (key, value) in sent {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match kept.get(key) {
                    Some(k) => {
                        if let Some(d) = first_difference(value, k, here, nulls) {
                            return Some(d);
                        }
                    }
                    None if value.is_null() => nulls.push(here),
                    None => {}
                }
            }
            None
        }
        (Value::Array(sent), Value::Array(kept)) if sent.len() == kept.len() => sent
            .iter()
            .zip(kept)
            .enumerate()
            .find_map(|(i, (s, k))| first_difference(s, k, format!("{at}/{i}"), nulls)),
        (Value::Number(s), Value::Number(k)) => (s.as_f64() != k.as_f64()).then_some(at),
        (s, k) => (s != k).then_some(at),
    }
}

/// `%XX` decoding (and `+` as space in queries); `None` if the result is not UTF-8.
fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Closes the connection a request came on, without a response.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnControl(Arc<Notify>);

impl ConnControl {
    fn drop_connection(&self) {
        // notify_one keeps the permit if the connection task is not waiting yet.
        self.0.notify_one();
    }

    async fn dropped(&self) {
        self.0.notified().await;
    }
}

/// One provider API: how it routes, authenticates, validates and applies requests, and how
/// its errors look.
pub(crate) trait Model: Send + Sync + 'static {
    const API: Api;
    const POLICY: Policy;
    type Route: Send + 'static;
    type Command: Send + 'static;

    /// Which operation; the provider's 404/405 otherwise.
    fn route(req: &Incoming) -> Result<Self::Route, Reply>;
    fn operation_id(route: &Self::Route) -> &'static str;
    /// Who is calling (scope of idempotency keys and rate limits), or the provider's 401.
    fn authenticate(sim: &Shared, req: &Incoming, route: &Self::Route) -> Result<String, Reply>;
    /// The request checked against the spec, and the idempotency key it carries if the
    /// operation takes one; or the provider's 400.
    fn validate(
        req: &Incoming,
        route: Self::Route,
        caller: &str,
    ) -> Result<(Self::Command, Option<String>), Reply>;
    /// Runs the command against the state, recording any effect under `key` (or the
    /// operation's own identity when there is no key).
    fn apply(sim: &Shared, command: Self::Command, key: Option<&str>) -> Reply;
    fn server_error(status: StatusCode) -> Reply;
    fn too_many_requests(reset_secs: u64, limit_header: &str) -> Reply;
    fn too_large() -> Reply;
    /// Weavr's 409 `IDEMPOTENT_REQUEST_IN_PROGRESS`.
    fn in_progress() -> Reply {
        Self::server_error(StatusCode::INTERNAL_SERVER_ERROR)
    }
    /// Weavr's 422 for a key reused with another payload.
    fn payload_mismatch() -> Reply {
        Self::server_error(StatusCode::INTERNAL_SERVER_ERROR)
    }
    /// Last touch on every response (Weavr's `request-ref`).
    fn finish(reply: Reply) -> Reply {
        reply
    }
}

pub(crate) fn router(sim: Arc<Shared>) -> Router {
    Router::new()
        .route("/customer/{*rest}", any(enfuce_entry))
        .route("/payment-run/{*rest}", any(weavr_entry))
        .fallback(unknown_base)
        .with_state(sim)
}

async fn enfuce_entry(State(sim): State<Arc<Shared>>, request: Request) -> Response {
    entry::<enfuce::Enfuce>(sim, request, "/customer").await
}

async fn weavr_entry(State(sim): State<Arc<Shared>>, request: Request) -> Response {
    entry::<weavr::Weavr>(sim, request, "/payment-run").await
}

async fn unknown_base(State(sim): State<Arc<Shared>>, request: Request) -> Response {
    sim.stats.request();
    let body = serde_json::json!({
        "code": "NOT_FOUND",
        "message": format!(
            "{} is not served here: Enfuce is under /customer, Weavr under /payment-run",
            request.uri().path()
        ),
    });
    send(
        &sim,
        &request.method().clone(),
        request.uri().path(),
        Reply::json(StatusCode::NOT_FOUND, &body),
    )
}

async fn entry<M: Model>(sim: Arc<Shared>, request: Request, base: &str) -> Response {
    let (parts, body) = request.into_parts();
    let conn = parts.extensions.get::<ConnControl>().cloned();
    let full_path = parts.uri.path().to_string();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            sim.stats.request();
            return send(&sim, &parts.method, &full_path, M::finish(M::too_large()));
        }
    };
    let path = full_path.strip_prefix(base).unwrap_or(&full_path);
    let req = Incoming::new(
        parts.method.clone(),
        path,
        parts.uri.query(),
        parts.headers,
        body,
    );
    pipeline::<M>(sim, req, conn, &full_path).await
}

fn send(sim: &Shared, method: &Method, path: &str, reply: Reply) -> Response {
    sim.stats.response(reply.status.as_u16());
    if sim.log_requests {
        eprintln!("{method} {path} -> {}", reply.status.as_u16());
    }
    reply.into_response()
}

/// Every request: route, pick a fault, then answer or process, then apply the fault's exit.
async fn pipeline<M: Model>(
    sim: Arc<Shared>,
    req: Incoming,
    conn: Option<ConnControl>,
    full_path: &str,
) -> Response {
    sim.stats.request();
    let method = req.method.clone();
    let route = match M::route(&req) {
        Ok(route) => route,
        Err(reply) => return send(&sim, &method, full_path, M::finish(reply)),
    };
    let fault = sim.faults.next(M::API, M::operation_id(&route));
    if let Some(fault) = &fault {
        sim.stats.fault(fault.kind());
    }
    let reply = match fault {
        Some(Fault::Status(code)) => {
            M::server_error(StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
        }
        Some(Fault::RateLimited { reset_secs }) => {
            let limit = sim
                .rate_limits
                .get(M::API)
                .unwrap_or(super::RateLimit::per_second(20));
            let header = format!("{}, {};w=1", limit.requests(), limit.requests());
            M::too_many_requests(u64::from(reset_secs), &header)
        }
        Some(Fault::Delay(delay)) => process::<M>(&sim, req, route, Some(delay)).await,
        Some(Fault::DropAfterEffect) => {
            let reply = process::<M>(&sim, req, route, None).await;
            match conn {
                Some(conn) => {
                    if sim.log_requests {
                        eprintln!(
                            "{method} {full_path} -> {} (dropped)",
                            reply.status.as_u16()
                        );
                    }
                    conn.drop_connection();
                    // The connection task drops this future with the connection.
                    std::future::pending::<()>().await;
                    reply
                }
                None => {
                    tracing::warn!("simulator: no connection control; sending the response");
                    reply
                }
            }
        }
        Some(Fault::TruncatedBody) => {
            let mut reply = process::<M>(&sim, req, route, None).await;
            let keep = reply.body.len() / 2;
            reply.body = reply.body.slice(..keep);
            reply
        }
        Some(Fault::NonJsonBody) => {
            let reply = process::<M>(&sim, req, route, None).await;
            let page = format!(
                "<html><body><h1>{}</h1><p>upstream said something</p></body></html>",
                reply.status
            );
            Reply {
                status: reply.status,
                headers: Vec::new(),
                body: page.into(),
            }
            .with_header(CONTENT_TYPE, "text/html")
        }
        None => process::<M>(&sim, req, route, None).await,
    };
    send(&sim, &method, full_path, M::finish(reply))
}

/// Authentication, rate limit, validation, idempotency, then the effect.
async fn process<M: Model>(
    sim: &Arc<Shared>,
    req: Incoming,
    route: M::Route,
    delay: Option<Duration>,
) -> Reply {
    let caller = match M::authenticate(sim, &req, &route) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    if let Err(exceeded) = sim.rate_limits.check(M::API, &caller) {
        sim.stats.rate_limited();
        return M::too_many_requests(exceeded.reset_secs, &exceeded.limit_header());
    }
    let (command, key) = match M::validate(&req, route, &caller) {
        Ok(valid) => valid,
        Err(reply) => return reply,
    };
    let running = match &key {
        Some(key) => {
            let print = fingerprint(req.method.as_str(), &req.path, &req.body);
            match sim
                .idempotency
                .admit(M::POLICY, M::API, &caller, key, print)
                .await
            {
                Admission::Run(running) => Some(running),
                Admission::Replay(reply) => {
                    sim.stats.replay();
                    return reply;
                }
                Admission::InProgress => {
                    sim.stats.in_progress_conflict();
                    return M::in_progress();
                }
                Admission::PayloadMismatch => {
                    sim.stats.payload_mismatch();
                    return M::payload_mismatch();
                }
            }
        }
        None => None,
    };
    // A task of its own: like a provider, the simulator finishes what it started even when
    // the client hangs up (which drops this future).
    let task_sim = sim.clone();
    let task = tokio::spawn(async move {
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        let reply = M::apply(&task_sim, command, key.as_deref());
        if let Some(running) = running {
            IdempotencyStore::finish(running, &reply);
        }
        reply
    });
    match task.await {
        Ok(reply) => reply,
        Err(e) => {
            tracing::error!("simulator: a request task failed: {e}");
            M::server_error(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// Accepts connections until `shutdown` changes or its sender is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!("simulator: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        tokio::spawn(serve_connection(stream, router.clone(), shutdown.clone()));
    }
}

async fn serve_connection(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let control = ConnControl::default();
    let for_requests = control.clone();
    let service =
        hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(for_requests.clone());
            router.clone().oneshot(request.map(Body::new))
        });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!("simulator: connection ended: {e}");
            }
        }
        // Dropping the connection closes the socket: the client gets no response at all.
        () = control.dropped() => {}
        _ = shutdown.changed() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b", false).as_deref(), Some("a b"));
        assert_eq!(percent_decode("a+b", true).as_deref(), Some("a b"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("100%", false).as_deref(), Some("100%"));
        assert_eq!(percent_decode("%zz%4", false).as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%ff", false), None);
    }

    #[test]
    fn routes_match_by_path_then_method() {
        const T: &[Template] = &[
            (Method::POST, &["v3", "PRIVATE"]),
            (Method::GET, &["v3", "*", "link"]),
            (Method::POST, &["v3", "*", "link"]),
            (Method::GET, &["v3", "*"]),
        ];
        let segs = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
        // The concrete path wins, whatever the method (OpenAPI's path matching).
        let s = segs("v3/PRIVATE");
        assert_eq!(match_route(T, &Method::POST, &s), Matched::Found(0, vec![]));
        assert_eq!(
            match_route(T, &Method::GET, &s),
            Matched::MethodNotAllowed("POST".to_string())
        );
        assert_eq!(
            match_route(T, &Method::GET, &segs("v3/7")),
            Matched::Found(3, vec!["7"])
        );
        let s = segs("v3/7/link");
        assert_eq!(
            match_route(T, &Method::POST, &s),
            Matched::Found(2, vec!["7"])
        );
        assert_eq!(
            match_route(T, &Method::PUT, &s),
            Matched::MethodNotAllowed("GET, POST".to_string())
        );
        assert_eq!(
            match_route(T, &Method::GET, &segs("v4/x")),
            Matched::NotFound
        );
    }

    #[test]
    fn incoming_splits_path_and_query() {
        let req = Incoming::new(
            Method::GET,
            "/v3/a%2Fb/link",
            Some("auditUser=back+office&x=1&ids[]=a&ids=b&flag"),
            HeaderMap::new(),
            Bytes::new(),
        );
        assert_eq!(req.segments, ["v3", "a/b", "link"]);
        assert_eq!(req.query_param("auditUser"), Some("back office"));
        assert_eq!(req.query_values("ids"), ["a", "b"]);
        assert_eq!(req.query_param("flag"), Some(""));
    }
}
