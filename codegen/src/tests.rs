//! Unit tests of code generation: every kind of bad spec fails with file, location and
//! problem; vendor quirks are normalized; a new spec becomes a module.

use std::path::Path;

use super::error::Location;
use super::model::StatusKey;
use super::{SpecError, generate, normalize};

const MINIMAL: &str = r#"
openapi: 3.0.3
info: {title: Minimal, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
"#;

fn fails(file: &str, text: &str) -> SpecError {
    match generate(Path::new(file), text) {
        Ok(_) => panic!("{file} should not generate"),
        Err(e) => e,
    }
}

fn assert_one_paragraph(e: &SpecError) {
    let shown = e.to_string();
    assert!(!shown.contains('\n'), "one paragraph: {shown}");
    assert!(
        shown.starts_with(&format!(
            "paysdk: cannot generate a client from {}",
            e.file.display()
        )),
        "{shown}"
    );
}

#[test]
fn a_minimal_spec_generates_a_module() {
    let module = generate(Path::new("specs/acme-widgets.yaml"), MINIMAL).unwrap();
    assert_eq!(module.module, "acme_widgets");
    assert!(module.code.contains("pub async fn get_thing"));
    assert!(module.code.contains("pub enum GetThingError"));
    assert!(
        module
            .code
            .contains("pub const GET_THING: ::paysdk::runtime::OperationSpec")
    );
    assert!(syn::parse_file(&module.code).is_ok());
}

#[test]
fn json_specs_generate_too() {
    let value: serde_json::Value = serde_yaml::from_str(MINIMAL).unwrap();
    let module = generate(Path::new("specs/acme.json"), &value.to_string()).unwrap();
    assert!(module.code.contains("pub async fn get_thing"));
}

#[test]
fn yaml_syntax_error_names_line_and_column() {
    let e = fails(
        "specs/broken.yaml",
        "openapi: 3.0.3\ninfo: {title: x\npaths: {}\n",
    );
    assert!(
        matches!(e.location, Location::LineColumn { line: 3, .. }),
        "{e}"
    );
    assert!(e.problem.starts_with("invalid YAML"), "{e}");
    assert!(
        e.to_string().contains("specs/broken.yaml (line 3, column"),
        "{e}"
    );
    assert_one_paragraph(&e);
}

#[test]
fn json_syntax_error_names_line_and_column() {
    let e = fails(
        "specs/broken.json",
        "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}",
    );
    assert_eq!(
        e.location,
        Location::LineColumn {
            line: 3,
            column: 13
        }
    );
    assert_one_paragraph(&e);
}

#[test]
fn dangling_ref_names_the_pointer() {
    let text = MINIMAL.replace(
        "schema: {type: object, properties: {id: {type: string}}}",
        "schema: {$ref: '#/components/schemas/thing'}",
    );
    let e = fails("specs/x.yaml", &text);
    assert_eq!(
        e.location,
        Location::Pointer(
            "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/$ref".into()
        )
    );
    assert!(
        e.problem
            .contains("dangling $ref '#/components/schemas/thing'"),
        "{e}"
    );
    assert_one_paragraph(&e);
}

#[test]
fn a_missing_external_file_names_the_reference() {
    let text = MINIMAL.replace(
        "schema: {type: object, properties: {id: {type: string}}}",
        "schema: {$ref: 'other.yaml#/thing'}",
    );
    let e = fails("specs/x.yaml", &text);
    assert!(e.problem.contains("cannot read 'specs/other.yaml'"), "{e}");
    assert_eq!(
        e.location,
        Location::Pointer(
            "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/$ref".into()
        )
    );
}

#[test]
fn missing_paths() {
    let e = fails(
        "specs/x.yaml",
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\n",
    );
    assert_eq!(e.location, Location::Pointer(String::new()));
    assert!(e.problem.contains("missing `paths`"), "{e}");
    assert!(e.to_string().contains("at the document root"));
}

#[test]
fn unsupported_versions() {
    let e = fails(
        "specs/x.yaml",
        &MINIMAL.replace("openapi: 3.0.3", "openapi: 3.3.0"),
    );
    assert_eq!(e.location, Location::Pointer("/openapi".into()));
    assert!(
        e.problem.contains("unsupported OpenAPI version 3.3.0"),
        "{e}"
    );
    let e = fails("specs/x.yaml", "swagger: '2.0'\npaths: {}\n");
    assert!(e.problem.contains("Swagger 2.0"), "{e}");
    let e = fails("specs/x.yaml", "info: {title: x}\npaths: {}\n");
    assert!(e.problem.contains("missing `openapi`"), "{e}");
}

#[test]
fn invalid_structure_names_the_pointer() {
    let text = MINIMAL.replace(
        "{name: id, in: path, required: true, schema: {type: string}}",
        "{name: id, in: somewhere, schema: {type: string}}",
    );
    let e = fails("specs/x.yaml", &text);
    assert!(
        e.problem.starts_with("not a valid OpenAPI 3.0 document"),
        "{e}"
    );
    assert!(
        matches!(&e.location, Location::Pointer(p) if p.starts_with("/paths/")),
        "{e:?}"
    );
}

#[test]
fn different_success_bodies_generate_a_success_enum() {
    let text = MINIMAL.replace(
        "      responses:\n        '200':",
        "      responses:\n        '201':\n          description: created\n          content:\n            application/json:\n              schema: {type: string}\n        '200':",
    );
    let module = generate(Path::new("specs/x.yaml"), &text).unwrap_or_else(|e| panic!("{e}"));
    assert!(module.code.contains("pub enum GetThingResponse {"));
    assert!(
        module
            .code
            .contains("ResponseValue<responses::GetThingResponse>")
    );
}

#[test]
fn generator_errors_name_the_file() {
    // progenitor rejects cookie parameters.
    let text = MINIMAL.replace("{name: id, in: path, required: true, schema: {type: string}}", "{name: id, in: path, required: true, schema: {type: string}}\n        - {name: session, in: cookie, schema: {type: string}}");
    let e = fails("specs/cookies.yaml", &text);
    assert!(e.problem.contains("generator"), "{e}");
    assert_one_paragraph(&e);
}

#[test]
fn bad_file_names_are_refused() {
    let e = fails("specs/1password.yaml", MINIMAL);
    assert!(e.problem.contains("module name"), "{e}");
}

#[test]
fn duplicate_operation_ids_are_refused() {
    let text = format!(
        "{MINIMAL}  /other:\n    get:\n      operationId: get_thing\n      responses:\n        '204': {{description: none}}\n"
    );
    let e = fails("specs/x.yaml", &text);
    assert!(e.problem.contains("must be unique"), "{e}");
}

fn normalized(text: &str) -> (serde_json::Value, super::model::ApiModel) {
    let mut doc = super::load::parse(Path::new("t.yaml"), text).unwrap();
    super::validate::check(Path::new("t.yaml"), &doc).unwrap();
    let model = normalize::normalize(Path::new("t.yaml"), &mut doc).unwrap();
    (doc, model)
}

const VENDOR_QUIRKS: &str = r#"
openapi: 3.0.0
info: {title: Quirks, version: v1}
servers:
  - url: https://api.{{environment}}.example.com/{{realm}}/v1
paths:
  /items/{item_id}/close:
    parameters:
      - {name: item_id, in: path, required: true, schema: {type: string, pattern: '^[0-9a-f]{24}$', readOnly: true}}
    post:
      parameters:
        - {name: idempotency-ref, in: header, schema: {type: string}}
      responses:
        200:
          description: closed
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string, maxLength: 3}, state: {type: string, enum: [OPEN, CLOSED]}}}
        '400':
          description: Bad
          content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}
        '401': {description: Unauthorized}
        '409':
          description: Conflict
          content: {application/json: {schema: {type: object, properties: {errorCode: {type: string, enum: [BUSY]}}}}}
        5XX: {description: Server}
        default:
          description: Other
          content: {application/json: {schema: {type: object, properties: {code: {type: string}}}}}
  /items/{item_id}:
    get:
      operationId: getItem
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: item
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string, maxLength: 3}, state: {type: string, enum: [OPEN, CLOSED]}}}
        '409':
          description: Conflict
          content: {application/json: {schema: {type: object, properties: {errorCode: {type: string, enum: [GONE]}}}}}
"#;

#[test]
fn vendor_quirks_are_normalized() {
    let (doc, model) = normalized(VENDOR_QUIRKS);
    // Templated server.
    assert_eq!(
        model.servers[0].url,
        "https://api.{environment}.example.com/{realm}/v1"
    );
    assert_eq!(model.servers[0].variables, vec!["environment", "realm"]);
    // Missing operationId derived from method and path.
    let close = &model.operations[0];
    assert_eq!(close.operation_id, "post_items_item_id_close");
    assert_eq!(close.header_params, vec!["idempotency-ref"]);
    assert_eq!(close.success_statuses, vec![200]);
    // Every error status recorded, mixed bodied and bodiless, range and default.
    let statuses: Vec<(StatusKey, Option<&str>)> = close
        .errors
        .iter()
        .map(|e| (e.status, e.body_schema.as_deref()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (StatusKey::Code(400), Some("BadRequestError")),
            (StatusKey::Code(401), None),
            (
                StatusKey::Code(409),
                Some("PostItemsItemIdCloseConflictError")
            ),
            (StatusKey::Range(5), None),
            (StatusKey::Default, Some("DefaultError")),
        ]
    );
    assert_eq!(
        model.operations[1].errors[0].body_schema.as_deref(),
        Some("GetItemConflictError")
    );
    // Errors are gone from the operation; their bodies are components.
    let responses = doc
        .pointer("/paths/~1items~1{item_id}~1close/post/responses")
        .unwrap();
    assert_eq!(
        responses.as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["200"]
    );
    assert!(doc.pointer("/components/schemas/BadRequestError").is_some());
    // readOnly and string limits are gone from parameter schemas.
    let param = doc
        .pointer("/paths/~1items~1{item_id}~1close/parameters/0/schema")
        .unwrap();
    assert_eq!(param, &serde_json::json!({"type": "string"}));
    // The repeated inline body became one component referenced twice.
    let close_body = doc
        .pointer(
            "/paths/~1items~1{item_id}~1close/post/responses/200/content/application~1json/schema",
        )
        .unwrap();
    let get_body = doc
        .pointer("/paths/~1items~1{item_id}/get/responses/200/content/application~1json/schema")
        .unwrap();
    assert_eq!(close_body, get_body);
    assert!(close_body.get("$ref").is_some(), "{close_body}");
    let generated = generate(Path::new("specs/quirks.yaml"), VENDOR_QUIRKS).unwrap();
    assert!(
        generated.code.contains("ServerError {"),
        "5XX becomes a variant with its status"
    );
}

#[test]
fn names_follow_progenitor() {
    assert_eq!(
        normalize::snake_case("deleteLinkedCustomerUsingDELETE"),
        "delete_linked_customer_using_delete"
    );
    assert_eq!(normalize::snake_case("getHTTPThing"), "get_http_thing");
    assert_eq!(
        normalize::pascal_case("unlinkLinkedAccountsId"),
        "UnlinkLinkedAccountsId"
    );
    assert_eq!(
        normalize::derive_operation_id("GET", "/v1/linked_accounts/{id}"),
        "get_v1_linked_accounts_id"
    );
}

#[test]
fn canonical_form_ignores_key_order() {
    let a: serde_json::Value = serde_json::from_str(r#"{"b": 1, "a": {"d": 2, "c": 3}}"#).unwrap();
    let b: serde_json::Value = serde_json::from_str(r#"{"a": {"c": 3, "d": 2}, "b": 1}"#).unwrap();
    assert_eq!(normalize::canonical(&a), normalize::canonical(&b));
}

#[test]
fn both_project_specs_generate() {
    let root = crate::repo_root().join("specs");
    let specs = super::discover(&root).unwrap();
    assert!(specs.len() >= 2);
    for spec in specs {
        let text = std::fs::read_to_string(&spec).unwrap();
        generate(&spec, &text).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn build_writes_one_module_per_spec_and_an_index() {
    let dir = std::env::temp_dir().join(format!("paysdk-codegen-{}", std::process::id()));
    let (specs, out) = (dir.join("specs"), dir.join("out"));
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(specs.join("acme-widgets.yaml"), MINIMAL).unwrap();
    std::fs::write(specs.join("notes.txt"), "not a spec").unwrap();
    let modules = super::build(&specs, &out).unwrap();
    assert_eq!(
        modules
            .iter()
            .map(|m| m.module.as_str())
            .collect::<Vec<_>>(),
        vec!["acme_widgets"]
    );
    let index = std::fs::read_to_string(out.join("apis.rs")).unwrap();
    assert!(index.contains("pub mod acme_widgets {"), "{index}");
    assert!(out.join("acme_widgets.rs").exists());
    // Two files that make the same module name are refused.
    let as_json: serde_json::Value = serde_yaml::from_str(MINIMAL).unwrap();
    std::fs::write(specs.join("acme_widgets.json"), as_json.to_string()).unwrap();
    let e = super::build(&specs, &out).unwrap_err();
    assert!(
        e.problem.contains("also makes module 'acme_widgets'"),
        "{e}"
    );
    assert!(e.file.ends_with("acme_widgets.json"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// progenitor's undocumented `api-version` header is gone, and the header map that held it
/// shrinks (an operation with no other header builds an empty, unallocated map).
#[test]
fn api_version_header_is_not_generated() {
    let generated = generate(Path::new("specs/quirks.yaml"), VENDOR_QUIRKS).unwrap();
    assert!(!generated.code.contains("api-version"));
    // An operation with no header left builds no map and merges none into its request.
    assert!(!generated.code.contains("HeaderMap::with_capacity(0usize)"));
    assert_eq!(
        generated.code.matches("HeaderMap::with_capacity(").count(),
        generated.code.matches(".headers(header_map)").count()
    );
    // An operation with a declared header keeps appending it.
    assert!(
        generated
            .code
            .contains("let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);")
    );
}

/// Success bodies decode through the runtime's decoder (which moves headers, not clones).
#[test]
fn success_bodies_decode_through_the_runtime() {
    let generated = generate(Path::new("specs/quirks.yaml"), VENDOR_QUIRKS).unwrap();
    assert!(!generated.code.contains("ResponseValue::from_response"));
    assert!(
        generated
            .code
            .contains("::paysdk::runtime::decode_json(response).await")
    );
}

/// The hooks are called directly: no `.await` on progenitor's `pre`, `exec` or `post`.
#[test]
fn hooks_are_called_directly() {
    let generated = generate(Path::new("specs/quirks.yaml"), VENDOR_QUIRKS).unwrap();
    for awaited in ["self.pre(", "self.exec(", "self.post("] {
        assert!(
            !generated.code.contains(awaited),
            "{awaited} is still generated"
        );
    }
    assert!(
        !generated.code.contains("OperationInfo {"),
        "only the hooks read it"
    );
    assert!(!generated.code.contains("before_send"));
    let operations = generated.code.matches("pub async fn ").count();
    assert!(operations > 0);
    for direct in [
        "let result = self.client.execute(request).await;",
        "self.inner.after_receive(&result);",
    ] {
        assert_eq!(
            generated.code.matches(direct).count(),
            operations,
            "{direct}"
        );
    }
}

/// Every operation gets a builder returning its request typed by its success body, and the
/// operation sends what the builder made.
#[test]
fn operations_are_split_into_builders() {
    let generated = generate(Path::new("specs/quirks.yaml"), VENDOR_QUIRKS).unwrap();
    let code = &generated.code;
    let operations = code.matches("pub async fn ").count();
    assert!(operations > 0);
    assert_eq!(
        code.matches("Ok(::paysdk::runtime::Prepared::new(request))")
            .count(),
        operations
    );
    assert!(code.contains("pub fn get_item_request<'a>("));
    assert!(code.contains("::paysdk::runtime::Prepared<types::PostItemsItemIdCloseResponse>"));
    assert!(code.contains("let mut request = self.get_item_request(item_id)?.into_inner();"));
    // The URL is formatted in the builder only.
    assert_eq!(code.matches("let url = format!(").count(), operations);
}

/// Path parameters are encoded as the URL is formatted, not through two strings each.
#[test]
fn path_parameters_are_encoded_while_formatting() {
    let generated = generate(Path::new("specs/quirks.yaml"), VENDOR_QUIRKS).unwrap();
    assert!(!generated.code.contains("encode_path("));
    // Macro arguments are printed token by token.
    assert!(generated.code.contains("runtime::PathParam(& item_id)"));
}

/// Pins the generated output for the quirks spec, the way progenitor-impl pins its own:
/// a change in progenitor, typify or the passes here shows up as a diff to review.
/// `UPDATE_SNAPSHOTS=1 cargo test -p paysdk-codegen --lib` rewrites the file.
#[test]
fn generated_output_matches_the_snapshot() {
    let generated = generate(Path::new("specs/quirks.yaml"), VENDOR_QUIRKS).unwrap();
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/snapshots/quirks.rs.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &generated.code).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            snapshot.display()
        )
    });
    if expected != generated.code {
        let first = expected
            .lines()
            .zip(generated.code.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(expected.lines().count().min(generated.code.lines().count()) + 1);
        panic!(
            "generated code differs from {} from line {first}; review and run with UPDATE_SNAPSHOTS=1",
            snapshot.display()
        );
    }
}

/// Found by the `spec_structured` fuzz target: typify merged two recursive types until a
/// 256 MB stack overflowed.
#[test]
fn merging_two_recursive_schemas_is_a_located_error_not_a_stack_overflow() {
    let spec = |schemas: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n\
             components:\n  schemas:\n{schemas}"
        )
    };
    let a = "    A: {type: object, additionalProperties: {$ref: '#/components/schemas/A'}}\n";
    let b = "    B: {type: object, additionalProperties: {$ref: '#/components/schemas/B'}}\n";
    let pa = "    A: {type: object, properties: {n: {$ref: '#/components/schemas/A'}}}\n";
    let pb = "    B: {type: object, properties: {n: {$ref: '#/components/schemas/B'}}}\n";
    let c =
        "    C: {allOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}\n";
    for schemas in [format!("{a}{b}{c}"), format!("{pa}{pb}{c}")] {
        let err = super::generate(Path::new("merge.yaml"), &spec(&schemas)).unwrap_err();
        assert_eq!(
            err.location,
            Location::Pointer("/components/schemas/C".into()),
            "{err}"
        );
        assert!(
            err.problem.contains("different recursive schemas (A, B)"),
            "{err}"
        );
    }
    // One recursive type merged with what refers to it again: generated.
    let same = "    C: {allOf: [{$ref: '#/components/schemas/A'}, {type: object, additionalProperties: {$ref: '#/components/schemas/A'}}]}\n";
    super::generate(Path::new("fine.yaml"), &spec(&format!("{a}{same}"))).unwrap();
}

/// Found by the `spec_structured` fuzz target: two allOf members constrain the same place, one
/// with the recursive schema itself; typify merged them there until a 256 MB stack overflowed.
#[test]
fn merging_a_recursive_schema_into_an_overlapping_place_is_a_located_error() {
    let spec = |schemas: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n\
             components:\n  schemas:\n{schemas}"
        )
    };
    let refused = [
        (
            "    C: {allOf: [{type: object, additionalProperties: {}}, {type: object, additionalProperties: {$ref: '#/components/schemas/C'}}]}\n",
            "`additionalProperties`",
        ),
        (
            "    C: {allOf: [{type: array, items: {type: array}}, {type: array, items: {$ref: '#/components/schemas/C'}}]}\n",
            "`items`",
        ),
        // One level down, and through a member that is a `$ref`.
        (
            "    B: {type: object, properties: {p: {type: object, properties: {q: {type: object}}}}}\n    \
             C: {allOf: [{$ref: '#/components/schemas/B'}, {type: object, properties: {p: {type: object, properties: {q: {$ref: '#/components/schemas/C'}}}}}]}\n",
            "`properties.p.properties.q`",
        ),
    ];
    for (schemas, place) in refused {
        let err = super::generate(Path::new("merge.yaml"), &spec(schemas)).unwrap_err();
        assert_eq!(
            err.location,
            Location::Pointer("/components/schemas/C".into()),
            "{err}"
        );
        assert!(err.problem.contains(place), "{err}");
        assert!(err.problem.contains("recursive schema 'C'"), "{err}");
    }
    // A recursive base extended where it does not constrain, or with the same schema: generated.
    let node = "    N: {type: object, properties: {kids: {type: array, items: {$ref: '#/components/schemas/N'}}}}\n";
    let fine = [
        format!(
            "{node}    M: {{allOf: [{{$ref: '#/components/schemas/N'}}, {{type: object, properties: {{label: {{type: string}}}}}}]}}\n"
        ),
        format!(
            "{node}    M: {{allOf: [{{$ref: '#/components/schemas/N'}}, {{type: object, properties: {{kids: {{type: array, items: {{$ref: '#/components/schemas/N'}}}}}}}}]}}\n"
        ),
    ];
    for schemas in fine {
        super::generate(Path::new("fine.yaml"), &spec(&schemas)).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Found by the `spec_structured` fuzz target: a schema whose anyOf holds itself is a fine
/// type, but merging it distributes the merge over its members without end.
#[test]
fn merging_a_schema_that_holds_itself_in_its_any_of_is_a_located_error() {
    let spec = |paths: &str, schemas: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:{paths}\n\
             components:\n  schemas:\n    \
             Client: {{anyOf: [{{type: string}}, {{$ref: '#/components/schemas/Client'}}]}}\n{schemas}"
        )
    };
    let merge = "{allOf: [{type: object}, {$ref: '#/components/schemas/Client'}]}";
    let refused = [
        (
            spec(" {}", &format!("    M: {merge}\n")),
            "/components/schemas/M",
        ),
        (
            spec(
                " {}",
                &format!("    M: {{type: object, additionalProperties: {merge}}}\n"),
            ),
            "/components/schemas/M/additionalProperties",
        ),
        (
            spec(
                &format!(
                    "\n  /a:\n    get:\n      responses:\n        '200':\n          \
                     description: ok\n          content: {{application/json: {{schema: {merge}}}}}"
                ),
                "",
            ),
            "/paths/~1a/get/responses/200/content/application~1json/schema",
        ),
    ];
    for (text, at) in refused {
        let err = super::generate(Path::new("merge.yaml"), &text).unwrap_err();
        assert_eq!(err.location, Location::Pointer(at.into()), "{err}");
        assert!(
            err.problem.contains("merges 'Client', which holds itself"),
            "{err}"
        );
    }
    // Alone, or under a one-member allOf (the reference, not a merge): generated.
    for schemas in [
        "",
        "    X: {allOf: [{$ref: '#/components/schemas/Client'}]}\n",
    ] {
        super::generate(Path::new("fine.yaml"), &spec(" {}", schemas))
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Found by the `spec_structured` fuzz target (a timeout): an allOf reaching one schema with
/// alternatives through two members; and a lone `anyOf` wrapper, which is its member.
#[test]
fn merging_a_schema_with_alternatives_twice_is_a_located_error() {
    let spec = |schemas: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n\
             components:\n  schemas:\n    \
             C: {{anyOf: [{{type: object}}, {{oneOf: [{{type: string}}, {{type: integer}}]}}]}}\n{schemas}"
        )
    };
    let c = "{$ref: '#/components/schemas/C'}";
    let err = super::generate(
        Path::new("twice.yaml"),
        &spec(&format!(
            "    M: {{allOf: [{c}, {{anyOf: [{{anyOf: [{c}]}}, {{}}]}}]}}\n"
        )),
    )
    .unwrap_err();
    assert_eq!(
        err.location,
        Location::Pointer("/components/schemas/M".into()),
        "{err}"
    );
    assert!(
        err.problem
            .contains("merges 'C', a schema with alternatives"),
        "{err}"
    );
    assert!(err.problem.contains("members (0 and 1)"), "{err}");
    // A lone alternative beside a different schema is unwrapped and merged: generated.
    let fine = format!("    M: {{allOf: [{{type: object}}, {{anyOf: [{{anyOf: [{c}]}}]}}]}}\n");
    super::generate(Path::new("fine.yaml"), &spec(&fine)).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_ref_cycle_through_all_of_is_a_located_error_not_a_stack_overflow() {
    let spec = |schemas: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      \
             operationId: getA\n      responses:\n        '200':\n          description: ok\n          \
             content: {{application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}}}\n\
             components:\n  schemas:\n{schemas}"
        )
    };
    let cyclic = [
        "    A: {allOf: [{$ref: '#/components/schemas/A'}]}\n",
        "    A: {allOf: [{$ref: '#/components/schemas/B'}]}\n    B: {allOf: [{type: object}, {$ref: '#/components/schemas/A'}]}\n",
        "    A: {allOf: [{oneOf: [{$ref: '#/components/schemas/B'}]}]}\n    B: {$ref: '#/components/schemas/A'}\n",
        // An allOf inside the schema that merges it (found by spec_properties): typify expands
        // the copy it merges without end.
        "    A: {type: object, properties: {kids: {type: array, items: {allOf: [{$ref: '#/components/schemas/A'}, {type: object, properties: {x: {type: string}}}]}}}}\n",
        "    A: {type: object, properties: {kids: {type: array, items: {oneOf: [{type: string}, {allOf: [{$ref: '#/components/schemas/B'}, {required: [x]}]}]}}}}\n    B: {allOf: [{$ref: '#/components/schemas/A'}]}\n",
    ];
    for schemas in cyclic {
        let err = super::generate(Path::new("cycle.yaml"), &spec(schemas)).unwrap_err();
        assert_eq!(
            err.location,
            Location::Pointer("/components/schemas/A".into()),
            "{err}"
        );
        assert!(
            err.problem.contains("includes itself through allOf"),
            "{err}"
        );
    }
    // Recursion through a property or a oneOf is a recursive type, not a merge: generated.
    let fine = [
        "    A: {type: object, properties: {next: {$ref: '#/components/schemas/A'}}}\n",
        "    A: {oneOf: [{type: string}, {type: array, items: {$ref: '#/components/schemas/A'}}]}\n",
        "    A: {allOf: [{type: object, properties: {next: {$ref: '#/components/schemas/A'}}}]}\n",
        // A member that constrains nothing is dropped, leaving the reference.
        "    A: {anyOf: [{items: {oneOf: [{allOf: [{allOf: [{$ref: '#/components/schemas/A'}]}, {}]}]}}]}\n",
        "    A: {type: object, properties: {kids: {type: array, items: {allOf: [{$ref: '#/components/schemas/A'}, {description: kid}]}}}}\n",
    ];
    for schemas in fine {
        super::generate(Path::new("fine.yaml"), &spec(schemas)).unwrap();
    }
}
