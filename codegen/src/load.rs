//! Reads a spec file (YAML or JSON) into a `serde_json::Value`, with syntax errors located.

use std::path::Path;

use serde_json::Value;

use super::error::{Location, SpecError};

/// Parses spec text. `.json` files go through serde_json, everything else through serde_yaml.
/// YAML mapping keys that are not strings (an unquoted `200:` response code) become strings,
/// as they would be in the JSON form of the same document.
pub fn parse(file: &Path, text: &str) -> Result<Value, SpecError> {
    let is_json = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        return serde_json::from_str(text).map_err(|e| {
            SpecError::new(
                file,
                // serde_json says column 0 for an error at a line's end (before its first
                // character); columns here are 1-based.
                Location::LineColumn {
                    line: e.line().max(1),
                    column: e.column().max(1),
                },
                format!("invalid JSON: {}", strip_position(&e.to_string())),
            )
        });
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let location = match e.location() {
            Some(l) => Location::LineColumn {
                line: l.line().max(1),
                column: l.column().max(1),
            },
            // Found by the spec_pipeline fuzz target: a second document (`---`) is
            // reported with no location; find it, or where the YAML stops parsing.
            None => match super::position::unlocated_yaml_error(text)
                .or_else(|| second_document_start(text))
            {
                Some((line, column)) => Location::LineColumn { line, column },
                None => Location::File,
            },
        };
        SpecError::new(
            file,
            location,
            format!("invalid YAML: {}", strip_position(&e.to_string())),
        )
    })?;
    yaml_to_json(file, yaml, &mut Vec::new())
}

/// Where serde_yaml's own second document starts, for texts its parser splits where
/// yaml-rust2's does not (found by the spec_pipeline fuzz target): a visitor that accepts
/// nothing makes serde_yaml report the document's first event, with its mark.
fn second_document_start(text: &str) -> Option<(usize, usize)> {
    struct Nothing;
    impl serde::de::Visitor<'_> for Nothing {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("no second document")
        }
    }
    let second = serde_yaml::Deserializer::from_str(text).nth(1)?;
    let e = serde::Deserializer::deserialize_any(second, Nothing).err()?;
    let at = e.location()?;
    Some((at.line().max(1), at.column().max(1)))
}

/// Where the conversion is: the keys and indexes from the root, made into a JSON pointer only
/// for an error (a pointer string per node costs seconds on Stripe's spec).
enum Segment {
    Key(String),
    Index(usize),
}

fn pointer_of(path: &[Segment]) -> String {
    let mut at = String::new();
    for segment in path {
        at = match segment {
            Segment::Key(key) => super::error::pointer(&at, &[key]),
            Segment::Index(i) => format!("{at}/{i}"),
        };
    }
    at
}

fn yaml_to_json(
    file: &Path,
    yaml: serde_yaml::Value,
    path: &mut Vec<Segment>,
) -> Result<Value, SpecError> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        SpecError::at(
                            file,
                            &pointer_of(path),
                            format!("number {f} has no JSON form"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                path.push(Segment::Index(i));
                out.push(yaml_to_json(file, v, path)?);
                path.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(SpecError::at(
                            file,
                            &pointer_of(path),
                            format!("a mapping key must be a string, found {other:?}"),
                        ));
                    }
                };
                // The key lives on the path while its value converts, then moves into the map.
                path.push(Segment::Key(key));
                let value = yaml_to_json(file, v, path)?;
                if let Some(Segment::Key(key)) = path.pop() {
                    out.insert(key, value);
                }
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(file, tagged.value, path)?,
    })
}

/// serde's messages end with "at line X column Y"; the location is reported separately.
pub(crate) fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the spec_pipeline fuzz target: serde_yaml gives no location for this.
    #[test]
    fn a_second_yaml_document_is_located() {
        let text = "openapi: 3.0.3\npaths: {}\n...\n---\nmore: 1\n";
        let e = parse(Path::new("x.yaml"), text).unwrap_err();
        assert!(
            matches!(e.location, Location::LineColumn { line: 4, column: 1 }),
            "{e}"
        );
    }

    /// Found by the spec_pipeline fuzz target's 30-minute run (3 inputs): texts that
    /// serde_yaml reads as several documents while yaml-rust2 sees one (a folded scalar
    /// marker alone on a line, carriage returns as line breaks).
    #[test]
    fn documents_only_serde_yaml_sees_are_located() {
        for text in [
            " \r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r>\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\rr(Qm-",
            ">\n\n\n\ners\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nvvvvvvvvvvvv\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nion:\"\"\"\"\"\"\"\"",
            "\n\n\n\n\n>\n\n/js",
        ] {
            let e = parse(Path::new("x.yaml"), text).unwrap_err();
            assert!(
                matches!(e.location, Location::LineColumn { line, column } if line >= 1 && column >= 1),
                "{text:?}: {e}"
            );
        }
    }

    /// Found by the spec_pipeline fuzz target: a control character right after a newline
    /// inside a JSON string was reported at column 0.
    #[test]
    fn json_errors_at_a_line_start_have_column_one() {
        let e = parse(Path::new("x.json"), "{\"a\": \"\n\u{1}\"}").unwrap_err();
        assert!(
            matches!(e.location, Location::LineColumn { line: 2, column: 1 }),
            "{e}"
        );
    }
}
