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
