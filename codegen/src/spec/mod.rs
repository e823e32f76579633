//! Spec input shared by the generator (`build.rs`, [`crate`]) and `spec-diff`: where a
//! spec's files are, what its `$ref`s point to, and (for the generator) one bundled document.
//!
//! A spec is a file `specs/x.yaml|yml|json`, or a folder `specs/x/` whose root is
//! `openapi.yaml`, `openapi.yml` or `openapi.json` ([`find_root`]). Its other files are the ones
//! its `$ref`s reach: [`Reference::parse`] reads a reference string (`./schemas/a.json#/X`,
//! `../common.yaml`, `#/components/schemas/a~1b`, percent-encoded characters), and
//! [`Reference::resolve`] turns it into a [`Target`] relative to the file that contains it.
//! Remote (`http(s)://`) references are refused with the file and JSON pointer where they are
//! written. Only positions the OpenAPI grammar reads as objects are followed ([`grammar`]):
//! `example` and `examples` values, `default`, `enum`, `const` and `x-` extensions are data and
//! never resolved (Square's spec has a remote `$ref` inside an example).
//!
//! Files are read through [`Source`], so a revision in git serves as well as the working tree
//! ([`WorkingTree`], [`MemorySource`] for tests). [`FileSet::load`] walks the files a spec
//! consists of (cycles between files are fine), parsing each with the caller's parser into any
//! tree that implements [`Tree`]. [`bundle::bundle`] then copies every external target into the
//! root document's `components`, under unique, stable, readable names, rewrites the references
//! to local ones and keeps a [`bundle::Provenance`] that maps any pointer of the bundled
//! document back to the file and pointer where it is written.
//!
//! # How `spec-diff` plugs in
//!
//! `spec-diff` keeps its position-carrying `Doc` per file instead of bundling:
//! 1. implement [`Source`] for a git revision (`git show rev:path`, `git cat-file -e`);
//! 2. implement [`Tree`] for `Doc` (`type Node<'a> = NodeId`; `get`, `item`, entries, items,
//!    string value: a few lines over the existing accessors);
//! 3. `FileSet::load(&source, &find_root(&source, path)?.file, |p, text| parse(p, text))` gives
//!    every file's `Doc`, keyed by its normalized path; its parse error type needs a
//!    `From<spec::Error>`;
//! 4. when the comparison meets a `$ref` in file `f`, `Reference::parse(s)?.resolve(f)` names
//!    the target file and pointer; [`FileSet::lookup`] finds the node in that file's `Doc`.
//!    A [`Target`] (file + pointer) is the identity to use for cycle detection across files.

pub mod bundle;
pub mod grammar;
mod reference;
mod source;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};

pub use grammar::{Kind, RefSite, Tree};
pub use reference::{Reference, Target, normalize_path};
pub use source::{MemorySource, Source, WorkingTree};

/// File endings read as specs.
pub const SPEC_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Names of a folder spec's root file, in the order they are looked for.
pub const ROOT_FILES: [&str; 3] = ["openapi.yaml", "openapi.yml", "openapi.json"];

/// A spec input problem: which file, where in it, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file at fault (the referring file for a reference that cannot be followed).
    pub file: PathBuf,
    /// A JSON pointer into that file; empty for the document root, `None` for the whole file.
    pub pointer: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl Error {
    /// A problem at a JSON pointer of `file`.
    pub fn at(file: &Path, pointer: &str, problem: impl Into<String>) -> Self {
        Error {
            file: file.to_path_buf(),
            pointer: Some(pointer.to_string()),
            problem: problem.into(),
        }
    }

    /// A problem with `file` as a whole.
    pub fn in_file(file: &Path, problem: impl Into<String>) -> Self {
        Error {
            file: file.to_path_buf(),
            pointer: None,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pointer {
            Some(p) if p.is_empty() => {
                write!(
                    f,
                    "{} (document root): {}",
                    self.file.display(),
                    self.problem
                )
            }
            Some(p) => write!(f, "{} (at {p}): {}", self.file.display(), self.problem),
            None => write!(f, "{}: {}", self.file.display(), self.problem),
        }
    }
}

impl std::error::Error for Error {}

/// Where a spec's files start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecRoot {
    /// What was named: the spec file, or the spec folder.
    pub path: PathBuf,
    /// The root document: `path` itself, or the folder's `openapi.*`.
    pub file: PathBuf,
    /// The name the spec goes by: the file stem, or the folder name.
    pub name: String,
    /// Whether `path` is a folder.
    pub folder: bool,
}

/// Whether a file name ends in a spec extension (case-insensitive).
pub fn is_spec_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SPEC_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// The root of the spec at `path`: a spec file, or a folder with exactly one `openapi.*`.
pub fn find_root(source: &dyn Source, path: &Path) -> Result<SpecRoot, Error> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    if source.is_dir(path) {
        let found: Vec<PathBuf> = ROOT_FILES
            .iter()
            .map(|f| path.join(f))
            .filter(|p| source.is_file(p))
            .collect();
        return match found.as_slice() {
            [one] => Ok(SpecRoot {
                path: path.to_path_buf(),
                file: one.clone(),
                name: file_name,
                folder: true,
            }),
            [] => Err(Error::in_file(
                path,
                "a folder in specs/ is one spec, and this one has no root file: name it \
                 openapi.yaml, openapi.yml or openapi.json",
            )),
            _ => Err(Error::in_file(
                path,
                format!(
                    "the folder has several root files ({}): keep one",
                    found
                        .iter()
                        .filter_map(|p| p.file_name()?.to_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        };
    }
    if !source.is_file(path) {
        return Err(Error::in_file(path, "no such spec file or folder"));
    }
    let name = if is_spec_file(path) {
        path.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string()
    } else {
        file_name
    };
    Ok(SpecRoot {
        path: path.to_path_buf(),
        file: path.to_path_buf(),
        name,
        folder: false,
    })
}

/// Every file of one spec, parsed, in the order they were reached from the root.
#[derive(Debug)]
pub struct FileSet<D> {
    root: PathBuf,
    files: Vec<(PathBuf, D)>,
    index: HashMap<PathBuf, usize>,
}

impl<D: Tree> FileSet<D> {
    /// Reads the root file and every file its references reach, transitively, each once.
    ///
    /// Only references in positions the grammar reads as objects are followed (never inside
    /// examples or other data), and a file is walked from the node a reference points at, read
    /// as the kind of object the reference stands for. A remote reference, a reference that
    /// cannot be parsed, or a file that cannot be read is an error naming the referring file
    /// and the pointer of the `$ref`; parse errors are the parser's.
    pub fn load<E>(
        source: &dyn Source,
        root: &Path,
        parse: impl FnMut(&Path, &str) -> Result<D, E>,
    ) -> Result<Self, E>
    where
        E: From<Error>,
    {
        Self::load_inner(source, root, false, parse)
    }

    /// As [`FileSet::load`], but a remote (`http(s)://`) reference is left alone instead of
    /// refused: for `spec-diff`, which reports it as not followed and compares the rest.
    pub fn load_skipping_remote<E>(
        source: &dyn Source,
        root: &Path,
        parse: impl FnMut(&Path, &str) -> Result<D, E>,
    ) -> Result<Self, E>
    where
        E: From<Error>,
    {
        Self::load_inner(source, root, true, parse)
    }

    fn load_inner<E>(
        source: &dyn Source,
        root: &Path,
        skip_remote: bool,
        mut parse: impl FnMut(&Path, &str) -> Result<D, E>,
    ) -> Result<Self, E>
    where
        E: From<Error>,
    {
        let root = normalize_path(root);
        let text = source
            .read(&root)
            .map_err(|e| Error::in_file(&root, format!("cannot read the file: {e}")))?;
        let doc = parse(&root, &text)?;
        let mut set = FileSet {
            root: root.clone(),
            files: vec![(root.clone(), doc)],
            index: HashMap::from([(root.clone(), 0)]),
        };
        // Subtrees already walked, per file: a target inside one adds nothing (the root is
        // walked whole, so its local references cost nothing here).
        let mut walked: HashMap<PathBuf, Vec<String>> = HashMap::new();
        let mut queue = VecDeque::from([(root, String::new(), Kind::Document)]);
        while let Some((file, pointer, kind)) = queue.pop_front() {
            let done = walked.entry(file.clone()).or_default();
            if done.iter().any(|w| reference::pointer_within(&pointer, w)) {
                continue;
            }
            done.push(pointer.clone());
            let Some(sites) = set.get(&file).and_then(|d| d.ref_sites(&pointer, kind)) else {
                // A dangling pointer: the bundler or the comparison reports it where it is used.
                continue;
            };
            for site in sites {
                if skip_remote && site.is_remote() {
                    continue;
                }
                let target = site.target(&file)?;
                if !set.index.contains_key(&target.file) {
                    let text = source.read(&target.file).map_err(|e| {
                        Error::at(
                            &file,
                            &site.ref_pointer(),
                            format!(
                                "cannot read '{}', which $ref '{}' points to: {e}",
                                target.file.display(),
                                site.reference
                            ),
                        )
                    })?;
                    let doc = parse(&target.file, &text)?;
                    set.index.insert(target.file.clone(), set.files.len());
                    set.files.push((target.file.clone(), doc));
                }
                queue.push_back((target.file, target.pointer, site.kind));
            }
        }
        Ok(set)
    }
}

impl<D> FileSet<D> {
    /// The root file's normalized path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The root document.
    pub fn root_doc(&self) -> &D {
        &self.files[0].1
    }

    /// The parsed file at a normalized path.
    pub fn get(&self, file: &Path) -> Option<&D> {
        self.index.get(file).map(|&i| &self.files[i].1)
    }

    /// Every file, the root first.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &D)> {
        self.files.iter().map(|(p, d)| (p.as_path(), d))
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Never true: the root is always there.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl<D: Tree> FileSet<D> {
    /// The node a target names, if its file is loaded and the pointer leads somewhere.
    pub fn lookup(&self, target: &Target) -> Option<D::Node<'_>> {
        self.get(&target.file)?.lookup(&target.pointer)
    }
}

#[cfg(test)]
mod tests;
