//! Which part of a spec made progenitor or typify fail. Their errors and panics name no place,
//! so on a failure the document is cut down and generated again: the shortest prefix of the
//! operations (or, with no operations, of the component schemas) that still fails names the
//! culprit, and the search then descends into its parts (parameters, bodies, responses,
//! properties, `allOf` members...) while neutralizing one of them makes the failure go away.
//! Only failing builds pay for it, and the number of retries is bounded.

use serde_json::{Map, Value};

use super::error::pointer;

/// Generator runs one search may spend (each is a whole progenitor run on a cut-down spec).
const MAX_TRIALS: usize = 96;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The JSON pointer of the smallest part of `doc` found to make `fails` true, if any.
/// `fails(doc)` must be true for the whole document.
pub(crate) fn locate(doc: &Value, fails: &mut dyn FnMut(&Value) -> bool) -> Option<String> {
    let mut search = Search { fails, trials: 0 };
    let operations = operations(doc);
    let without_operations = with_operations(doc, &[]);
    if search.fails(&without_operations) {
        // The component schemas alone fail: the shortest failing prefix, with what it refers to.
        let names: Vec<String> = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let roots = |k: usize| -> Vec<String> {
            names[..k]
                .iter()
                .map(|n| pointer("/components/schemas", &[n]))
                .collect()
        };
        let k = search.shortest(names.len(), |k| reduced(&without_operations, &roots(k)))?;
        let culprit = pointer("/components/schemas", &[&names[k - 1]]);
        // Descend inside the one schema (with what it refers to) when that alone still fails.
        let alone = reduced(&without_operations, std::slice::from_ref(&culprit));
        let base = if search.fails(&alone) {
            alone
        } else {
            reduced(&without_operations, &roots(k))
        };
        return Some(search.descend(base, culprit));
    }
    let k = search.shortest(operations.len(), |k| with_operations(doc, &operations[..k]))?;
    let (path, method) = &operations[k - 1];
    let culprit = pointer("/paths", &[path, method]);
    let alone = with_operations(doc, &operations[k - 1..k]);
    let base = if search.fails(&alone) {
        alone
    } else {
        with_operations(doc, &operations[..k])
    };
    Some(search.descend(base, culprit))
}

/// What the pointer `at` (from [`locate`]) names, in words: the operation or the schema.
pub(crate) fn describe(doc: &Value, at: &str) -> String {
    let segments: Vec<String> = at
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    match segments.as_slice() {
        [paths, path, method, ..] if paths == "paths" => {
            let id = doc
                .get("paths")
                .and_then(|p| p.get(path))
                .and_then(|i| i.get(method))
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str);
            let method = method.to_uppercase();
            match id {
                Some(id) => format!("operation '{id}' ({method} {path})"),
                None => format!("operation {method} {path}"),
            }
        }
        [components, _, name, ..] if components == "components" => format!("schema '{name}'"),
        _ => "this part of the spec".to_string(),
    }
}

struct Search<'a> {
    fails: &'a mut dyn FnMut(&Value) -> bool,
    trials: usize,
}

impl Search<'_> {
    fn fails(&mut self, doc: &Value) -> bool {
        if self.trials >= MAX_TRIALS {
            return false;
        }
        self.trials += 1;
        (self.fails)(doc)
    }

    /// The smallest `k` in `1..=n` for which `make(k)` fails, by binary search (a failure
    /// caused by the presence of some parts only gets more likely as `k` grows).
    fn shortest(&mut self, n: usize, make: impl Fn(usize) -> Value) -> Option<usize> {
        if n == 0 {
            return None;
        }
        let (mut lo, mut hi) = (1, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.fails(&make(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }

    /// From `at`, go into the part whose neutralization makes `doc` generate, as long as one
    /// does.
    fn descend(&mut self, doc: Value, mut at: String) -> String {
        'deeper: while self.trials < MAX_TRIALS {
            let Some(node) = doc.pointer(&at) else {
                break;
            };
            for child in parts(node) {
                let mut trial = doc.clone();
                if let Some(parent) = trial.pointer_mut(&at) {
                    child.neutralize(parent);
                }
                if !self.fails(&trial) {
                    at = format!("{at}{}", child.suffix());
                    continue 'deeper;
                }
            }
            break;
        }
        at
    }
}

/// A part of a node and how to take it out.
enum Part {
    /// Replace a schema by `{}` (any value).
    Schema(Vec<String>),
    /// Remove an entry (a parameter, a body, a media type, a header).
    Remove(Vec<String>),
}

impl Part {
    fn segments(&self) -> &[String] {
        match self {
            Part::Schema(s) | Part::Remove(s) => s,
        }
    }

    fn suffix(&self) -> String {
        let segments: Vec<&str> = self.segments().iter().map(String::as_str).collect();
        pointer("", &segments)
    }

    fn neutralize(&self, node: &mut Value) {
        let (last, parents) = match self.segments().split_last() {
            Some(split) => split,
            None => return,
        };
        let mut parent = node;
        for segment in parents {
            parent = match parent {
                Value::Object(m) => match m.get_mut(segment) {
                    Some(v) => v,
                    None => return,
                },
                Value::Array(items) => match segment.parse::<usize>().ok() {
                    Some(i) if i < items.len() => &mut items[i],
                    _ => return,
                },
                _ => return,
            };
        }
        match (self, parent) {
            (Part::Schema(_), Value::Object(m)) => {
                m.insert(last.clone(), Value::Object(Map::new()));
            }
            (Part::Schema(_), Value::Array(items)) => {
                if let Some(v) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    *v = Value::Object(Map::new());
                }
            }
            (Part::Remove(_), Value::Object(m)) => {
                m.shift_remove(last);
            }
            (Part::Remove(_), Value::Array(items)) => {
                if let Some(i) = last.parse::<usize>().ok().filter(|&i| i < items.len()) {
                    items.remove(i);
                }
            }
            _ => {}
        }
    }
}

/// The parts of an operation, parameter, body, response or schema that can be taken out.
fn parts(node: &Value) -> Vec<Part> {
    let Some(map) = node.as_object() else {
        return Vec::new();
    };
    let one = |s: &str| vec![s.to_string()];
    let two = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    let mut out = Vec::new();
    for key in ["parameters", "allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(items)) = map.get(key) {
            for i in 0..items.len() {
                let segments = two(key, &i.to_string());
                out.push(if key == "parameters" {
                    Part::Remove(segments)
                } else {
                    Part::Schema(segments)
                });
            }
        }
    }
    if map.contains_key("requestBody") {
        out.push(Part::Remove(one("requestBody")));
    }
    for key in ["responses", "content", "headers"] {
        if let Some(Value::Object(entries)) = map.get(key) {
            for name in entries.keys() {
                out.push(Part::Remove(two(key, name)));
            }
        }
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        for name in props.keys() {
            out.push(Part::Schema(two("properties", name)));
        }
    }
    for key in ["schema", "items", "not"] {
        if map.get(key).is_some_and(Value::is_object) {
            out.push(Part::Schema(one(key)));
        }
    }
    if map
        .get("additionalProperties")
        .is_some_and(Value::is_object)
    {
        out.push(Part::Schema(one("additionalProperties")));
    }
    out
}

/// `(path, method)` of every operation, in document order.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        if let Some(item) = item.as_object() {
            for method in item.keys().filter(|k| METHODS.contains(&k.as_str())) {
                out.push((path.clone(), method.clone()));
            }
        }
    }
    out
}

/// `doc` with only the operations `keep` in `paths` (path items keep their other fields).
fn with_operations(doc: &Value, keep: &[(String, String)]) -> Value {
    let mut out = doc.clone();
    if let Some(Value::Object(paths)) = out.get_mut("paths") {
        paths.retain(|path, item| {
            let Some(item) = item.as_object_mut() else {
                return false;
            };
            item.retain(|method, _| {
                !METHODS.contains(&method.as_str())
                    || keep.iter().any(|(p, m)| p == path && m == method)
            });
            keep.iter().any(|(p, _)| p == path)
        });
    }
    out
}

/// `doc` with only the component entries `roots` name and those their `$ref`s reach.
fn reduced(doc: &Value, roots: &[String]) -> Value {
    let mut keep: Vec<String> = Vec::new();
    let mut queue: Vec<String> = roots.to_vec();
    while let Some(at) = queue.pop() {
        // Component granularity: `/components/<section>/<name>`.
        let entry: String = at.split('/').take(4).collect::<Vec<_>>().join("/");
        if keep.contains(&entry) {
            continue;
        }
        let Some(node) = doc.pointer(&entry) else {
            continue;
        };
        keep.push(entry);
        refs(node, &mut queue);
    }
    let mut out = doc.clone();
    if let Some(Value::Object(components)) = out.get_mut("components") {
        for (section, entries) in components.iter_mut() {
            if let Value::Object(entries) = entries {
                entries.retain(|name, _| keep.contains(&pointer("/components", &[section, name])));
            }
        }
    }
    out
}

/// The local `#/components/...` targets of every `$ref` under `node`, as JSON pointers.
fn refs(node: &Value, out: &mut Vec<String>) {
    let mut stack = vec![node];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref")
                    && let Some(p) = r.strip_prefix('#')
                    && p.starts_with("/components/")
                {
                    out.push(p.to_string());
                }
                stack.extend(m.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": { "get": { "responses": {} }, "post": { "responses": {} } },
                "/b": { "parameters": [], "get": {
                    "parameters": [{ "name": "x" }, { "name": "bad" }],
                    "responses": {} } },
            },
            "components": { "schemas": {
                "A": { "type": "string" },
                "B": { "type": "object", "properties": {
                    "fine": { "type": "string" },
                    "broken": { "allOf": [{ "type": "string" }, { "$ref": "#/components/schemas/C" }] },
                } },
                "C": { "bad": true },
                "D": { "type": "integer" },
            } },
        })
    }

    fn contains_bad(v: &Value) -> bool {
        v.to_string().contains("\"bad\"")
    }

    #[test]
    fn a_failing_operation_is_found_down_to_its_parameter() {
        let mut d = doc();
        d["components"]["schemas"]["C"] = json!({ "type": "string" });
        let at = locate(&d, &mut |v| contains_bad(v)).unwrap();
        assert_eq!(at, "/paths/~1b/get/parameters/1");
    }

    #[test]
    fn a_failing_schema_is_found_down_to_the_property() {
        // Fails while schema C is present and reached through B's property.
        let mut d = doc();
        d["paths"]["/b"]["get"]["parameters"] = json!([]);
        let at = locate(&d, &mut |v| {
            v.pointer("/components/schemas/B/properties/broken/allOf/1")
                .is_some_and(|r| r.get("$ref").is_some())
                && v.pointer("/components/schemas/C").is_some()
        })
        .unwrap();
        assert_eq!(at, "/components/schemas/B/properties/broken/allOf/1");
    }

    #[test]
    fn the_search_is_bounded() {
        let mut calls = 0;
        let at = locate(&doc(), &mut |_| {
            calls += 1;
            true
        });
        assert!(at.is_some());
        assert!(calls <= MAX_TRIALS);
    }
}
