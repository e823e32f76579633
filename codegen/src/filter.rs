//! The operation filter of a sidecar (`operations:` in `specs/<name>.paysdk.yaml`): only the
//! selected operations stay in `paths`, and only the components they reach, through `$ref`s
//! and discriminator mappings, stay in `components`. Huge specs (Stripe: 4 MB, 400+
//! operations) then generate only what a caller uses.
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
    select_operations(filter, doc);
    prune_components(doc);
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

fn prune_components(doc: &mut Value) {
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
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
/// target (a `$ref` string, or a bare schema name). Example values are data and skipped.
fn collect_refs(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(r)) => found(r),
                    ("example", _) | ("examples", Value::Array(_)) => {}
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
