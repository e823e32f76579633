//! The one error type of code generation: which spec, where in it, and what is wrong.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a spec file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A 1-based line and column in the file's text.
    LineColumn {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A JSON pointer (RFC 6901) into the parsed document, such as `/paths/~1v1~1x/get`.
    Pointer(String),
    /// The file as a whole (it could not be read, or the problem spans several places).
    File,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::LineColumn { line, column } => write!(f, "line {line}, column {column}"),
            Location::Pointer(p) if p.is_empty() => f.write_str("at the document root"),
            Location::Pointer(p) => write!(f, "at {p}"),
            Location::File => f.write_str("in the file"),
        }
    }
}

/// A spec that cannot become a client. `Display` is one paragraph that names the file,
/// the location and the problem, ready to be the whole message of a failed build; `Debug`
/// is the same paragraph, so a build script's `main` that returns this error prints just it.
#[derive(Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file.
    pub file: PathBuf,
    /// Where in the file.
    pub location: Location,
    /// What is wrong, and where helpful what to do about it.
    pub problem: String,
    /// For a [`Location::Pointer`], the 1-based line and column where that value is written
    /// (for a mapping entry, its key), when the file's text could be read again.
    pub line_column: Option<(usize, usize)>,
}

impl SpecError {
    pub(crate) fn new(file: &Path, location: Location, problem: impl Into<String>) -> Self {
        SpecError {
            file: file.to_path_buf(),
            location,
            problem: one_paragraph(&problem.into()),
            line_column: None,
        }
    }

    pub(crate) fn at(file: &Path, pointer: &str, problem: impl Into<String>) -> Self {
        Self::new(file, Location::Pointer(pointer.to_string()), problem)
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "paysdk: cannot generate a client from {} ({}",
            self.file.display(),
            self.location,
        )?;
        if let Some((line, column)) = self.line_column {
            write!(f, ", line {line}, column {column}")?;
        }
        write!(f, "): {}", self.problem)
    }
}

impl fmt::Debug for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for SpecError {}

impl From<crate::spec::Error> for SpecError {
    fn from(e: crate::spec::Error) -> Self {
        let location = match e.pointer {
            Some(p) => Location::Pointer(p),
            None => Location::File,
        };
        SpecError::new(&e.file, location, e.problem)
    }
}

impl SpecError {
    /// The same error, moved to the file and pointer where the construct is written when the
    /// pointer is into a bundled multi-file document.
    pub(crate) fn relocated(self, provenance: &crate::spec::bundle::Provenance) -> Self {
        match &self.location {
            Location::Pointer(p) if self.file == provenance.root() => {
                let (file, pointer) = provenance.locate(p);
                SpecError {
                    file: file.to_path_buf(),
                    location: Location::Pointer(pointer),
                    problem: self.problem,
                    line_column: None,
                }
            }
            _ => self,
        }
    }
}

impl SpecError {
    /// The same error with the line and column of its pointer, read from the file's text in
    /// `source` (nothing changes if it cannot be read). A pointer into the document as the
    /// passes rewrote it (3.1 converted to 3.0, inline schemas lifted) may not be in the file:
    /// then the nearest enclosing value that is stands in, and the problem keeps the pointer.
    pub(crate) fn placed(mut self, source: &dyn crate::spec::Source) -> Self {
        if let (Location::Pointer(p), None) = (&self.location, self.line_column)
            && let Ok(text) = source.read(&self.file)
        {
            let mut at = p.as_str();
            loop {
                if let Some(found) = super::position::find(&text, at) {
                    if at != p {
                        self.problem = format!(
                            "{} (at {p} of the document as rewritten for the generator)",
                            self.problem
                        );
                        self.location = Location::Pointer(at.to_string());
                    }
                    self.line_column = Some(found);
                    break;
                }
                match at.rfind('/') {
                    Some(end) => at = &at[..end],
                    None => break,
                }
            }
        }
        self
    }
}

/// Longest problem text kept; generator messages can embed whole `Debug` dumps.
const MAX_PROBLEM_LEN: usize = 600;

/// Collapses whitespace (generator messages span lines) and caps the length.
fn one_paragraph(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.len() > MAX_PROBLEM_LEN {
        let cut = (0..=MAX_PROBLEM_LEN)
            .rev()
            .find(|&i| out.is_char_boundary(i))
            .unwrap_or(0);
        out.truncate(cut);
        out.push_str(" …");
    }
    out
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub(crate) fn pointer_segment(segment: &str) -> String {
    // Most segments need no escape; this runs for every key of a large spec.
    if !segment.contains('~') && !segment.contains('/') {
        return segment.to_string();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends segments to a JSON pointer.
pub(crate) fn pointer(base: &str, segments: &[&str]) -> String {
    let mut out = base.to_string();
    for s in segments {
        out.push('/');
        out.push_str(&pointer_segment(s));
    }
    out
}
