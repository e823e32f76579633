//! `$ref` cycles the generator cannot survive: typify merges every `allOf` member into one
//! type, resolving `$ref`s as it goes, so a schema that includes itself through `allOf`
//! (directly or through other schemas) recurses until the stack overflows, which no
//! `catch_unwind` can report. Such a cycle is found here first and named.

use std::path::Path;

use serde_json::Value;

use super::error::{SpecError, pointer};

const PREFIX: &str = "#/components/schemas/";

/// The component schemas `schema` merges in: `$ref`s reached through `allOf` (and through the
/// `oneOf`/`anyOf` that an `allOf` distributes over).
fn merged_refs<'a>(schema: &'a Value, merging: bool, out: &mut Vec<&'a str>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if merging && let Some(Value::String(target)) = map.get("$ref") {
        if let Some(name) = target.strip_prefix(PREFIX) {
            out.push(name);
        }
        return;
    }
    let keys: &[&str] = if merging {
        &["allOf", "oneOf", "anyOf"]
    } else {
        &["allOf"]
    };
    for key in keys {
        if let Some(Value::Array(items)) = map.get(*key) {
            for item in items {
                merged_refs(item, true, out);
            }
        }
    }
}

/// Subschemas a schema holds inline (not through `$ref`), where typify converts them as part
/// of it.
const INLINE: [&str; 6] = [
    "allOf",
    "oneOf",
    "anyOf",
    "items",
    "additionalProperties",
    "not",
];

/// The component schemas merged by an `allOf` of two or more members anywhere inside
/// `schema` below its root: typify merges such an `allOf` into a copy of what it refers to,
/// converts the copy, and meets the same `allOf` again if the copy holds it (found by the
/// `spec_properties` generator: `A: {properties: {kids: {items: {allOf: [{$ref: A}, {..}]}}}}`).
fn nested_merged_refs<'a>(schema: &'a Value, root: bool, out: &mut Vec<&'a str>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    if !root
        && let Some(Value::Array(members)) = map.get("allOf")
        && members.len() >= 2
    {
        for member in members {
            merged_refs(member, true, out);
        }
    }
    let maps = ["properties", "patternProperties"]
        .iter()
        .filter_map(|k| map.get(*k).and_then(Value::as_object))
        .flat_map(|m| m.values());
    let inline = INLINE
        .iter()
        .filter_map(|k| map.get(*k))
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            one => vec![one],
        });
    for child in maps.chain(inline) {
        nested_merged_refs(child, false, out);
    }
}

/// Keywords that only describe: an `allOf` member with nothing else constrains nothing.
fn annotation_only(member: &Value) -> bool {
    member.as_object().is_some_and(|m| {
        m.keys().all(|k| {
            k.starts_with("x-")
                || matches!(
                    k.as_str(),
                    "description"
                        | "title"
                        | "example"
                        | "examples"
                        | "deprecated"
                        | "externalDocs"
                )
        })
    })
}

/// Drops the `allOf` members that constrain nothing (`{}`, a lone `description`), moving
/// their annotations onto the schema where it has none: `allOf: [{$ref: A}, {}]` becomes the
/// one-member `allOf` typify reads as the reference, rather than a merge that can recurse
/// without end when `A` holds it.
pub fn drop_empty_members(doc: &mut Value) {
    let mut at = String::new();
    crate::spec::grammar::visit_mut(
        doc,
        crate::spec::Kind::Document,
        crate::spec::Kind::Schema,
        &mut at,
        &mut |schema, _| {
            let Some(Value::Array(members)) = schema.get_mut("allOf") else {
                return;
            };
            if members.len() < 2 || !members.iter().any(annotation_only) {
                return;
            }
            let (empty, mut kept): (Vec<Value>, Vec<Value>) =
                members.drain(..).partition(annotation_only);
            if kept.is_empty() {
                kept.push(Value::Object(Default::default()));
            }
            *members = kept;
            for (k, v) in empty
                .into_iter()
                .filter_map(|m| match m {
                    Value::Object(m) => Some(m),
                    _ => None,
                })
                .flatten()
            {
                schema.entry(k).or_insert(v);
            }
        },
    );
}

/// The first schema of `components/schemas` that merges itself in, with the cycle.
pub fn check(file: &Path, doc: &Value) -> Result<(), SpecError> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    for (start, schema) in schemas {
        // Depth-first over merge edges, iterative so a long chain cannot overflow either.
        let mut stack: Vec<(Vec<&str>, &Value)> = vec![(vec![start.as_str()], schema)];
        let mut seen = std::collections::HashSet::new();
        while let Some((path, schema)) = stack.pop() {
            // The start schema merges its allOf (and an alias `X: {$ref: Y}` is Y); a schema
            // reached through allOf is merged whole, its oneOf/anyOf distributed too.
            let mut next = Vec::new();
            if path.len() == 1 {
                if let Some(Value::String(target)) = schema.get("$ref")
                    && let Some(name) = target.strip_prefix(PREFIX)
                {
                    next.push(name);
                }
                merged_refs(schema, false, &mut next);
            } else {
                merged_refs(schema, true, &mut next);
            }
            nested_merged_refs(schema, true, &mut next);
            for name in next {
                if name == start {
                    let mut cycle = path.clone();
                    cycle.push(name);
                    return Err(SpecError::at(
                        file,
                        &pointer("/components/schemas", &[start]),
                        format!(
                            "schema '{start}' includes itself through allOf ({}); the \
                             generator cannot merge a type into itself: break the cycle, for \
                             example with a property that refers back",
                            cycle.join(" → ")
                        ),
                    ));
                }
                if seen.insert(name)
                    && let Some(target) = schemas.get(name)
                {
                    let mut longer = path.clone();
                    longer.push(name);
                    stack.push((longer, target));
                }
            }
        }
    }
    Ok(())
}
