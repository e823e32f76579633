//! Reference strings (`$ref` values and discriminator mappings): parsed, and resolved from the
//! file that contains them.

use std::path::{Component, Path, PathBuf};

/// A parsed reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// `#/a/b`: a JSON pointer into the same file (`""` for the whole document).
    Local {
        /// The JSON pointer, percent-decoded, still `~`-escaped (`/components/schemas/a~1b`).
        pointer: String,
    },
    /// `./schemas/a.json#/X` or `../common.yaml`: another file, relative to the referring one.
    File {
        /// The relative (or absolute) path, percent-decoded.
        path: PathBuf,
        /// The JSON pointer into that file, as for [`Reference::Local`].
        pointer: String,
    },
    /// `http://…` or `https://…`: never fetched.
    Remote(String),
}

/// What a reference points at: a file and a JSON pointer into it. Two references with the
/// same target are the same node.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    /// The normalized path of the file.
    pub file: PathBuf,
    /// The JSON pointer (RFC 6901, `~`-escaped; `""` for the whole file).
    pub pointer: String,
}

impl Reference {
    /// Parses a reference string. Fragments must be JSON pointers (`#/…`); plain-name
    /// fragments (`#foo`, JSON Schema anchors) and schemes other than http(s) are refused.
    pub fn parse(text: &str) -> Result<Reference, String> {
        let text = text.trim();
        if let Some(scheme) = scheme(text) {
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
                return Ok(Reference::Remote(text.to_string()));
            }
            return Err(format!(
                "$ref '{text}' uses the '{scheme}:' scheme: only relative file paths and \
                 '#/…' pointers are supported"
            ));
        }
        let (path, fragment) = match text.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (text, None),
        };
        let pointer = match fragment {
            None | Some("") => String::new(),
            Some(f) if f.starts_with('/') => percent_decode(f)
                .ok_or_else(|| format!("$ref '{text}' has an invalid percent-encoding"))?,
            Some(f) => {
                return Err(format!(
                    "$ref '{text}' uses the plain-name fragment '#{f}': only JSON pointers \
                     ('#/…') are supported"
                ));
            }
        };
        if path.is_empty() {
            return Ok(Reference::Local { pointer });
        }
        let path = percent_decode(path)
            .ok_or_else(|| format!("$ref '{text}' has an invalid percent-encoding"))?;
        Ok(Reference::File {
            path: PathBuf::from(path),
            pointer,
        })
    }

    /// The target, for a reference written in `referring` (a normalized file path).
    /// `None` for a remote reference.
    pub fn resolve(&self, referring: &Path) -> Option<Target> {
        match self {
            Reference::Local { pointer } => Some(Target {
                file: referring.to_path_buf(),
                pointer: pointer.clone(),
            }),
            Reference::File { path, pointer } => {
                let base = referring.parent().unwrap_or(Path::new(""));
                Some(Target {
                    file: normalize_path(&base.join(path)),
                    pointer: pointer.clone(),
                })
            }
            Reference::Remote(_) => None,
        }
    }
}

/// `http:` in `http://x`; `None` for paths (including `C:\…`-free relative ones).
fn scheme(text: &str) -> Option<&str> {
    let colon = text.find(':')?;
    let candidate = &text[..colon];
    let mut chars = candidate.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && candidate.len() > 1;
    (valid && !text[..colon].contains('/') && !text[..colon].contains('#')).then_some(candidate)
}

/// Decodes `%XX` escapes; `None` if an escape is malformed or the result is not UTF-8.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Joins away `.` and `..` without touching the file system; leading `..` that climb above a
/// relative path's start are kept.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// Whether `pointer` is `ancestor` or inside it (segment-wise).
pub(crate) fn pointer_within(pointer: &str, ancestor: &str) -> bool {
    pointer == ancestor
        || (pointer.starts_with(ancestor) && pointer.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub(crate) fn escape_segment(segment: &str) -> String {
    // Most segments need no escape; this runs for every key of a large spec.
    if !segment.contains('~') && !segment.contains('/') {
        return segment.to_string();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one JSON-pointer segment.
pub(crate) fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The last segment of a pointer, unescaped.
pub(crate) fn last_segment(pointer: &str) -> Option<String> {
    pointer
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && !pointer.is_empty())
        .map(unescape_segment)
}
