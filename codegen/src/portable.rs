//! Generated code that compiles in any crate that depends on paysdk, not only in paysdk: the
//! crates progenitor and typify name (`reqwest`, `serde`, ...) are reached through
//! `::paysdk::__private`, so a user's crate needs no dependency of its own on them, nor the
//! versions paysdk uses. Runs on the formatted text, the last step before a module is written.

/// The crates generated code names besides `std` and `paysdk`; paysdk re-exports each of them
/// from `paysdk::__private`.
pub const REEXPORTED: [&str; 7] = [
    "bytes",
    "chrono",
    "progenitor_client",
    "reqwest",
    "serde",
    "serde_json",
    "uuid",
];

/// Where the re-exports are.
const PRIVATE: &str = "::paysdk::__private::";

/// What serde's derives are told, so their expansion names serde through paysdk too.
const SERDE_CRATE: &str = "#[serde(crate = \"::paysdk::__private::serde\")]";

/// `code` with every path that starts at one of [`REEXPORTED`] (`::serde::Serialize`, or
/// `reqwest::Client` in a `use` or an expression) made to start at `::paysdk::__private`, and
/// every item that derives a serde trait told where serde is. Comment lines are left as they
/// are (progenitor's doc comments name `reqwest::Client`).
pub fn portable(code: &str) -> String {
    // A large module's two halves on two cores (Stripe: 10 MB of text, a third of a second
    // unoptimized). A line that opens a derive attribute resets the only state carried from
    // line to line, so the halves' results concatenate to the whole's.
    const SPLIT_ABOVE: usize = 1 << 20;
    if code.len() > SPLIT_ABOVE
        && let Some(at) = derive_line_after(code, code.len() / 2)
    {
        let (first, second) = code.split_at(at);
        let halves = std::thread::scope(|scope| {
            let second = std::thread::Builder::new()
                .spawn_scoped(scope, || portable_lines(second))
                .ok()?;
            let first = portable_lines(first);
            Some(first + &second.join().ok()?)
        });
        if let Some(whole) = halves {
            return whole;
        }
    }
    portable_lines(code)
}

/// The start of the first line after byte `from` that opens a derive attribute.
fn derive_line_after(code: &str, from: usize) -> Option<usize> {
    let bytes = code.as_bytes();
    let next_line = |at: usize| {
        bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| at + i + 1)
    };
    let mut at = next_line(from)?;
    while at < code.len() {
        let end = next_line(at).unwrap_or(code.len());
        if code[at..end].trim_start().starts_with("#[derive(") {
            return Some(at);
        }
        at = end;
    }
    None
}

fn portable_lines(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 8);
    let mut derive: Option<(String, bool)> = None;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            out.push_str(line);
            continue;
        }
        // A derive attribute, possibly over several lines: after its last line, tell serde.
        if trimmed.starts_with("#[derive(") {
            let indent = &line[..line.len() - trimmed.len()];
            derive = Some((indent.to_string(), false));
        }
        let ends_derive = derive.is_some() && trimmed.trim_end().ends_with(")]");
        if let Some((_, serde)) = derive.as_mut() {
            *serde |= line.contains("serde::");
        }
        rewrite_paths(line, &mut out);
        if ends_derive && let Some((indent, true)) = derive.take() {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&indent);
            out.push_str(SERDE_CRATE);
            out.push('\n');
        }
    }
    out
}

/// One line with its paths through `::paysdk::__private`, appended to `out`. Each path is
/// found at its `::`, so the scan looks at most bytes once (the Stripe module is 12 MB of
/// text).
fn rewrite_paths(line: &str, out: &mut String) {
    let bytes = line.as_bytes();
    let mut copied = 0;
    let mut from = 0;
    while let Some(p) = next_colons(line, from) {
        from = p + 1;
        // The identifier just before `::`. Its first byte follows an ASCII byte (or the line's
        // start), so it is a char boundary even in a doc comment with `’`.
        let mut i = p;
        while i > 0 && is_ident_byte(bytes[i - 1]) {
            i -= 1;
        }
        let Some(name) = REEXPORTED.iter().copied().find(|n| *n == &line[i..p]) else {
            continue;
        };
        // `::name::` or a bare `name::`, but not `x::name::` or `x.name::`.
        let (start, preceded) = if line[..i].ends_with("::") {
            (i - 2, line[..i - 2].bytes().last())
        } else {
            (i, line[..i].bytes().last())
        };
        let inside_path = preceded.is_some_and(|b| is_ident_byte(b) || b == b'>' || b == b'.');
        if !inside_path {
            out.push_str(&line[copied..start]);
            out.push_str(PRIVATE);
            out.push_str(name);
            out.push_str("::");
            copied = p + 2;
            from = copied;
        }
    }
    out.push_str(&line[copied..]);
}

/// The index of the next `::` at or after `from` (a char boundary: the start, or just after
/// a `:`). `str::find` runs the standard library's optimized search, where a loop over the
/// bytes here would run unoptimized in a build script.
fn next_colons(line: &str, from: usize) -> Option<usize> {
    line.get(from..)?.find("::").map(|offset| from + offset)
}

/// Non-ASCII bytes count as identifier bytes: Rust identifiers may be Unicode.
fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::{portable, portable_lines};

    /// A module large enough to be split gives the text the line-by-line pass gives, also
    /// when a multi-line derive and an attribute that looks like its end sit at the middle.
    #[test]
    fn a_split_module_is_rewritten_as_a_whole() {
        let block = "#[derive(\n    Clone,\n    ::serde::Serialize,\n)]\npub struct A {\n    \
                     #[serde(rename = \"x\")]\n    x: serde_json::Value,\n}\n\
                     /// reqwest::Client in a comment\n#[derive(Debug)]\npub struct B;\n";
        let code = block.repeat((2 << 20) / block.len());
        let whole = portable_lines(&code);
        assert!(whole.contains("#[serde(crate = "), "{}", &whole[..400]);
        for cut in [code.len() / 2, code.len() / 2 + 7, code.len() / 3] {
            let at = super::derive_line_after(&code, cut).expect("a derive after the middle");
            assert!(code[at..].starts_with("#[derive("));
        }
        assert_eq!(portable(&code), whole);
    }

    /// Stripe's block doc comments (`/**…*/`, not skipped as `//` lines) hold `’`; a
    /// multi-byte character must not be sliced.
    #[test]
    fn non_ascii_text_is_copied_whole() {
        let code = "/**hasn’t ’serde::x*/\nfn f(v: serde_json::Value) {}\n";
        let out = portable(code);
        assert!(out.contains("hasn’t"), "{out}");
        assert!(
            out.contains("::paysdk::__private::serde_json::Value"),
            "{out}"
        );
    }

    #[test]
    fn absolute_and_bare_crate_paths_go_through_paysdk() {
        let code = "use progenitor_client::{encode_path, ClientHooks};\n\
                    pub struct C { client: reqwest::Client, at: ::chrono::DateTime<::chrono::Utc> }\n\
                    fn f() -> ::std::option::Option<::serde_json::Value> { None }\n";
        assert_eq!(
            portable(code),
            "use ::paysdk::__private::progenitor_client::{encode_path, ClientHooks};\n\
             pub struct C { client: ::paysdk::__private::reqwest::Client, at: \
             ::paysdk::__private::chrono::DateTime<::paysdk::__private::chrono::Utc> }\n\
             fn f() -> ::std::option::Option<::paysdk::__private::serde_json::Value> { None }\n"
        );
    }

    #[test]
    fn paths_inside_other_paths_comments_and_names_stay() {
        let code = "/// Uses `reqwest::Client`.\n\
                    let a = types::serde::X; let b = x.serde::y; let c = my_serde::Z;\n\
                    let d = ::paysdk::runtime::Secret; let e = <T as serde::Ser>::f;\n";
        let out = portable(code);
        assert!(out.starts_with("/// Uses `reqwest::Client`.\n"));
        assert!(out.contains("types::serde::X"));
        assert!(out.contains("x.serde::y"));
        assert!(out.contains("my_serde::Z"));
        assert!(out.contains("::paysdk::runtime::Secret"));
        assert!(out.contains("<T as ::paysdk::__private::serde::Ser>::f"));
    }

    #[test]
    fn serde_derives_are_told_where_serde_is() {
        let code = "    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]\n    pub struct A;\n\
                    #[derive(Clone,\n    Debug, ::serde::Serialize)]\npub enum B {}\n\
                    #[derive(Clone, Debug)]\npub struct C;\n";
        assert_eq!(
            portable(code),
            "    #[derive(::paysdk::__private::serde::Deserialize, ::paysdk::__private::serde::Serialize, Clone, Debug)]\n    \
             #[serde(crate = \"::paysdk::__private::serde\")]\n    pub struct A;\n\
             #[derive(Clone,\n    Debug, ::paysdk::__private::serde::Serialize)]\n\
             #[serde(crate = \"::paysdk::__private::serde\")]\npub enum B {}\n\
             #[derive(Clone, Debug)]\npub struct C;\n"
        );
    }
}
