//! Query parameters in the OpenAPI styles progenitor does not write (or writes wrongly):
//! `deepObject` (`created[gte]=1`), `form` arrays and objects without explode
//! (`ids=a,b`), `spaceDelimited` and `pipeDelimited`, and nested objects. Code generation
//! routes every such parameter here; scalars in the default `form` style stay with progenitor.
//!
//! Values go through `serde_json::Value`, so any `Serialize` type is accepted (object keys
//! in serde_json's map order). Names and
//! values are percent-encoded (everything but RFC 3986 unreserved characters); the
//! delimiters a style defines (`,`, `|`, `%20`, `[`/`]` of deepObject keys, encoded as
//! `%5B`/`%5D`) are written as such, so a `,` inside a value stays distinguishable from the
//! `,` between values.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An OpenAPI query parameter style (`style:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` (the default): `id=5`, `ids=a&ids=b` or `ids=a,b`, `k=v` or `obj=k,v`.
    Form,
    /// `spaceDelimited`: `ids=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited`: `ids=a|b`.
    PipeDelimited,
    /// `deepObject`: `obj[k]=v`, nested as `obj[a][b]=v`, arrays as `obj[a][0]=v`.
    DeepObject,
}

/// Appends parameter `name` with `value` to `url` in `style`, and returns the URL. A `None`
/// (JSON `null`) value adds nothing. The error says why the value has no encoding in that
/// style (such as a nested object in a delimited style).
pub fn append_query<T: Serialize + ?Sized>(
    mut url: String,
    name: &str,
    style: QueryStyle,
    explode: bool,
    value: &T,
) -> Result<String, String> {
    let value = serde_json::to_value(value)
        .map_err(|e| format!("query parameter '{name}' cannot be encoded: {e}"))?;
    let mut pairs = String::new();
    match style {
        QueryStyle::Form => form(&mut pairs, name, explode, &value),
        QueryStyle::SpaceDelimited => delimited(&mut pairs, name, explode, "%20", &value),
        QueryStyle::PipeDelimited => delimited(&mut pairs, name, explode, "|", &value),
        QueryStyle::DeepObject => {
            deep_object(&mut pairs, &encode(name), &value);
            Ok(())
        }
    }
    .map_err(|problem| format!("query parameter '{name}': {problem}"))?;
    if !pairs.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(pairs.trim_start_matches('&'));
    }
    Ok(url)
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// A scalar's text; `None` for arrays, objects and null.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn pair(out: &mut String, encoded_key: &str, raw_value: &str) {
    let _ = write!(out, "&{encoded_key}={}", encode(raw_value));
}

/// `form`: scalars `name=v`; arrays `name=a&name=b` (explode) or `name=a,b`; objects
/// `k1=v1&k2=v2` (explode, nested values deepObject-style under their key) or
/// `name=k1,v1,k2,v2`.
pub fn form(out: &mut String, name: &str, explode: bool, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => Ok(()),
        Value::Array(items) if explode => {
            for item in items {
                let text = scalar(item).ok_or("an exploded form array holds scalars only")?;
                pair(out, &encode(name), &text);
            }
            Ok(())
        }
        Value::Object(map) if explode => {
            for (k, v) in map {
                deep_object(out, &encode(k), v);
            }
            Ok(())
        }
        other => joined(out, name, ",", other),
    }
}

/// `spaceDelimited` / `pipeDelimited`: arrays and objects joined by the delimiter; with
/// explode, arrays are repeated as in `form`.
pub fn delimited(
    out: &mut String,
    name: &str,
    explode: bool,
    delimiter: &str,
    value: &Value,
) -> Result<(), String> {
    match value {
        Value::Array(_) if explode => form(out, name, true, value),
        other => joined(out, name, delimiter, other),
    }
}

/// One `name=...` pair: a scalar, or the items (arrays) or keys and values (objects) of a
/// flat value joined by `delimiter` (already encoded); each item is encoded on its own.
fn joined(out: &mut String, name: &str, delimiter: &str, value: &Value) -> Result<(), String> {
    let nested = "a nested value has no encoding in this style";
    let text = match value {
        Value::Null => return Ok(()),
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|v| scalar(v).map(|s| encode(&s)))
                .collect();
            parts.ok_or(nested)?.join(delimiter)
        }
        Value::Object(map) => {
            let mut parts = Vec::with_capacity(map.len() * 2);
            for (k, v) in map {
                if v.is_null() {
                    continue;
                }
                parts.push(encode(k));
                parts.push(encode(&scalar(v).ok_or(nested)?));
            }
            parts.join(delimiter)
        }
        scalar_value => encode(&scalar(scalar_value).unwrap_or_default()),
    };
    let _ = write!(out, "&{}={text}", encode(name));
    Ok(())
}

/// `deepObject`: `key[a]=1`, nested `key[a][b]=1`, arrays indexed `key[a][0]=x` (Stripe's
/// form); `key` is already encoded. Nulls are skipped.
pub fn deep_object(out: &mut String, key: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                deep_object(out, &format!("{key}%5B{}%5D", encode(k)), v);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                deep_object(out, &format!("{key}%5B{i}%5D"), v);
            }
        }
        other => pair(out, key, &scalar(other).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::{QueryStyle, append_query};
    use serde_json::json;

    fn q(style: QueryStyle, explode: bool, value: serde_json::Value) -> String {
        append_query("http://h/p".to_string(), "id", style, explode, &value).unwrap()
    }

    #[test]
    fn form_styles_match_the_openapi_examples() {
        use QueryStyle::Form;
        assert_eq!(q(Form, true, json!(5)), "http://h/p?id=5");
        assert_eq!(q(Form, false, json!(5)), "http://h/p?id=5");
        assert_eq!(q(Form, true, json!([3, 4, 5])), "http://h/p?id=3&id=4&id=5");
        assert_eq!(q(Form, false, json!([3, 4, 5])), "http://h/p?id=3,4,5");
        assert_eq!(
            q(Form, true, json!({"firstName": "Alex", "role": "admin"})),
            "http://h/p?firstName=Alex&role=admin"
        );
        assert_eq!(
            q(Form, false, json!({"firstName": "Alex", "role": "admin"})),
            "http://h/p?id=firstName,Alex,role,admin"
        );
        assert_eq!(q(Form, false, json!([])), "http://h/p?id=");
        assert_eq!(q(Form, true, json!([])), "http://h/p");
    }

    #[test]
    fn delimited_styles() {
        use QueryStyle::{PipeDelimited, SpaceDelimited};
        assert_eq!(
            q(SpaceDelimited, false, json!([3, 4, 5])),
            "http://h/p?id=3%204%205"
        );
        assert_eq!(
            q(PipeDelimited, false, json!([3, 4, 5])),
            "http://h/p?id=3|4|5"
        );
        assert_eq!(
            q(PipeDelimited, true, json!(["a", "b"])),
            "http://h/p?id=a&id=b"
        );
        assert_eq!(
            q(SpaceDelimited, false, json!({"n": 1, "role": "admin"})),
            "http://h/p?id=n%201%20role%20admin"
        );
    }

    #[test]
    fn deep_object_nests_and_indexes() {
        assert_eq!(
            q(
                QueryStyle::DeepObject,
                true,
                json!({"gte": 1, "lt": 2, "m": {"k": true}, "tags": ["a", "b"], "z": null})
            ),
            "http://h/p?id%5Bgte%5D=1&id%5Blt%5D=2&id%5Bm%5D%5Bk%5D=true&id%5Btags%5D%5B0%5D=a&id%5Btags%5D%5B1%5D=b"
        );
        assert_eq!(
            q(QueryStyle::DeepObject, true, json!(["data.x"])),
            "http://h/p?id%5B0%5D=data.x"
        );
    }

    #[test]
    fn values_and_names_are_percent_encoded_but_delimiters_are_not() {
        let url = append_query(
            "http://h/p?a=1".to_string(),
            "the key",
            QueryStyle::Form,
            false,
            &json!(["x,y", "ü&=|", "-._~"]),
        )
        .unwrap();
        assert_eq!(url, "http://h/p?a=1&the%20key=x%2Cy,%C3%BC%26%3D%7C,-._~");
        let url = append_query(
            "http://h/p".to_string(),
            "f[x]",
            QueryStyle::DeepObject,
            true,
            &json!({"a b": "c/d"}),
        )
        .unwrap();
        assert_eq!(url, "http://h/p?f%5Bx%5D%5Ba%20b%5D=c%2Fd");
    }

    #[test]
    fn none_adds_nothing_and_nested_delimited_values_are_refused() {
        let none: Option<Vec<String>> = None;
        assert_eq!(
            append_query("http://h/p".into(), "id", QueryStyle::Form, false, &none).unwrap(),
            "http://h/p"
        );
        let e = append_query(
            "http://h/p".into(),
            "id",
            QueryStyle::PipeDelimited,
            false,
            &json!([[1]]),
        )
        .unwrap_err();
        assert!(e.contains("'id'") && e.contains("nested"), "{e}");
    }
}
