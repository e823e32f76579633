//! Unit tests of spec input in the generator: folder specs, `$ref`s across files, remote
//! references, and errors that name the file where the construct is written.

use std::path::{Path, PathBuf};

use super::error::Location;
use super::{SpecError, generate_from};
use crate::spec::{MemorySource, WorkingTree};

fn fixture_specs() -> PathBuf {
    crate::repo_root().join("tests/fixtures/folder-spec/specs")
}

fn folder() -> PathBuf {
    fixture_specs().join("acme-folder")
}

/// The fixture folder with one file replaced.
fn folder_with(file: &str, text: &str) -> Result<super::GeneratedModule, SpecError> {
    let source = MemorySource::over(&WorkingTree).with(folder().join(file), text);
    generate_from(&source, &folder())
}

#[test]
fn a_folder_spec_generates_one_module_named_after_the_folder() {
    let module = generate_from(&WorkingTree, &folder()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(module.module, "acme_folder");
    assert_eq!(module.spec, folder());
    let code = &module.code;
    syn::parse_file(code).unwrap();
    // The path item from paths/widgets.yaml, its parameter from ../common.yaml.
    assert!(code.contains("pub async fn get_widget"), "{code}");
    assert!(code.contains("pub async fn list_orders"));
    // Schemas from three files, the cycle order.json ↔ widget.yaml included; the external
    // Address collides with the root's and is named after its file.
    for ty in [
        "pub struct Order ",
        "pub struct Customer ",
        "pub struct Widget ",
        "pub struct Address ",
        "pub struct CommonAddress ",
        "pub struct Problem ",
    ] {
        assert!(code.contains(ty), "{ty} missing");
    }
    assert!(
        code.contains("pub orders: ::std::vec::Vec<Order>"),
        "{code}"
    );
    assert!(code.contains("pub owner: ::std::option::Option<Customer>"));
    // The 400 response from common.yaml is the typed error of list_orders.
    assert!(code.contains("BadRequest(types::Problem)"), "{code}");
    let mut files: Vec<String> = module
        .files
        .iter()
        .map(|f| f.strip_prefix(folder()).unwrap().display().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "common.yaml",
            "openapi.yaml",
            "paths/widgets.yaml",
            "schemas/order.json",
            "schemas/widget.yaml"
        ]
    );
}

#[test]
fn build_accepts_folders_and_refuses_duplicate_module_names() {
    let dir = std::env::temp_dir().join(format!("paysdk-input-{}", std::process::id()));
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let modules = super::build(&fixture_specs(), &out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(modules.len(), 1);
    let index = std::fs::read_to_string(out.join("apis.rs")).unwrap();
    assert!(index.contains("pub mod acme_folder {"), "{index}");
    assert!(index.contains("from `specs/acme-folder`"), "{index}");

    // A file next to a folder that makes the same module name.
    let specs = dir.join("specs");
    std::fs::create_dir_all(specs.join("acme_folder")).unwrap();
    let root = std::fs::read_to_string(folder().join("common.yaml")).unwrap();
    std::fs::write(specs.join("acme_folder/common.yaml"), root).unwrap();
    for f in [
        "openapi.yaml",
        "paths/widgets.yaml",
        "schemas/order.json",
        "schemas/widget.yaml",
    ] {
        let to = specs.join("acme_folder").join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(folder().join(f), to).unwrap();
    }
    let single = std::fs::read_to_string(folder().join("openapi.yaml"))
        .unwrap()
        .replace("$ref: './paths/widgets.yaml#/widget'", "{}")
        .replace(
            "{$ref: './schemas/order.json#/components/schemas/Order'}",
            "{type: string}",
        )
        .replace(
            "$ref: './common.yaml#/responses/BadRequest'",
            "description: bad",
        );
    std::fs::write(specs.join("acme-folder.yaml"), single).unwrap();
    let e = super::build(&specs, &out).unwrap_err();
    assert!(e.problem.contains("also makes module 'acme_folder'"), "{e}");

    // A folder without a root file is a clear error.
    std::fs::remove_file(specs.join("acme-folder.yaml")).unwrap();
    std::fs::create_dir_all(specs.join("stray")).unwrap();
    std::fs::write(specs.join("stray/spec.yaml"), "openapi: 3.0.3").unwrap();
    let e = super::build(&specs, &out).unwrap_err();
    assert!(e.file.ends_with("stray"), "{e}");
    assert!(e.problem.contains("no root file"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_remote_ref_fails_naming_file_and_pointer() {
    let widget = "type: object\nproperties:\n  id: {$ref: 'https://example.com/id.json'}\n";
    let e = folder_with("schemas/widget.yaml", widget).unwrap_err();
    assert_eq!(e.file, folder().join("schemas/widget.yaml"));
    assert_eq!(e.location, Location::Pointer("/properties/id/$ref".into()));
    assert!(
        e.problem
            .contains("remote $ref 'https://example.com/id.json'"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("schemas/widget.yaml (at /properties/id/$ref, line 3, column 8)"),
        "{e}"
    );
}

/// An error found after bundling (structure, normalization, a dangling reference) names the
/// file and the pointer in that file, not the bundled document.
#[test]
fn errors_in_external_files_name_that_file() {
    let widget = "type: object\nrequired: yes\nproperties:\n  id: {type: string}\n";
    let e = folder_with("schemas/widget.yaml", widget).unwrap_err();
    // openapiv3 flattens schema keywords, so the pointer stops at the schema: this file's root.
    assert_eq!(e.file, folder().join("schemas/widget.yaml"), "{e}");
    assert_eq!(e.location, Location::Pointer("".into()), "{e}");
    assert!(e.problem.contains("\"yes\""), "{e}");

    let paths = std::fs::read_to_string(folder().join("paths/widgets.yaml"))
        .unwrap()
        .replace("'200':", "'2O0':");
    let e = folder_with("paths/widgets.yaml", &paths).unwrap_err();
    assert_eq!(e.file, folder().join("paths/widgets.yaml"), "{e}");
    assert_eq!(
        e.location,
        Location::Pointer("/widget/get/responses/2O0".into()),
        "{e}"
    );

    let common = std::fs::read_to_string(folder().join("common.yaml"))
        .unwrap()
        .replace("'#/Problem'", "'#/Problems'");
    let e = folder_with("common.yaml", &common).unwrap_err();
    assert_eq!(e.file, folder().join("common.yaml"), "{e}");
    assert_eq!(
        e.location,
        Location::Pointer("/responses/BadRequest/content/application~1json/schema/$ref".into()),
        "{e}"
    );
    assert!(e.problem.contains("dangling $ref '#/Problems'"), "{e}");

    let e = folder_with("schemas/order.json", "{\"components\": ").unwrap_err();
    assert_eq!(e.file, folder().join("schemas/order.json"), "{e}");
    assert!(
        matches!(e.location, Location::LineColumn { line: 1, .. }),
        "{e}"
    );
}

/// A single-file spec may refer to files next to it too.
#[test]
fn a_single_file_spec_resolves_relative_refs_from_its_directory() {
    let root = folder().join("single.yaml");
    let text = "openapi: 3.0.3\ninfo: {title: s, version: '1'}\npaths:\n  /w/{id}:\n    $ref: './paths/widgets.yaml#/widget'\n";
    let module = super::generate(&root, text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(module.module, "single");
    assert!(module.code.contains("pub async fn get_widget"));
}

/// Not part of the suite (the corpus check is its own CI step): how far each corpus spec gets.
/// `cargo test --all-features --lib corpus_probe -- --ignored --nocapture`
#[test]
#[ignore]
fn corpus_probe() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    for name in std::env::var("PROBE")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
    {
        let t = std::time::Instant::now();
        match generate_from(&WorkingTree, &corpus.join(name)) {
            Ok(m) => {
                println!(
                    "{name}: OK {} lines, {:?}",
                    m.code.lines().count(),
                    t.elapsed()
                );
                if let Ok(out) = std::env::var("PROBE_OUT") {
                    let file = Path::new(&out).join(format!("{}.rs", m.module));
                    std::fs::write(file, &m.code).unwrap();
                }
            }
            Err(e) => println!("{name}: {e} ({:?})", t.elapsed()),
        }
    }
}

/// One 3.1 document with each keyword the down-conversion handles.
const SPEC_31: &str = r##"
openapi: 3.1.1
jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base
info: {title: Three one, version: '1', license: {name: MIT, identifier: MIT}}
paths:
  /pets/{id}:
    $ref: '#/components/pathItems/Pet'
webhooks:
  petAdopted:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                at: {type: [string, 'null'], format: date-time}
      responses: {'200': {description: ok}}
components:
  pathItems:
    Pet:
      get:
        operationId: getPet
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        responses:
          '200':
            description: ok
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Pet'}
  securitySchemes:
    mtls: {type: mutualTLS}
  schemas:
    Pet:
      $schema: https://json-schema.org/draft/2020-12/schema
      $id: https://example.com/pet
      type: object
      required: [id, kind]
      examples: [{id: a, kind: pet}]
      properties:
        id: {type: string, examples: [a, b]}
        kind: {const: pet}
        nickname: {type: [string, 'null']}
        age: {type: integer, exclusiveMinimum: 0, exclusiveMaximum: 40, maximum: 30}
        weight: {type: [number, integer]}
        tag: {type: [string, integer], maxLength: 8, minimum: 1}
        owner:
          oneOf:
            - $ref: '#/components/schemas/Owner'
            - type: 'null'
        friend: {$ref: '#/components/schemas/Owner', description: only words}
        rival: {$ref: '#/components/schemas/Owner', required: [name]}
        position: {type: array, prefixItems: [{type: number}, {type: number}], items: false}
        pair: {type: array, prefixItems: [{type: string}, {type: integer}]}
        photo: {type: string, contentEncoding: base64}
        scan: {type: string, contentMediaType: image/png}
        labels: {type: object, patternProperties: {'^x-': {type: string}}}
        anything: true
        gone: {type: 'null'}
        example: {type: string}
        home: {$ref: '#/components/schemas/Owner/$defs/Address'}
    Owner:
      $defs:
        Address: {type: object, properties: {city: {type: string}}}
      type: object
      properties:
        name: {type: string}
"##;

#[test]
fn openapi_3_1_keywords_are_down_converted() {
    let mut doc: serde_json::Value = serde_yaml::from_str(SPEC_31).unwrap();
    assert!(super::downgrade::downgrade(Path::new("specs/t.yaml"), &mut doc).unwrap());
    let j = |p: &str| doc.pointer(p).cloned().unwrap_or(serde_json::Value::Null);
    use serde_json::json;
    assert_eq!(j("/openapi"), json!("3.0.3"));
    assert_eq!(j("/x-paysdk-openapi"), json!("3.1.1"));
    assert_eq!(j("/jsonSchemaDialect"), json!(null));
    assert_eq!(j("/paths/~1pets~1{id}/get/operationId"), json!("getPet"));
    assert_eq!(j("/components/securitySchemes"), json!({}));
    let pet = |p: &str| j(&format!("/components/schemas/Pet{p}"));
    assert_eq!(pet("/$schema"), json!(null));
    assert_eq!(pet("/$id"), json!(null));
    assert_eq!(pet("/example"), json!({"id": "a", "kind": "pet"}));
    assert_eq!(
        pet("/properties/id"),
        json!({"type": "string", "example": "a"})
    );
    assert_eq!(
        pet("/properties/kind"),
        json!({"type": "string", "enum": ["pet"]})
    );
    assert_eq!(
        pet("/properties/nickname"),
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        pet("/properties/age"),
        json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 30})
    );
    assert_eq!(pet("/properties/weight"), json!({"type": "number"}));
    assert_eq!(
        pet("/properties/tag"),
        json!({"oneOf": [{"type": "string", "maxLength": 8}, {"type": "integer", "minimum": 1}]})
    );
    assert_eq!(
        pet("/properties/owner"),
        json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true})
    );
    assert_eq!(
        pet("/properties/friend"),
        json!({"$ref": "#/components/schemas/Owner", "description": "only words"})
    );
    assert_eq!(
        pet("/properties/rival"),
        json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "required": ["name"]})
    );
    assert_eq!(
        pet("/properties/position"),
        json!({"type": "array", "items": {"type": "number"}})
    );
    assert_eq!(
        pet("/properties/pair"),
        json!({"type": "array", "items": {}})
    );
    assert_eq!(
        pet("/properties/photo"),
        json!({"type": "string", "format": "byte"})
    );
    assert_eq!(
        pet("/properties/scan"),
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        pet("/properties/labels"),
        json!({"type": "object", "additionalProperties": true})
    );
    assert_eq!(pet("/properties/anything"), json!({}));
    assert_eq!(pet("/properties/gone"), json!({"enum": [null]}));
    // A reference into `$defs` goes to a component of its own.
    assert_eq!(
        pet("/properties/home"),
        json!({"$ref": "#/components/schemas/Address"})
    );
    assert_eq!(
        j("/components/schemas/Address/properties/city"),
        json!({"type": "string"})
    );
    // Webhooks stay, their schemas converted too.
    assert_eq!(
        j("/webhooks/petAdopted/post/requestBody/content/application~1json/schema/properties/at"),
        json!({"type": "string", "format": "date-time", "nullable": true})
    );

    // A 3.0 document is not touched.
    let mut old: serde_json::Value = serde_yaml::from_str(SPEC_31).unwrap();
    old["openapi"] = json!("3.0.3");
    let before = old.clone();
    assert!(!super::downgrade::downgrade(Path::new("specs/t.yaml"), &mut old).unwrap());
    assert_eq!(old, before);
}

#[test]
fn openapi_3_1_specs_generate() {
    let module = super::generate(Path::new("specs/three-one.yaml"), SPEC_31)
        .unwrap_or_else(|e| panic!("{e}"));
    let code = &module.code;
    syn::parse_file(code).unwrap();
    assert!(code.contains("pub async fn get_pet"), "{code}");
    assert!(
        code.contains("pub nickname: ::std::option::Option<::std::string::String>"),
        "{code}"
    );
    assert!(
        code.contains("pub owner: ::std::option::Option<Owner>"),
        "{code}"
    );
    assert!(
        code.contains("pub position: ::std::vec::Vec<f64>"),
        "{code}"
    );
    assert!(
        code.contains("pub home: ::std::option::Option<Address>"),
        "{code}"
    );
    for version in ["3.1.0", "3.2.0"] {
        let text = SPEC_31.replace("openapi: 3.1.1", &format!("openapi: {version}"));
        super::generate(Path::new("specs/v.yaml"), &text)
            .unwrap_or_else(|e| panic!("{version}: {e}"));
    }
    // 3.2's whole-query-string parameter has no 3.0 form: a clear error.
    let text = SPEC_31.replace("{name: id, in: path, required: true, schema: {type: string}}", "{name: q, in: querystring, content: {application/x-www-form-urlencoded: {schema: {type: object}}}}");
    let e = super::generate(Path::new("specs/v.yaml"), &text).unwrap_err();
    assert!(e.problem.contains("in: querystring"), "{e}");
    assert_eq!(
        e.location,
        Location::Pointer("/components/pathItems/Pet/get/parameters/0/in".into()),
        "{e}"
    );
}

/// A remote `$ref` inside an example is data: never fetched, never an error.
#[test]
fn remote_refs_inside_examples_are_data() {
    let text = SPEC_31.replace(
        "examples: [{id: a, kind: pet}]",
        "examples: [{id: {$ref: 'https://example.com/a'}, kind: pet}]",
    );
    super::generate(Path::new("specs/ex.yaml"), &text).unwrap_or_else(|e| panic!("{e}"));
}
