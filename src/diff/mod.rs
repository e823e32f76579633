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
pub mod uses;

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use compare::Settings;
pub use doc::{Doc, Pos};
pub use rules::{Level, LevelOverrides, RULES, Rule};

use compare::{Change, Delta, Scope};
use schema::Side;
use std::collections::HashMap;

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

/// One operation affected by a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Use {
    /// `METHOD /path`.
    pub operation: String,
    /// The operation's `operationId`.
    pub operation_id: Option<String>,
    /// Where the operation meets the change (for a shared schema: where it
    /// reaches the schema, e.g. `response[200].body[application/json].customer`).
    pub location: String,
    /// Request or response: with the location, what decides the rule.
    pub direction: Direction,
    /// The rule for this use.
    pub id: &'static str,
    /// Its level.
    pub level: Level,
}

/// JSON lists at most this many operations per finding (`operations_count`
/// has the total).
pub const MAX_LISTED_OPERATIONS: usize = 100;

/// One reported change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Rule id.
    pub id: &'static str,
    /// Level.
    pub level: Level,
    /// Request, response or none.
    pub direction: Direction,
    /// The spec's file name (pairs specs across revisions).
    pub spec: String,
    /// `METHOD /path`, if the finding belongs to one operation (`None` for a
    /// change inside a shared schema: see `operations`).
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
    /// The operations affected: the one operation of an inline change, every
    /// user of a shared schema, none for spec-level findings.
    pub operations: Vec<Use>,
}

impl Finding {
    /// Whether this is a change inside a shared schema, reported once for
    /// all the operations that use it.
    pub fn is_grouped(&self) -> bool {
        self.operation.is_none() && !self.operations.is_empty()
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 13)?;
        st.serialize_field("id", self.id)?;
        st.serialize_field("level", &self.level)?;
        st.serialize_field("direction", &self.direction)?;
        st.serialize_field("spec", &self.spec)?;
        st.serialize_field("operation", &self.operation)?;
        st.serialize_field("operation_id", &self.operation_id)?;
        st.serialize_field("location", &self.location)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("fingerprint", &self.fingerprint)?;
        st.serialize_field("source", &self.source)?;
        let shown = self.operations.len().min(MAX_LISTED_OPERATIONS);
        st.serialize_field("operations", &self.operations[..shown])?;
        st.serialize_field("operations_count", &self.operations.len())?;
        st.serialize_field("operations_truncated", &(shown < self.operations.len()))?;
        st.end()
    }
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

/// The files findings point into: per side, the spec's name and, for a
/// multi-file spec, its files by [`Pos::file`].
#[derive(Clone, Copy)]
struct Names<'a> {
    base: (&'a str, &'a [String]),
    rev: (&'a str, &'a [String]),
}

impl<'a> Names<'a> {
    fn of(base: &'a Doc, rev: &'a Doc) -> Self {
        Names {
            base: (&base.name, &base.files),
            rev: (&rev.name, &rev.files),
        }
    }

    /// The file a position on `side` is in.
    fn file(&self, side: Side, pos: Pos) -> &'a str {
        let (name, files) = match side {
            Side::Base => self.base,
            Side::Revision => self.rev,
        };
        files.get(pos.file as usize).map_or(name, String::as_str)
    }
}

fn findings_for(
    spec: &str,
    names: Names<'_>,
    change: &Change,
    levels: &LevelOverrides,
    out: &mut Vec<Finding>,
) {
    for (rule, detail) in rules::apply(change) {
        let message = match &change.operation {
            Some(op) => format!("{op}: {}: {detail}", change.location),
            None => format!("{}: {detail}", change.location),
        };
        let file = names.file(change.side, change.pos);
        let level = levels.level_of(rule);
        let operations = change
            .operation
            .iter()
            .map(|op| Use {
                operation: op.clone(),
                operation_id: change.operation_id.clone(),
                location: change.location.clone(),
                direction: change.direction,
                id: rule.id,
                level,
            })
            .collect();
        out.push(Finding {
            id: rule.id,
            level,
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
            operations,
        });
    }
}

/// The rule a shared change falls under for one kind of use, cached per
/// (direction, scope): the worst rule that applies, with its message detail.
type RuleFor = Option<(&'static Rule, Level, String)>;

/// One finding for a change inside a shared schema (the same change, seen in
/// the request and/or the response direction), listing every operation that
/// uses the schema. Its level is the worst over those uses.
fn grouped_finding(
    spec: &str,
    names: Names<'_>,
    group: &[&Change],
    rspec: &model::Spec<'_>,
    uses: &mut uses::Uses,
    levels: &LevelOverrides,
) -> Option<Finding> {
    let first = group[0];
    let mut per_kind: HashMap<(Direction, Scope), RuleFor> = HashMap::new();
    let mut rule_for = |dir: Direction, scope: Scope| -> RuleFor {
        per_kind
            .entry((dir, scope))
            .or_insert_with(|| {
                let probe = Change {
                    direction: dir,
                    scope,
                    ..first.clone()
                };
                rules::apply(&probe)
                    .map(|(r, detail)| (r, levels.level_of(r), detail))
                    .max_by_key(|(_, l, _)| *l)
            })
            .clone()
    };
    let mut operations = Vec::new();
    let mut worst: RuleFor = None;
    let mut sites = Vec::new();
    for c in group {
        let shared = c.shared?;
        sites.extend(uses.of(shared.node, shared.dir).iter().cloned());
    }
    sites.sort_by_key(|s| (s.op, s.dir));
    for site in &sites {
        let Some((rule, level, detail)) = rule_for(site.dir, site.scope) else {
            continue;
        };
        let op = &rspec.ops[site.op];
        operations.push(Use {
            operation: op.label(),
            operation_id: op.operation_id.clone(),
            location: site.location.clone(),
            direction: site.dir,
            id: rule.id,
            level,
        });
        if worst.as_ref().is_none_or(|w| level > w.1) {
            worst = Some((rule, level, detail));
        }
    }
    // A schema no operation reaches (only possible through odd `$ref`s) is
    // still reported, without operations.
    let (rule, level, detail) = match worst {
        Some(w) => w,
        None => rule_for(first.direction, Scope::Body)?,
    };
    let message = format!("{}: {detail}", first.location);
    let file = names.file(first.side, first.pos);
    Some(Finding {
        id: rule.id,
        level,
        direction: rule.direction,
        spec: spec.to_string(),
        operation: None,
        operation_id: None,
        location: first.location.clone(),
        fingerprint: fingerprint(rule.id, spec, None, &first.location, &message),
        message,
        source: first.pos.is_known().then(|| Source {
            file: file.to_string(),
            line: first.pos.line,
            column: first.pos.col,
        }),
        operations,
    })
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
    // Shared changes: the same location and change, in either direction, is one cause.
    let mut groups: Vec<Vec<&Change>> = Vec::new();
    let mut group_of: HashMap<(&str, String), usize> = HashMap::new();
    for c in &changes {
        if c.shared.is_none() {
            findings_for(spec, Names::of(base, rev), c, &settings.levels, &mut out);
            continue;
        }
        let key = (c.location.as_str(), format!("{:?}", c.delta));
        let i = *group_of.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(c);
    }
    if !groups.is_empty() {
        let mut uses = uses::Uses::build(&rspec);
        for g in &groups {
            out.extend(grouped_finding(
                spec,
                Names::of(base, rev),
                g,
                &rspec,
                &mut uses,
                &settings.levels,
            ));
        }
    }
    remote_findings(spec, base, rev, &settings.levels, &mut out);
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
            shared: None,
        };
        findings_for(
            spec,
            Names::of(base, rev),
            &change,
            &settings.levels,
            &mut out,
        );
    }
    sort(&mut out);
    Ok(out)
}

/// One `api-remote-ref-not-followed` per remote URL of either spec (where the
/// revision writes it, else where the base did).
fn remote_findings(
    spec: &str,
    base: &Doc,
    rev: &Doc,
    levels: &LevelOverrides,
    out: &mut Vec<Finding>,
) {
    let in_rev = load::remote_refs(rev);
    let only_base: Vec<_> = load::remote_refs(base)
        .into_iter()
        .filter(|b| !in_rev.iter().any(|r| r.url == b.url))
        .collect();
    let sides = [(Side::Revision, in_rev), (Side::Base, only_base)];
    for (side, refs) in sides {
        for r in refs {
            let change = Change {
                delta: Delta::RemoteRefNotFollowed(r.url),
                direction: Direction::None,
                scope: Scope::Spec,
                operation: None,
                operation_id: None,
                location: r.location,
                side,
                pos: r.pos,
                shared: None,
            };
            findings_for(spec, Names::of(base, rev), &change, levels, out);
        }
    }
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
        shared: None,
    };
    let mut out = Vec::new();
    let names = Names {
        base: (name, &[]),
        rev: (name, &[]),
    };
    findings_for(spec, names, &change, &settings.levels, &mut out);
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
