//! OpenAPI 3.1 and 3.2 down-converted, in memory, to the 3.0 that openapiv3, progenitor and
//! the later passes read. A 3.0 document is left as it is.
//!
//! Each construct maps to its 3.0 equivalent where one exists (`type: [string, "null"]` is
//! `type: string, nullable: true`; `const` is a one-value `enum`; numeric `exclusiveMinimum`
//! is `minimum` + `exclusiveMinimum: true`; …). Where none exists the result is looser, never
//! stricter or different: a tuple becomes an array of any value, `patternProperties` open the
//! object. `docs/openapi-3.1.md` lists every rule.
//!
//! `webhooks` stays in the document with its schemas converted like the rest (openapiv3 does
//! not read it, so progenitor never sees it); `x-webhooks` too. The webhooks pass
//! ([`super::webhooks`]) reads both after this one. The original version is kept as
//! `x-paysdk-openapi` for any pass that needs to know.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::error::{SpecError, pointer};
use crate::spec::Kind;
use crate::spec::grammar::visit_mut;

/// The version string written into a converted document.
const TARGET_VERSION: &str = "3.0.3";

/// Converts a 3.1 or 3.2 document to 3.0; returns whether it did. Any version other than
/// 3.1.x and 3.2.x is left for `validate` to judge.
pub fn downgrade(file: &Path, doc: &mut Value) -> Result<bool, SpecError> {
    let Some(root) = doc.as_object_mut() else {
        return Ok(false);
    };
    let version = match root.get("openapi").and_then(Value::as_str) {
        Some(v) if is_converted_version(v) => v.to_string(),
        _ => return Ok(false),
    };
    root.insert("openapi".into(), Value::String(TARGET_VERSION.into()));
    root.insert("x-paysdk-openapi".into(), Value::String(version));
    root.remove("jsonSchemaDialect");
    root.remove("$self");
    // `paths` is optional from 3.1 on (a webhooks-only document).
    root.entry("paths").or_insert_with(|| json!({}));
    // Checked before Path Items are copied in place, so the error names where it is written.
    check_parameters(file, doc)?;
    inline_local_path_items(doc);
    drop_mutual_tls(doc);
    let mut at = String::new();
    visit_mut(
        doc,
        Kind::Document,
        Kind::Schema,
        &mut at,
        &mut |schema, _| {
            schema_to_3_0(schema);
        },
    );
    hoist_deep_schema_refs(doc);
    Ok(true)
}

/// progenitor resolves a schema `$ref` only to `#/components/schemas/<name>`; 3.1 specs also
/// point into `$defs` (and anywhere else). Each such target is copied into
/// `components/schemas` once, under its last segment made unique, and the references moved.
fn hoist_deep_schema_refs(doc: &mut Value) {
    use crate::spec::Tree;
    let mut hoisted: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    // Copies may hold deep references themselves; a few rounds reach a fixed point.
    for _ in 0..8 {
        let sites: Vec<(String, String)> = doc
            .ref_sites("", Kind::Document)
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.kind == Kind::Schema && !s.mapping)
            .filter_map(|s| {
                let crate::spec::Reference::Local { pointer } =
                    crate::spec::Reference::parse(&s.reference).ok()?
                else {
                    return None;
                };
                let shallow = pointer
                    .strip_prefix("/components/schemas/")
                    .is_some_and(|name| !name.contains('/'));
                (!shallow).then(|| (s.ref_pointer(), pointer))
            })
            .collect();
        if sites.is_empty() {
            return;
        }
        for (site, target) in sites {
            let local = match hoisted.get(&target) {
                Some(local) => local.clone(),
                None => {
                    let Some(value) = doc.pointer(&target).cloned() else {
                        continue; // dangling: validation reports it
                    };
                    let base = target
                        .rsplit('/')
                        .next()
                        .map(|s| s.replace("~1", "/").replace("~0", "~"))
                        .filter(|s| s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
                        .unwrap_or_else(|| "Schema".to_string());
                    let base: String = base
                        .chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() || c == '_' {
                                c
                            } else {
                                '_'
                            }
                        })
                        .collect();
                    let taken = |n: &str| {
                        doc.pointer("/components/schemas")
                            .and_then(Value::as_object)
                            .is_some_and(|m| {
                                m.keys().any(|k| {
                                    super::normalize::pascal_case(k)
                                        == super::normalize::pascal_case(n)
                                })
                            })
                    };
                    let name = std::iter::once(base.clone())
                        .chain((2..).map(|n| format!("{base}{n}")))
                        .find(|n| !taken(n))
                        .unwrap_or(base);
                    let Some(schemas) = doc
                        .as_object_mut()
                        .map(|m| m.entry("components").or_insert_with(|| json!({})))
                        .and_then(Value::as_object_mut)
                        .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
                        .and_then(Value::as_object_mut)
                    else {
                        return;
                    };
                    schemas.insert(name.clone(), value);
                    let local = format!("#/components/schemas/{}", name);
                    hoisted.insert(target.clone(), local.clone());
                    local
                }
            };
            if let Some(slot) = doc.pointer_mut(&site) {
                *slot = Value::String(local);
            }
        }
    }
}

/// `3.1`, `3.1.0`, `3.1.1`, `3.2.0`, …
fn is_converted_version(v: &str) -> bool {
    ["3.1", "3.2"]
        .iter()
        .any(|p| v == *p || v.strip_prefix(p).is_some_and(|rest| rest.starts_with('.')))
}

/// Path Items may be `$ref`s to `components/pathItems` (3.1); 3.0 tools read them in place.
fn inline_local_path_items(doc: &mut Value) {
    for section in ["paths", "webhooks", "x-webhooks"] {
        let names: Vec<String> = match doc.get(section).and_then(Value::as_object) {
            Some(items) => items.keys().cloned().collect(),
            None => continue,
        };
        for name in names {
            let at = pointer(&format!("/{section}"), &[&name]);
            // A chain of references is followed a few steps; a cycle stays a reference and
            // is reported by validation.
            for _ in 0..8 {
                let Some(item) = doc.pointer(&at).and_then(Value::as_object) else {
                    break;
                };
                let Some(target) = item.get("$ref").and_then(Value::as_str) else {
                    break;
                };
                let Some(resolved) = super::validate::resolve(doc, target) else {
                    break;
                };
                let mut copy = resolved.clone();
                if let Value::Object(m) = &mut copy {
                    m.extend(
                        item.iter()
                            .filter(|(k, _)| *k != "$ref")
                            .map(|(k, v)| (k.clone(), v.clone())),
                    );
                }
                if let Some(slot) = doc.pointer_mut(&at) {
                    *slot = copy;
                }
            }
        }
    }
}

/// openapiv3 knows no `mutualTLS` security scheme and refuses the document; progenitor
/// generates no auth code, so the scheme is dropped (TLS client certificates are set on the
/// reqwest client).
fn drop_mutual_tls(doc: &mut Value) {
    if let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") {
        schemes.retain(|_, s| s.get("type").and_then(Value::as_str) != Some("mutualTLS"));
    }
}

/// 3.2's `in: querystring` (the whole query string as one parameter) has no 3.0 form, and
/// dropping it would make the operation uncallable.
fn check_parameters(file: &Path, doc: &mut Value) -> Result<(), SpecError> {
    let mut found = None;
    let mut at = String::new();
    visit_mut(
        doc,
        Kind::Document,
        Kind::Parameter,
        &mut at,
        &mut |p, at| {
            if found.is_none() && p.get("in").and_then(Value::as_str) == Some("querystring") {
                found = Some(at.to_string());
            }
        },
    );
    match found {
        Some(at) => Err(SpecError::at(
            file,
            &pointer(&at, &["in"]),
            "parameters `in: querystring` (OpenAPI 3.2) are not supported: the generator has no \
             3.0 form for a parameter that is the whole query string",
        )),
        None => Ok(()),
    }
}

/// Keywords that only annotate: beside a `$ref` they change nothing the generator reads.
const ANNOTATIONS: [&str; 11] = [
    "description",
    "title",
    "summary",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "default",
    "externalDocs",
    "$comment",
];

/// JSON Schema 2020-12 keywords with no 3.0 form; dropping them only loosens the schema.
const DROPPED: [&str; 16] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$vocabulary",
    "$comment",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentSchemas",
    "dependentRequired",
    "if",
    "then",
    "else",
    "propertyNames",
    "contains",
];

/// Rewrites one schema object; its subschemas are visited afterwards.
fn schema_to_3_0(s: &mut Map<String, Value>) {
    for key in DROPPED {
        s.remove(key);
    }
    s.remove("minContains");
    s.remove("maxContains");
    s.remove("contentSchema");
    // Before booleans: `items: false` beside `prefixItems` means "no more items".
    tuples(s);
    boolean_subschemas(s);
    examples(s);
    constant(s);
    exclusive_bounds(s);
    content_encoding(s);
    pattern_properties(s);
    null_members(s);
    type_list(s);
    ref_siblings(s);
}

/// `true` and `false` as subschemas become `{}` (false: looser); `additionalProperties`
/// keeps its boolean, which 3.0 allows.
fn boolean_subschemas(s: &mut Map<String, Value>) {
    let any = || Value::Object(Map::new());
    for key in ["items", "not", "additionalItems"] {
        if let Some(v @ Value::Bool(_)) = s.get_mut(key) {
            *v = any();
        }
    }
    for key in ["properties", "$defs", "definitions"] {
        if let Some(Value::Object(m)) = s.get_mut(key) {
            for v in m.values_mut().filter(|v| v.is_boolean()) {
                *v = any();
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(list)) = s.get_mut(key) {
            for v in list.iter_mut().filter(|v| v.is_boolean()) {
                *v = any();
            }
        }
    }
}

/// `examples: [a, b]` → `example: a`.
fn examples(s: &mut Map<String, Value>) {
    if let Some(list) = s.remove("examples")
        && let Value::Array(items) = list
        && let Some(first) = items.into_iter().next()
    {
        s.entry("example").or_insert(first);
    }
}

/// `const: v` → `enum: [v]`, typed after the value when the schema has no type.
fn constant(s: &mut Map<String, Value>) {
    let Some(value) = s.remove("const") else {
        return;
    };
    if !s.contains_key("type") {
        let ty = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            Value::Null => None,
            Value::Array(_) => Some("array"),
            Value::Object(_) => Some("object"),
        };
        if let Some(ty) = ty {
            s.insert("type".into(), ty.into());
        }
    }
    s.insert("enum".into(), Value::Array(vec![value]));
}

/// Numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (the stricter bound
/// wins when `minimum` is there too); likewise for the maximum.
fn exclusive_bounds(s: &mut Map<String, Value>) {
    for (exclusive, inclusive, tighter) in [
        ("exclusiveMinimum", "minimum", std::cmp::Ordering::Greater),
        ("exclusiveMaximum", "maximum", std::cmp::Ordering::Less),
    ] {
        let Some(Value::Number(n)) = s.get(exclusive).cloned() else {
            continue;
        };
        s.remove(exclusive);
        let bound = n.as_f64().unwrap_or(0.0);
        let existing = s.get(inclusive).and_then(Value::as_f64);
        let keep_inclusive = existing.is_some_and(|m| m.partial_cmp(&bound) == Some(tighter));
        if !keep_inclusive {
            s.insert(inclusive.into(), Value::Number(n));
            s.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

/// `prefixItems` (and draft-4 array `items`) are tuples, which 3.0 cannot say: the array
/// keeps one item schema when every position has the same one, else holds any value.
fn tuples(s: &mut Map<String, Value>) {
    let tuple = match s.remove("prefixItems") {
        Some(Value::Array(list)) => Some(list),
        Some(_) => None,
        None => match s.get("items") {
            Some(Value::Array(_)) => match s.remove("items") {
                Some(Value::Array(list)) => Some(list),
                _ => None,
            },
            _ => None,
        },
    };
    let Some(mut positions) = tuple else {
        return;
    };
    match s.remove("items") {
        Some(Value::Bool(false)) | None => {}
        Some(Value::Bool(true)) => positions.push(json!({})),
        Some(rest) => positions.push(rest),
    }
    s.remove("additionalItems");
    let same = positions
        .first()
        .filter(|first| positions.iter().all(|p| p == *first))
        .cloned();
    s.insert("items".into(), same.unwrap_or_else(|| json!({})));
    s.entry("type").or_insert_with(|| "array".into());
}

/// `contentEncoding: base64` → `format: byte`; `contentMediaType` without an encoding →
/// `format: binary` (the reverse of the 3.1 migration rules). base64url has no 3.0 format and
/// stays a plain string.
fn content_encoding(s: &mut Map<String, Value>) {
    let encoding = s.remove("contentEncoding");
    let media = s.remove("contentMediaType");
    if s.contains_key("format") {
        return;
    }
    match encoding.as_ref().and_then(Value::as_str) {
        Some(e) if e.eq_ignore_ascii_case("base64") => {
            s.insert("format".into(), "byte".into());
        }
        Some(_) => {}
        None if media.is_some() => {
            s.insert("format".into(), "binary".into());
        }
        None => {}
    }
}

/// `patternProperties` have no 3.0 form: the object is opened instead (keys the patterns
/// describe are accepted with any value).
fn pattern_properties(s: &mut Map<String, Value>) {
    if s.remove("patternProperties").is_none() {
        return;
    }
    let has_properties = s
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if has_properties {
        // Unknown keys are then ignored on decode rather than refused.
        if !matches!(
            s.get("additionalProperties"),
            None | Some(Value::Bool(true))
        ) {
            s.remove("additionalProperties");
        }
    } else {
        s.insert("additionalProperties".into(), Value::Bool(true));
    }
}

fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => match (m.get("type"), m.get("const"), m.get("enum")) {
            (Some(Value::String(t)), _, _) => t == "null",
            (Some(Value::Array(ts)), _, _) => ts.len() == 1 && ts[0] == "null",
            (None, Some(Value::Null), _) => true,
            (None, None, Some(Value::Array(e))) => e.len() == 1 && e[0].is_null(),
            _ => false,
        },
        _ => false,
    }
}

/// `oneOf`/`anyOf: [X, {type: "null"}]` → X with `nullable: true`.
fn null_members(s: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = s.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| !is_null_schema(m));
        if members.len() == before {
            continue;
        }
        s.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(members)) = s.get(key) else {
            continue;
        };
        match members.as_slice() {
            [] => {
                s.remove(key);
                s.insert("enum".into(), json!([null]));
            }
            [only] => {
                let only = only.clone();
                s.remove(key);
                let merge = only
                    .as_object()
                    .filter(|m| !m.contains_key("$ref") && m.keys().all(|k| !s.contains_key(k)));
                match merge {
                    Some(m) => s.extend(m.clone()),
                    // A reference keeps its identity: a one-member allOf, nullable.
                    None => {
                        s.insert("allOf".into(), Value::Array(vec![only]));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Keywords that apply to one JSON type, moved onto that type's member when a type list is
/// split into a `oneOf`.
fn keyword_type(key: &str) -> Option<&'static str> {
    Some(match key {
        "pattern" | "minLength" | "maxLength" => "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => "number",
        "properties" | "required" | "additionalProperties" | "minProperties" | "maxProperties" => {
            "object"
        }
        "items" | "minItems" | "maxItems" | "uniqueItems" => "array",
        _ => return None,
    })
}

/// `type: [T, "null"]` → `type: T, nullable: true`; `type: "null"` → `enum: [null]`;
/// several types → a `oneOf` with one member per type (JSON types are disjoint, so oneOf and
/// anyOf agree), `integer` folded into `number` when both are listed.
fn type_list(s: &mut Map<String, Value>) {
    let types: Vec<String> = match s.get("type") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(t)) if t == "null" => vec!["null".into()],
        _ => return,
    };
    let nullable = types.iter().any(|t| t == "null");
    let mut types: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
    types.dedup();
    if types.iter().any(|t| t == "number") {
        types.retain(|t| t != "integer");
    }
    if nullable {
        s.insert("nullable".into(), Value::Bool(true));
    }
    match types.as_slice() {
        [] => {
            s.remove("type");
            s.remove("nullable");
            s.entry("enum").or_insert_with(|| json!([null]));
        }
        [one] => {
            s.insert("type".into(), Value::String(one.clone()));
        }
        many => {
            s.remove("type");
            if ["oneOf", "anyOf", "allOf"]
                .iter()
                .any(|k| s.contains_key(*k))
            {
                // Already a composition: left as any type (looser) rather than nested.
                return;
            }
            let format = s.remove("format");
            let members = many
                .iter()
                .map(|t| {
                    let mut m = Map::new();
                    m.insert("type".into(), Value::String(t.clone()));
                    let applies = |k: &str| {
                        keyword_type(k)
                            .is_some_and(|kt| kt == t || (kt == "number" && t == "integer"))
                    };
                    for (k, v) in s.iter().filter(|(k, _)| applies(k)) {
                        m.insert(k.clone(), v.clone());
                    }
                    if let Some(Value::String(f)) = &format {
                        let numeric = matches!(f.as_str(), "int32" | "int64" | "float" | "double");
                        if numeric == (t == "integer" || t == "number") {
                            m.insert("format".into(), Value::String(f.clone()));
                        }
                    }
                    Value::Object(m)
                })
                .collect();
            s.retain(|k, _| keyword_type(k).is_none());
            s.insert("oneOf".into(), Value::Array(members));
        }
    }
}

/// 3.1 lets a `$ref` have sibling keywords, which 3.0 tools ignore. Annotations are left
/// (ignored as before); constraining keywords move beside a one-member `allOf` holding the
/// reference, so they still apply.
fn ref_siblings(s: &mut Map<String, Value>) {
    let Some(reference) = s.get("$ref").cloned() else {
        return;
    };
    let constrains = s
        .keys()
        .any(|k| k != "$ref" && !k.starts_with("x-") && !ANNOTATIONS.contains(&k.as_str()));
    if !constrains {
        return;
    }
    s.remove("$ref");
    let wrapped = json!({ "$ref": reference });
    match s.get_mut("allOf") {
        Some(Value::Array(list)) => list.insert(0, wrapped),
        _ => {
            s.insert("allOf".into(), Value::Array(vec![wrapped]));
        }
    }
}
