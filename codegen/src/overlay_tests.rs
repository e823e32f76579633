use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;

const FILE: &str = "specs/shop.overlay.yaml";

fn parse(text: &str) -> Result<Overlay, SpecError> {
    Overlay::parse(Path::new(FILE), text)
}

fn apply(text: &str, doc: &mut Value) -> Vec<String> {
    parse(text).unwrap().apply(doc).unwrap()
}

fn doc() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1"},
        "tags": [{"name": "Orders"}, {"name": "Internal"}],
        "paths": {
            "/orders": {
                "get": {"operationId": "listOrders", "tags": ["Orders"], "x-internal": false,
                        "responses": {"200": {"description": "ok"}}},
                "delete": {"operationId": "purgeOrders", "tags": ["Internal"], "x-internal": true,
                           "responses": {"204": {"description": "gone"}}}
            }
        },
        "components": {"schemas": {"Order": {"type": "object", "properties": {
            "id": {"type": "string"}, "note": {"type": "string", "nullable": false}
        }}}}
    })
}

const HEAD: &str = "overlay: 1.0.0\ninfo: {title: Shop fixes, version: '1'}\nactions:\n";

#[test]
fn an_overlay_action_renames_an_operation() {
    let mut d = doc();
    let warnings = apply(
        &format!(
            "{HEAD}  - target: $.paths['/orders'].get\n    update: {{operationId: getOrders}}\n"
        ),
        &mut d,
    );
    assert!(warnings.is_empty());
    assert_eq!(
        d.pointer("/paths/~1orders/get/operationId"),
        Some(&json!("getOrders"))
    );
    // Merged, not replaced: the rest of the operation is still there.
    assert_eq!(
        d.pointer("/paths/~1orders/get/tags/0"),
        Some(&json!("Orders"))
    );
}

#[test]
fn updates_merge_objects_recursively_and_append_to_arrays() {
    let mut d = doc();
    apply(
        &format!(
            "{HEAD}  - target: $.components.schemas.Order\n    update:\n      required: [id]\n      properties:\n        note: {{nullable: true}}\n  - target: $.tags\n    update: {{name: Refunds}}\n"
        ),
        &mut d,
    );
    assert_eq!(
        d.pointer("/components/schemas/Order/properties/note"),
        Some(&json!({"type": "string", "nullable": true}))
    );
    assert_eq!(
        d.pointer("/components/schemas/Order/required"),
        Some(&json!(["id"]))
    );
    assert_eq!(d.pointer("/tags/2/name"), Some(&json!("Refunds")));
}

#[test]
fn remove_deletes_every_selected_node_and_filters_select() {
    let mut d = doc();
    apply(
        &format!(
            "{HEAD}  - target: $.paths.*[?@['x-internal'] == true]\n    remove: true\n  - target: $.tags[?@.name == 'Internal' || @.name == 'Orders']\n    remove: true\n"
        ),
        &mut d,
    );
    assert!(d.pointer("/paths/~1orders/delete").is_none());
    assert!(d.pointer("/paths/~1orders/get").is_some());
    assert_eq!(d["tags"], json!([]));
}

#[test]
fn actions_apply_in_order_and_remove_wins_over_update() {
    let mut d = doc();
    apply(
        &format!(
            "{HEAD}  - target: $.info\n    update: {{title: Renamed}}\n  - target: $.info.title\n    remove: true\n    update: ignored\n"
        ),
        &mut d,
    );
    assert_eq!(d["info"], json!({"version": "1"}));
}

#[test]
fn a_target_that_selects_nothing_is_a_warning_naming_file_and_action() {
    let mut d = doc();
    let before = d.clone();
    let warnings = apply(
        &format!(
            "{HEAD}  - target: $.info\n    update: {{}}\n  - target: $.paths['/refunds'].get\n    update: {{operationId: x}}\n"
        ),
        &mut d,
    );
    assert_eq!(d, before);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("specs/shop.overlay.yaml: overlay action /actions/1 (target `$.paths['/refunds'].get`) selects nothing"),
        "{warnings:?}"
    );
}

#[test]
fn malformed_overlays_name_file_and_action() {
    let cases: [(String, &str, &str); 9] = [
        ("overlay: 1.0.0\ninfo: {title: x, version: '1'}\nactions: []\n".to_string(), "", "`actions` is required"),
        ("overlay: 2.0.0\ninfo: {title: x, version: '1'}\nactions: [{target: $, remove: true}]\n".to_string(), "/overlay", "Overlay 1.0"),
        ("info: {title: x, version: '1'}\nactions: [{target: $, remove: true}]\n".to_string(), "", "`overlay: 1.0.0`"),
        ("overlay: 1.0.0\nactions: [{target: $, remove: true}]\n".to_string(), "", "`info`"),
        (format!("{HEAD}  - target: $.info\n    update: {{}}\n  - target: '$.paths[?'\n    update: {{}}\n"), "/actions/1/target", "not a JSONPath expression"),
        (format!("{HEAD}  - target: $.info\n"), "/actions/0", "needs `update` or `remove: true`"),
        (format!("{HEAD}  - {{target: $.info, remove: yes please}}\n"), "/actions/0/remove", "true or false"),
        (format!("{HEAD}  - {{target: $.info, update: {{}}, x-why: vendor bug, replace: {{}}}}\n"), "/actions/0/replace", "unknown key `replace`"),
        (format!("{HEAD}  - update: {{}}\n"), "/actions/0", "`target`"),
    ];
    for (text, at, problem) in cases {
        let e = parse(&text).unwrap_err();
        assert_eq!(e.file, Path::new(FILE));
        assert_eq!(e.location, Location::Pointer(at.to_string()), "{text}: {e}");
        assert!(e.problem.contains(problem), "{text}: {e}");
        assert!(
            e.to_string()
                .starts_with("paysdk: cannot generate a client from specs/shop.overlay.yaml"),
            "{e}"
        );
    }
    let e = parse("overlay: [\n").unwrap_err();
    assert!(matches!(e.location, Location::LineColumn { .. }), "{e}");
}

#[test]
fn an_update_that_cannot_merge_names_the_action_and_node() {
    let o = parse(&format!(
        "{HEAD}  - target: $.info\n    update: {{}}\n  - target: $.info.title\n    update: New\n"
    ))
    .unwrap();
    let e = o.apply(&mut doc()).unwrap_err();
    assert_eq!(e.location, Location::Pointer("/actions/1/update".into()));
    assert!(e.problem.contains("at /info/title"), "{e}");
    assert!(
        e.problem.contains("only objects and arrays can be updated"),
        "{e}"
    );
}

#[test]
fn the_overlay_sits_next_to_its_spec() {
    assert_eq!(
        Overlay::path_for(Path::new("specs/unit")),
        PathBuf::from("specs/unit.overlay.yaml")
    );
    assert!(crate::config::is_companion(Path::new("specs/x.overlay.yaml")).unwrap());
    assert!(crate::config::is_companion(Path::new("specs/x.overlay.json")).is_err());
}

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Shop, version: '1'}
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
"#;

#[test]
fn generation_applies_the_overlay_before_the_sidecar_reads_names() {
    let tree = crate::spec::MemorySource::new()
        .with("specs/shop.yaml", SPEC)
        .with(
            "specs/shop.overlay.yaml",
            format!("{HEAD}  - target: $.paths.*.get\n    update: {{operationId: fetchOrders}}\n  - target: $.servers\n    remove: true\n"),
        )
        .with("specs/shop.paysdk.yaml", "operations: {ids: [fetchOrders]}\n");
    let module = crate::generate_from(&tree, Path::new("specs/shop.yaml")).unwrap();
    assert!(
        module.code.contains("pub async fn fetch_orders"),
        "{}",
        module.code
    );
    assert!(!module.code.contains("list_orders"));
    assert_eq!(
        module.files,
        [
            PathBuf::from("specs/shop.yaml"),
            PathBuf::from("specs/shop.overlay.yaml"),
            PathBuf::from("specs/shop.paysdk.yaml")
        ]
    );
    assert_eq!(module.warnings.len(), 1, "{:?}", module.warnings);
    assert!(module.warnings[0].contains("/actions/1"));
}

#[test]
fn the_documented_example_is_a_valid_overlay() {
    let docs = include_str!("../../docs/sidecar.md");
    let section = &docs[docs.find("# Fixing a vendor's spec").unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let overlay = parse(example).unwrap();
    assert_eq!(overlay.actions.len(), 4);
    let mut d = doc();
    // The example targets the Weavr spec; on this one only the generic actions select.
    let warnings = overlay.apply(&mut d).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(d.pointer("/paths/~1orders/delete").is_none());
}
