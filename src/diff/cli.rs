//! The `spec-diff` command, independent of argument parsing (the binary in
//! `src/bin/spec-diff.rs` only maps clap's arguments onto [`Options`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::load::{self, Input};
use super::report::{self, Format, Report, SpecEntry, SpecStatus};
use super::{Error, Finding, Level, LevelOverrides, Settings, ignore, semver};

/// When to colour text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Everything a run needs.
#[derive(Clone, Debug)]
pub struct Options {
    /// `OLD NEW`, or one file/directory with `base`.
    pub inputs: Vec<String>,
    /// Base revision for directory (or single-file) mode.
    pub base: Option<String>,
    /// Output format.
    pub format: Format,
    /// Exit 1 when a finding reaches this level (`None`: never).
    pub fail_on: Option<Level>,
    /// Ignore file.
    pub ignore: Option<PathBuf>,
    /// Fail when ERR findings exist and the crate's major version did not increase.
    pub require_major_bump: bool,
    /// Cargo manifest for the semver gate.
    pub manifest: PathBuf,
    /// Colour choice for text output.
    pub color: Color,
    /// Today's date override (`YYYY-MM-DD`) for `x-sunset` checks.
    pub today: Option<String>,
    /// Rules reported at a level other than their default.
    pub levels: LevelOverrides,
}

/// Runs spec-diff; returns the report text and the exit code (0 or 1).
/// Errors (exit code 2) name the file, line and column when known.
pub fn run(opts: &Options) -> Result<(String, i32), Error> {
    let settings = Settings {
        today: opts.today.clone().unwrap_or_else(super::compare::today),
        levels: opts.levels.clone(),
    };
    let (findings, specs, base_rev) = collect(opts, &settings)?;
    let entries = match &opts.ignore {
        Some(p) => ignore::read(p)?,
        None => Vec::new(),
    };
    let mut applied = ignore::apply(findings, &entries);
    // A partly ignored finding may have a lower level now.
    super::sort(&mut applied.kept);
    let mut report = Report {
        findings: applied.kept,
        ignored: applied.ignored,
        unused_ignores: applied.unused,
        specs,
        semver: None,
        fail_on: opts.fail_on,
    };
    if opts.require_major_bump && report.count(Level::Err) > 0 {
        let rev = base_rev.ok_or_else(|| {
            Error::usage(
                "--require-major-bump needs a base revision: use --base REV or a REV:PATH input",
            )
        })?;
        report.semver = Some(semver::check(&rev, &opts.manifest)?);
    }
    let color = match opts.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let text = report::render(&report, opts.format, color && opts.format == Format::Text);
    Ok((text, i32::from(report.failed())))
}

type Collected = (Vec<Finding>, Vec<SpecEntry>, Option<String>);

fn collect(opts: &Options, settings: &Settings) -> Result<Collected, Error> {
    match (&opts.base, opts.inputs.as_slice()) {
        (None, [old, new]) => {
            let (bi, ri) = (Input::from_arg(old), Input::from_arg(new));
            let base_rev = match &bi {
                Input::Git { rev, .. } => Some(rev.clone()),
                Input::File(_) => None,
            };
            let spec = ri.file_name();
            let findings = pair(&spec, &bi, &ri, settings)?;
            let entry = SpecEntry {
                spec,
                base: Some(bi.display()),
                revision: Some(ri.display()),
                status: SpecStatus::Compared,
            };
            Ok((findings, vec![entry], base_rev))
        }
        (Some(rev), [target]) => {
            let path = Path::new(target);
            // A folder with an `openapi.*` root is one (multi-file) spec.
            let folder_spec = crate::spec::ROOT_FILES
                .iter()
                .any(|f| path.join(f).is_file());
            let is_dir =
                !folder_spec && (path.is_dir() || (!path.exists() && target.ends_with('/')));
            if is_dir {
                let (f, s) = directory(rev, target, settings)?;
                return Ok((f, s, Some(rev.clone())));
            }
            let rel = git_rel(target);
            let bi = Input::Git {
                rev: rev.clone(),
                path: rel,
            };
            let ri = Input::File(path.to_path_buf());
            let spec = ri.file_name();
            let base_exists = load::read(&bi).is_ok();
            if !path.exists() && base_exists {
                let f = super::diff_presence(&spec, Some(&bi.display()), None, settings);
                let e = SpecEntry {
                    spec,
                    base: Some(bi.display()),
                    revision: None,
                    status: SpecStatus::Removed,
                };
                return Ok((f, vec![e], Some(rev.clone())));
            }
            if !base_exists {
                // Let the real read report the error unless the file is simply new.
                if path.exists() {
                    load::load(&ri)?;
                    let f = super::diff_presence(&spec, None, Some(&ri.display()), settings);
                    let e = SpecEntry {
                        spec,
                        base: None,
                        revision: Some(ri.display()),
                        status: SpecStatus::Added,
                    };
                    return Ok((f, vec![e], Some(rev.clone())));
                }
                load::read(&bi)?;
            }
            let findings = pair(&spec, &bi, &ri, settings)?;
            let e = SpecEntry {
                spec,
                base: Some(bi.display()),
                revision: Some(ri.display()),
                status: SpecStatus::Compared,
            };
            Ok((findings, vec![e], Some(rev.clone())))
        }
        (Some(_), _) => Err(Error::usage(
            "with --base, give exactly one directory or file",
        )),
        (None, _) => Err(Error::usage("give two specs (OLD NEW), or --base REV DIR")),
    }
}

/// A path relative to the current directory in the form git resolves that way.
fn git_rel(p: &str) -> String {
    if p.starts_with("./") || p.starts_with("../") {
        p.to_string()
    } else {
        format!("./{p}")
    }
}

fn pair(spec: &str, bi: &Input, ri: &Input, settings: &Settings) -> Result<Vec<Finding>, Error> {
    let base = load::load_spec(bi)?;
    let rev = load::load_spec(ri)?;
    super::diff_docs(spec, &base, &rev, settings)
}

fn directory(
    rev: &str,
    dir: &str,
    settings: &Settings,
) -> Result<(Vec<Finding>, Vec<SpecEntry>), Error> {
    let base_files = load::list_git_dir(rev, dir)?;
    let rev_files = if Path::new(dir).is_dir() {
        load::list_dir(Path::new(dir))?
    } else {
        Vec::new()
    };
    let name_of = |p: &str| {
        Path::new(p)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut names: Vec<String> = base_files.iter().map(|p| name_of(p)).collect();
    for p in &rev_files {
        let n = name_of(&p.to_string_lossy());
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.sort();
    let mut findings = Vec::new();
    let mut specs = Vec::new();
    for name in names {
        let b = base_files
            .iter()
            .find(|p| name_of(p) == name)
            .map(|p| Input::Git {
                rev: rev.to_string(),
                path: git_rel(p),
            });
        let r = rev_files
            .iter()
            .find(|p| name_of(&p.to_string_lossy()) == name)
            .map(|p| Input::File(p.clone()));
        let (status, found) = match (&b, &r) {
            (Some(bi), Some(ri)) => (SpecStatus::Compared, pair(&name, bi, ri, settings)?),
            (Some(bi), None) => (
                SpecStatus::Removed,
                super::diff_presence(&name, Some(&bi.display()), None, settings),
            ),
            (None, Some(ri)) => {
                // A new spec must still be valid.
                let doc = load::load_spec(ri)?;
                super::model::Spec::build(&doc)?;
                (
                    SpecStatus::Added,
                    super::diff_presence(&name, None, Some(&ri.display()), settings),
                )
            }
            (None, None) => continue,
        };
        findings.extend(found);
        specs.push(SpecEntry {
            spec: name,
            base: b.map(|i| i.display()),
            revision: r.map(|i| i.display()),
            status,
        });
    }
    super::sort(&mut findings);
    Ok((findings, specs))
}
