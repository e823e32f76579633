//! `multipart/form-data` request bodies, built from the typed body: one part per field, nested
//! fields named as in form bodies (`file_link_data[create]`), and the fields the spec marks
//! `format: binary` sent as file parts. The body is built in memory, so it has a length and
//! can be sent again on a retry.
//!
//! The generated body types hold a binary field as a `String` (typify's type for
//! `format: binary`), so a file part carries that string's bytes: text files (CSV, JSON, XML)
//! go through the typed body; arbitrary bytes do not, and need a raw request.

use serde::Serialize;

use super::form::{FormError, pairs};

/// A built multipart body and the boundary its `Content-Type` must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multipart {
    /// The boundary between parts.
    pub boundary: String,
    /// The encoded body.
    pub body: Vec<u8>,
}

impl Multipart {
    /// The `Content-Type` header value.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

/// `body` as `multipart/form-data`; the top-level fields named in `files` become file parts.
pub fn encode<T: Serialize + ?Sized>(body: &T, files: &[&str]) -> Result<Multipart, FormError> {
    let fields = pairs(body)?;
    // A boundary must not occur in the content; a random one practically never does, and is
    // checked.
    let boundary = loop {
        let candidate = format!(
            "paysdk-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        if !fields
            .iter()
            .any(|(k, v)| k.contains(&candidate) || v.contains(&candidate))
        {
            break candidate;
        }
    };
    let mut out = Vec::new();
    for (key, value) in &fields {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let name = quoted(key);
        if files.contains(&key.as_str()) {
            out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
        } else {
            out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
        }
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(Multipart {
        boundary,
        body: out,
    })
}

/// A field name inside `name="..."`, escaped as the HTML standard's multipart encoder does.
fn quoted(name: &str) -> String {
    name.replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace('"', "%22")
}

/// The generated builders' multipart body: `builder` with the body and its content type.
#[doc(hidden)]
// progenitor's error type, which the generated builders return.
#[allow(clippy::result_large_err)]
pub fn multipart_body<T: Serialize + ?Sized, E>(
    builder: reqwest::RequestBuilder,
    body: &T,
    files: &[&str],
) -> Result<reqwest::RequestBuilder, progenitor_client::Error<E>> {
    let encoded =
        encode(body, files).map_err(|e| progenitor_client::Error::InvalidRequest(e.to_string()))?;
    Ok(builder
        .header(reqwest::header::CONTENT_TYPE, encoded.content_type())
        .body(encoded.body))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_become_parts_and_binary_fields_file_parts() {
        let body = json!({
            "file": "a,b\n1,2\n",
            "file_link_data": {"create": true},
            "purpose": "dispute \"evidence\"",
        });
        let m = encode(&body, &["file"]).unwrap();
        let b = &m.boundary;
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\
             Content-Type: application/octet-stream\r\n\r\na,b\n1,2\n\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file_link_data[create]\"\r\n\r\ntrue\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute \"evidence\"\r\n\
             --{b}--\r\n"
        );
        assert_eq!(String::from_utf8(m.body.clone()).unwrap(), expected);
        assert_eq!(
            m.content_type(),
            format!("multipart/form-data; boundary={b}")
        );
    }

    #[test]
    fn names_are_escaped_and_boundaries_differ() {
        let m = encode(&json!({"a\"b\r\n": "x"}), &[]).unwrap();
        let text = String::from_utf8(m.body).unwrap();
        assert!(text.contains("name=\"a%22b%0D%0A\""), "{text}");
        let other = encode(&json!({"a": "x"}), &[]).unwrap();
        assert_ne!(m.boundary, other.boundary);
        assert!(encode(&json!([1]), &[]).is_err());
    }
}
