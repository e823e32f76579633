//! Report rendering: text, JSON, Markdown, GitHub Actions annotations, JUnit XML.

mod githubactions;
mod json;
mod junit;
mod markdown;
mod text;

use serde::Serialize;

use super::ignore::{IgnoreEntry, Ignored};
use super::semver::Gate;
use super::{Finding, Level};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human text (coloured on a terminal).
    Text,
    /// JSON.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// GitHub Actions workflow commands (annotations).
    GithubActions,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "markdown" | "md" => Some(Format::Markdown),
            "githubactions" | "github" => Some(Format::GithubActions),
            "junit" => Some(Format::Junit),
            _ => None,
        }
    }
}

/// What happened to one spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpecStatus {
    /// Present on both sides.
    Compared,
    /// Only in the revision.
    Added,
    /// Only in the base.
    Removed,
}

/// One spec that took part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpecEntry {
    /// File name.
    pub spec: String,
    /// Base source, if any.
    pub base: Option<String>,
    /// Revision source, if any.
    pub revision: Option<String>,
    /// Status.
    pub status: SpecStatus,
}

/// Everything a run found.
#[derive(Clone, Debug)]
pub struct Report {
    /// Reported findings, sorted.
    pub findings: Vec<Finding>,
    /// Findings suppressed by the ignore file.
    pub ignored: Vec<Ignored>,
    /// Ignore entries that matched nothing.
    pub unused_ignores: Vec<IgnoreEntry>,
    /// Specs compared.
    pub specs: Vec<SpecEntry>,
    /// Semver gate result, when evaluated.
    pub semver: Option<Gate>,
    /// The `--fail-on` threshold (`None`: never fail on findings).
    pub fail_on: Option<Level>,
}

impl Report {
    /// Count of findings at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }

    /// Whether a finding reaches the threshold. With the semver gate on and
    /// a breaking crate bump present, ERR findings are accounted for.
    pub fn fails_threshold(&self, f: &Finding) -> bool {
        let covered = f.level == Level::Err && self.semver.as_ref().is_some_and(|g| g.bumped);
        self.fail_on.is_some_and(|t| f.level >= t) && !covered
    }

    /// The threshold for display.
    pub fn fail_on_text(&self) -> &'static str {
        self.fail_on.map_or("NONE", Level::as_str)
    }

    /// Whether the semver gate failed.
    pub fn semver_failed(&self) -> bool {
        self.semver.as_ref().is_some_and(|g| !g.bumped)
    }

    /// Whether the run fails (exit code 1).
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| self.fails_threshold(f)) || self.semver_failed()
    }

    /// `1 ERR, 2 WARN, 0 INFO`.
    pub fn summary(&self) -> String {
        format!(
            "{} ERR, {} WARN, {} INFO",
            self.count(Level::Err),
            self.count(Level::Warn),
            self.count(Level::Info)
        )
    }

    /// The semver gate in one line, if evaluated.
    pub fn semver_line(&self) -> Option<String> {
        self.semver.as_ref().map(|g| {
            if g.bumped {
                format!(
                    "crate version {} → {}: breaking bump present (base {})",
                    g.base, g.current, g.base_rev
                )
            } else {
                format!(
                    "crate version {} → {}: ERR findings need a major version bump (base {})",
                    g.base, g.current, g.base_rev
                )
            }
        })
    }
}

/// Text and Markdown name this many affected operations of a grouped finding.
pub const FEW: usize = 5;

/// `affects 3 operations: GET /a, POST /b, GET /c` for a change in a shared
/// schema (the first `few`, then how many more), `None` for other findings.
pub fn affects(f: &Finding, few: usize) -> Option<String> {
    if !f.is_grouped() {
        return None;
    }
    let n = f.operations.len();
    let mut s = format!("affects {n} operation{}: ", if n == 1 { "" } else { "s" });
    let names: Vec<&str> = f
        .operations
        .iter()
        .take(few)
        .map(|u| u.operation.as_str())
        .collect();
    s.push_str(&names.join(", "));
    if n > few {
        s.push_str(&format!(" and {} more", n - few));
    }
    Some(s)
}

/// Renders a report.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Text => text::render(report, color),
        Format::Json => json::render(report),
        Format::Markdown => markdown::render(report),
        Format::GithubActions => githubactions::render(report),
        Format::Junit => junit::render(report),
    }
}
