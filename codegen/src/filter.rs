//! The operation filter of a sidecar (`operations:` in `specs/<name>.paysdk.yaml`): only the
//! selected operations stay in `paths`, and only the components they reach, through `$ref`s
//! and discriminator mappings, stay in `components`. Huge specs (Stripe: 4 MB, 400+
//! operations) then generate only what a caller uses.
//!
//! An expandable field (`anyOf: [{type: string}, {$ref: X}]`: an id, or the object itself when
//! the caller asks for it, as Stripe's `customer` on a charge) does not by itself keep `X`:
//! a branch whose target the selected operations reach no other way becomes a plain JSON
//! object branch (the field decodes as the id or as the object's JSON, never wrongly). Stripe's
//! expandable fields reach most of its schemas from any operation.
//!
//! Runs first in the pipeline, on the document as the vendor wrote it (after the overlay), so
//! later passes never see the rest. Webhooks (`webhooks`, `x-webhooks`) are not operations a
//! client calls: they stay, with what they reach. Security schemes are named, not referenced,
//! and stay too.

use std::collections::{BTreeSet, VecDeque};

use serde_json::Value;

use super::config::{HTTP_METHODS, OperationFilter};

/// Removes the operations `filter` does not select, then every component nothing left
/// reaches.
pub fn apply(filter: &OperationFilter, doc: &mut Value) {
    let before = schema_count(doc);
    select_operations(filter, doc);
    let reached = reached_components(doc);
    collapse_expansions(doc, &reached);
    prune_components(doc, &reached);
    super::timing::note(format_args!(
        "filter: {} of {before} component schemas kept",
        schema_count(doc)
    ));
}

fn schema_count(doc: &Value) -> usize {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, |s| s.len())
}

fn select_operations(filter: &OperationFilter, doc: &mut Value) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    // A path item may be a `$ref` (a 3.1 `components/pathItems` entry): it becomes a copy,
    // so that dropping some of its operations leaves the shared item alone.
    let mut kept = serde_json::Map::new();
    for (path, item) in paths {
        let mut item = local_target(doc, item).unwrap_or(item).clone();
        let Some(map) = item.as_object_mut() else {
            continue;
        };
        map.retain(|key, op| {
            if !HTTP_METHODS.contains(&key.as_str()) {
                return true;
            }
            let id = op.get("operationId").and_then(Value::as_str);
            let tags: Vec<&str> = op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            filter.selects(id, &tags)
        });
        if map.keys().any(|k| HTTP_METHODS.contains(&k.as_str())) {
            kept.insert(path.clone(), item);
        }
    }
    doc["paths"] = Value::Object(kept);
}

/// The component sections pruned to what is reached; `securitySchemes` is referenced by name
/// from `security` requirements and is kept whole.
const KEPT_WHOLE: [&str; 1] = ["securitySchemes"];

/// A component: its section (`schemas`) and name.
type Component = (String, String);

/// The components the operations left, the webhooks and [`KEPT_WHOLE`] reach through `$ref`s,
/// transitively; an expandable field's object branches do not count (see the module doc).
fn reached_components(doc: &Value) -> BTreeSet<Component> {
    let mut reached: BTreeSet<Component> = BTreeSet::new();
    let mut queue: VecDeque<Component> = VecDeque::new();
    if let Some(root) = doc.as_object() {
        for (key, value) in root {
            if key != "components" {
                collect_refs(value, &mut |r| enqueue(r, &mut reached, &mut queue));
            }
        }
    }
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for section in KEPT_WHOLE {
            if let Some(s) = components.get(section) {
                collect_refs(s, &mut |r| enqueue(r, &mut reached, &mut queue));
            }
        }
    }
    while let Some((section, name)) = queue.pop_front() {
        let Some(component) = doc
            .get("components")
            .and_then(|c| c.get(&section))
            .and_then(|s| s.get(&name))
        else {
            continue;
        };
        collect_refs(component, &mut |r| enqueue(r, &mut reached, &mut queue));
    }
    reached
}

fn prune_components(doc: &mut Value, reached: &BTreeSet<Component>) {
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return;
    };
    for (section, entries) in components.iter_mut() {
        if KEPT_WHOLE.contains(&section.as_str()) {
            continue;
        }
        if let Some(entries) = entries.as_object_mut() {
            entries.retain(|name, _| reached.contains(&(section.clone(), name.clone())));
        }
    }
}

/// Stripe's list of an expandable field's object types (`x-expansionResources: {oneOf:
/// [$ref…]}`): documentation, not a schema, and no reason to keep them.
const EXPANSION_RESOURCES: &str = "x-expansionResources";

/// The branches key of an expandable field: `anyOf` (or `oneOf`) with exactly one plain
/// string branch (the id) and otherwise only `$ref` branches, at least one.
fn expandable_branches(map: &serde_json::Map<String, Value>) -> Option<&'static str> {
    ["anyOf", "oneOf"].into_iter().find(|key| {
        let Some(Value::Array(branches)) = map.get(*key) else {
            return false;
        };
        let ids = branches.iter().filter(|b| is_id_branch(b)).count();
        let refs = branches.iter().filter(|b| ref_only(b).is_some()).count();
        ids == 1 && refs >= 1 && ids + refs == branches.len()
    })
}

fn is_id_branch(branch: &Value) -> bool {
    branch.get("type").and_then(Value::as_str) == Some("string")
        && branch.get("enum").is_none()
        && branch.get("$ref").is_none()
}

/// The reference of a branch that is only a `$ref`.
fn ref_only(branch: &Value) -> Option<&str> {
    let map = branch.as_object()?;
    match map.get("$ref") {
        Some(Value::String(r)) if map.len() == 1 => Some(r),
        _ => None,
    }
}

/// In every expandable field, the object branches whose component is not in `reached` become
/// one branch that takes any JSON object; Stripe's list of expansion resources keeps only
/// reached ones.
fn collapse_expansions(node: &mut Value, reached: &BTreeSet<Component>) {
    match node {
        Value::Object(map) => {
            if let Some(key) = expandable_branches(map) {
                collapse_field(map, key, reached);
            }
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    collapse_expansions(child, reached);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| collapse_expansions(v, reached)),
        _ => {}
    }
}

fn collapse_field(
    map: &mut serde_json::Map<String, Value>,
    key: &str,
    reached: &BTreeSet<Component>,
) {
    let is_reached = |r: &str| component_of(r).is_some_and(|c| reached.contains(&c));
    let Some(Value::Array(branches)) = map.get_mut(key) else {
        return;
    };
    let mut dropped = Vec::new();
    branches.retain(|b| match ref_only(b) {
        Some(r) if !is_reached(r) => {
            dropped.push(component_of(r).map_or_else(|| r.to_string(), |(_, name)| name));
            false
        }
        _ => true,
    });
    if dropped.is_empty() {
        return;
    }
    let names = dropped
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    branches.push(serde_json::json!({
        "type": "object",
        "additionalProperties": true,
        "description": format!(
            "The expanded object ({names}) as JSON: the operations the sidecar selects \
             reach its schema only through this field, so it is not generated."
        ),
    }));
    let mut empty = false;
    if let Some(Value::Object(resources)) = map.get_mut(EXPANSION_RESOURCES) {
        for list in resources.values_mut() {
            if let Value::Array(items) = list {
                items.retain(|b| ref_only(b).is_none_or(is_reached));
            }
        }
        resources.retain(|_, list| !matches!(list, Value::Array(items) if items.is_empty()));
        empty = resources.is_empty();
    }
    if empty {
        map.remove(EXPANSION_RESOURCES);
    }
}

fn enqueue(
    reference: &str,
    reached: &mut BTreeSet<(String, String)>,
    queue: &mut VecDeque<(String, String)>,
) {
    if let Some(component) = component_of(reference)
        && reached.insert(component.clone())
    {
        queue.push_back(component);
    }
}

/// `#/components/schemas/A/properties/b` → `("schemas", "A")`; anything else (another
/// file, a pointer outside `components`) → `None`.
fn component_of(reference: &str) -> Option<(String, String)> {
    let pointer = local_pointer(reference)?;
    let mut parts = pointer.strip_prefix("/components/")?.split('/');
    let section = unescape(parts.next()?);
    let name = unescape(parts.next()?);
    Some((section, name))
}

/// The JSON pointer of a local reference, percent-decoded.
fn local_pointer(reference: &str) -> Option<String> {
    match crate::spec::Reference::parse(reference).ok()? {
        crate::spec::Reference::Local { pointer } => Some(pointer),
        _ => None,
    }
}

/// `~1` → `/`, `~0` → `~` (RFC 6901).
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Calls `found` with every `$ref` string under `value`, and every discriminator mapping
/// target (a `$ref` string, or a bare schema name). Example values are data and skipped, and
/// so are an expandable field's object branches and Stripe's list of them.
fn collect_refs(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            let expandable = expandable_branches(map);
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(r)) => found(r),
                    ("example", _) | ("examples", Value::Array(_)) => {}
                    (EXPANSION_RESOURCES, _) => {}
                    // An expandable field's object branches: reached only from elsewhere.
                    (k, Value::Array(branches)) if Some(k) == expandable => branches
                        .iter()
                        .filter(|b| ref_only(b).is_none())
                        .for_each(|b| collect_refs(b, found)),
                    ("discriminator", Value::Object(d)) => {
                        let mapping = d.get("mapping").and_then(Value::as_object);
                        for target in mapping
                            .into_iter()
                            .flatten()
                            .filter_map(|(_, t)| t.as_str())
                        {
                            if target.starts_with('#') || target.contains('/') {
                                found(target);
                            } else {
                                // A bare name is a schema name (OpenAPI 3.0 §4.7.25).
                                let pointer =
                                    super::error::pointer("#/components/schemas", &[target]);
                                found(&pointer);
                            }
                        }
                    }
                    _ => collect_refs(child, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, found)),
        _ => {}
    }
}

/// The target of a local `$ref` object, if `value` is one.
fn local_target<'a>(doc: &'a Value, value: &Value) -> Option<&'a Value> {
    doc.pointer(&local_pointer(value.get("$ref")?.as_str()?)?)
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
