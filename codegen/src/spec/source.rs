//! Where spec files are read from: the working tree, or anything else that can hand out a
//! file's text by path (a git revision, memory in tests).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::reference::normalize_path;

/// Reads spec files by path. Paths are as the spec names them, joined and normalized
/// lexically (`a/./b/../c` is `a/c`); nothing is canonicalized, so a git revision can serve
/// paths that do not exist on disk.
pub trait Source {
    /// The text of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<String>;
    /// Whether `path` is a file.
    fn is_file(&self, path: &Path) -> bool;
    /// Whether `path` is a folder.
    fn is_dir(&self, path: &Path) -> bool;
}

/// The file system, through `std::fs`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkingTree;

impl Source for WorkingTree {
    fn read(&self, path: &Path) -> io::Result<String> {
        let bytes = std::fs::read(path)?;
        String::from_utf8(bytes)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not UTF-8 text"))
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
}

/// Files held in memory, keyed by normalized path; folders are implied by the files in them.
/// For tests, and for a root whose text the caller already has ([`MemorySource::over`]).
#[derive(Debug, Default)]
pub struct MemorySource<'a> {
    files: BTreeMap<PathBuf, String>,
    fallback: Option<&'a dyn Source>,
}

impl std::fmt::Debug for dyn Source + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Source")
    }
}

impl<'a> MemorySource<'a> {
    /// No files.
    pub fn new() -> Self {
        MemorySource {
            files: BTreeMap::new(),
            fallback: None,
        }
    }

    /// The files added, then whatever `fallback` has.
    pub fn over(fallback: &'a dyn Source) -> Self {
        MemorySource {
            files: BTreeMap::new(),
            fallback: Some(fallback),
        }
    }

    /// Adds (or replaces) a file.
    pub fn with(mut self, path: impl AsRef<Path>, text: impl Into<String>) -> Self {
        self.files
            .insert(normalize_path(path.as_ref()), text.into());
        self
    }
}

impl Source for MemorySource<'_> {
    fn read(&self, path: &Path) -> io::Result<String> {
        match self.files.get(&normalize_path(path)) {
            Some(text) => Ok(text.clone()),
            None => match self.fallback {
                Some(f) => f.read(path),
                None => Err(io::Error::new(io::ErrorKind::NotFound, "no such file")),
            },
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&normalize_path(path))
            || self.fallback.is_some_and(|f| f.is_file(path))
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = normalize_path(path);
        self.files.keys().any(|k| k != &dir && k.starts_with(&dir))
            || self.fallback.is_some_and(|f| f.is_dir(path))
    }
}
