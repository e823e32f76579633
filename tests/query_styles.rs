//! Query parameters encoded by `paysdk::runtime::append_query` reach a real HTTP server as
//! the server-side decoding of each style expects.

use paysdk::runtime::{QueryStyle, append_query};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Sends one GET with the URL as built and returns the query pairs the server decoded.
async fn received(url: String) -> Vec<(String, String)> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/charges"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let url = url.replace("http://base", &server.uri());
    // reqwest is built with `rustls-no-provider`; plain http still needs a provider.
    #[cfg(feature = "rustls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let status = reqwest::Client::new()
        .get(&url)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let requests = server.received_requests().await.unwrap();
    requests[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn deep_object_arrives_as_bracketed_keys() {
    let url = "http://base/v1/charges?limit=3".to_string();
    let url = append_query(
        url,
        "created",
        QueryStyle::DeepObject,
        true,
        &json!({"gte": 1_690_000_000, "lt": 1_700_000_000}),
    )
    .unwrap();
    let url = append_query(
        url,
        "expand",
        QueryStyle::DeepObject,
        true,
        &json!(["data.customer"]),
    )
    .unwrap();
    assert_eq!(
        received(url).await,
        pairs(&[
            ("limit", "3"),
            ("created[gte]", "1690000000"),
            ("created[lt]", "1700000000"),
            ("expand[0]", "data.customer"),
        ])
    );
}

#[tokio::test]
async fn delimited_values_keep_their_own_delimiters_apart() {
    let url = append_query(
        "http://base/v1/charges".to_string(),
        "ids",
        QueryStyle::Form,
        false,
        &json!(["a,b", "c d", "é&="]),
    )
    .unwrap();
    let url = append_query(
        url,
        "tags",
        QueryStyle::PipeDelimited,
        false,
        &json!(["x|y", "z"]),
    )
    .unwrap();
    let url = append_query(
        url,
        "words",
        QueryStyle::SpaceDelimited,
        false,
        &json!(["p", "q"]),
    )
    .unwrap();
    // The raw query keeps a value's `,` and `|` escaped, the delimiters literal.
    assert!(url.contains("ids=a%2Cb,c%20d,%C3%A9%26%3D"), "{url}");
    assert!(url.contains("tags=x%7Cy|z"), "{url}");
    assert_eq!(
        received(url).await,
        pairs(&[("ids", "a,b,c d,é&="), ("tags", "x|y|z"), ("words", "p q")])
    );
}
