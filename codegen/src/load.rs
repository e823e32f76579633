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
    if let Some(value) = parse_yaml_in_halves(file, text) {
        return Ok(value);
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

/// Above this size a YAML spec is parsed in two parts on two cores (Stripe's 4 MB: a second
/// of unoptimized libyaml on one).
const SPLIT_ABOVE: usize = 1 << 20;

/// A large block-style document parsed as two documents at once, then joined: `None` when
/// the text is not of the plain shape this needs, or when either part fails to parse or the
/// parts share a key, so that the whole text is parsed as usual (and its errors located).
///
/// The cut is before a key indented by two spaces inside the top-level section (`paths:`,
/// say) that holds the text's middle; the second part is that section's header line then
/// the rest of the text. At that indentation inside a block mapping whose header is the last
/// column-0 line, a line is one of the section's keys, unless the first part ends inside a
/// quoted scalar, a flow collection or an alias's missing anchor, which it cannot parse.
fn parse_yaml_in_halves(file: &Path, text: &str) -> Option<Value> {
    if text.len() <= SPLIT_ABOVE || text.contains('\r') {
        return None;
    }
    let (header, cut) = cut_point(text)?;
    let first = &text[..cut];
    let second = format!("{header}\n{}", &text[cut..]);
    let key = header.strip_suffix(':')?;
    let convert = |part: &str| {
        let yaml: serde_yaml::Value = serde_yaml::from_str(part).ok()?;
        match yaml_to_json(file, yaml, &mut Vec::new()).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        }
    };
    let (first, second) = std::thread::scope(|scope| {
        let later = std::thread::Builder::new()
            .spawn_scoped(scope, || convert(&second))
            .ok()?;
        let first = convert(first);
        Some((first?, later.join().ok()??))
    })?;
    join_halves(first, second, key).map(Value::Object)
}

/// The header line (`paths:`) and the byte where the second part starts.
fn cut_point(text: &str) -> Option<(&str, usize)> {
    let middle = text.len() / 2;
    let mut header: Option<&str> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let content = line.trim_end_matches('\n');
        let Some(first) = content.chars().next() else {
            continue;
        };
        if first != ' ' {
            if content.starts_with("---") || content.starts_with("...") || first == '%' {
                return None;
            }
            // A sequence at column 0 is no mapping at indent 2.
            if first == '-' {
                header = None;
            } else if first != '#' {
                let plain_key = content.strip_suffix(':').is_some_and(|k| {
                    !k.is_empty()
                        && k.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                });
                header = plain_key.then_some(content);
            }
            continue;
        }
        if start < middle {
            continue;
        }
        let rest = &content[2..];
        let is_key = content.starts_with("  ")
            && rest
                .chars()
                .next()
                .is_some_and(|c| !matches!(c, ' ' | '\t' | '#' | '-' | '?' | ':'));
        if is_key && let Some(header) = header {
            return Some((header, start));
        }
    }
    None
}

/// The first part's keys, its last section extended by the second part's, then the second
/// part's other keys; `None` if a key is in both.
fn join_halves(
    mut first: serde_json::Map<String, Value>,
    second: serde_json::Map<String, Value>,
    key: &str,
) -> Option<serde_json::Map<String, Value>> {
    if first.keys().next_back().map(String::as_str) != Some(key) {
        return None;
    }
    for (k, v) in second {
        if k == key {
            let (Some(Value::Object(into)), Value::Object(more)) = (first.get_mut(key), v) else {
                return None;
            };
            for (k, v) in more {
                if into.insert(k, v).is_some() {
                    return None;
                }
            }
        } else if first.insert(k, v).is_some() {
            return None;
        }
    }
    Some(first)
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

    fn whole(text: &str) -> Value {
        yaml_to_json(
            Path::new("x.yaml"),
            serde_yaml::from_str(text).unwrap(),
            &mut Vec::new(),
        )
        .unwrap()
    }

    /// A spec of more than a megabyte: components, then paths, then a few short sections.
    fn large_spec(path_item: &str) -> String {
        let mut text = String::from("components:\n  schemas:\n");
        for i in 0..4000 {
            text.push_str(&format!(
                "    S{i}:\n      type: object\n      description: >-\n        folded\n\n        text\n      properties:\n        id: {{type: string}}\n"
            ));
        }
        text.push_str("info:\n  title: Big\n  version: '1'\nopenapi: 3.0.0\npaths:\n");
        for i in 0..8000 {
            text.push_str(&format!("  /v1/things/{i}:\n{path_item}"));
        }
        text.push_str("security:\n- key: []\nservers:\n- url: https://example.com\n");
        assert!(text.len() > SPLIT_ABOVE);
        text
    }

    #[test]
    fn a_large_spec_parsed_in_halves_is_the_whole_document() {
        let text = large_spec(
            "    get:\n      operationId: 'get'\n      responses:\n        '200':\n          description: \"ok\"\n",
        );
        let halves = parse_yaml_in_halves(Path::new("x.yaml"), &text).expect("split");
        assert_eq!(halves, whole(&text));
        let keys: Vec<&String> = halves.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "components",
                "info",
                "openapi",
                "paths",
                "security",
                "servers"
            ]
        );
        assert_eq!(parse(Path::new("x.yaml"), &text).unwrap(), halves);
    }

    /// Texts where a cut would change the meaning are parsed whole: an alias of an anchor
    /// in the other part, a quoted scalar over the cut, a key in both parts.
    #[test]
    fn a_cut_that_would_change_the_document_falls_back_to_the_whole() {
        let item = "    get: &op\n      description: a path item long enough for a large text\n      responses: {}\n    post: *op\n";
        let anchored = large_spec(item)
            .replacen("    get: &op", "    get: &shared", 1)
            .replace("    post: *op\n", "    post: *shared\n");
        assert_eq!(parse_yaml_in_halves(Path::new("x.yaml"), &anchored), None);
        assert_eq!(
            parse(Path::new("x.yaml"), &anchored).unwrap(),
            whole(&anchored)
        );

        let plain = large_spec(item);
        let (_, cut) = cut_point(&plain).unwrap();
        let quoted = format!(
            "{}      summary: \"opens\n{}",
            &plain[..cut],
            plain[cut..].replacen(
                "    get: &op\n",
                "    get: &op\n      summary: closes\"\n",
                1
            )
        );
        if let Ok(expected) = serde_yaml::from_str::<serde_yaml::Value>(&quoted) {
            let expected = yaml_to_json(Path::new("x.yaml"), expected, &mut Vec::new()).unwrap();
            assert_eq!(parse_yaml_in_halves(Path::new("x.yaml"), &quoted), None);
            assert_eq!(parse(Path::new("x.yaml"), &quoted).unwrap(), expected);
        } else {
            assert!(parse(Path::new("x.yaml"), &quoted).is_err());
        }

        // A key in both parts: serde_yaml refuses the whole text, and so does `parse`.
        for twice in [
            large_spec(item).replacen(
                "security:\n",
                "  /v1/things/1:\n    put: {}\nsecurity:\n",
                1,
            ),
            large_spec(item) + "openapi: 3.0.1\n",
        ] {
            assert!(serde_yaml::from_str::<serde_yaml::Value>(&twice).is_err());
            assert!(parse(Path::new("x.yaml"), &twice).is_err());
        }
    }

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
