//! One document from a multi-file spec, for the generator: every external target copied into
//! the root's `components` under a unique, stable, readable name, references rewritten to
//! local ones, and a [`Provenance`] that maps pointers of the result back to the files.
//!
//! Names: a target at `…/components/schemas/Address` keeps `Address`; otherwise the last
//! pointer segment, or the file stem for a whole file. A name already used in that section
//! (compared case- and punctuation-blind, as generated Rust names are) gets the file stem in
//! front (`types_Address`), then a number. The walk is in document order, so names are the
//! same on every build. Path Items have no `components` section in OpenAPI 3.0 and are
//! copied in place. References to the root file from another file become local pointers.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::grammar::{Kind, Tree};
use super::reference::{Target, escape_segment, last_segment, pointer_within};
use super::{Error, FileSet};

/// A bundled document and where its parts come from.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The root document with every external target copied in.
    pub doc: Value,
    /// Where each part of `doc` is written.
    pub provenance: Provenance,
    /// Every file the spec consists of, the root first.
    pub files: Vec<PathBuf>,
}

/// Maps pointers of a bundled document to the file and pointer where they are written.
#[derive(Debug, Clone)]
pub struct Provenance {
    root: PathBuf,
    /// (pointer in the bundle, file, pointer in the file), in insertion order.
    parts: Vec<(String, PathBuf, String)>,
}

impl Provenance {
    /// A single-file spec: everything is in `root`.
    pub fn single(root: &Path) -> Self {
        Provenance {
            root: root.to_path_buf(),
            parts: Vec::new(),
        }
    }

    /// The root file.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file and pointer where the node at `pointer` of the bundle is written. A node
    /// outside every copied part is in the root file at the same pointer.
    pub fn locate(&self, pointer: &str) -> (&Path, String) {
        let best = self
            .parts
            .iter()
            .filter(|(at, _, _)| pointer_within(pointer, at))
            .max_by_key(|(at, _, _)| at.len());
        match best {
            Some((at, file, origin)) => (file, format!("{origin}{}", &pointer[at.len()..])),
            None => (&self.root, pointer.to_string()),
        }
    }

    /// Every copied part: (pointer in the bundle, file, pointer in the file), in the order
    /// they were recorded.
    pub fn parts(&self) -> impl Iterator<Item = (&str, &Path, &str)> {
        self.parts
            .iter()
            .map(|(at, file, origin)| (at.as_str(), file.as_path(), origin.as_str()))
    }

    /// Whether the bundle copied anything from other files.
    pub fn is_single_file(&self) -> bool {
        self.parts.is_empty()
    }

    /// Records that the node now at `at` came from `pointer` of `file`.
    pub fn record(&mut self, at: &str, file: &Path, pointer: &str) {
        self.parts
            .push((at.to_string(), file.to_path_buf(), pointer.to_string()));
    }
}

/// Bundles a loaded spec into one document.
pub fn bundle(files: &FileSet<Value>) -> Result<Bundle, Error> {
    bundle_inner(files, false)
}

/// As [`bundle`], but remote (`http(s)://`) references stay as they are written (loaded
/// with [`FileSet::load_skipping_remote`]).
pub fn bundle_keeping_remote(files: &FileSet<Value>) -> Result<Bundle, Error> {
    bundle_inner(files, true)
}

fn bundle_inner(files: &FileSet<Value>, keep_remote: bool) -> Result<Bundle, Error> {
    let root = files.root().to_path_buf();
    let mut doc = files.root_doc().clone();
    let mut b = Bundler {
        files,
        keep_remote,
        root: root.clone(),
        names: HashMap::new(),
        taken: HashMap::new(),
        queue: VecDeque::new(),
        provenance: Provenance::single(&root),
        inlining: Vec::new(),
        added: Vec::new(),
    };
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (section, members) in components {
            if let Some(members) = members.as_object() {
                let taken = b.taken.entry(section.clone()).or_default();
                taken.extend(members.keys().map(|k| blind(k)));
            }
        }
    }
    b.process(&mut doc, Kind::Document, &root, "", "")?;
    while let Some(job) = b.queue.pop_front() {
        let mut value = b.target_value(&job.target, &job.referrer, &job.reference)?;
        let at = format!("/components/{}/{}", job.section, escape_segment(&job.name));
        b.process(
            &mut value,
            job.kind,
            &job.target.file,
            &job.target.pointer,
            &at,
        )?;
        b.provenance
            .record(&at, &job.target.file, &job.target.pointer);
        b.added.push((job.section, job.name, value));
    }
    for (section, name, value) in std::mem::take(&mut b.added) {
        let slot = doc
            .as_object_mut()
            .and_then(|m| object_entry(m, "components"))
            .and_then(|c| object_entry(c, section))
            .ok_or_else(|| Error::at(&root, "", "the document is not a mapping"))?;
        slot.insert(name, value);
    }
    Ok(Bundle {
        doc,
        provenance: b.provenance,
        files: files.files().map(|(p, _)| p.to_path_buf()).collect(),
    })
}

/// `map[key]` as an object, made empty if absent or not an object.
fn object_entry<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    let slot = map
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

/// Names compared the way generated Rust names collide: case and punctuation ignored.
fn blind(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

struct Job {
    target: Target,
    kind: Kind,
    section: &'static str,
    name: String,
    /// The file and pointer of the first reference to it, for a dangling-target error.
    referrer: (PathBuf, String),
    reference: String,
}

struct Bundler<'a> {
    files: &'a FileSet<Value>,
    /// Leave remote references alone instead of refusing them.
    keep_remote: bool,
    root: PathBuf,
    /// Local reference given to each (target, kind) already bundled.
    names: HashMap<(Target, Kind), String>,
    /// Names in use per components section, [`blind`]ed.
    taken: HashMap<String, HashSet<String>>,
    queue: VecDeque<Job>,
    provenance: Provenance,
    /// Path Items being copied in place, to stop a cycle of them.
    inlining: Vec<Target>,
    added: Vec<(&'static str, String, Value)>,
}

impl Bundler<'_> {
    /// Rewrites the references in `value`, which is written at `origin` of `file`, read as
    /// `kind`, and sits at `at` in the bundle.
    fn process(
        &mut self,
        value: &mut Value,
        kind: Kind,
        file: &Path,
        origin: &str,
        at: &str,
    ) -> Result<(), Error> {
        let sites = value.ref_sites("", kind).unwrap_or_default();
        for site in sites {
            if self.keep_remote && site.is_remote() {
                continue;
            }
            let ref_at = format!("{origin}{}", site.ref_pointer());
            let target = {
                let mut in_file = site.clone();
                in_file.at = format!("{origin}{}", site.at);
                in_file.target(file)?
            };
            if target.file == self.root {
                if file != self.root {
                    let local = format!("#{}", target.pointer);
                    set_reference(value, &site.ref_pointer(), local);
                }
                continue;
            }
            match site.kind.components_key() {
                Some(section) if !site.mapping || site.kind == Kind::Schema => {
                    let local = self.local_name(
                        &target,
                        site.kind,
                        section,
                        file,
                        &ref_at,
                        &site.reference,
                    );
                    set_reference(value, &site.ref_pointer(), local);
                }
                _ => {
                    // Copied in place (Path Items, and kinds with no components section).
                    if self.inlining.contains(&target) {
                        return Err(Error::at(
                            file,
                            &ref_at,
                            format!(
                                "$ref '{}' is part of a cycle of Path Item references",
                                site.reference
                            ),
                        ));
                    }
                    let mut copy = self.target_value(
                        &target,
                        &(file.to_path_buf(), ref_at.clone()),
                        &site.reference,
                    )?;
                    let here = format!("{at}{}", site.at);
                    self.inlining.push(target.clone());
                    let result =
                        self.process(&mut copy, site.kind, &target.file, &target.pointer, &here);
                    self.inlining.pop();
                    result?;
                    if let Some(slot) = value.pointer_mut(&site.at) {
                        // Siblings of the reference (summary, description) override.
                        let siblings: Vec<(String, Value)> = slot
                            .as_object()
                            .map(|m| {
                                m.iter()
                                    .filter(|(k, _)| *k != "$ref")
                                    .map(|(k, v)| (k.clone(), v.clone()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        if let Value::Object(m) = &mut copy {
                            m.extend(siblings);
                        }
                        *slot = copy;
                    }
                    self.provenance.record(&here, &target.file, &target.pointer);
                }
            }
        }
        Ok(())
    }

    /// The local reference for a target, queued for copying the first time.
    fn local_name(
        &mut self,
        target: &Target,
        kind: Kind,
        section: &'static str,
        file: &Path,
        ref_at: &str,
        reference: &str,
    ) -> String {
        if let Some(local) = self.names.get(&(target.clone(), kind)) {
            return local.clone();
        }
        let stem = target
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .map(sanitize)
            .unwrap_or_else(|| "external".to_string());
        let base = match last_segment(&target.pointer) {
            Some(seg) if seg.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) => {
                sanitize(&seg)
            }
            Some(seg) => format!("{stem}_{}", sanitize(&seg)),
            None => stem.clone(),
        };
        let taken = self.taken.entry(section.to_string()).or_default();
        let prefixed = format!("{stem}_{base}");
        let name = [base.clone(), prefixed.clone()]
            .into_iter()
            .chain((2..).map(|n| format!("{prefixed}_{n}")))
            .find(|c| !taken.contains(&blind(c)))
            .unwrap_or(prefixed);
        taken.insert(blind(&name));
        let local = format!("#/components/{section}/{}", escape_segment(&name));
        self.names.insert((target.clone(), kind), local.clone());
        self.queue.push_back(Job {
            target: target.clone(),
            kind,
            section,
            name,
            referrer: (file.to_path_buf(), ref_at.to_string()),
            reference: reference.to_string(),
        });
        local
    }

    fn target_value(
        &self,
        target: &Target,
        referrer: &(PathBuf, String),
        reference: &str,
    ) -> Result<Value, Error> {
        let doc = self.files.get(&target.file).ok_or_else(|| {
            Error::at(
                &referrer.0,
                &referrer.1,
                format!(
                    "$ref '{reference}': {} was not loaded",
                    target.file.display()
                ),
            )
        })?;
        doc.lookup(&target.pointer).cloned().ok_or_else(|| {
            Error::at(
                &referrer.0,
                &referrer.1,
                format!(
                    "dangling $ref '{reference}': {} has nothing at '{}'",
                    target.file.display(),
                    if target.pointer.is_empty() {
                        "/"
                    } else {
                        &target.pointer
                    }
                ),
            )
        })
    }
}

/// Component names may hold letters, digits, `.`, `-` and `_` only.
fn sanitize(name: &str) -> String {
    let out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        "external".into()
    } else {
        out
    }
}

fn set_reference(value: &mut Value, pointer: &str, local: String) {
    if let Some(slot) = value.pointer_mut(pointer) {
        *slot = Value::String(local);
    }
}
