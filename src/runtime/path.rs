//! Path parameters percent-encoded while the request URL is formatted.

use std::fmt::{self, Display, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// The bytes progenitor's `encode_path` escapes: controls, space, `"#<>?` and backtick,
/// `{}`, `/` and `%`.
const PATH_SET: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// A path parameter as it goes into a URL: the same text as progenitor's
/// `encode_path(&value.to_string())`, written straight into the URL being formatted instead
/// of through two intermediate strings. Code generation puts it in every operation that has
/// a path parameter.
pub struct PathParam<T>(pub T);

impl<T: Display> Display for PathParam<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Encoding(f), "{}", self.0)
    }
}

/// Escapes what is written through it.
struct Encoding<'a, 'f>(&'a mut fmt::Formatter<'f>);

impl Write for Encoding<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        utf8_percent_encode(s, PATH_SET).try_for_each(|chunk| self.0.write_str(chunk))
    }
}

#[cfg(test)]
mod tests {
    use super::PathParam;

    #[test]
    fn encodes_like_progenitor() {
        let samples = [
            "652d25b73541d8084a88a38d",
            "a/b",
            "100%",
            "x y?z#w",
            "{id}<>\"`",
            "../..",
            "ünïcödé€",
            "\u{0}\u{1f}\u{7f}",
            "",
        ];
        for sample in samples {
            assert_eq!(
                PathParam(sample).to_string(),
                progenitor_client::encode_path(sample),
                "{sample:?}"
            );
        }
        // Any Display type, as the generated code passes typed parameters too.
        assert_eq!(PathParam(&42u32).to_string(), "42");
        let id = uuid::Uuid::nil();
        assert_eq!(PathParam(&id).to_string(), id.to_string());
    }
}
