//! Schema `default`s that contradict their own schema (Unit writes `default: "false"` on a
//! boolean) are coerced to the type when the text says the same value, else dropped: typify
//! refuses such a default and fails the whole spec, while a default only fills in a missing
//! field.

use serde_json::{Map, Value};

use crate::spec::Kind;
use crate::spec::grammar::visit_mut;

/// Fixes every schema's `default` in place.
pub fn repair(doc: &mut Value) {
    let mut at = String::new();
    visit_mut(doc, Kind::Document, Kind::Schema, &mut at, &mut |s, _| {
        repair_one(s);
    });
}

fn repair_one(s: &mut Map<String, Value>) {
    let Some(default) = s.get("default") else {
        return;
    };
    let ty = s.get("type").and_then(Value::as_str);
    let fixed = match (ty, default) {
        (Some("boolean"), Value::Bool(_))
        | (Some("string"), Value::String(_))
        | (Some("object"), Value::Object(_))
        | (Some("array"), Value::Array(_))
        | (Some("number"), Value::Number(_)) => Some(default.clone()),
        (Some("integer"), Value::Number(n)) => (n.is_i64() || n.is_u64()).then(|| default.clone()),
        (Some("boolean"), Value::String(t)) => match t.trim() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        (Some("integer"), Value::String(t)) => t.trim().parse::<i64>().ok().map(Value::from),
        (Some("number"), Value::String(t)) => t
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        (Some("string"), Value::Number(n)) => Some(Value::String(n.to_string())),
        (Some("string"), Value::Bool(b)) => Some(Value::String(b.to_string())),
        (Some(_), Value::Null) if s.get("nullable") == Some(&Value::Bool(true)) => {
            Some(Value::Null)
        }
        (Some(_), _) => None,
        (None, _) => Some(default.clone()),
    };
    let fixed = fixed.filter(|v| match s.get("enum").and_then(Value::as_array) {
        Some(values) => values.contains(v),
        None => true,
    });
    match fixed {
        Some(v) => {
            s.insert("default".into(), v);
        }
        None => {
            s.remove("default");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn defaults_that_contradict_their_schema_are_coerced_or_dropped() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "flag": {"type": "boolean", "default": "false"},
            "count": {"type": "integer", "default": "3"},
            "ratio": {"type": "integer", "default": 1.5},
            "name": {"type": "string", "default": 7},
            "kind": {"type": "string", "enum": ["a", "b"], "default": "c"},
            "ok": {"type": "string", "enum": ["a"], "default": "a"},
            "default": {"type": "boolean", "default": "maybe"}
        }}}}});
        super::repair(&mut doc);
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["flag"]["default"], json!(false));
        assert_eq!(props["count"]["default"], json!(3));
        assert_eq!(props["ratio"].get("default"), None);
        assert_eq!(props["name"]["default"], json!("7"));
        assert_eq!(props["kind"].get("default"), None);
        assert_eq!(props["ok"]["default"], json!("a"));
        assert_eq!(props["default"], json!({"type": "boolean"}));
    }
}
