//! The ignore file: accepted findings, each with a required reason.
//!
//! ```yaml
//! - id: response-property-enum-value-added
//!   operation: GET /v1/linked_accounts/{linked_account_id}   # or "*"
//!   fingerprint: 3f2a9c0d1e4b      # optional: only this exact finding
//!   spec: weavr-payment-run.yaml   # optional: only in this spec
//!   reason: Weavr documents this enum as extensible; we match with a wildcard.
//! ```

use std::path::Path;

use serde::Serialize;

use super::doc::{Doc, Pos};
use super::{Error, Finding, Source, Use, load, rules};

/// One entry of the ignore file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IgnoreEntry {
    /// Rule id.
    pub id: String,
    /// `METHOD /path`, or `*` for any operation (and spec-level findings).
    pub operation: String,
    /// Only the finding with this fingerprint.
    pub fingerprint: Option<String>,
    /// Only findings in this spec (file name).
    pub spec: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Where the entry is.
    pub source: Source,
}

/// A finding that an entry suppressed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ignored {
    /// The finding.
    pub finding: Finding,
    /// The entry's reason.
    pub reason: String,
}

/// Findings split by an ignore file.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// Findings still reported.
    pub kept: Vec<Finding>,
    /// Findings suppressed.
    pub ignored: Vec<Ignored>,
    /// Entries that matched nothing.
    pub unused: Vec<IgnoreEntry>,
}

/// Reads and validates an ignore file.
pub fn read(path: &Path) -> Result<Vec<IgnoreEntry>, Error> {
    let input = load::Input::File(path.to_path_buf());
    let text = load::read(&input)?;
    parse(&input.display(), &text)
}

/// Parses ignore-file text (a YAML list, or a mapping with an `ignore` list).
pub fn parse(name: &str, text: &str) -> Result<Vec<IgnoreEntry>, Error> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let doc = load::parse(name, text)?;
    let root = doc.root();
    let list = if doc.is_map(root) {
        doc.get(root, "ignore").ok_or_else(|| {
            Error::at(
                name,
                doc.pos(root),
                "expected a list of entries (or `ignore:` with a list)",
            )
        })?
    } else {
        root
    };
    if !matches!(doc.kind(list), super::doc::Kind::Seq { .. }) {
        return Err(Error::at(name, doc.pos(list), "expected a list of entries"));
    }
    doc.items(list).iter().map(|&n| entry(&doc, n)).collect()
}

fn entry(doc: &Doc, node: u32) -> Result<IgnoreEntry, Error> {
    let pos = doc.pos(node);
    let name = doc.name.as_str();
    if !doc.is_map(node) {
        return Err(Error::at(name, pos, "an entry must be a mapping"));
    }
    let field = |key: &str| -> Result<Option<String>, Error> {
        match doc.get(node, key) {
            None => Ok(None),
            Some(v) => match doc.str(v) {
                Some(s) => Ok(Some(s.trim().to_string())),
                None => Err(Error::at(
                    name,
                    doc.pos(v),
                    format!("`{key}` must be a string (quote it)"),
                )),
            },
        }
    };
    for e in doc.entries(node) {
        let k = doc.sym(e.key);
        if !matches!(k, "id" | "operation" | "fingerprint" | "spec" | "reason") {
            return Err(Error::at(name, e.pos, format!("unknown key `{k}`")));
        }
    }
    let id = field("id")?.ok_or_else(|| Error::at(name, pos, "entry needs `id`"))?;
    if rules::rule(&id).is_none() {
        let p = doc
            .entry(node, "id")
            .map(|e| doc.pos(e.value))
            .unwrap_or(pos);
        return Err(Error::at(name, p, format!("unknown rule id {id:?}")));
    }
    let operation = field("operation")?.ok_or_else(|| {
        Error::at(
            name,
            pos,
            "entry needs `operation` (METHOD /path, or \"*\")",
        )
    })?;
    let reason = field("reason")?.unwrap_or_default();
    if reason.is_empty() {
        return Err(Error::at(name, pos, "entry needs a non-empty `reason`"));
    }
    Ok(IgnoreEntry {
        id,
        operation: normalize_op(&operation),
        fingerprint: field("fingerprint")?,
        spec: field("spec")?,
        reason,
        source: Source {
            file: name.to_string(),
            line: pos.line,
            column: pos.col,
        },
    })
}

fn normalize_op(op: &str) -> String {
    match op.trim().split_once(char::is_whitespace) {
        Some((m, p)) => format!("{} {}", m.to_ascii_uppercase(), p.trim()),
        None => op.trim().to_string(),
    }
}

fn matches(e: &IgnoreEntry, f: &Finding) -> bool {
    e.id == f.id
        && (e.operation == "*" || f.operation.as_deref() == Some(e.operation.as_str()))
        && e.fingerprint.as_ref().is_none_or(|fp| *fp == f.fingerprint)
        && e.spec.as_ref().is_none_or(|s| *s == f.spec)
}

/// Whether an entry suppresses one operation's use of a shared-schema change.
fn matches_use(e: &IgnoreEntry, f: &Finding, u: &Use) -> bool {
    e.id == u.id
        && (e.operation == "*" || e.operation == u.operation)
        && e.fingerprint.as_ref().is_none_or(|fp| *fp == f.fingerprint)
        && e.spec.as_ref().is_none_or(|s| *s == f.spec)
}

/// Splits findings into kept and ignored, and lists unused entries.
///
/// A finding for a change in a shared schema is matched use by use: an entry
/// naming one operation suppresses that operation's use, and the finding
/// stays with the others (its level and id become those of the worst use
/// left; message and fingerprint stay). It is ignored as a whole only when
/// no use is left.
pub fn apply(findings: Vec<Finding>, entries: &[IgnoreEntry]) -> Applied {
    let mut used = vec![false; entries.len()];
    let mut out = Applied::default();
    for f in findings {
        if f.is_grouped() {
            split_grouped(f, entries, &mut used, &mut out);
            continue;
        }
        match entries.iter().position(|e| matches(e, &f)) {
            Some(i) => {
                used[i] = true;
                out.ignored.push(Ignored {
                    reason: entries[i].reason.clone(),
                    finding: f,
                });
            }
            None => out.kept.push(f),
        }
    }
    out.unused = entries
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(e, _)| e.clone())
        .collect();
    out
}

fn split_grouped(mut f: Finding, entries: &[IgnoreEntry], used: &mut [bool], out: &mut Applied) {
    let mut kept = Vec::new();
    let mut dropped: Vec<(usize, Vec<Use>)> = Vec::new();
    for u in std::mem::take(&mut f.operations) {
        match entries.iter().position(|e| matches_use(e, &f, &u)) {
            Some(i) => {
                used[i] = true;
                match dropped.iter_mut().find(|(j, _)| *j == i) {
                    Some((_, list)) => list.push(u),
                    None => dropped.push((i, vec![u])),
                }
            }
            None => kept.push(u),
        }
    }
    for (i, uses) in dropped {
        let mut part = f.clone();
        part.operations = uses;
        out.ignored.push(Ignored {
            reason: entries[i].reason.clone(),
            finding: part,
        });
    }
    if kept.is_empty() {
        return;
    }
    let worst = kept.iter().map(|u| u.level).max().unwrap_or(f.level);
    if let Some(u) = kept.iter().find(|u| u.level == worst) {
        f.id = u.id;
        f.direction = u.direction;
    }
    f.level = worst;
    f.operations = kept;
    out.kept.push(f);
}

/// Position of an entry (for messages).
pub fn entry_pos(e: &IgnoreEntry) -> Pos {
    Pos {
        line: e.source.line,
        col: e.source.column,
        file: 0,
    }
}
