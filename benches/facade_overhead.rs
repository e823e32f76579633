//! What the facade adds to a call: `weavr.get_linked_account(id)` against a plain `reqwest`
//! GET of the same loopback endpoint decoding the same type, side by side in one run.
//! Target: the facade's median at most 5% above the raw call's.
//!
//! Two more contenders split the difference: the raw call with the same per-attempt timeout
//! the facade always arms (a timer costs on its own), and the generated client alone.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use paysdk::{Secret, weavr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ID: &str = "652d25b73541d8084a88a38d";

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

/// A minimal keep-alive HTTP/1.1 server answering every request with the same 200, so the
/// server's own cost is small and equal for both clients.
async fn serve(listener: tokio::net::TcpListener) {
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
                    buf.drain(..end + 4);
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

/// The raw call: the facade's headers, then decode the same type.
async fn raw_get(request: reqwest::RequestBuilder) -> weavr::LinkedAccount {
    request
        .header("api-key", "bench-api-key")
        .header("authorization", "Bearer bench-token")
        .header("accept", "application/json")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("decode")
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
    server_rt.spawn(serve(listener));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let facade = weavr::Client::builder()
        .base_url(&base)
        .api_key(Secret::new("bench-api-key"))
        .auth_token(Secret::new("bench-token"))
        .build()
        .expect("client");
    let raw = reqwest::Client::new();
    let url = format!("{base}/v1/linked_accounts/{ID}");

    let mut group = c.benchmark_group("get_linked_account");
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt).iter(|| raw_get(raw.get(&url)))
    });
    group.bench_function("raw_reqwest_with_timeout", |b| {
        b.to_async(&rt)
            .iter(|| raw_get(raw.get(&url).timeout(Duration::from_secs(30))))
    });
    // The generated client alone: separates progenitor's share from the facade's own.
    let generated = paysdk::raw::weavr_payment_run::Client::new_with_client(
        &base,
        reqwest::Client::new(),
        paysdk::runtime::CallCtx::default(),
    );
    group.bench_function("generated_client", |b| {
        b.to_async(&rt).iter(|| async {
            generated
                .get_linked_accounts_id(ID)
                .await
                .expect("generated call")
                .into_inner()
        })
    });
    group.bench_function("facade", |b| {
        b.to_async(&rt).iter(|| async {
            facade
                .get_linked_account(ID)
                .await
                .expect("facade call")
                .into_inner()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
