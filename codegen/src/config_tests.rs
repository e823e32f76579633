use std::path::{Path, PathBuf};

use super::*;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Shop, version: '1'}
paths:
  /orders:
    parameters:
      - {name: tenant, in: query, schema: {type: string}}
    get:
      operationId: listOrders
      tags: [Orders]
      parameters:
        - {name: offset, in: query, schema: {type: integer}}
        - $ref: '#/components/parameters/Limit'
      responses: {'200': {description: ok}}
    post:
      operationId: createOrder
      tags: [Orders]
      responses: {'201': {description: ok}}
  /events:
    get:
      operationId: listEvents
      tags: [Events]
      parameters:
        - {name: starting_after, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
  schemas:
    Card: {type: object, properties: {pan: {type: string}}}
"#;

const FULL: &str = r#"
operations:
  tags: [Orders]
  ids: [listEvents]
methods:
  listOrders: orders
idempotency:
  header: Idempotency-Ref
  max_length: 64
  operations: [createOrder]
request_reference_header: request-ref
retry_after_headers: [x-ratelimit-reset]
transient_errors:
  - {status: 409, field: errorCode, equals: IDEMPOTENT_REQUEST_IN_PROGRESS}
  - status: 425
pagination:
  listOrders:
    offset: {limit: limit, total: page.count, items: orders}
  listEvents:
    cursor: {param: starting_after, last_item: id, has_more: has_more, items: data}
secrets: [pan, Card.pan]
client_parameters: [tenant]
environments: [Production, Sandbox]
webhook_signature:
  reference: Event-Id
  timestamp: event-time
  signatures:
    - {header: signature, signs: [reference, body, timestamp]}
"#;

fn names() -> SpecNames {
    let doc: Value = serde_yaml::from_str(SPEC).unwrap();
    SpecNames::of(&doc)
}

fn parse(text: &str) -> Result<Sidecar, SpecError> {
    Sidecar::parse(Path::new("specs/shop.paysdk.yaml"), text, Some(&names()))
}

fn fails(text: &str) -> SpecError {
    match parse(text) {
        Ok(s) => panic!("should be refused: {s:?}"),
        Err(e) => e,
    }
}

fn line_of(e: &SpecError) -> usize {
    match e.location {
        Location::LineColumn { line, .. } => line,
        ref other => panic!("no line in {e}: {other:?}"),
    }
}

fn path(s: &str) -> FieldPath {
    FieldPath(s.split('.').map(str::to_string).collect())
}

#[test]
fn every_key_is_read() {
    let s = parse(FULL).unwrap();
    assert_eq!(s.file.as_deref(), Some(Path::new("specs/shop.paysdk.yaml")));
    let filter = s.operations.as_ref().unwrap();
    assert!(filter.selects(Some("listOrders"), &["Orders"]));
    assert!(filter.selects(Some("listEvents"), &[]));
    assert!(!filter.selects(Some("other"), &["Events"]));
    assert_eq!(s.method_name("listOrders"), Some("orders"));
    assert_eq!(s.method_name("createOrder"), None);
    let idem = s.idempotency.as_ref().unwrap();
    assert_eq!(idem.header, Some(HeaderName("idempotency-ref".into())));
    assert_eq!(idem.max_length(), 64);
    assert!(s.wants_idempotency_key("createOrder"));
    assert!(!s.wants_idempotency_key("listOrders"));
    assert_eq!(
        s.request_reference_header,
        Some(HeaderName("request-ref".into()))
    );
    assert_eq!(
        s.retry_after_headers,
        vec![HeaderName("x-ratelimit-reset".into())]
    );
    assert_eq!(
        s.transient_errors,
        vec![
            TransientRule {
                status: 409,
                body: Some((path("errorCode"), "IDEMPOTENT_REQUEST_IN_PROGRESS".into())),
            },
            TransientRule {
                status: 425,
                body: None
            },
        ]
    );
    assert_eq!(
        s.pagination_of("listOrders"),
        Some(&Pagination::Offset(OffsetPagination {
            offset: QueryParam("offset".into()),
            limit: QueryParam("limit".into()),
            total: Some(path("page.count")),
            items: path("orders"),
        }))
    );
    assert_eq!(
        s.pagination_of("listEvents"),
        Some(&Pagination::Cursor(CursorPagination {
            param: QueryParam("starting_after".into()),
            next: CursorSource::LastItem(path("id")),
            has_more: Some(path("has_more")),
            items: path("data"),
        }))
    );
    assert_eq!(
        s.secrets,
        vec![
            SecretField {
                schema: None,
                property: "pan".into()
            },
            SecretField {
                schema: Some("Card".into()),
                property: "pan".into()
            },
        ]
    );
    assert_eq!(s.client_parameters, vec![ClientParam("tenant".into())]);
    let names: Vec<&str> = s.environments.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["Production", "Sandbox"]);
    assert_eq!(
        s.webhook_signature,
        Some(WebhookSignature {
            reference: Some(HeaderName("event-id".into())),
            timestamp: HeaderName("event-time".into()),
            signatures: vec![(
                HeaderName("signature".into()),
                vec![
                    SignedPart::Reference,
                    SignedPart::Body,
                    SignedPart::Timestamp
                ]
            )],
        })
    );
}

#[test]
fn an_empty_file_is_the_defaults() {
    for text in ["", "# nothing yet\n"] {
        let s = parse(text).unwrap();
        assert_eq!(s.operations, None);
        assert!(s.methods.is_empty() && s.pagination.is_empty());
    }
}

#[test]
fn an_unknown_key_names_file_line_column_and_key() {
    let e = fails("methods: {}\nretry_after: [x-wait]\n");
    assert_eq!(e.location, Location::LineColumn { line: 2, column: 1 });
    let shown = e.to_string();
    assert!(
        shown.starts_with(
            "paysdk: cannot generate a client from specs/shop.paysdk.yaml (line 2, column 1)"
        ),
        "{shown}"
    );
    assert!(shown.contains("unknown field `retry_after`"), "{shown}");
    assert!(
        shown.contains("retry_after_headers"),
        "lists the keys: {shown}"
    );
    assert!(!shown.contains('\n'), "one paragraph: {shown}");
}

#[test]
fn unknown_keys_are_refused_at_every_level() {
    let cases = [
        (
            "operations:\n  tags: [Orders]\n  operation_ids: [x]\n",
            3,
            "operation_ids",
        ),
        (
            "idempotency:\n  header: x-key\n  max_len: 3\n",
            3,
            "max_len",
        ),
        (
            "transient_errors:\n  - status: 409\n    code: X\n",
            3,
            "code",
        ),
        (
            "pagination:\n  listOrders:\n    offset:\n      items: data\n      totl: n\n",
            5,
            "totl",
        ),
        (
            "pagination:\n  listOrders:\n    pages: {items: data}\n",
            3,
            "pages",
        ),
    ];
    for (text, line, key) in cases {
        let e = fails(text);
        assert_eq!(line_of(&e), line, "{text}: {e}");
        assert!(e.problem.contains(&format!("`{key}`")), "{text}: {e}");
    }
}

#[test]
fn names_the_spec_lacks_are_located() {
    let cases = [
        (
            "operations:\n  ids: [listOrders, lstEvents]\n",
            2,
            "operationId 'lstEvents', did you mean 'listEvents'?",
        ),
        (
            "operations:\n  tags:\n    - Orders\n    - Refunds\n",
            4,
            "tag 'Refunds'",
        ),
        (
            "methods:\n  listOrders: orders\n  deleteOrder: delete\n",
            3,
            "operationId 'deleteOrder'",
        ),
        (
            "idempotency:\n  operations: [refund]\n",
            2,
            "operationId 'refund'",
        ),
        (
            "pagination:\n  listEvents:\n    cursor: {param: after, next: next, items: data}\n",
            3,
            "operation 'listEvents' has no query parameter 'after'",
        ),
        (
            // Path-level and `$ref` parameters count; `offset` here is listOrders' only.
            "pagination:\n  listEvents:\n    offset: {items: data}\n",
            3,
            "operation 'listEvents' has no query parameter 'offset'",
        ),
        (
            "client_parameters:\n  - tenant\n  - tennant\n",
            3,
            "no operation of the spec has a query or header parameter 'tennant', did you mean 'tenant'?",
        ),
        (
            "secrets: [Crad.pan]\n",
            1,
            "no component schema 'Crad', did you mean 'Card'?",
        ),
    ];
    for (text, line, problem) in cases {
        let e = fails(text);
        assert_eq!(line_of(&e), line, "{text}: {e}");
        assert!(e.problem.contains(problem), "{text}: {e}");
    }
}

#[test]
fn query_parameters_from_path_items_and_refs_count() {
    let s =
        parse("pagination:\n  listOrders:\n    offset: {offset: tenant, limit: limit, items: x}\n")
            .unwrap();
    assert!(s.pagination_of("listOrders").is_some());
}

#[test]
fn values_are_checked() {
    let cases = [
        ("operations: {}\n", "selects nothing"),
        (
            "methods:\n  listOrders: ListOrders\n",
            "not a snake-case Rust identifier",
        ),
        (
            "methods:\n  listOrders: type\n",
            "not a snake-case Rust identifier",
        ),
        (
            "methods:\n  listOrders: get\n  listEvents: get\n",
            "both given method name 'get'",
        ),
        (
            "methods:\n  listOrders: a\n  listOrders: b\n",
            "listed twice",
        ),
        (
            "request_reference_header: 'request ref'\n",
            "not an HTTP header name",
        ),
        (
            "transient_errors:\n  - status: 200\n",
            "not an error status",
        ),
        (
            "transient_errors:\n  - {status: 409, field: code}\n",
            "needs `equals`",
        ),
        (
            "pagination:\n  listOrders:\n    offset: {items: a..b}\n",
            "not a field path",
        ),
        (
            "pagination:\n  listEvents:\n    cursor: {param: starting_after, items: data}\n",
            "exactly one of `next`",
        ),
        (
            "pagination:\n  listEvents:\n    link: {next: a, link_header: true, items: data}\n",
            "exactly one of `next`",
        ),
        ("secrets: [Card.]\n", "not a secret field"),
        ("idempotency:\n  max_length: -1\n", "invalid type"),
        ("environments: [live]\n", "not an upper camel case"),
        ("environments: [Custom]\n", "stands for any base URL"),
        (
            "webhook_signature: {timestamp: t, signatures: []}\n",
            "at least one signature header",
        ),
        (
            "webhook_signature:\n  timestamp: t\n  signatures: [{header: s, signs: [reference]}]\n",
            "no `reference` header",
        ),
        (
            "webhook_signature:\n  timestamp: t\n  signatures: [{header: s, signs: [url]}]\n",
            "unknown variant `url`",
        ),
    ];
    for (text, problem) in cases {
        let e = fails(text);
        assert!(e.problem.contains(problem), "{text}: {e}");
        assert!(matches!(e.location, Location::LineColumn { .. }), "{e}");
    }
}

#[test]
fn link_pagination_reads_a_field_or_the_link_header() {
    let s = parse(
        "pagination:\n  listOrders:\n    link: {next: links.next, items: data}\n  \
         listEvents:\n    link: {link_header: true, items: data}\n",
    )
    .unwrap();
    assert_eq!(
        s.pagination_of("listOrders").map(|p| match p {
            Pagination::Link(l) => l.next.clone(),
            _ => panic!("{p:?}"),
        }),
        Some(LinkSource::Field(path("links.next")))
    );
    assert_eq!(
        s.pagination_of("listEvents").map(Pagination::items),
        Some(&path("data"))
    );
}

#[test]
fn without_a_spec_only_the_structure_is_checked() {
    let s = Sidecar::parse(
        Path::new("x.paysdk.yaml"),
        "methods: {anything: any_name}\n",
        None,
    )
    .unwrap();
    assert_eq!(s.method_name("anything"), Some("any_name"));
    // The check context does not outlive a parse.
    assert!(parse("methods: {anything: any_name}\n").is_err());
    assert!(Sidecar::parse(Path::new("x.paysdk.yaml"), "methods: {x: y}\n", None).is_ok());
}

#[test]
fn the_sidecar_sits_next_to_its_spec() {
    assert_eq!(
        Sidecar::path_for(Path::new("specs/stripe.yaml")),
        PathBuf::from("specs/stripe.paysdk.yaml")
    );
    assert_eq!(
        Sidecar::path_for(Path::new("specs/adyen.json")),
        PathBuf::from("specs/adyen.paysdk.yaml")
    );
    assert_eq!(
        Sidecar::path_for(Path::new("specs/unit")),
        PathBuf::from("specs/unit.paysdk.yaml")
    );
    assert!(is_companion(Path::new("specs/stripe.paysdk.yaml")).unwrap());
    assert!(!is_companion(Path::new("specs/stripe.yaml")).unwrap());
    let e = is_companion(Path::new("specs/stripe.paysdk.yml")).unwrap_err();
    assert!(e.problem.contains("end in `.paysdk.yaml`"), "{e}");
}

#[test]
fn a_sidecar_of_no_spec_is_refused() {
    let specs = [
        PathBuf::from("specs/shop.yaml"),
        PathBuf::from("specs/unit"),
    ];
    let ok = [
        PathBuf::from("specs/shop.paysdk.yaml"),
        PathBuf::from("specs/unit.paysdk.yaml"),
    ];
    assert!(check_companions(&ok, &specs).is_ok());
    let e = check_companions(&[PathBuf::from("specs/shops.paysdk.yaml")], &specs).unwrap_err();
    assert_eq!(e.file, Path::new("specs/shops.paysdk.yaml"));
    assert!(e.problem.contains("belongs to no spec"), "{e}");
}

#[test]
fn generation_reads_the_sidecar_and_fails_on_its_errors() {
    let tree = crate::spec::MemorySource::new()
        .with(Path::new("specs/shop.yaml"), SPEC)
        .with(
            Path::new("specs/shop.paysdk.yaml"),
            "methods:\n  listOrders: orders\nunknown: 1\n",
        );
    let e = super::super::generate_from(&tree, Path::new("specs/shop.yaml")).unwrap_err();
    assert_eq!(e.file, Path::new("specs/shop.paysdk.yaml"));
    assert_eq!(line_of(&e), 3);
    assert!(e.problem.contains("unknown field `unknown`"), "{e}");

    let tree = crate::spec::MemorySource::new()
        .with(Path::new("specs/shop.yaml"), SPEC)
        .with(
            Path::new("specs/shop.paysdk.yaml"),
            "methods:\n  listOrders: orders\n",
        );
    let module = super::super::generate_from(&tree, Path::new("specs/shop.yaml")).unwrap();
    assert_eq!(
        module.files,
        vec![
            PathBuf::from("specs/shop.yaml"),
            PathBuf::from("specs/shop.paysdk.yaml")
        ]
    );
}

#[test]
fn the_documented_example_fits_the_weavr_spec() {
    let docs = include_str!("../../docs/sidecar.md");
    let start = docs.find("```yaml\n").unwrap() + "```yaml\n".len();
    let example = &docs[start..start + docs[start..].find("```").unwrap()];
    let spec = crate::repo_root().join("specs/weavr-payment-run.yaml");
    let text = std::fs::read_to_string(spec).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let s = Sidecar::parse(
        Path::new("docs/sidecar.md"),
        example,
        Some(&SpecNames::of(&doc)),
    )
    .unwrap();
    assert_eq!(s.method_name("getInstitutions"), Some("list_institutions"));
    assert!(s.pagination_of("getInstitutions").is_some());
}

const TRANSFERS: &str = r#"
openapi: 3.0.3
info: {title: Bank, version: '1'}
paths:
  /accounts/{id}/transfers/{kind}:
    post:
      operationId: createTransfer
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: kind, in: path, required: true, schema: {type: string, enum: [internal]}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewTransfer'}
      responses: {'201': {description: ok}}
  /reports:
    get:
      operationId: searchReports
      parameters:
        - {name: year, in: query, schema: {type: integer}}
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    keyAuth: {type: apiKey, in: header, name: X-Key}
    userAuth: {type: http, scheme: basic}
    digestAuth: {type: http, scheme: digest}
  schemas:
    NewTransfer:
      allOf:
        - {$ref: '#/components/schemas/Amount'}
        - {type: object, properties: {memo: {type: string}, urgent: {type: boolean}}}
    Amount: {type: object, properties: {amount: {type: integer}, currency: {type: string}}}
"#;

fn parse_transfers(text: &str) -> Result<Sidecar, SpecError> {
    let doc: Value = serde_yaml::from_str(TRANSFERS).unwrap();
    Sidecar::parse(
        Path::new("specs/bank.paysdk.yaml"),
        text,
        Some(&SpecNames::of(&doc)),
    )
}

#[test]
fn shortcuts_and_query_structs_are_read() {
    let s = parse_transfers(
        "shortcuts:\n  transfer_internal:\n    operation: createTransfer\n    \
         arguments: [amount, {memo: note}]\n    body: {currency: EUR, urgent: true}\n    \
         path: {kind: internal}\nquery_structs:\n  searchReports: ReportQuery\n",
    )
    .unwrap();
    let (name, shortcut) = s.shortcuts.iter().next().unwrap();
    assert_eq!(name.0, "transfer_internal");
    assert_eq!(
        *shortcut,
        Shortcut {
            operation: OperationId("createTransfer".into()),
            arguments: vec![
                BodyArgument {
                    field: "amount".into(),
                    name: None
                },
                BodyArgument {
                    field: "memo".into(),
                    name: Some(MethodName("note".into()))
                },
            ],
            body: vec![
                ("currency".into(), Constant::Str("EUR".into())),
                ("urgent".into(), Constant::Bool(true)),
            ],
            path: vec![("kind".into(), Constant::Str("internal".into()))],
        }
    );
    let query = s.query_structs.get(&OperationId("searchReports".into()));
    assert_eq!(query, Some(&TypeName("ReportQuery".into())));
}

#[test]
fn shortcut_and_query_struct_mistakes_are_located() {
    let cases = [
        (
            // Checked once the entry is read: located at the shortcut's name.
            "shortcuts:\n  t:\n    operation: createTransfer\n    arguments: [amout]\n",
            2,
            "operation 'createTransfer' has no body field 'amout', did you mean 'amount'?",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    path: {knd: internal}\n",
            2,
            "has no path parameter 'knd', did you mean 'kind'?",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfr\n",
            3,
            "no operation with operationId 'createTransfr'",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    args: [amount]\n",
            4,
            "unknown field `args`",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    arguments: [amount]\n    \
             body: {amount: 1}\n",
            2,
            "body field 'amount' is both an argument and fixed",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    body: {memo: [a]}\n",
            4,
            "a fixed value is a string, an integer or a boolean",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    arguments: [{memo: Note}]\n",
            4,
            "method name 'Note' is not a snake-case Rust identifier",
        ),
        (
            "shortcuts:\n  Transfer:\n    operation: createTransfer\n",
            2,
            "method name 'Transfer'",
        ),
        (
            "query_structs:\n  searchReports: report_query\n",
            2,
            "type name 'report_query' is not an upper camel case",
        ),
        (
            "query_structs:\n  serchReports: ReportQuery\n",
            2,
            "operationId 'serchReports', did you mean 'searchReports'?",
        ),
    ];
    for (text, line, problem) in cases {
        let e = match parse_transfers(text) {
            Ok(s) => panic!("should be refused: {text}: {s:?}"),
            Err(e) => e,
        };
        assert_eq!(line_of(&e), line, "{text}: {e}");
        assert!(e.problem.contains(problem), "{text}: {e}");
    }
}

#[test]
fn shortcut_mistakes_only_the_generated_code_shows_fail_generation() {
    let cases = [
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    body: {kind: x}\n",
            "body field 'kind'",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    path: {kind: external}\n",
            "'external' is not a value of `CreateTransferKind` (one of: internal)",
        ),
        (
            "shortcuts:\n  t:\n    operation: createTransfer\n    body: {amount: many}\n",
            "body field 'amount': `\"many\"` is not a value of type",
        ),
        (
            "shortcuts:\n  create_transfer:\n    operation: createTransfer\n  \
             search_reports:\n    operation: createTransfer\n",
            "shortcut 'search_reports' has the name of operation 'searchReports''s method",
        ),
        (
            "shortcuts:\n  t:\n    operation: searchReports\n    arguments: [x]\n",
            "has no body field 'x'",
        ),
    ];
    assert_generation_fails_in_sidecar(&cases);
}

#[test]
fn credentials_and_provider_are_read() {
    let s = parse_transfers(
        "provider: bank-eu\ncredentials:\n  names: {keyAuth: key}\n  required: true\n",
    )
    .unwrap();
    assert_eq!(s.provider, Some(ProviderName("bank-eu".into())));
    let c = s.credentials.unwrap();
    assert!(c.required);
    let names: Vec<(&str, &str)> = (c.names.iter())
        .map(|(k, v)| (k.0.as_str(), v.0.as_str()))
        .collect();
    assert_eq!(names, [("keyAuth", "key")]);
    assert_eq!(
        parse_transfers("credentials: {}\n").unwrap().credentials,
        Some(CredentialSettings::default())
    );
}

#[test]
fn credentials_and_provider_mistakes_are_located() {
    let cases = [
        (
            "credentials:\n  names:\n    keyAuth: key\n    usrAuth: user\n",
            "the spec has no security scheme 'usrAuth', did you mean 'userAuth'?",
        ),
        (
            "credentials:\n  names:\n    keyAuth: Key\n",
            "method name 'Key' is not a snake-case Rust identifier",
        ),
        (
            "credentials:\n  required: true\n  require: true\n",
            "unknown field `require`",
        ),
        ("provider: the bank\n", "provider name 'the bank' is not"),
    ];
    for (text, problem) in cases {
        let e = match parse_transfers(text) {
            Ok(s) => panic!("should be refused: {text}: {s:?}"),
            Err(e) => e,
        };
        let last = text.lines().count();
        assert_eq!(line_of(&e), last, "{text}: {e}");
        assert!(e.problem.contains(problem), "{text}: {e}");
    }
}

#[test]
fn credentials_paysdk_cannot_make_fail_generation() {
    let cases = [
        (
            "credentials:\n  names: {digestAuth: digest}\n",
            "credentials: scheme 'digestAuth' cannot be sent by paysdk",
        ),
        (
            "credentials:\n  names: {keyAuth: same, userAuth: same}\n",
            "two schemes make the variant `Credentials::Same`",
        ),
    ];
    assert_generation_fails_in_sidecar(&cases);
}

/// Each sidecar, beside the transfers spec, fails generation with an error in the sidecar
/// file whose text contains its problem.
fn assert_generation_fails_in_sidecar(cases: &[(&str, &str)]) {
    for &(sidecar, problem) in cases {
        let tree = crate::spec::MemorySource::new()
            .with(Path::new("specs/bank.yaml"), TRANSFERS)
            .with(Path::new("specs/bank.paysdk.yaml"), sidecar);
        let e = super::super::generate_from(&tree, Path::new("specs/bank.yaml")).unwrap_err();
        assert_eq!(
            e.file,
            Path::new("specs/bank.paysdk.yaml"),
            "{sidecar}: {e}"
        );
        assert!(e.problem.contains(problem), "{sidecar}: {e}");
    }
}
