//! Bounds on what a spec may contain, checked once it is loaded: nesting that would take the
//! generator's recursion (typify's, normalization's) past the stack, a string that would be
//! copied into doc comments a hundred megabytes at a time, an enum no client can use. Each is
//! a located error instead of a stack overflow, a hang or an exhausted build machine. The
//! largest real specs we know (Stripe, Plaid, Adyen, PayPal) stay far inside: nesting 28,
//! strings of 3.2 KB, enums of 1,276 values.

use std::path::Path;

use serde_json::Value;

use super::error::{SpecError, pointer_segment};

/// Deepest nesting of mappings and lists accepted (the document root is level 1).
pub const MAX_DEPTH: usize = 64;
/// Longest string accepted, in bytes.
pub const MAX_STRING: usize = 1024 * 1024;
/// Most values an `enum` may list.
pub const MAX_ENUM: usize = 10_000;

/// The first place of `doc` over a limit, as an error.
pub fn check(file: &Path, doc: &Value) -> Result<(), SpecError> {
    if within(doc) {
        return Ok(());
    }
    // Over a limit somewhere: walk again, this time keeping pointers.
    let mut stack = vec![(doc, 1usize, String::new())];
    while let Some((v, depth, at)) = stack.pop() {
        if let Some(problem) = problem(v, depth) {
            return Err(SpecError::at(file, &at, problem));
        }
        match v {
            Value::Object(m) => stack.extend(
                m.iter()
                    .rev()
                    .map(|(k, v)| (v, depth + 1, format!("{at}/{}", pointer_segment(k)))),
            ),
            Value::Array(items) => stack.extend(
                items
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, v)| (v, depth + 1, format!("{at}/{i}"))),
            ),
            _ => {}
        }
    }
    Ok(())
}

/// Whether every node is inside the limits (no pointers built: the common case is cheap).
fn within(doc: &Value) -> bool {
    let mut stack = vec![(doc, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        if problem(v, depth).is_some() {
            return false;
        }
        match v {
            Value::Object(m) => stack.extend(m.values().map(|v| (v, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    true
}

fn problem(v: &Value, depth: usize) -> Option<String> {
    match v {
        Value::Object(_) | Value::Array(_) if depth > MAX_DEPTH => Some(format!(
            "nested deeper than {MAX_DEPTH} levels; the generator refuses deeper specs \
             (real specs nest under 30)"
        )),
        Value::String(s) if s.len() > MAX_STRING => Some(format!(
            "a string of {} bytes; the generator accepts strings up to {MAX_STRING} bytes",
            s.len()
        )),
        Value::Object(m) => match m.get("enum") {
            Some(Value::Array(values)) if values.len() > MAX_ENUM => Some(format!(
                "an enum of {} values; the generator accepts up to {MAX_ENUM}",
                values.len()
            )),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;
    use serde_json::json;

    fn nested(levels: usize) -> Value {
        let mut v = json!({ "type": "string" });
        for _ in 1..levels {
            v = json!({ "items": v });
        }
        v
    }

    #[test]
    fn depth_at_the_limit_passes_and_beyond_it_is_located() {
        assert!(check(Path::new("x.yaml"), &nested(MAX_DEPTH)).is_ok());
        let e = check(Path::new("x.yaml"), &nested(MAX_DEPTH + 1)).unwrap_err();
        let expected = "/items".repeat(MAX_DEPTH);
        assert_eq!(e.location, Location::Pointer(expected), "{e}");
        assert!(e.problem.contains("nested deeper than 64"), "{e}");
    }

    #[test]
    fn long_strings_and_enums_are_located() {
        let doc = json!({ "a": [{ "b": "x".repeat(MAX_STRING + 1) }] });
        let e = check(Path::new("x.yaml"), &doc).unwrap_err();
        assert_eq!(e.location, Location::Pointer("/a/0/b".into()));
        let values: Vec<usize> = (0..=MAX_ENUM).collect();
        let doc = json!({ "s": { "type": "integer", "enum": values } });
        let e = check(Path::new("x.yaml"), &doc).unwrap_err();
        assert_eq!(e.location, Location::Pointer("/s".into()));
        assert!(e.problem.contains("10001 values"), "{e}");
    }
}
