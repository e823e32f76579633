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

/// Stripe's expandable field: the id, or the object when the caller expands it.
fn expandable(targets: &[&str]) -> Value {
    let refs: Vec<Value> = targets
        .iter()
        .map(|t| json!({"$ref": format!("#/components/schemas/{t}")}))
        .collect();
    let mut branches = vec![json!({"type": "string", "maxLength": 5000})];
    branches.extend(refs.clone());
    json!({"anyOf": branches, "nullable": true, "x-expansionResources": {"oneOf": refs}})
}

fn charges_doc() -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/charges": {"get": {"operationId": "listCharges", "responses": ok("Charge")}},
            "/customers/{id}": {"get": {"operationId": "getCustomer", "responses": ok("Customer")}}
        },
        "components": {"schemas": {
            "Charge": {"type": "object", "properties": {
                "customer": expandable(&["Customer", "DeletedCustomer"]),
                "invoice": expandable(&["Invoice"]),
                "last_invoice": {"$ref": "#/components/schemas/Invoice"}
            }},
            "Customer": {"type": "object", "properties": {"address": {"$ref": "#/components/schemas/Address"}}},
            "DeletedCustomer": {"type": "object", "properties": {"deleted": {"type": "boolean"}}},
            "Address": {"type": "object"},
            "Invoice": {"type": "object"}
        }}
    })
}

#[test]
fn an_expandable_field_alone_keeps_no_schema_its_object_branch_takes_any_object() {
    let mut d = charges_doc();
    apply(&filter(&[], &["listCharges"]), &mut d);
    // Invoice is reached through `last_invoice`; Customer only through the expandable field.
    assert_eq!(names(&d, "schemas"), ["Charge", "Invoice"]);
    let customer = &d["components"]["schemas"]["Charge"]["properties"]["customer"];
    let branches = customer["anyOf"].as_array().unwrap();
    assert_eq!(branches.len(), 2, "{customer}");
    assert_eq!(branches[0], json!({"type": "string", "maxLength": 5000}));
    assert_eq!(branches[1]["type"], "object");
    assert_eq!(branches[1]["additionalProperties"], true);
    let why = branches[1]["description"].as_str().unwrap();
    assert!(why.contains("`Customer`, `DeletedCustomer`"), "{why}");
    assert!(customer.get("x-expansionResources").is_none());
    assert_eq!(customer["nullable"], true);
    // A reached target keeps its branch, and its entry among the expansion resources.
    let invoice = &d["components"]["schemas"]["Charge"]["properties"]["invoice"];
    assert_eq!(invoice, &expandable(&["Invoice"]));
}

#[test]
fn an_expandable_field_keeps_the_branches_other_operations_reach() {
    let mut d = charges_doc();
    apply(&filter(&[], &["listCharges", "getCustomer"]), &mut d);
    assert_eq!(
        names(&d, "schemas"),
        ["Charge", "Customer", "Address", "Invoice"]
    );
    let customer = &d["components"]["schemas"]["Charge"]["properties"]["customer"];
    let branches = customer["anyOf"].as_array().unwrap();
    assert_eq!(branches.len(), 3, "{customer}");
    assert_eq!(
        branches[1],
        json!({"$ref": "#/components/schemas/Customer"})
    );
    assert!(
        branches[2]["description"]
            .as_str()
            .unwrap()
            .contains("`DeletedCustomer`")
    );
    assert_eq!(
        customer["x-expansionResources"],
        json!({"oneOf": [{"$ref": "#/components/schemas/Customer"}]})
    );
}

const CHARGES: &str = r#"
openapi: 3.0.0
info: {title: Charges, version: '1'}
paths:
  /charges:
    get:
      operationId: listCharges
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Charge'}
  /customers:
    get:
      operationId: getCustomer
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Customer'}
components:
  schemas:
    Charge:
      type: object
      properties:
        customer:
          anyOf:
            - {type: string, maxLength: 5000}
            - $ref: '#/components/schemas/Customer'
          x-expansionResources:
            oneOf: [$ref: '#/components/schemas/Customer']
    Customer: {type: object, properties: {email: {type: string}}}
"#;

#[test]
fn a_collapsed_expandable_field_generates_an_id_or_json_object() {
    let generate = |sidecar: &str| {
        let tree = crate::spec::MemorySource::new()
            .with("specs/charges.yaml", CHARGES)
            .with("specs/charges.paysdk.yaml", sidecar);
        crate::generate_from(&tree, Path::new("specs/charges.yaml"))
            .unwrap_or_else(|e| panic!("{e}"))
            .code
    };
    let code = generate("operations:\n  ids: [listCharges]\n");
    assert!(!code.contains("pub struct Customer"), "{code}");
    let field = &code[code
        .find("pub enum ChargeCustomer")
        .expect("ChargeCustomer")..];
    let field = &field[..field.find('}').unwrap()];
    assert!(field.contains("String(::std::string::String)"), "{field}");
    assert!(
        field.contains("Object(::serde_json::Map<::std::string::String, ::serde_json::Value>)"),
        "{field}"
    );
    let both = generate("operations:\n  ids: [listCharges, getCustomer]\n");
    let field = &both[both
        .find("pub enum ChargeCustomer")
        .expect("ChargeCustomer")..];
    let field = &field[..field.find('}').unwrap()];
    assert!(field.contains("Customer(Customer)"), "{field}");
    assert!(!field.contains("Object("), "{field}");
}
