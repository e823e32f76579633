use std::path::Path;

use serde_json::{Value, json};

use super::apply;
use crate::config::{OperationFilter, OperationId, Tag};

fn filter(tags: &[&str], ids: &[&str]) -> OperationFilter {
    OperationFilter {
        tags: tags.iter().map(|t| Tag(t.to_string())).collect(),
        ids: ids.iter().map(|i| OperationId(i.to_string())).collect(),
    }
}

fn names(doc: &Value, section: &str) -> Vec<String> {
    doc.pointer(&format!("/components/{section}"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn ok(schema: &str) -> Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

fn doc() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/orders": {
                "parameters": [{"$ref": "#/components/parameters/Tenant"}],
                "get": {"operationId": "listOrders", "tags": ["Orders"], "responses": ok("OrderList")},
                "post": {"operationId": "createOrder", "tags": ["Orders"], "responses": {"201": {"$ref": "#/components/responses/Created"}}}
            },
            "/pets": {
                "get": {"operationId": "listPets", "tags": ["Pets"], "responses": ok("Pet")}
            },
            "/shared": {"$ref": "#/components/pathItems/Shared"}
        },
        "x-webhooks": {
            "orderPaid": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Paid"}}}}, "responses": {"200": {"description": "ok"}}}}
        },
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k"}},
            "parameters": {
                "Tenant": {"name": "tenant", "in": "query", "schema": {"$ref": "#/components/schemas/TenantId"}},
                "Unused": {"name": "u", "in": "query", "schema": {"type": "string"}}
            },
            "responses": {"Created": {"description": "made", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}}},
            "pathItems": {
                "Shared": {
                    "get": {"operationId": "getShared", "responses": ok("Pet")},
                    "delete": {"operationId": "deleteShared", "responses": {"204": {"description": "gone"}}}
                }
            },
            "schemas": {
                "OrderList": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}},
                "Order": {"type": "object", "properties": {
                    "payment": {"$ref": "#/components/schemas/Payment"},
                    "line": {"$ref": "#/components/schemas/Line/properties/sku"}
                }},
                "Line": {"type": "object", "properties": {"sku": {"type": "string"}}},
                "Payment": {
                    "oneOf": [{"$ref": "#/components/schemas/Card"}],
                    "discriminator": {"propertyName": "kind", "mapping": {
                        "card": "#/components/schemas/Card", "bank": "Bank", "wallet": "#/components/schemas/Wallet%20Pay"
                    }},
                    "example": {"$ref": "#/components/schemas/Unreached"}
                },
                "Card": {"type": "object"},
                "Bank": {"type": "object"},
                "Wallet Pay": {"type": "object"},
                "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
                "Owner": {"type": "object"},
                "TenantId": {"type": "string"},
                "Paid": {"type": "object"},
                "Unreached": {"type": "object"}
            }
        }
    })
}

#[test]
fn only_selected_operations_and_what_they_reach_remain() {
    let mut d = doc();
    apply(&filter(&[], &["listOrders"]), &mut d);
    let paths: Vec<&String> = d["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, ["/orders"]);
    assert!(d.pointer("/paths/~1orders/get").is_some());
    assert!(d.pointer("/paths/~1orders/post").is_none());
    assert!(d.pointer("/paths/~1orders/parameters").is_some());
    assert_eq!(
        names(&d, "schemas"),
        [
            // Through $refs, a $ref into a schema, discriminator mappings (a bare name and
            // a percent-encoded one), the path-level parameter and the webhook; not through
            // an example.
            "OrderList",
            "Order",
            "Line",
            "Payment",
            "Card",
            "Bank",
            "Wallet Pay",
            "TenantId",
            "Paid"
        ]
    );
    assert_eq!(names(&d, "parameters"), ["Tenant"]);
    assert!(names(&d, "responses").is_empty());
    assert!(names(&d, "pathItems").is_empty());
    assert_eq!(names(&d, "securitySchemes"), ["key"]);
}

#[test]
fn tags_select_every_operation_they_name() {
    let mut d = doc();
    apply(&filter(&["Orders"], &["listPets"]), &mut d);
    assert!(d.pointer("/paths/~1orders/get").is_some());
    assert!(d.pointer("/paths/~1orders/post").is_some());
    assert!(d.pointer("/paths/~1pets/get").is_some());
    assert_eq!(names(&d, "responses"), ["Created"]);
    assert!(names(&d, "schemas").contains(&"Owner".to_string()));
    assert!(!names(&d, "schemas").contains(&"Unreached".to_string()));
}

#[test]
fn a_referenced_path_item_is_copied_before_it_is_cut() {
    let mut d = doc();
    apply(&filter(&[], &["getShared"]), &mut d);
    assert!(d.pointer("/paths/~1shared/get").is_some());
    assert!(d.pointer("/paths/~1shared/delete").is_none());
    assert!(d.pointer("/paths/~1shared/$ref").is_none());
    assert!(names(&d, "pathItems").is_empty());
    assert!(names(&d, "schemas").contains(&"Pet".to_string()));
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
              schema: {$ref: '#/components/schemas/Order'}
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Order: {type: object, properties: {id: {type: string}}}
    Pet: {type: object, properties: {name: {type: string}}}
"#;

fn generate(sidecar: &str) -> Result<crate::GeneratedModule, crate::SpecError> {
    let tree = crate::spec::MemorySource::new()
        .with("specs/shop.yaml", SPEC)
        .with("specs/shop.paysdk.yaml", sidecar);
    crate::generate_from(&tree, Path::new("specs/shop.yaml"))
}

#[test]
fn a_filtered_spec_generates_only_the_selected_operations_and_types() {
    let module = generate("operations:\n  ids: [listOrders]\n").unwrap();
    assert!(module.code.contains("pub async fn list_orders"));
    assert!(!module.code.contains("list_pets"), "{}", module.code);
    assert!(module.code.contains("pub struct Order"));
    assert!(!module.code.contains("pub struct Pet"));
    let all = generate("").unwrap();
    assert!(all.code.contains("list_pets") && all.code.contains("pub struct Pet"));
}

#[test]
fn a_filter_naming_an_unknown_operation_fails_the_build_with_its_line() {
    let e = generate(
        "# Only what the shop calls.\noperations:\n  ids:\n    - listOrders\n    - listPet\n",
    )
    .unwrap_err();
    assert_eq!(e.file, Path::new("specs/shop.paysdk.yaml"));
    assert!(
        matches!(
            e.location,
            crate::Location::LineColumn { line: 5, column: 7 }
        ),
        "{e}"
    );
    assert!(
        e.problem
            .contains("no operation with operationId 'listPet', did you mean 'listPets'?"),
        "{e}"
    );
}
