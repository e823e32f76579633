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

/// Unwraps `allOf` members that are a lone alternative (`{anyOf: [X]}` is `X`), and drops the
/// members that constrain nothing (`{}`, a lone `description`), moving
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
            members.iter_mut().for_each(unwrap_lone_alternative);
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

/// `{anyOf: [X]}` (or `oneOf`) with nothing beside it is `X`; as an allOf member typify
/// distributes the merge over such wrappers, and two nested ones around a schema the allOf
/// also merges directly took minutes and gigabytes (found by the `spec_structured` fuzz
/// target: `allOf: [{$ref: C}, {anyOf: [{anyOf: [{$ref: C}]}]}]`, C an anyOf).
fn unwrap_lone_alternative(member: &mut Value) {
    loop {
        let Some(map) = member.as_object_mut() else {
            return;
        };
        let lone = map.len() == 1
            && ["anyOf", "oneOf"]
                .iter()
                .any(|k| matches!(map.get(*k), Some(Value::Array(items)) if items.len() == 1));
        if !lone {
            return;
        }
        let inner = match map.values_mut().next() {
            Some(Value::Array(items)) => items.pop(),
            _ => None,
        };
        match inner {
            Some(inner) => *member = inner,
            None => return,
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
    let mut sites: Vec<(String, &Vec<Value>)> = Vec::new();
    all_ofs(doc, &mut String::new(), &mut sites);
    check_recursive_merges(file, schemas, &sites)?;
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
    check_merges_of_alternatives(file, schemas, &sites)
}

/// Each component schema's [`merged_refs`]: the schemas it merges whole when it is merged.
fn merge_edges(
    schemas: &serde_json::Map<String, Value>,
) -> std::collections::HashMap<&str, Vec<&str>> {
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let mut refs = Vec::new();
            merged_refs(schema, true, &mut refs);
            (!refs.is_empty()).then_some((name.as_str(), refs))
        })
        .collect()
}

/// The component schemas that reach themselves through composition members alone
/// (`X: {oneOf: [.., {$ref: X}]}`, or a longer such chain): harmless as a type, endless when
/// merged.
fn self_containing<'a>(
    edges: &std::collections::HashMap<&'a str, Vec<&'a str>>,
) -> std::collections::HashSet<&'a str> {
    edges
        .iter()
        .filter(|(from, to)| reach(edges, to.iter().copied()).contains(from))
        .map(|(from, _)| *from)
        .collect()
}

/// Every name reachable over `edges` from `start` (the starts included), each once, in the
/// order reached; iterative, so a long chain cannot overflow the stack.
fn reach<'a>(
    edges: &std::collections::HashMap<&'a str, Vec<&'a str>>,
    start: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut seen = std::collections::HashSet::new();
    let mut order = Vec::new();
    let mut todo: Vec<&str> = start.into_iter().collect();
    todo.reverse();
    while let Some(n) = todo.pop() {
        if seen.insert(n) {
            order.push(n);
            todo.extend(edges.get(n).into_iter().flatten().rev());
        }
    }
    order
}

/// Every component schema `$ref` anywhere inside `value`.
fn all_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref")
                && let Some(name) = target.strip_prefix(PREFIX)
            {
                out.push(name);
            }
            map.values().for_each(|v| all_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| all_refs(v, out)),
        _ => {}
    }
}

/// The component schemas whose values can nest without end: on a `$ref` cycle, or referring
/// to one.
fn recursive(schemas: &serde_json::Map<String, Value>) -> std::collections::HashSet<&str> {
    use std::collections::{HashMap, HashSet};
    let edges: HashMap<&str, Vec<&str>> = schemas
        .iter()
        .map(|(name, schema)| {
            let mut refs = Vec::new();
            all_refs(schema, &mut refs);
            (name.as_str(), refs)
        })
        .collect();
    let reaches: HashMap<&str, HashSet<&str>> = edges
        .iter()
        .map(|(&n, to)| (n, reach(&edges, to.iter().copied()).into_iter().collect()))
        .collect();
    let on_cycle: HashSet<&str> = reaches
        .iter()
        .filter(|(n, r)| r.contains(*n))
        .map(|(n, _)| *n)
        .collect();
    reaches
        .into_iter()
        .filter(|(_, r)| r.iter().any(|m| on_cycle.contains(m)))
        .map(|(n, _)| n)
        .collect()
}

/// An `allOf` anywhere in the document with two or more members that each refer to a
/// recursive schema: typify merges them property by property (and `additionalProperties`,
/// `items`), resolving each `$ref` anew, so two recursive types merge without end (found by
/// the `spec_structured` fuzz target: `allOf: [{$ref: A}, {$ref: B}]` with
/// `A: {additionalProperties: {$ref: A}}` and `B` alike overflowed a 256 MB stack).
fn check_recursive_merges(
    file: &Path,
    schemas: &serde_json::Map<String, Value>,
    sites: &[(String, &Vec<Value>)],
) -> Result<(), SpecError> {
    if sites.is_empty() {
        return Ok(());
    }
    let recursive = recursive(schemas);
    for (at, members) in sites {
        // Two different ones: merging a type with what refers to itself again ends
        // (typify keeps a merge equal to the reference as the reference).
        let mut named: Vec<&str> = members
            .iter()
            .filter_map(|m| {
                let mut refs = Vec::new();
                all_refs(m, &mut refs);
                refs.into_iter().find(|r| recursive.contains(r))
            })
            .collect();
        named.sort_unstable();
        named.dedup();
        if named.len() >= 2 {
            return Err(SpecError::at(
                file,
                at,
                format!(
                    "this allOf merges {} different recursive schemas ({}); the generator cannot merge two recursive types: make all but one a \
                     property, or merge them by hand in an overlay",
                    named.len(),
                    named.join(", ")
                ),
            ));
        }
    }
    for (at, members) in sites {
        if let Some(problem) = overlapping_merge(members, schemas, &recursive) {
            return Err(SpecError::at(file, at, problem));
        }
    }
    Ok(())
}

/// Merges typify cannot finish that involve a schema with alternatives (oneOf/anyOf), at the
/// allOfs of two or more members anywhere in the document. Checked after the allOf cycles of
/// [`check`], which name the cycle better.
fn check_merges_of_alternatives(
    file: &Path,
    schemas: &serde_json::Map<String, Value>,
    sites: &[(String, &Vec<Value>)],
) -> Result<(), SpecError> {
    if sites.is_empty() {
        return Ok(());
    }
    let edges = merge_edges(schemas);
    let self_containing = self_containing(&edges);
    for (at, members) in sites {
        // What each member merges whole, in the order it is reached.
        let reached: Vec<Vec<&str>> = members
            .iter()
            .map(|member| {
                let mut refs = Vec::new();
                merged_refs(member, true, &mut refs);
                reach(&edges, refs)
            })
            .collect();
        // One schema with alternatives reached from two members: typify merges it with
        // itself, distributing over the alternatives of both sides, which grows without bound
        // (found by the `spec_structured` fuzz target: `allOf: [{$ref: C}, {anyOf: [{anyOf:
        // [{$ref: C}]}, {}]}]`, `C` an anyOf, took minutes and gigabytes).
        for (i, left) in reached.iter().enumerate() {
            for (j, right) in reached.iter().enumerate().skip(i + 1) {
                let twice = left.iter().copied().find(|name| {
                    right.contains(name)
                        && schemas
                            .get(*name)
                            .is_some_and(|s| s.get("anyOf").is_some() || s.get("oneOf").is_some())
                });
                if let Some(name) = twice {
                    return Err(SpecError::at(
                        file,
                        at,
                        format!(
                            "this allOf merges '{name}', a schema with alternatives (oneOf/anyOf), \
                             through two of its members ({i} and {j}); the generator cannot merge \
                             such a schema with itself: keep it in one member, or merge by hand in \
                             an overlay"
                        ),
                    ));
                }
            }
        }
        // A merged schema whose own oneOf/anyOf holds itself: typify distributes the merge over
        // its members and meets the same merge again (found by the `spec_structured` fuzz
        // target: `Client: {anyOf: [{type: string}, {$ref: Client}]}` merged by `M: {allOf:
        // [{type: object}, {$ref: Client}]}`). A one-member allOf is read as the reference.
        if let Some(name) = reached
            .iter()
            .flatten()
            .find(|name| self_containing.contains(*name))
        {
            return Err(SpecError::at(
                file,
                at,
                format!(
                    "this allOf merges '{name}', which holds itself among its \
                     oneOf/anyOf/allOf members; the generator cannot merge a type that \
                     contains itself: drop the member that refers back, or merge by hand in \
                     an overlay"
                ),
            ));
        }
    }
    Ok(())
}

/// Nested merges deeper than this are not followed (real specs' allOfs overlap one or two
/// levels down).
const MAX_OVERLAP_DEPTH: usize = 8;

/// Where an `allOf`'s members constrain the same place (`additionalProperties`, `items`, one
/// property) with different schemas, one of them referring to a recursive schema: typify merges
/// the two there, expands the recursive one, and meets the same merge inside it again (found by
/// the `spec_structured` fuzz target: `Client: {allOf: [{additionalProperties: {}},
/// {additionalProperties: {$ref: Client}}]}` overflowed a 256 MB stack). The problem, if any.
fn overlapping_merge(
    members: &[Value],
    schemas: &serde_json::Map<String, Value>,
    recursive: &std::collections::HashSet<&str>,
) -> Option<String> {
    let views: Vec<Vec<&Value>> = members.iter().map(|m| merged_view(m, schemas)).collect();
    overlap_in(&views, schemas, recursive, "", 0)
}

fn overlap_in(
    views: &[Vec<&Value>],
    schemas: &serde_json::Map<String, Value>,
    recursive: &std::collections::HashSet<&str>,
    place: &str,
    depth: usize,
) -> Option<String> {
    if depth >= MAX_OVERLAP_DEPTH {
        return None;
    }
    // Each member's constrained places, with the subschema there.
    let slots: Vec<Vec<(String, &Value)>> = views
        .iter()
        .map(|view| view.iter().flat_map(|s| slots(s)).collect())
        .collect();
    for (i, left) in slots.iter().enumerate() {
        for right in &slots[i + 1..] {
            for (name, a) in left {
                for (_, b) in right.iter().filter(|(other, _)| other == name) {
                    if a == b {
                        continue;
                    }
                    let at = format!("{place}{name}");
                    let nested = [merged_view(a, schemas), merged_view(b, schemas)];
                    // References under the places compared one level down wait for that.
                    let mut refs = Vec::new();
                    for schema in nested.iter().flatten() {
                        refs_outside_slots(schema, &mut refs);
                    }
                    if let Some(r) = refs.into_iter().find(|r| recursive.contains(r)) {
                        return Some(format!(
                            "this allOf merges two different schemas at `{at}`, one of them \
                             referring to the recursive schema '{r}'; the generator cannot merge \
                             a recursive type with another: keep that place in one member only, \
                             or merge the members by hand in an overlay"
                        ));
                    }
                    if let Some(problem) =
                        overlap_in(&nested, schemas, recursive, &format!("{at}."), depth + 1)
                    {
                        return Some(problem);
                    }
                }
            }
        }
    }
    None
}

/// The schemas typify merges for one `allOf` member: the member, what its `$ref` names, and
/// the members of its own compositions, flattened (each schema once, so a cycle ends).
fn merged_view<'a>(
    member: &'a Value,
    schemas: &'a serde_json::Map<String, Value>,
) -> Vec<&'a Value> {
    let mut view: Vec<&Value> = Vec::new();
    let mut todo = vec![member];
    while let Some(schema) = todo.pop() {
        if view.iter().any(|seen| std::ptr::eq(*seen, schema)) || view.len() > 64 {
            continue;
        }
        view.push(schema);
        if let Some(Value::String(target)) = schema.get("$ref")
            && let Some(resolved) = target.strip_prefix(PREFIX).and_then(|n| schemas.get(n))
        {
            todo.push(resolved);
        }
        // typify distributes a merge over `oneOf`/`anyOf`: their members meet the others too.
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(items)) = schema.get(key) {
                todo.extend(items);
            }
        }
    }
    view
}

/// Every component schema `$ref` inside `value` except under the places [`slots`] names and
/// inside compositions.
fn refs_outside_slots<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match key.as_str() {
                    "$ref" => {
                        if let Some(name) = v.as_str().and_then(|t| t.strip_prefix(PREFIX)) {
                            out.push(name);
                        }
                    }
                    // Composition members are views of their own ([`merged_view`]).
                    "additionalProperties"
                    | "items"
                    | "properties"
                    | "allOf"
                    | "oneOf"
                    | "anyOf" => {}
                    _ => refs_outside_slots(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_outside_slots(v, out)),
        _ => {}
    }
}

/// The places a schema constrains with a subschema of its own, each with that subschema.
fn slots(schema: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for key in ["additionalProperties", "items"] {
        if let Some(sub) = schema.get(key).filter(|v| v.is_object()) {
            out.push((key.to_string(), sub));
        }
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        out.extend(
            properties
                .iter()
                .filter(|(_, v)| v.is_object())
                .map(|(name, v)| (format!("properties.{name}"), v)),
        );
    }
    out
}

/// Where `allOf`s of two or more members are (the schema holding them), with the members.
fn all_ofs<'a>(value: &'a Value, at: &mut String, out: &mut Vec<(String, &'a Vec<Value>)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(members)) = map.get("allOf")
                && members.len() >= 2
            {
                out.push((at.clone(), members));
            }
            for (k, v) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&super::error::pointer_segment(k));
                all_ofs(v, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                all_ofs(v, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}
