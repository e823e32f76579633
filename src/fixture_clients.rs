//! Clients generated from the specs written for the tests (`tests/fixtures/codegen/`), and
//! tests of them against loopback servers: success enums and non-JSON bodies decode through
//! the raw layer and the call loop, request bodies go out in the spec's media type.

#![allow(missing_docs, dead_code, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    use super::media_types::{Client, errors, operations as ops, responses, types};
    use crate::runtime::{
        ClientConfig, FixedHeaders, Invocation, OperationError, ProviderPolicy, RetryConfig,
        Transport,
    };

    struct Policy;
    impl ProviderPolicy for Policy {}

    /// The raw client, on the HTTP client the runtime configures (TLS provider included).
    fn raw(server: &MockServer) -> Client {
        transport(server).generated(Client::new_with_client)
    }

    fn transport(server: &MockServer) -> Transport {
        let config = ClientConfig::default().retry(RetryConfig::disabled());
        Transport::new("fixture", server.uri(), config, None, Arc::new(Policy)).unwrap()
    }

    async fn respond(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(response)
            .mount(server)
            .await;
    }

    async fn only_request(server: &MockServer) -> Request {
        let mut received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1);
        received.remove(0)
    }

    fn header<'r>(request: &'r Request, name: &str) -> &'r str {
        request.headers.get(name).unwrap().to_str().unwrap()
    }

    fn order_request() -> types::OrderRequest {
        types::OrderRequest {
            amount: 100,
            currency: Some("EUR".into()),
        }
    }

    #[tokio::test]
    async fn two_success_bodies_decode_by_status_in_the_raw_layer() {
        let server = MockServer::start().await;
        respond(
            &server,
            "POST",
            "/orders",
            ResponseTemplate::new(201).set_body_json(json!({"id": "o_1", "links": ["a"]})),
        )
        .await;
        let client = raw(&server);
        let response = client.orders_create(&order_request()).await.unwrap();
        assert_eq!(response.status(), 201);
        match response.into_inner() {
            responses::OrdersCreateResponse::Created(body) => {
                assert_eq!(body.id, "o_1");
                assert_eq!(body.links, vec!["a".to_string()]);
            }
            other => panic!("expected Created, got {other:?}"),
        }
        // JSON is chosen over the form the spec lists first.
        let request = only_request(&server).await;
        assert_eq!(header(&request, "content-type"), "application/json");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
            json!({"amount": 100, "currency": "EUR"})
        );
        assert_eq!(header(&request, "accept"), "application/json");
    }

    #[tokio::test]
    async fn two_success_bodies_decode_by_status_in_the_call_loop() {
        let server = MockServer::start().await;
        respond(
            &server,
            "POST",
            "/orders",
            ResponseTemplate::new(200).set_body_json(json!({"id": "o_1", "status": "open"})),
        )
        .await;
        let client = raw(&server);
        let transport = transport(&server);
        let body = order_request();
        let response = transport
            .execute::<_, errors::OrdersCreateError, _>(
                Invocation::new(&ops::ORDERS_CREATE, FixedHeaders::default()),
                || client.orders_create_request(&body),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            matches!(response.body(), responses::OrdersCreateResponse::Ok(o) if o.status == "open")
        );
    }

    #[tokio::test]
    async fn a_success_body_that_does_not_decode_is_a_typed_decode_error() {
        let server = MockServer::start().await;
        respond(
            &server,
            "POST",
            "/orders",
            ResponseTemplate::new(201).set_body_string("<html>cached</html>"),
        )
        .await;
        let client = raw(&server);
        let body = order_request();
        let error = transport(&server)
            .execute::<_, errors::OrdersCreateError, _>(
                Invocation::new(&ops::ORDERS_CREATE, FixedHeaders::default()),
                || client.orders_create_request(&body),
            )
            .await
            .unwrap_err();
        match error.kind() {
            errors::OrdersCreateError::Decode(failure) => {
                assert_eq!(failure.status(), 201);
                assert_eq!(failure.body().text(), "<html>cached</html>");
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
        // The raw layer keeps the body too.
        match client.orders_create(&body).await {
            Err(progenitor_client::Error::InvalidResponsePayload(bytes, _)) => {
                assert_eq!(&bytes[..], b"<html>cached</html>")
            }
            other => panic!("expected InvalidResponsePayload, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_bodiless_success_is_a_variant_without_data() {
        let server = MockServer::start().await;
        respond(&server, "DELETE", "/orders/o_1", ResponseTemplate::new(204)).await;
        let client = raw(&server);
        let response = client.delete_order("o_1").await.unwrap();
        assert!(matches!(
            response.into_inner(),
            responses::DeleteOrderResponse::NoContent
        ));
        let response = transport(&server)
            .execute::<_, errors::DeleteOrderError, _>(
                Invocation::new(&ops::DELETE_ORDER, FixedHeaders::default()),
                || client.delete_order_request("o_1"),
            )
            .await
            .unwrap();
        assert!(matches!(
            response.into_inner(),
            responses::DeleteOrderResponse::NoContent
        ));
    }

    #[tokio::test]
    async fn plus_json_media_types_are_json_both_ways() {
        let server = MockServer::start().await;
        respond(
            &server,
            "PATCH",
            "/orders/o_1",
            ResponseTemplate::new(200).set_body_raw(
                br#"{"id": "o_1", "status": "paid"}"#.to_vec(),
                "application/vnd.acme.order+json",
            ),
        )
        .await;
        let client = raw(&server);
        let patch = vec![types::PatchOrderBodyItem {
            op: "replace".into(),
            path: "/status".into(),
            value: Some(json!("paid")),
        }];
        let order = client.patch_order("o_1", &patch).await.unwrap();
        assert_eq!(order.status, "paid");
        let request = only_request(&server).await;
        assert_eq!(
            header(&request, "content-type"),
            "application/json-patch+json"
        );
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
            json!([{"op": "replace", "path": "/status", "value": "paid"}])
        );
    }

    #[tokio::test]
    async fn problem_json_errors_decode_as_the_documented_type() {
        let server = MockServer::start().await;
        respond(
            &server,
            "PATCH",
            "/orders/o_1",
            ResponseTemplate::new(422).set_body_raw(
                br#"{"type": "about:blank", "title": "bad path", "status": 422}"#.to_vec(),
                "application/problem+json",
            ),
        )
        .await;
        let client = raw(&server);
        let patch = Vec::new();
        let error = transport(&server)
            .execute::<_, errors::PatchOrderError, _>(
                Invocation::new(&ops::PATCH_ORDER, FixedHeaders::default()),
                || client.patch_order_request("o_1", &patch),
            )
            .await
            .unwrap_err();
        match error.kind() {
            errors::PatchOrderError::UnprocessableEntity(problem) => {
                assert_eq!(problem.title.as_deref(), Some("bad path"));
            }
            other => panic!("expected UnprocessableEntity, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn form_bodies_are_sent_with_nested_keys() {
        let server = MockServer::start().await;
        respond(
            &server,
            "POST",
            "/charges",
            ResponseTemplate::new(200).set_body_json(json!({"id": "ch_1", "status": "ok"})),
        )
        .await;
        let client = raw(&server);
        let body = types::CreateChargeBody {
            amount: 2000,
            description: Some("Tea & cake".into()),
            expand: vec!["customer".into(), "invoice".into()],
            metadata: [("order id".to_string(), "7".to_string())].into(),
            shipping: Some(types::CreateChargeBodyShipping {
                name: Some("Ada".into()),
                address: Some(types::CreateChargeBodyShippingAddress {
                    city: Some("Berlin".into()),
                    line1: None,
                }),
            }),
        };
        transport(&server)
            .execute::<_, errors::CreateChargeError, _>(
                Invocation::new(&ops::CREATE_CHARGE, FixedHeaders::default()),
                || client.create_charge_request(&body),
            )
            .await
            .unwrap();
        let request = only_request(&server).await;
        assert_eq!(
            header(&request, "content-type"),
            "application/x-www-form-urlencoded"
        );
        let sent: Vec<(String, String)> = form_urlencoded::parse(&request.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut sent_sorted = sent.clone();
        sent_sorted.sort();
        let expected: Vec<(String, String)> = [
            ("amount", "2000"),
            ("description", "Tea & cake"),
            ("expand[0]", "customer"),
            ("expand[1]", "invoice"),
            ("metadata[order id]", "7"),
            ("shipping[address][city]", "Berlin"),
            ("shipping[name]", "Ada"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(sent_sorted, expected);
        let text = String::from_utf8(request.body.clone()).unwrap();
        assert!(text.contains("description=Tea+%26+cake"), "{text}");
        assert!(text.contains("shipping[address][city]=Berlin"), "{text}");
    }

    #[tokio::test]
    async fn multipart_bodies_are_sent_as_parts() {
        let server = MockServer::start().await;
        respond(
            &server,
            "POST",
            "/files",
            ResponseTemplate::new(200).set_body_json(json!({"id": "file_1", "status": "ok"})),
        )
        .await;
        let client = raw(&server);
        let body = types::UploadFileBody {
            file: "a,b\n1,2\n".into(),
            file_link_data: Some(types::UploadFileBodyFileLinkData { create: Some(true) }),
            purpose: "dispute_evidence".into(),
        };
        client.upload_file(&body).await.unwrap();
        let request = only_request(&server).await;
        let content_type = header(&request, "content-type");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap_or_else(|| panic!("{content_type}"));
        let text = String::from_utf8(request.body.clone()).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
        assert!(text.ends_with(&format!("--{boundary}--\r\n")), "{text}");
        assert!(text.contains(
            "Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\
             Content-Type: application/octet-stream\r\n\r\na,b\n1,2\n\r\n"
        ));
        assert!(text.contains(
            "Content-Disposition: form-data; name=\"file_link_data[create]\"\r\n\r\ntrue\r\n"
        ));
        assert!(text.contains(
            "Content-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n"
        ));
    }

    #[tokio::test]
    async fn binary_and_text_responses_are_bytes_and_strings() {
        let server = MockServer::start().await;
        let pdf = b"%PDF-1.7\n\xff\x00binary".to_vec();
        respond(
            &server,
            "GET",
            "/reports/r1",
            ResponseTemplate::new(200).set_body_raw(pdf.clone(), "application/pdf"),
        )
        .await;
        respond(
            &server,
            "GET",
            "/reports/r1/csv",
            ResponseTemplate::new(200).set_body_raw("a;b\n1;2\n", "text/csv"),
        )
        .await;
        respond(
            &server,
            "GET",
            "/reports/bad/csv",
            ResponseTemplate::new(200).set_body_raw(b"\xff\xfe".to_vec(), "text/csv"),
        )
        .await;
        let client = raw(&server);
        let bytes = client.get_report("r1").await.unwrap().into_inner();
        assert_eq!(&bytes[..], &pdf[..]);
        let text = client.get_report_csv("r1").await.unwrap().into_inner();
        assert_eq!(text, "a;b\n1;2\n");
        let transport = transport(&server);
        let via_loop = transport
            .execute::<_, errors::GetReportError, _>(
                Invocation::new(&ops::GET_REPORT, FixedHeaders::default()),
                || client.get_report_request("r1"),
            )
            .await
            .unwrap();
        assert_eq!(&via_loop.body()[..], &pdf[..]);
        // Text that is not UTF-8 is a decode error keeping the bytes.
        let error = transport
            .execute::<_, errors::GetReportCsvError, _>(
                Invocation::new(&ops::GET_REPORT_CSV, FixedHeaders::default()),
                || client.get_report_csv_request("bad"),
            )
            .await
            .unwrap_err();
        match error.into_kind() {
            errors::GetReportCsvError::Decode(failure) => {
                assert_eq!(failure.body().as_bytes(), b"\xff\xfe");
                assert!(
                    failure.reason().contains("not UTF-8"),
                    "{}",
                    failure.reason()
                );
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        let received = server.received_requests().await.unwrap();
        assert_eq!(header(&received[0], "accept"), "application/pdf");
        assert_eq!(header(&received[1], "accept"), "text/csv");
    }

    #[tokio::test]
    async fn text_and_binary_requests_carry_the_spec_content_type() {
        let server = MockServer::start().await;
        respond(
            &server,
            "POST",
            "/exports",
            ResponseTemplate::new(202).set_body_raw("job_42", "text/plain"),
        )
        .await;
        respond(&server, "PUT", "/blobs", ResponseTemplate::new(204)).await;
        let client = raw(&server);
        let started = client.start_export("a,b\n".to_string()).await.unwrap();
        assert!(
            matches!(started.into_inner(), responses::StartExportResponse::Accepted(job) if job == "job_42")
        );
        client
            .put_blob(vec![0x89u8, b'P', b'N', b'G'])
            .await
            .unwrap();
        let received = server.received_requests().await.unwrap();
        assert_eq!(header(&received[0], "content-type"), "text/csv");
        assert_eq!(received[0].body, b"a,b\n");
        assert_eq!(
            header(&received[0], "accept"),
            "application/json, text/plain"
        );
        assert_eq!(header(&received[1], "content-type"), "image/png");
        assert_eq!(received[1].body, vec![0x89u8, b'P', b'N', b'G']);
    }

    #[tokio::test]
    async fn an_undocumented_success_status_is_not_decoded_as_a_variant() {
        let server = MockServer::start().await;
        respond(
            &server,
            "DELETE",
            "/orders/o_1",
            ResponseTemplate::new(202).set_body_string("queued"),
        )
        .await;
        let client = raw(&server);
        let error = transport(&server)
            .execute::<_, errors::DeleteOrderError, _>(
                Invocation::new(&ops::DELETE_ORDER, FixedHeaders::default()),
                || client.delete_order_request("o_1"),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind(), errors::DeleteOrderError::Undeclared(u) if u.status() == 202),
            "{error:?}"
        );
        assert_eq!(errors::DeleteOrderError::OPERATION_ID, "deleteOrder");
    }
}

/// Constructs from the vendor corpus that broke the generated code
/// (`tests/fixtures/codegen/corpus-shapes.yaml`; the generator-level checks are in
/// paysdk-codegen's `corpus_tests`), compiled and decoded.
#[cfg(test)]
mod corpus_shapes_tests {
    use super::corpus_shapes::{Client, types};

    /// `getAuthorizationRequest` is named like the builder of `getAuthorization`; the
    /// compiled client has both (a clash would not compile).
    #[test]
    fn an_operation_named_like_a_builder_is_renamed() {
        let _ = Client::get_authorization;
        let _ = Client::get_authorization_request_op;
    }

    /// Unit: an optional string with a default keeps `String` and still accepts a number.
    #[test]
    fn a_string_with_a_default_accepts_numbers_and_defaults() {
        let r: types::Relationship = serde_json::from_str(r#"{"type": 7}"#).unwrap();
        assert_eq!(r.type_, "7");
        let r: types::Relationship = serde_json::from_str("{}").unwrap();
        assert_eq!(r.type_, "customer");
    }

    /// Paystack: `createdAt` and `created_at` in one object are two fields, each decoded from its
    /// own key (also when optional, where typify writes a `Default` impl naming both).
    #[test]
    fn properties_that_give_one_field_name_stay_apart() {
        let c: types::Charge = serde_json::from_str(
            r#"{"createdAt": "a", "created_at": "b", "paid_at": "c", "paidAt": "d"}"#,
        )
        .unwrap();
        // typify orders fields by property name: `createdAt` before `created_at`.
        assert_eq!((c.created_at.as_str(), c.created_at_2.as_str()), ("a", "b"));
        assert_eq!(
            (c.paid_at.as_deref(), c.paid_at_2.as_deref()),
            (Some("d"), Some("c"))
        );
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["created_at"], "b");
        assert_eq!(back["paidAt"], "d");
    }

    /// Plaid: nullable components whose inner type typify would name like the component itself
    /// generate once each, and decode `null` and a value.
    #[test]
    fn nullable_components_are_named_once() {
        let pay: types::Pay = serde_json::from_str(
            r#"{"insights": {"risk": "low"}, "base": {"data": true}, "frequency": "weekly"}"#,
        )
        .unwrap();
        assert!(pay.insights.is_some_and(|i| i.0.is_some()));
        assert!(pay.frequency.is_some_and(|f| f.0.is_some()));
        let pay: types::Pay =
            serde_json::from_str(r#"{"insights": null, "base": null, "frequency": null}"#).unwrap();
        assert!(pay.frequency.and_then(|f| f.0).is_none());
        assert!(pay.insights.and_then(|i| i.0).is_none());
    }
}
