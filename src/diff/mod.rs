//! `spec-diff`: breaking-change detection between two versions of an OpenAPI
//! spec, judged by what paysdk's generated Rust clients do.
//!
//! Layers: [`load`](crate::diff::load) parses YAML/JSON into a
//! [`Doc`](crate::diff::doc::Doc) with positions; [`model`](crate::diff::model)
//! builds the matched view of operations; [`schema`](crate::diff::schema)
//! compares schemas; [`compare`](crate::diff::compare) lists structural
//! changes; [`rules`](crate::diff::rules) turns them into
//! [`Finding`](crate::diff::Finding)s with ids and levels;
//! [`report`](crate::diff::report) renders them; [`ignore`](crate::diff::ignore)
//! and [`semver`](crate::diff::semver) implement the CI policy;
//! [`cli`](crate::diff::cli) ties it together for the `spec-diff` binary.
//! See `docs/spec-diff.md`.

pub mod cli;
pub mod compare;
pub mod doc;
pub mod ignore;
pub mod load;
pub mod model;
pub mod report;
pub mod rules;
pub mod schema;
pub mod semver;

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use compare::Settings;
pub use doc::{Doc, Pos};
pub use rules::{Level, LevelOverrides, RULES, Rule};

use compare::{Change, Delta, Scope};
use schema::Side;

/// Request, response, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Something the client sends.
    Request,
    /// Something the client receives.
    Response,
    /// Operation- or spec-level.
    None,
}

impl Direction {
    /// `request`, `response` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::None => "none",
        }
    }
}

/// Bad input or usage: reported with exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The file (or `rev:path`) at fault, if any.
    pub file: Option<String>,
    /// Where in the file, if known.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

impl Error {
    /// An error at a position in a file.
    pub fn at(file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Error {
            file: Some(file.to_string()),
            pos,
            message: message.into(),
        }
    }

    /// An error about a whole file.
    pub fn in_file(file: &str, message: impl Into<String>) -> Self {
        Error::at(file, Pos::default(), message)
    }

    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            file: None,
            pos: Pos::default(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.pos.is_known()) {
            (Some(file), true) => write!(
                f,
                "{file}:{}:{}: {}",
                self.pos.line, self.pos.col, self.message
            ),
            (Some(file), false) => write!(f, "{file}: {}", self.message),
            (None, _) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Where a finding points in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    /// File (or `rev:path`).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// One reported change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id.
    pub id: &'static str,
    /// Level.
    pub level: Level,
    /// Request, response or none.
    pub direction: Direction,
    /// The spec's file name (pairs specs across revisions).
    pub spec: String,
    /// `METHOD /path`, if the finding belongs to an operation.
    pub operation: Option<String>,
    /// The operation's `operationId`.
    pub operation_id: Option<String>,
    /// Location inside the operation or spec.
    pub location: String,
    /// One-line message naming the operation and location.
    pub message: String,
    /// Stable 12-hex fingerprint: sha256 of id, spec, operation, location, message.
    pub fingerprint: String,
    /// Source position, when known.
    pub source: Option<Source>,
}

impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Fingerprint of a finding: independent of line numbers, so it survives
/// unrelated edits.
pub fn fingerprint(
    id: &str,
    spec: &str,
    operation: Option<&str>,
    location: &str,
    message: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [id, spec, operation.unwrap_or(""), location, message] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn findings_for(
    spec: &str,
    base_name: &str,
    rev_name: &str,
    change: &Change,
    levels: &LevelOverrides,
    out: &mut Vec<Finding>,
) {
    for (rule, detail) in rules::apply(change) {
        let message = match &change.operation {
            Some(op) => format!("{op}: {}: {detail}", change.location),
            None => format!("{}: {detail}", change.location),
        };
        let file = match change.side {
            Side::Base => base_name,
            Side::Revision => rev_name,
        };
        out.push(Finding {
            id: rule.id,
            level: levels.level_of(rule),
            direction: rule.direction,
            spec: spec.to_string(),
            operation: change.operation.clone(),
            operation_id: change.operation_id.clone(),
            location: change.location.clone(),
            fingerprint: fingerprint(
                rule.id,
                spec,
                change.operation.as_deref(),
                &change.location,
                &message,
            ),
            message,
            source: change.pos.is_known().then(|| Source {
                file: file.to_string(),
                line: change.pos.line,
                column: change.pos.col,
            }),
        });
    }
}

/// Major component for semver purposes: the leftmost non-zero component of
/// `MAJOR.MINOR.PATCH` (so 0.3 → 0.4 counts as a major bump, as in Cargo).
pub fn breaking_component(version: &str) -> Option<(u64, u64, u64)> {
    let v = version.trim().trim_start_matches('v');
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next().flatten()?;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some(match (major, minor) {
        (0, 0) => (0, 0, patch),
        (0, m) => (0, m, 0),
        (m, _) => (m, 0, 0),
    })
}

/// Whether `to` is a breaking-level bump over `from` (unparsable → not bumped).
pub fn major_bumped(from: &str, to: &str) -> bool {
    match (breaking_component(from), breaking_component(to)) {
        (Some(a), Some(b)) => b > a,
        _ => false,
    }
}

/// Compares two parsed specs and returns the findings, sorted.
///
/// `spec` names the spec in findings and fingerprints (its file name).
pub fn diff_docs(
    spec: &str,
    base: &Doc,
    rev: &Doc,
    settings: &Settings,
) -> Result<Vec<Finding>, Error> {
    let bspec = model::Spec::build(base)?;
    let rspec = model::Spec::build(rev)?;
    let changes = compare::compare(&bspec, &rspec, settings);
    let mut out = Vec::new();
    for c in &changes {
        findings_for(spec, &base.name, &rev.name, c, &settings.levels, &mut out);
    }
    if out.iter().any(|f| f.level == Level::Err)
        && let (Some((bv, _)), Some((rv, pos))) = (&bspec.info_version, &rspec.info_version)
        && !major_bumped(bv, rv)
    {
        let change = Change {
            delta: Delta::MajorVersionNotBumped {
                from: bv.clone(),
                to: rv.clone(),
            },
            direction: Direction::None,
            scope: Scope::Spec,
            operation: None,
            operation_id: None,
            location: "info.version".into(),
            side: Side::Revision,
            pos: *pos,
        };
        findings_for(
            spec,
            &base.name,
            &rev.name,
            &change,
            &settings.levels,
            &mut out,
        );
    }
    sort(&mut out);
    Ok(out)
}

/// Findings for a spec present on one side only (directory mode).
pub fn diff_presence(
    spec: &str,
    base: Option<&str>,
    rev: Option<&str>,
    settings: &Settings,
) -> Vec<Finding> {
    let (delta, side, name) = match (base, rev) {
        (Some(b), None) => (Delta::SpecRemoved, Side::Base, b),
        (None, Some(r)) => (Delta::SpecAdded, Side::Revision, r),
        _ => return Vec::new(),
    };
    let change = Change {
        delta,
        direction: Direction::None,
        scope: Scope::Spec,
        operation: None,
        operation_id: None,
        location: spec.to_string(),
        side,
        pos: Pos::default(),
    };
    let mut out = Vec::new();
    findings_for(spec, name, name, &change, &settings.levels, &mut out);
    out
}

/// Parses two spec texts and compares them (convenience for tests and benches).
pub fn diff_texts(
    spec: &str,
    base_name: &str,
    base: &str,
    rev_name: &str,
    rev: &str,
    settings: &Settings,
) -> Result<Vec<Finding>, Error> {
    let b = load::parse(base_name, base)?;
    let r = load::parse(rev_name, rev)?;
    diff_docs(spec, &b, &r, settings)
}

/// Sorts findings by spec, level (most severe first), operation, location, id.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.spec,
            std::cmp::Reverse(a.level),
            &a.operation,
            &a.location,
            a.id,
            &a.message,
        )
            .cmp(&(
                &b.spec,
                std::cmp::Reverse(b.level),
                &b.operation,
                &b.location,
                b.id,
                &b.message,
            ))
    });
}
