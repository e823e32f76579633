//! Every documented status of the two seed operations maps to its own variant with the body
//! decoded; what the spec does not describe keeps status, headers and body.

mod common;

use common::*;
use paysdk::enfuce::{self, DeleteCustomerLinkError, types as et};
use paysdk::weavr::{self, UnlinkLinkedAccountError, types as wt};
use paysdk::{ClientConfig, RetryConfig, Secret};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DELETE_PATH: &str = "/v3/c1/link/l1";

fn no_retries() -> ClientConfig {
    ClientConfig::default().retry(RetryConfig::disabled())
}

async fn enfuce_delete_answering(
    body: ResponseTemplate,
) -> (
    Result<paysdk::Response<enfuce::ResourceResponse>, paysdk::Error<DeleteCustomerLinkError>>,
    MockServer,
) {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(DELETE_PATH))
        .respond_with(body)
        .mount(&server)
        .await;
    let client = enfuce::Client::builder()
        .base_url(server.uri())
        .credentials(enfuce::Credentials::basic(
            ENFUCE_USER,
            Secret::new(ENFUCE_PASSWORD),
        ))
        .audit_user(AUDIT_USER)
        .config(no_retries())
        .build()
        .unwrap();
    (client.delete_customer_link("c1", "l1").await, server)
}

fn enfuce_error(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(enfuce_error_json(status, "STATIC_VALIDATION_ERROR"))
}

fn assert_enfuce_body(body: &et::ErrorResponse, status: u16) {
    assert_eq!(body.code.as_deref(), Some(status.to_string().as_str()));
    assert_eq!(
        body.error_type,
        Some(et::ErrorResponseErrorType::StaticValidationError)
    );
    assert_eq!(
        body.id.map(|u| u.to_string()).as_deref(),
        Some("8d6a1e5c-4f7b-4c11-9f2e-0b1f7a6f2c3d")
    );
}

#[tokio::test]
async fn enfuce_delete_link_201() {
    let (result, _s) = enfuce_delete_answering(
        ResponseTemplate::new(201).set_body_json(json!({"description": "deleted", "id": 11601})),
    )
    .await;
    let ok = result.unwrap();
    assert_eq!(
        (ok.status().as_u16(), ok.id.as_deref()),
        (201, Some("11601"))
    );
}

#[tokio::test]
async fn enfuce_delete_link_documented_errors() {
    for status in [400u16, 401, 403, 404, 500] {
        let (result, _s) = enfuce_delete_answering(enfuce_error(status)).await;
        let err = result.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            err.request_ref(),
            Some("8d6a1e5c-4f7b-4c11-9f2e-0b1f7a6f2c3d"),
            "Enfuce's error id is the request reference"
        );
        assert_eq!(err.idempotency_key(), None, "DELETE takes no key");
        let body = match (status, err.kind()) {
            (400, DeleteCustomerLinkError::BadRequest(b))
            | (401, DeleteCustomerLinkError::Unauthorized(b))
            | (403, DeleteCustomerLinkError::Forbidden(b))
            | (404, DeleteCustomerLinkError::NotFound(b))
            | (500, DeleteCustomerLinkError::InternalServerError(b)) => b,
            (s, other) => panic!("{s} mapped to {other:?}"),
        };
        assert_enfuce_body(body, status);
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("deleteLinkedCustomerUsingDELETE: {status} ")),
            "{shown}"
        );
        assert!(
            !shown.contains('\n') && !shown.contains("something went wrong"),
            "no body in Display: {shown}"
        );
    }
}

#[tokio::test]
async fn enfuce_unknown_error_type_still_decodes() {
    let mut body = enfuce_error_json(404, "STATIC_VALIDATION_ERROR");
    body["errorType"] = json!("BRAND_NEW_TYPE");
    let (result, _s) =
        enfuce_delete_answering(ResponseTemplate::new(404).set_body_json(body)).await;
    let err = result.unwrap_err();
    let DeleteCustomerLinkError::NotFound(body) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(
        body.error_type,
        Some(et::ErrorResponseErrorType::Unknown("BRAND_NEW_TYPE".into()))
    );
}

#[tokio::test]
async fn enfuce_html_500_keeps_status_and_body() {
    let html = "<html><body>gateway exploded</body></html>";
    let (result, _s) =
        enfuce_delete_answering(ResponseTemplate::new(500).set_body_raw(html, "text/html")).await;
    let err = result.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let DeleteCustomerLinkError::Decode(failure) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(failure.status().as_u16(), 500);
    assert_eq!(failure.body().text(), html);
    assert!(!err.to_string().contains("gateway exploded"));
}

#[tokio::test]
async fn enfuce_undeclared_418_keeps_status_headers_and_body() {
    let (result, _s) = enfuce_delete_answering(
        ResponseTemplate::new(418)
            .insert_header("x-teapot", "yes")
            .set_body_raw("short and stout", "text/plain"),
    )
    .await;
    let err = result.unwrap_err();
    let DeleteCustomerLinkError::Undeclared(u) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(u.status().as_u16(), 418);
    assert_eq!(u.headers().get("x-teapot").unwrap(), "yes");
    assert_eq!(u.body().text(), "short and stout");
    assert_eq!(
        err.to_string(),
        "deleteLinkedCustomerUsingDELETE: undeclared status 418 I'm a teapot"
    );
}

#[tokio::test]
async fn enfuce_success_status_with_bad_body_is_a_decode_error_with_status() {
    let (result, _s) = enfuce_delete_answering(
        ResponseTemplate::new(201).set_body_raw("{not json", "application/json"),
    )
    .await;
    let err = result.unwrap_err();
    let DeleteCustomerLinkError::Decode(failure) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(
        (failure.status().as_u16(), failure.body().text().as_str()),
        (201, "{not json")
    );
}

async fn weavr_unlink_answering(
    response: ResponseTemplate,
) -> Result<paysdk::Response<weavr::LinkedAccount>, paysdk::Error<UnlinkLinkedAccountError>> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/v1/linked_accounts/{LINKED_ACCOUNT_ID}/unlink"
        )))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = weavr_with(&server.uri(), no_retries());
    client.unlink_linked_account(LINKED_ACCOUNT_ID).await
}

fn with_request_ref(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("request-ref", format!("ref-{status}"))
}

#[tokio::test]
async fn weavr_unlink_200() {
    let ok = weavr_unlink_answering(
        ResponseTemplate::new(200)
            .set_body_json(linked_account_json(LINKED_ACCOUNT_ID, "UNLINKED")),
    )
    .await
    .unwrap();
    assert_eq!(ok.status, weavr::LinkedAccountStatus::Unlinked);
    assert!(ok.idempotency_key().is_some());
}

#[tokio::test]
async fn weavr_unlink_bodied_errors() {
    use UnlinkLinkedAccountError as U;
    let bad = json!({"message": "bad id", "syntaxErrors": {"invalidFields": [{"fieldName": "linked_account_id", "error": "REGEX", "params": ["^[0-9a-fA-F]{24}$"]}]}});
    let err = weavr_unlink_answering(with_request_ref(400).set_body_json(bad))
        .await
        .unwrap_err();
    let U::BadRequest(body) = err.kind() else {
        panic!("{err:?}")
    };
    let field = &body.syntax_errors.as_ref().unwrap().invalid_fields[0];
    assert_eq!(
        field.error,
        Some(wt::BadRequestErrorSyntaxErrorsInvalidFieldsItemError::Regex)
    );
    assert_eq!(err.request_ref(), Some("ref-400"));

    let err = weavr_unlink_answering(
        with_request_ref(403).set_body_json(json!({"errorCode": "INSUFFICIENT_PERMISSIONS"})),
    )
    .await
    .unwrap_err();
    let U::Forbidden(body) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(
        body.error_code,
        Some(wt::ForbiddenErrorErrorCode::InsufficientPermissions)
    );

    let err = weavr_unlink_answering(
        with_request_ref(404)
            .set_body_json(json!({"code": "NOT_FOUND", "message": "no such account"})),
    )
    .await
    .unwrap_err();
    let U::NotFound(body) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(body.code.as_deref(), Some("NOT_FOUND"));
    assert!(!err.is_retryable() && err.kind().is_not_found());

    for code in [
        "IDEMPOTENT_REQUEST_IN_PROGRESS",
        "LINKED_ACCOUNT_INVALID_STATE",
    ] {
        let err = weavr_unlink_answering(
            ResponseTemplate::new(409).set_body_json(json!({"errorCode": code})),
        )
        .await
        .unwrap_err();
        let U::Conflict(body) = err.kind() else {
            panic!("{err:?}")
        };
        assert_eq!(body.error_code.as_ref().map(|c| c.as_str()), Some(code));
        assert_eq!(
            err.request_ref(),
            None,
            "Weavr declares no request-ref on 409"
        );
    }
}

#[tokio::test]
async fn weavr_unlink_bodiless_errors_keep_headers() {
    use UnlinkLinkedAccountError as U;
    type IsVariant = fn(&U) -> bool;
    let cases: [(u16, IsVariant); 6] = [
        (401, |k| matches!(k, U::Unauthorized)),
        (413, |k| matches!(k, U::ContentTooLarge)),
        (422, |k| matches!(k, U::UnprocessableEntity)),
        (429, |k| matches!(k, U::TooManyRequests)),
        (500, |k| matches!(k, U::InternalServerError)),
        (503, |k| matches!(k, U::ServiceUnavailable)),
    ];
    for (status, is_variant) in cases {
        let mut response = with_request_ref(status).set_body_raw("<html>oops</html>", "text/html");
        if status == 429 {
            response = response
                .insert_header("x-ratelimit-limit", "20, 10;w=60")
                .insert_header("x-ratelimit-reset", "120");
        }
        let err = weavr_unlink_answering(response).await.unwrap_err();
        assert!(
            is_variant(err.kind()),
            "{status} mapped to {:?}",
            err.kind()
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.request_ref(), Some(format!("ref-{status}").as_str()));
        assert!(err.idempotency_key().is_some());
        if status == 429 {
            assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(120)));
            assert_eq!(
                err.meta()
                    .headers()
                    .unwrap()
                    .get("x-ratelimit-limit")
                    .unwrap(),
                "20, 10;w=60"
            );
        }
    }
}

#[tokio::test]
async fn weavr_status_outside_the_list_uses_default() {
    let err = weavr_unlink_answering(
        ResponseTemplate::new(418).set_body_json(json!({"code": "TEAPOT", "message": "short"})),
    )
    .await
    .unwrap_err();
    let UnlinkLinkedAccountError::Default { status, body } = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(status.as_u16(), 418);
    assert_eq!(
        body.as_ref().and_then(|b| b.code.as_deref()),
        Some("TEAPOT")
    );
    assert_eq!(err.to_string(), "unlinkLinkedAccountsId: 418 Default");
}

#[tokio::test]
async fn weavr_default_without_a_body_is_still_the_default_variant() {
    let err = weavr_unlink_answering(ResponseTemplate::new(418))
        .await
        .unwrap_err();
    let UnlinkLinkedAccountError::Default { status, body } = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!((status.as_u16(), body.is_none()), (418, true));
}

#[tokio::test]
async fn weavr_error_with_undecodable_default_body_keeps_it() {
    let err =
        weavr_unlink_answering(ResponseTemplate::new(418).set_body_raw("teapot", "text/plain"))
            .await
            .unwrap_err();
    let UnlinkLinkedAccountError::Decode(failure) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(
        (failure.status().as_u16(), failure.body().text().as_str()),
        (418, "teapot")
    );
}

#[test]
fn error_types_are_send_sync_static_errors() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<paysdk::Error<UnlinkLinkedAccountError>>();
    assert_error::<paysdk::Error<DeleteCustomerLinkError>>();
}
