//! What the facade adds to a call: `weavr.get_linked_account(id)` against the same call written
//! by hand with `reqwest`, against the same loopback endpoint, side by side in one run.
//! Target: the facade's median at most 5% above the raw call's.
//!
//! The contenders send byte-identical requests (checked before measuring) and decode the same
//! type:
//! - `raw_reqwest`: a `reqwest::Client` with the facade's user agent; the URL is formatted
//!   from the id on each call, as a hand-written client must;
//! - `raw_reqwest_with_timeout`: the same, with reqwest's own 30 s per-request timeout (a
//!   timer costs on its own);
//! - `raw_reqwest_in_tokio_timeout`: the raw call inside `tokio::time::timeout` of 30 s, the
//!   kind of timer the facade arms on every attempt (one `Sleep` beside the request future);
//! - `facade`: the Weavr facade with its default configuration;
//! - `generated_facade`: the same call through the facade generated from the spec
//!   (`paysdk::apis::weavr_payment_run`), with its default configuration.
//!
//! Loopback latency on a shared VM drifts over seconds, so contenders measured one after
//! another pick up different conditions. Every sample therefore runs all the contenders in
//! alternating chunks and times each; a bench function reports its own contender's time to
//! criterion, and the summary printed at the end gives each contender's median and the
//! median of the per-sample ratios, which compare calls made at the same moments.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use paysdk::{Secret, weavr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ID: &str = "652d25b73541d8084a88a38d";
const API_KEY: &str = "bench-api-key";
const TOKEN: &str = "bench-token";
/// Calls of one contender in a row before switching to the next.
const CHUNK: u64 = 8;
/// The facade's default per-attempt timeout, given to the raw call that has one.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

const NAMES: [&str; 5] = [
    "raw_reqwest",
    "raw_reqwest_with_timeout",
    "raw_reqwest_in_tokio_timeout",
    "facade",
    "generated_facade",
];
const FACADE: usize = 3;
const GENERATED: usize = 4;

fn body() -> String {
    serde_json::json!({
        "id": ID,
        "accountIdentification": {"iban": "GB33BUKB20201555555555", "bankIdentifierCode": "BUKBGB22"},
        "currency": "GBP",
        "institution": {"displayName": "Demo Bank", "countries": ["GB"]},
        "consent": {"expiresAt": "2026-12-31T00:00:00Z", "expiresIn": 3600, "status": "ACTIVE"},
        "status": "LINKED",
        "friendlyName": "Payroll"
    })
    .to_string()
}

/// Request heads seen while capturing (to check the contenders send the same request).
type Captured = Arc<Mutex<Option<Vec<String>>>>;

/// A minimal keep-alive HTTP/1.1 server answering every request with the same 200, so the
/// server's own cost is small and equal for every contender.
async fn serve(listener: tokio::net::TcpListener, captured: Captured) {
    let body = body();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let response = response.clone();
        let captured = captured.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            loop {
                let Ok(n) = socket.read(&mut chunk).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                buf.extend_from_slice(&chunk[..n]);
                // GET requests have no body: each blank line ends one request.
                while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    if let Ok(mut heads) = captured.lock()
                        && let Some(heads) = heads.as_mut()
                    {
                        heads.push(String::from_utf8_lossy(&buf[..end]).into_owned());
                    }
                    buf.drain(..end + 4);
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

struct Contenders {
    base: String,
    raw: reqwest::Client,
    facade: weavr::Client,
    generated: paysdk::apis::weavr_payment_run::Client,
}

impl Contenders {
    /// The hand-written call: the facade's headers, the URL built from the id, the same type.
    async fn raw(&self, timeout: Option<Duration>) -> weavr::LinkedAccount {
        let id = std::hint::black_box(ID);
        let mut request = self
            .raw
            .get(format!("{}/v1/linked_accounts/{id}", self.base))
            .header("accept", "application/json")
            .header("api-key", API_KEY)
            .header("authorization", format!("Bearer {TOKEN}"));
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        request
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("decode")
    }

    async fn call(&self, which: usize) -> weavr::LinkedAccount {
        match which {
            0 => self.raw(None).await,
            1 => self.raw(Some(ATTEMPT_TIMEOUT)).await,
            2 => tokio::time::timeout(ATTEMPT_TIMEOUT, self.raw(None))
                .await
                .expect("the loopback answers within the timeout"),
            4 => self
                .generated
                .get_linked_account(std::hint::black_box(ID))
                .await
                .expect("generated facade call")
                .into_inner(),
            _ => self
                .facade
                .get_linked_account(std::hint::black_box(ID))
                .await
                .expect("facade call")
                .into_inner(),
        }
    }

    /// `iters` calls of each contender, interleaved in chunks (the order rotating), and the
    /// time each contender took.
    fn interleaved(&self, rt: &tokio::runtime::Runtime, iters: u64) -> [Duration; NAMES.len()] {
        rt.block_on(async {
            let mut took = [Duration::ZERO; NAMES.len()];
            let (mut done, mut round) = (0, 0);
            while done < iters {
                let n = CHUNK.min(iters - done);
                for k in 0..NAMES.len() {
                    let which = (k + round) % NAMES.len();
                    let start = Instant::now();
                    for _ in 0..n {
                        std::hint::black_box(self.call(which).await);
                    }
                    took[which] += start.elapsed();
                }
                done += n;
                round += 1;
            }
            took
        })
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn bench(c: &mut Criterion) {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let listener = server_rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let captured: Captured = Arc::new(Mutex::new(None));
    server_rt.spawn(serve(listener, captured.clone()));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let facade = weavr::Client::builder()
        .base_url(&base)
        .api_key(Secret::new(API_KEY))
        .auth_token(Secret::new(TOKEN))
        .build()
        .expect("client");
    let raw = reqwest::Client::builder()
        .user_agent(concat!("paysdk/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("raw client");
    let generated = paysdk::apis::weavr_payment_run::Client::builder()
        .base_url(&base)
        .api_key(Secret::new(API_KEY))
        .auth_token(Secret::new(TOKEN))
        .build()
        .expect("generated client");
    let contenders = Contenders {
        base,
        raw,
        facade,
        generated,
    };

    // Like for like: every contender's request, header lines in any order, is the same.
    *captured.lock().expect("capture") = Some(Vec::new());
    rt.block_on(async {
        for which in 0..NAMES.len() {
            contenders.call(which).await;
        }
    });
    let heads = captured.lock().expect("capture").take().unwrap_or_default();
    let normalized: Vec<Vec<&str>> = heads
        .iter()
        .map(|head| {
            let mut lines: Vec<&str> = head.lines().collect();
            lines.sort_unstable();
            lines
        })
        .collect();
    assert!(
        normalized.len() == NAMES.len() && normalized.iter().all(|h| h == &normalized[0]),
        "the contenders must send the same request; got {heads:#?}"
    );

    let samples: Mutex<Vec<[Duration; NAMES.len()]>> = Mutex::new(Vec::new());
    let mut group = c.benchmark_group("get_linked_account");
    group.measurement_time(Duration::from_secs(4));
    for (which, name) in NAMES.iter().enumerate() {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                let took = contenders.interleaved(&rt, iters);
                let per_call = took.map(|t| t / iters.max(1) as u32);
                if let Ok(mut samples) = samples.lock() {
                    samples.push(per_call);
                }
                took[which]
            })
        });
    }
    group.finish();

    let samples = samples.into_inner().unwrap_or_default();
    let micros = |which: usize| -> Vec<f64> {
        samples
            .iter()
            .map(|s| s[which].as_secs_f64() * 1e6)
            .collect()
    };
    let ratio = |num: usize, den: usize| -> f64 {
        median(
            samples
                .iter()
                .map(|s| s[num].as_secs_f64() / s[den].as_secs_f64())
                .collect(),
        )
    };
    println!(
        "\nfacade_overhead summary over {} interleaved samples:",
        samples.len()
    );
    for (which, name) in NAMES.iter().enumerate() {
        println!("  {name:<30} median {:>8.2} µs/call", median(micros(which)));
    }
    println!(
        "  facade / raw_reqwest                       {:.3}  (median of per-sample ratios)",
        ratio(FACADE, 0)
    );
    println!(
        "  generated_facade / raw_reqwest             {:.3}  (median of per-sample ratios)",
        ratio(GENERATED, 0)
    );
    println!(
        "  generated_facade / facade                  {:.3}",
        ratio(GENERATED, FACADE)
    );
    println!(
        "  facade / raw_reqwest_in_tokio_timeout      {:.3}  (the facade beyond its timer)",
        ratio(FACADE, 2)
    );
    println!(
        "  facade / raw_reqwest_with_timeout          {:.3}",
        ratio(FACADE, 1)
    );
    println!(
        "  raw_reqwest_in_tokio_timeout / raw         {:.3}  (the facade's kind of timer alone)",
        ratio(2, 0)
    );
    println!(
        "  raw_reqwest_with_timeout / raw             {:.3}  (reqwest's timer alone)",
        ratio(1, 0)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
