//! Unit tests of media types and success responses at the generator level: which media type
//! is chosen, what the model records, and the shape of the generated code. The same fixture
//! spec is compiled and run against loopback servers in `crate::fixture_clients`.

use std::path::Path;

use super::error::Location;
use super::media::{choose, classify};
use super::model::{BodyKind, StatusKey, SuccessBody, SuccessModel};
use super::{generate, normalize};

const MEDIA: &str = include_str!("../../tests/fixtures/codegen/media-types.yaml");

fn model(text: &str) -> super::model::ApiModel {
    let mut doc = super::load::parse(Path::new("t.yaml"), text).unwrap();
    super::validate::check(Path::new("t.yaml"), &doc).unwrap();
    normalize::normalize(Path::new("t.yaml"), &mut doc).unwrap()
}

fn op<'m>(model: &'m super::model::ApiModel, id: &str) -> &'m super::model::OperationModel {
    model
        .operations
        .iter()
        .find(|o| o.operation_id == id)
        .unwrap()
}

fn code() -> String {
    generate(Path::new("specs/media-types.yaml"), MEDIA)
        .unwrap_or_else(|e| panic!("{e}"))
        .code
}

/// The generated function `name`, up to the next function.
fn function<'c>(code: &'c str, name: &str) -> &'c str {
    let start = code
        .find(&format!("fn {name}<"))
        .unwrap_or_else(|| panic!("no fn {name}"));
    let rest = &code[start..];
    let end = rest[3..].find("\n    pub ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

#[test]
fn plus_json_types_are_json_and_json_is_preferred() {
    for json in [
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
        "application/json-patch+json",
        "application/vnd.acme.order+json",
        "APPLICATION/VND.API+JSON",
        "*/*",
    ] {
        assert_eq!(classify(json).0, BodyKind::Json, "{json}");
    }
    assert_eq!(
        classify("application/x-www-form-urlencoded").0,
        BodyKind::Form
    );
    assert_eq!(
        classify("multipart/form-data; boundary=x").0,
        BodyKind::Multipart
    );
    assert_eq!(classify("application/octet-stream").0, BodyKind::Bytes);
    assert_eq!(classify("text/csv").0, BodyKind::Text);
    assert_eq!(classify("application/pdf").0, BodyKind::Bytes);

    let doc = serde_json::Value::Null;
    let offered = |types: &[&str]| {
        let map: serde_json::Map<String, serde_json::Value> = types
            .iter()
            .map(|t| {
                (
                    t.to_string(),
                    serde_json::json!({"schema": {"type": "object"}}),
                )
            })
            .collect();
        choose(&doc, &map).map(|(m, _)| m.to_string())
    };
    let order = [
        "text/plain",
        "application/octet-stream",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "application/vnd.x+json",
    ];
    // Each preferred over all that come before it in `order`.
    for i in 0..order.len() {
        assert_eq!(offered(&order[..=i]).as_deref(), Some(order[i]));
    }
    assert_eq!(
        offered(&["image/png", "text/csv"]).as_deref(),
        Some("text/csv")
    );
    // `*/*` with a binary schema is bytes.
    let map: serde_json::Map<String, serde_json::Value> = [(
        "*/*".to_string(),
        serde_json::json!({"schema": {"type": "string", "format": "binary"}}),
    )]
    .into_iter()
    .collect();
    assert_eq!(choose(&doc, &map).map(|c| c.1), Some(BodyKind::Bytes));
}

#[test]
fn request_media_types_are_recorded() {
    let m = model(MEDIA);
    let body = |id| op(&m, id).request_body.clone().unwrap();
    assert_eq!(body("orders.create").kind, BodyKind::Json);
    assert_eq!(body("orders.create").media_type, "application/json");
    assert_eq!(body("patchOrder").media_type, "application/json-patch+json");
    assert_eq!(body("createCharge").kind, BodyKind::Form);
    assert_eq!(body("uploadFile").kind, BodyKind::Multipart);
    assert_eq!(body("uploadFile").file_fields, vec!["file"]);
    assert_eq!(body("startExport").kind, BodyKind::Text);
    assert_eq!(body("startExport").media_type, "text/csv");
    assert_eq!(body("putBlob").kind, BodyKind::Bytes);
    assert_eq!(body("putBlob").media_type, "image/png");
    assert!(op(&m, "getReport").request_body.is_none());
}

#[test]
fn different_success_bodies_become_an_enum_keyed_by_status() {
    let m = model(MEDIA);
    let SuccessModel::Enum(create) = &op(&m, "orders.create").success else {
        panic!("{:?}", op(&m, "orders.create").success)
    };
    let statuses: Vec<(StatusKey, Option<SuccessBody>)> =
        create.iter().map(|r| (r.status, r.body.clone())).collect();
    assert_eq!(
        statuses,
        vec![
            (
                StatusKey::Code(200),
                Some(SuccessBody::Json("Order".into()))
            ),
            (
                StatusKey::Code(201),
                Some(SuccessBody::Json("OrdersCreateCreatedResponse".into()))
            ),
        ]
    );
    let SuccessModel::Enum(delete) = &op(&m, "deleteOrder").success else {
        panic!()
    };
    assert_eq!(delete[1].status, StatusKey::Code(204));
    assert_eq!(delete[1].body, None);
    // One JSON body stays progenitor's; one non-JSON body is a single type.
    assert_eq!(op(&m, "patchOrder").success, SuccessModel::Generated);
    assert!(matches!(
        &op(&m, "getReport").success,
        SuccessModel::Single(r) if r[0].body == Some(SuccessBody::Bytes("application/pdf".into()))
    ));
    assert!(matches!(
        &op(&m, "getReportCsv").success,
        SuccessModel::Single(r) if r[0].body == Some(SuccessBody::Text("text/csv".into()))
    ));
}

#[test]
fn success_enums_are_generated_and_operations_return_them() {
    let code = code();
    assert!(syn::parse_file(&code).is_ok());
    assert!(code.contains("pub mod responses {"));
    assert!(code.contains("pub enum OrdersCreateResponse {"));
    assert!(code.contains("Ok(types::Order),"));
    assert!(code.contains("Created(types::OrdersCreateCreatedResponse),"));
    assert!(code.contains("pub enum DeleteOrderResponse {"));
    assert!(code.contains("NoContent,"));
    assert!(code.contains("Accepted(::std::string::String),"));
    assert!(code.contains("impl ::paysdk::runtime::SuccessBody for OrdersCreateResponse"));

    let create = function(&code, "orders_create");
    assert!(
        create.contains("Result<ResponseValue<responses::OrdersCreateResponse>, Error<()>>"),
        "{create}"
    );
    assert!(
        create.contains("200u16 | 201u16 => ::paysdk::runtime::decode_success(response).await")
    );
    let builder = function(&code, "orders_create_request");
    assert!(builder.contains("::paysdk::runtime::Prepared<responses::OrdersCreateResponse>"));
    assert!(builder.contains("Ok(::paysdk::runtime::Prepared::decoded(request))"));
    // Single bodies keep returning the body type.
    assert!(function(&code, "patch_order").contains("ResponseValue<types::Order>"));
    assert!(function(&code, "get_report").contains("ResponseValue<::bytes::Bytes>"));
    assert!(function(&code, "get_report_csv").contains("ResponseValue<::std::string::String>"));
}

/// An operationId that starts with a digit names its success and error enums the way typify
/// names such a schema (`X` first), not an identifier that cannot exist.
#[test]
fn types_named_after_an_operation_that_starts_with_a_digit_are_valid() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /3ds:
    post:
      operationId: 3dsAuthenticate
      responses:
        '200':
          description: done
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
        '202':
          description: pending
          content:
            application/json:
              schema: {type: object, properties: {poll: {type: string}}}
        '400':
          description: bad
          content:
            application/json:
              schema: {type: object, properties: {code: {type: string}}}
"#;
    let code = generate(Path::new("specs/digits.yaml"), spec)
        .unwrap_or_else(|e| panic!("{e}"))
        .code;
    syn::parse_file(&code).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        code.contains("pub enum X3dsAuthenticateResponse {"),
        "{code}"
    );
    assert!(code.contains("pub enum X3dsAuthenticateError {"));
    let op = function(&code, "_3ds_authenticate");
    assert!(
        op.contains("Result<ResponseValue<responses::X3dsAuthenticateResponse>, Error<()>>"),
        "{op}"
    );
}

#[test]
fn request_bodies_use_the_runtime_encoders_and_the_spec_content_type() {
    let code = code();
    let charge = function(&code, "create_charge_request");
    assert!(charge.contains("::paysdk::runtime::form_body("), "{charge}");
    assert!(!code.contains(".form_urlencoded("));
    let upload = function(&code, "upload_file_request");
    assert!(
        upload.contains("::paysdk::runtime::multipart_body(") && upload.contains("&[\"file\"]"),
        "{upload}"
    );
    assert!(function(&code, "patch_order_request").contains("\"application/json-patch+json\""));
    assert!(function(&code, "start_export_request").contains("from_static(\"text/csv\")"));
    assert!(function(&code, "put_blob_request").contains("from_static(\"image/png\")"));
    // JSON chosen over the form listed first.
    assert!(function(&code, "orders_create_request").contains(".json(&body)"));
}

#[test]
fn a_bodiless_and_a_json_success_do_not_reach_progenitor_together() {
    // progenitor asserts one response kind per operation; 200 + 204 used to panic it.
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
        '204': {description: none}
        2XX:
          description: other
          content: {application/hal+json: {schema: {type: integer}}}
"#;
    let code = generate(Path::new("specs/t.yaml"), spec)
        .unwrap_or_else(|e| panic!("{e}"))
        .code;
    assert!(code.contains("pub enum GetAResponse {"), "{code}");
    assert!(code.contains("Status2xx {"), "{code}");
    assert!(
        code.contains("200u16 | 204u16 | 200u16..=299u16 =>"),
        "{code}"
    );
}

#[test]
fn a_media_type_that_cannot_be_a_header_fails_with_its_pointer() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      operationId: postA
      requestBody:
        content:
          "text/plain\u0001": {schema: {type: string}}
      responses:
        '204': {description: none}
"#;
    let e = generate(Path::new("specs/t.yaml"), spec).unwrap_err();
    assert_eq!(
        e.location,
        Location::Pointer("/paths/~1a/post/requestBody/content/text~1plain\u{1}".into())
    );
    assert!(e.problem.contains("Content-Type"), "{e}");
}

#[test]
fn schemaless_and_encoded_bodies_do_not_panic_the_generator() {
    // progenitor `todo!`s on a JSON response without a schema and on an `encoding` map.
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      operationId: postA
      requestBody:
        content:
          application/x-www-form-urlencoded:
            encoding: {tags: {style: deepObject, explode: true}}
            schema: {type: object, properties: {tags: {type: array, items: {type: string}}}}
      responses:
        '200':
          description: ok
          content:
            application/json: {}
  /b:
    put:
      operationId: putB
      requestBody:
        content:
          application/xml: {schema: {type: object}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              encoding: {x: {contentType: text/plain}}
              schema: {type: object}
"#;
    let code = generate(Path::new("specs/t.yaml"), spec)
        .unwrap_or_else(|e| panic!("{e}"))
        .code;
    assert!(function(&code, "put_b_request").contains("from_static(\"application/xml\")"));
}

#[test]
fn vendor_schema_quirks_that_panic_typify_are_normalized() {
    // PayPal: `format` on an object; Plaid: a string enum written with numbers and booleans.
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                format: payer_v1
                properties:
                  version: {type: string, enum: [4.1, 4, true]}
"#;
    let code = generate(Path::new("specs/t.yaml"), spec)
        .unwrap_or_else(|e| panic!("{e}"))
        .code;
    assert!(code.contains("\"4.1\""), "{code}");
}
