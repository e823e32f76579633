//! The crate-version gate: breaking findings require a breaking crate bump.

use std::path::Path;

use serde::Serialize;

use super::{Error, breaking_component, load};

/// Result of the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// Base revision.
    pub base_rev: String,
    /// Crate version at the base revision.
    pub base: String,
    /// Crate version in the working tree.
    pub current: String,
    /// Whether `current` is a breaking bump over `base` (Cargo rules: the
    /// leftmost non-zero component, so 0.1 → 0.2 counts).
    pub bumped: bool,
}

/// Reads `[package] version` from Cargo.toml text.
pub fn crate_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() == "version" {
            let v = value.trim();
            let v = v.split('#').next().unwrap_or(v).trim();
            return v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_string);
        }
    }
    None
}

/// Compares the crate version at `base_rev` with the working tree's.
pub fn check(base_rev: &str, manifest: &Path) -> Result<Gate, Error> {
    let shown = manifest.display().to_string();
    let current_text = load::read(&load::Input::File(manifest.to_path_buf()))?;
    let current = crate_version(&current_text).ok_or_else(|| {
        Error::in_file(
            &shown,
            "no [package] version (workspace-inherited versions are not supported)",
        )
    })?;
    let rel = if manifest.is_absolute() {
        return Err(Error::usage(
            "--manifest must be a relative path for the semver gate",
        ));
    } else {
        format!("./{shown}")
    };
    let base_text = load::git_show(base_rev, &rel)?;
    let base = crate_version(&base_text)
        .ok_or_else(|| Error::in_file(&format!("{base_rev}:{shown}"), "no [package] version"))?;
    let bumped = match (breaking_component(&base), breaking_component(&current)) {
        (Some(a), Some(b)) => b > a,
        _ => false,
    };
    Ok(Gate {
        base_rev: base_rev.to_string(),
        base,
        current,
        bumped,
    })
}
