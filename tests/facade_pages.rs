//! Pagination of the generated facade, as the test spec's sidecar declares it
//! (`tests/fixtures/facade/ledger.paysdk.yaml`), against wiremock: offset/limit with a total,
//! a cursor from a response field, and a next-page link; every item across pages, fetched
//! lazily, each page through the call loop, and the stream stops.

mod fixture {
    #![allow(missing_docs, dead_code, clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/facade_fixtures.rs"));
}

use std::time::Duration;

use fixture::ledger::facade::{Client, errors};
use futures::{StreamExt, TryStreamExt};
use paysdk::{ClientConfig, RetryConfig, Secret};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .config(ClientConfig::default().retry(
            RetryConfig::default().backoff(Duration::from_millis(1), Duration::from_millis(2)),
        ))
        .api_key(Secret::new("k"))
        .basic_auth("u", Secret::new("p"))
        .bearer_auth(Secret::new("b"))
        .build()
        .unwrap()
}

fn accounts(ids: &[&str]) -> serde_json::Value {
    json!(
        ids.iter()
            .map(|id| json!({"id": id, "currency": "EUR"}))
            .collect::<Vec<_>>()
    )
}

async fn accounts_page(server: &MockServer, offset: &str, ids: &[&str], total: u64) {
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .and(query_param("offset", offset))
        .and(query_param("limit", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": accounts(ids), "total": total})),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn offset_paging_yields_every_item_and_stops_at_the_total() {
    let server = MockServer::start().await;
    accounts_page(&server, "0", &["a1", "a2"], 5).await;
    accounts_page(&server, "2", &["a3", "a4"], 5).await;
    accounts_page(&server, "4", &["a5"], 5).await;
    let api = client(&server);
    let ids: Vec<String> = api
        .list_accounts()
        .offset(0)
        .limit(2)
        .items()
        .map_ok(|a| a.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn pages_are_fetched_lazily_and_each_through_the_call_loop() {
    let server = MockServer::start().await;
    accounts_page(&server, "0", &["a1", "a2"], 4).await;
    // The second page fails once with a 503: the call loop retries the GET.
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    accounts_page(&server, "2", &["a3", "a4"], 4).await;
    let api = client(&server);

    // Taking two items fetches one page only.
    let first: Vec<_> = api
        .list_accounts()
        .offset(0)
        .limit(2)
        .items()
        .take(2)
        .collect()
        .await;
    assert_eq!(first.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let mut pages = api.list_accounts().offset(0).limit(2).pages();
    let mut attempts = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        attempts.push((page.items.len(), page.attempts()));
    }
    assert_eq!(attempts, [(2, 1), (2, 2)]);
    assert!(pages.next().await.is_none(), "the stream stays ended");
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_items_before_it() {
    let server = MockServer::start().await;
    accounts_page(&server, "0", &["a1", "a2"], 9).await;
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"fields": ["offset"]})))
        .mount(&server)
        .await;
    let api = client(&server);
    let results: Vec<_> = api
        .list_accounts()
        .offset(0)
        .limit(2)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    let error = results[2].as_ref().unwrap_err();
    assert!(
        matches!(error.kind(), errors::ListAccountsError::BadRequest(b) if b.fields == ["offset"]),
        "{error:?}"
    );
}

#[tokio::test]
async fn cursor_paging_follows_the_next_cursor_until_there_is_none() {
    let server = MockServer::start().await;
    let page = |entries: &[&str], next: Option<&str>| {
        let entries: Vec<_> = entries
            .iter()
            .map(|id| json!({"id": id, "amount": 1}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"entries": entries, "next_cursor": next}))
    };
    Mock::given(method("GET"))
        .and(path("/accounts/acc_1/entries"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&["e1", "e2"], Some("c2")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc_1/entries"))
        .and(query_param("cursor", "c2"))
        .respond_with(page(&["e3"], Some("c3")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc_1/entries"))
        .and(query_param("cursor", "c3"))
        .respond_with(page(&["e4"], None))
        .mount(&server)
        .await;
    let api = client(&server);
    let ids: Vec<String> = api
        .list_entries("acc_1")
        .items()
        .map_ok(|e| e.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["e1", "e2", "e3", "e4"]);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    // Every page carries the operation's credentials.
    assert!(
        received
            .iter()
            .all(|r| r.headers.get("authorization").is_some())
    );
}

#[tokio::test]
async fn link_paging_follows_next_links_relative_and_absolute() {
    let server = MockServer::start().await;
    let absolute = format!("{}/events?page=3", server.uri());
    for (page, ids, next) in [
        (None, vec!["v1", "v2"], Some("/events?page=2".to_string())),
        (Some("2"), vec!["v3"], Some(absolute)),
        (Some("3"), vec!["v4"], None),
    ] {
        let data: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
        let mock = Mock::given(method("GET")).and(path("/events"));
        let mock = match page {
            Some(p) => mock.and(query_param("page", p)),
            None => mock.and(query_param_is_missing("page")),
        };
        mock.respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": data, "links": {"next": next}})),
        )
        .mount(&server)
        .await;
    }
    let api = client(&server);
    let ids: Vec<String> = api
        .list_events()
        .items()
        .map_ok(|e| e.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["v1", "v2", "v3", "v4"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

/// A Weavr linked account as its spec describes one.
fn weavr_account(id: &str) -> serde_json::Value {
    json!({
        "id": id,
        "accountIdentification": {"accountNumber": "12345678", "sortCode": "040004"},
        "currency": "GBP",
        "institution": {"displayName": "Demo Bank", "countries": ["GB"]},
        "consent": {"expiresAt": "2026-12-31T00:00:00Z", "expiresIn": 3600, "status": "ACTIVE"},
        "status": "LINKED"
    })
}

#[tokio::test]
async fn weavr_linked_accounts_and_institutions_page_through_the_facade() {
    // `pagination` in specs/weavr-payment-run.paysdk.yaml; the overlay gives the list of
    // linked accounts the `offset`/`limit` parameters its spec leaves out.
    let server = MockServer::start().await;
    let ids: Vec<String> = (0..5)
        .map(|n| format!("652d25b73541d8084a88a3{n:02}"))
        .collect();
    for (offset, page) in [(0, &ids[0..2]), (2, &ids[2..4]), (4, &ids[4..5])] {
        let accounts: Vec<_> = page.iter().map(|id| weavr_account(id)).collect();
        // The first page is the call as set up: no offset unless the caller gave one.
        let at_offset = if offset == 0 {
            Mock::given(query_param_is_missing("offset"))
        } else {
            Mock::given(query_param("offset", offset.to_string()))
        };
        at_offset
            .and(method("GET"))
            .and(path("/v1/linked_accounts"))
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"linkedAccounts": accounts, "count": 5, "responseCount": page.len()}),
            ))
            // The first page once more for the plain `.await` at the end.
            .expect(if offset == 0 { 2 } else { 1 })
            .mount(&server)
            .await;
        let institutions: Vec<_> = page
            .iter()
            .map(|id| json!({"id": id, "displayName": "Bank", "countries": ["GB"]}))
            .collect();
        Mock::given(method("GET"))
            .and(path("/v1/institutions"))
            .and(query_param("country", "GB"))
            .and(query_param("offset", offset.to_string()))
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"institutions": institutions, "count": 5, "responseCount": page.len()}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let weavr = paysdk::weavr::Client::builder()
        .base_url(server.uri())
        .api_key(Secret::new("weavr-key"))
        .auth_token(Secret::new("weavr-token"))
        .build()
        .unwrap();
    let two = std::num::NonZeroU32::new(2).unwrap();

    let accounts: Vec<paysdk::weavr::LinkedAccount> = weavr
        .list_linked_accounts()
        .limit(two)
        .items()
        .try_collect()
        .await
        .unwrap();
    let seen: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(seen, ids.iter().map(String::as_str).collect::<Vec<_>>());

    let query = paysdk::weavr::InstitutionsQuery {
        country: Some("GB".into()),
        offset: Some(0),
        limit: Some(two),
        ..Default::default()
    };
    let pages: Vec<_> = weavr
        .list_institutions(&query)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages
            .iter()
            .map(|p| p.institutions.len())
            .collect::<Vec<_>>(),
        [2, 2, 1],
        "three pages, then the total is reached and paging stops"
    );
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 6, "no request past the last page");
    assert!(received.iter().all(|r| {
        r.url.path() != "/v1/linked_accounts"
            || r.headers
                .get("authorization")
                .is_some_and(|v| v == "Bearer weavr-token")
    }));
    // `.await` still gives one page, as the method always did.
    let first = weavr.list_linked_accounts().limit(two).await.unwrap();
    assert_eq!(first.linked_accounts.len(), 2);
}
