//! `application/x-www-form-urlencoded` request bodies with nested values, the way Stripe and
//! the Rails/Rack convention read them: an object's fields as `a[b][c]=v`, array items
//! indexed, `a[0]=x&a[1]=y`.
//!
//! Indexed rather than `a[]=x`: Stripe's own libraries (stripe-python, stripe-node's `qs`
//! with `arrayFormat: indices`, stripe-go) send indices, and only indices keep an array of
//! objects unambiguous (`items[0][price]=p&items[0][quantity]=1`). Both spellings decode the
//! same for an array of scalars. `null` is sent as an empty value (`key=`), which Stripe
//! reads as "unset"; empty arrays and objects send nothing. Keys and values are
//! percent-encoded as the WHATWG form serializer does (space as `+`); the structural brackets
//! are written as-is, as Stripe documents them, while a bracket inside a key is encoded.

use serde::Serialize;
use serde_json::Value;

/// Why a body could not be form-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError(String);

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormError {}

/// The `(key, value)` pairs of `body`, keys in bracket notation, neither percent-encoded.
pub fn pairs<T: Serialize + ?Sized>(body: &T) -> Result<Vec<(String, String)>, FormError> {
    collect(body, false)
}

/// The pairs, with key segments percent-encoded when `escape` is set.
fn collect<T: Serialize + ?Sized>(
    body: &T,
    escape: bool,
) -> Result<Vec<(String, String)>, FormError> {
    let value = serde_json::to_value(body)
        .map_err(|e| FormError(format!("the body could not be serialized: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(FormError(format!(
            "a form body must be an object with named fields, not {}",
            kind(&value)
        )));
    };
    let mut out = Vec::with_capacity(fields.len());
    for (name, value) in &fields {
        flatten(segment(name, escape), value, escape, &mut out);
    }
    Ok(out)
}

/// `body` encoded as `application/x-www-form-urlencoded`.
pub fn encode<T: Serialize + ?Sized>(body: &T) -> Result<String, FormError> {
    let mut out = String::new();
    for (key, value) in collect(body, true)? {
        if !out.is_empty() {
            out.push('&');
        }
        // The key's structural brackets stay literal; its segments were escaped as it was built.
        out.push_str(&key);
        out.push('=');
        out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
    }
    Ok(out)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A key segment, percent-encoded if `escape` (brackets included, so they cannot nest by
/// accident).
fn segment(name: &str, escape: bool) -> String {
    if escape {
        form_urlencoded::byte_serialize(name.as_bytes()).collect()
    } else {
        name.to_string()
    }
}

fn flatten(key: String, value: &Value, escape: bool, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => out.push((key, String::new())),
        Value::Bool(b) => out.push((key, b.to_string())),
        Value::Number(n) => out.push((key, n.to_string())),
        Value::String(s) => out.push((key, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{key}[{i}]"), item, escape, out);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                flatten(
                    format!("{key}[{}]", segment(name, escape)),
                    item,
                    escape,
                    out,
                );
            }
        }
    }
}

/// The generated builders' form body: `builder` with the encoded body and its content type.
#[doc(hidden)]
// progenitor's error type, which the generated builders return.
#[allow(clippy::result_large_err)]
pub fn form_body<T: Serialize + ?Sized, E>(
    builder: reqwest::RequestBuilder,
    body: &T,
) -> Result<reqwest::RequestBuilder, progenitor_client::Error<E>> {
    let encoded =
        encode(body).map_err(|e| progenitor_client::Error::InvalidRequest(e.to_string()))?;
    Ok(builder
        .header(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/x-www-form-urlencoded"),
        )
        .body(encoded))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nested_objects_and_arrays_use_brackets_and_indices() {
        let body = json!({
            "amount": 2000,
            "capture": false,
            "expand": ["customer", "invoice"],
            "items": [{"price": "p_1", "quantity": 2}, {"price": "p_2"}],
            "shipping": {"address": {"city": "Berlin", "line1": "Unter den Linden 1"}},
        });
        assert_eq!(
            encode(&body).unwrap(),
            "amount=2000&capture=false&expand[0]=customer&expand[1]=invoice\
             &items[0][price]=p_1&items[0][quantity]=2&items[1][price]=p_2\
             &shipping[address][city]=Berlin&shipping[address][line1]=Unter+den+Linden+1"
        );
    }

    #[test]
    fn keys_and_values_are_percent_encoded() {
        let body = json!({
            "metadata": {"k[x]": "ü/€ 100%", "order id": "a&b=c"},
            "q+r": "line\nbreak",
        });
        let encoded = encode(&body).unwrap();
        assert_eq!(
            encoded,
            "metadata[k%5Bx%5D]=%C3%BC%2F%E2%82%AC+100%25&metadata[order+id]=a%26b%3Dc\
             &q%2Br=line%0Abreak"
        );
        // What a form parser reads back is what was sent.
        let decoded: Vec<(String, String)> = form_urlencoded::parse(encoded.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(decoded, pairs(&body).unwrap());
        assert_eq!(decoded[0], ("metadata[k[x]]".into(), "ü/€ 100%".into()));
    }

    #[test]
    fn null_is_empty_and_empty_containers_send_nothing() {
        let body = json!({"a": null, "b": [], "c": {}, "d": [[1, 2]]});
        assert_eq!(encode(&body).unwrap(), "a=&d[0][0]=1&d[0][1]=2");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_an_error_not_a_panic() {
        let e = encode(&json!(["x"])).unwrap_err();
        assert!(e.to_string().contains("must be an object"), "{e}");
        assert!(encode(&json!("x")).is_err());
        assert_eq!(encode(&json!({})).unwrap(), "");
    }

    #[test]
    fn serialization_failures_are_errors() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        assert!(encode(&Fails).is_err());
    }
}
