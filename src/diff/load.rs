//! Reading specs from files and git revisions, and parsing YAML/JSON into a
//! [`Doc`] whose nodes carry line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::Error;
use super::doc::{Doc, Entry, Kind, NodeData, NodeId, Pos, Sym};

/// Deeper nesting than this is rejected: no real spec needs it, and it keeps
/// every recursive walk well inside the stack.
pub const MAX_DEPTH: usize = 200;

/// Where a spec comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file in the working tree.
    File(PathBuf),
    /// `git show <rev>:<path>`.
    Git {
        /// The revision.
        rev: String,
        /// The path as git understands it (root-relative, or `./`-relative).
        path: String,
    },
}

impl Input {
    /// Interprets a command-line argument: an existing file, else `rev:path`.
    pub fn from_arg(arg: &str) -> Input {
        if !Path::new(arg).exists()
            && let Some((rev, path)) = arg.split_once(':')
            && !rev.is_empty()
            && !path.is_empty()
        {
            return Input::Git {
                rev: rev.to_string(),
                path: path.to_string(),
            };
        }
        Input::File(PathBuf::from(arg))
    }

    /// The name shown in reports.
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Git { rev, path } => format!("{rev}:{path}"),
        }
    }

    /// The file name without directories (used to pair specs across revisions).
    pub fn file_name(&self) -> String {
        let p = match self {
            Input::File(p) => p.clone(),
            Input::Git { path, .. } => PathBuf::from(path),
        };
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Reads and parses one input.
pub fn load(input: &Input) -> Result<Doc, Error> {
    let text = read(input)?;
    parse(&input.display(), &text)
}

/// Reads the text of one input.
pub fn read(input: &Input) -> Result<String, Error> {
    match input {
        Input::File(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                Error::in_file(&path.display().to_string(), format!("cannot read: {e}"))
            })?;
            String::from_utf8(bytes)
                .map_err(|_| Error::in_file(&path.display().to_string(), "not valid UTF-8"))
        }
        Input::Git { rev, path } => git_show(rev, path),
    }
}

/// Runs `git show rev:path` in the current directory.
pub fn git_show(rev: &str, path: &str) -> Result<String, Error> {
    let spec = format!("{rev}:{path}");
    let out = git(&["show", &spec])
        .map_err(|e| Error::in_file(&spec, format!("cannot read from git: {e}")))?;
    String::from_utf8(out).map_err(|_| Error::in_file(&spec, "not valid UTF-8"))
}

/// Lists the specs directly inside `dir` at `rev`, as paths relative to the
/// current directory: files (`.yaml`, `.yml`, `.json`) and folders with an
/// `openapi.*` root (`specs/<name>/openapi.yaml`).
pub fn list_git_dir(rev: &str, dir: &str) -> Result<Vec<String>, Error> {
    let dir = dir.trim_end_matches('/');
    let pathspec = format!("{dir}/");
    let out = git(&["ls-tree", "--name-only", rev, "--", &pathspec])
        .map_err(|e| Error::usage(format!("cannot list {dir} at {rev}: {e}")))?;
    let text = String::from_utf8_lossy(&out);
    let source = GitSource { rev };
    let mut files: Vec<String> = text
        .lines()
        .filter(|l| is_spec_file(l) || is_folder_spec(&source, Path::new(l)))
        .map(str::to_string)
        .collect();
    files.sort();
    Ok(files)
}

/// Whether `dir` is a folder spec: a folder with an `openapi.*` root file.
fn is_folder_spec(source: &dyn crate::spec::Source, dir: &Path) -> bool {
    source.is_dir(dir)
        && crate::spec::ROOT_FILES
            .iter()
            .any(|f| source.is_file(&dir.join(f)))
}

/// Lists the specs directly inside `dir` in the working tree: files and
/// folders with an `openapi.*` root.
pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| Error::in_file(&dir.display().to_string(), format!("cannot list: {e}")))?;
    let mut files = Vec::new();
    for entry in rd {
        let entry = entry
            .map_err(|e| Error::in_file(&dir.display().to_string(), format!("cannot list: {e}")))?;
        let path = entry.path();
        let file = path.is_file() && is_spec_file(&path.to_string_lossy());
        if file || is_folder_spec(&crate::spec::WorkingTree, &path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a file name looks like a spec (same rule as the crate's build script): a sidecar
/// (`x.paysdk.yaml`) or overlay (`x.overlay.yaml`) beside a spec is not one.
pub fn is_spec_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let companion = paysdk_codegen::config::COMPANION_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix));
    !companion && (lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json"))
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .trim()
            .lines()
            .next()
            .unwrap_or("git failed")
            .to_string())
    }
}

/// Parses YAML (or JSON, which is YAML) text into a [`Doc`].
pub fn parse(name: &str, text: &str) -> Result<Doc, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut b = Builder::new(text.len());
    let mut parser = Parser::new_from_str(text);
    let res = parser.load(&mut b, false);
    let err = match res {
        Err(e) => Some((marker_pos(e.marker()), e.info().to_string())),
        Ok(()) => b.err.take(),
    };
    if let Some((pos, msg)) = err {
        // JSON may use tabs or other forms YAML rejects; give it a second chance.
        if text.trim_start().starts_with('{') {
            return parse_json(name, text);
        }
        return Err(Error::at(name, pos, msg));
    }
    let Some(root) = b.root else {
        return Err(Error::at(
            name,
            Pos {
                line: 1,
                col: 1,
                file: 0,
            },
            "empty document",
        ));
    };
    Ok(b.finish(name, root))
}

fn marker_pos(m: &Marker) -> Pos {
    Pos {
        line: m.line() as u32,
        col: m.col() as u32 + 1,
        file: 0,
    }
}

fn parse_json(name: &str, text: &str) -> Result<Doc, Error> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::at(
            name,
            Pos {
                line: e.line() as u32,
                col: e.column() as u32,
                file: 0,
            },
            e.to_string(),
        )
    })?;
    let mut b = Builder::new(text.len());
    let root = b
        .json_node(&value, 0)
        .map_err(|m| Error::in_file(name, m))?;
    Ok(b.finish(name, root))
}

struct Frame {
    node: NodeId,
    is_map: bool,
    anchor: usize,
    start: usize,
    key: Option<(Sym, Pos)>,
}

struct Builder {
    nodes: Vec<NodeData>,
    items: Vec<NodeId>,
    entries: Vec<Entry>,
    strings: Vec<Arc<str>>,
    lookup: HashMap<Arc<str>, Sym>,
    index: HashMap<NodeId, HashMap<Sym, u32>>,
    pend_items: Vec<NodeId>,
    pend_entries: Vec<Entry>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, NodeId>,
    root: Option<NodeId>,
    err: Option<(Pos, String)>,
}

impl Builder {
    fn new(text_len: usize) -> Self {
        // Roughly one node per 12 bytes of YAML; avoids regrowth copies.
        let guess = text_len / 12;
        Builder {
            nodes: Vec::with_capacity(guess),
            items: Vec::new(),
            entries: Vec::with_capacity(guess),
            strings: Vec::new(),
            lookup: HashMap::new(),
            index: HashMap::new(),
            pend_items: Vec::new(),
            pend_entries: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            err: None,
        }
    }

    fn finish(mut self, name: &str, root: NodeId) -> Doc {
        self.nodes.shrink_to_fit();
        self.entries.shrink_to_fit();
        self.items.shrink_to_fit();
        Doc {
            name: name.to_string(),
            nodes: self.nodes,
            items: self.items,
            entries: self.entries,
            strings: self.strings,
            lookup: self.lookup,
            index: self.index,
            root,
            files: Vec::new(),
        }
    }

    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.lookup.get(s) {
            return sym;
        }
        let arc: Arc<str> = Arc::from(s);
        let sym = self.strings.len() as Sym;
        self.strings.push(arc.clone());
        self.lookup.insert(arc, sym);
        sym
    }

    fn push_node(&mut self, kind: Kind, pos: Pos) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(NodeData { kind, pos });
        id
    }

    fn fail(&mut self, pos: Pos, msg: impl Into<String>) {
        if self.err.is_none() {
            self.err = Some((pos, msg.into()));
        }
    }

    /// Hands a finished node to its parent (or makes it the root).
    fn attach(&mut self, node: NodeId, pos: Pos) {
        let Some(top) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        if !top.is_map {
            self.pend_items.push(node);
            return;
        }
        let Some((key, kpos)) = top.key.take() else {
            self.fail(pos, "mapping keys must be scalars");
            return;
        };
        let start = top.start;
        let dup = self.pend_entries[start..].len() <= 64
            && self.pend_entries[start..].iter().any(|e| e.key == key);
        if dup {
            let k = self.strings[key as usize].to_string();
            self.fail(kpos, format!("duplicate key {k:?}"));
            return;
        }
        self.pend_entries.push(Entry {
            key,
            value: node,
            pos: kpos,
        });
    }

    fn scalar(&mut self, value: &str, style: TScalarStyle, tag_str: bool, pos: Pos) -> Kind {
        if style != TScalarStyle::Plain || tag_str {
            return Kind::Str(self.intern(value));
        }
        match value {
            "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
            "true" | "True" | "TRUE" => return Kind::Bool(true),
            "false" | "False" | "FALSE" => return Kind::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" => return Kind::Float(f64::INFINITY),
            "-.inf" | "-.Inf" | "-.INF" => return Kind::Float(f64::NEG_INFINITY),
            _ => {}
        }
        let _ = pos;
        if let Some(k) = number(value) {
            return k;
        }
        Kind::Str(self.intern(value))
    }

    fn json_node(&mut self, v: &serde_json::Value, depth: usize) -> Result<NodeId, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        let pos = Pos::default();
        let kind = match v {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(b) => Kind::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Kind::Int(i),
                None => Kind::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Kind::Str(self.intern(s)),
            serde_json::Value::Array(a) => {
                let ids = a
                    .iter()
                    .map(|x| self.json_node(x, depth + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                let start = self.items.len() as u32;
                self.items.extend(ids);
                Kind::Seq {
                    start,
                    len: a.len() as u32,
                }
            }
            serde_json::Value::Object(o) => {
                let mut es = Vec::with_capacity(o.len());
                for (k, x) in o {
                    let value = self.json_node(x, depth + 1)?;
                    let key = self.intern(k);
                    es.push(Entry { key, value, pos });
                }
                let start = self.entries.len() as u32;
                self.entries.extend(es);
                let id = self.push_node(Kind::Null, pos);
                self.close_map(id, start, o.len() as u32);
                return Ok(id);
            }
        };
        Ok(self.push_node(kind, pos))
    }

    /// As [`Builder::json_node`], for a bundled multi-file spec: each node
    /// takes its position from the file where it is written (`cur`: that
    /// file's index and node), followed along as the walk descends and
    /// switched where the bundle copied a part from another file (`at` is
    /// the JSON pointer of `v` in the bundle).
    fn origin_node(
        &mut self,
        v: &serde_json::Value,
        depth: usize,
        at: &mut String,
        cur: Option<(u32, NodeId)>,
        o: &Origins<'_>,
    ) -> Result<NodeId, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        let cur = match o.jumps.get(at.as_str()) {
            Some((file, pointer)) => o.docs[*file as usize]
                .pointer(&format!("#{pointer}"))
                .map(|n| (*file, n)),
            None => cur,
        };
        let pos = cur.map_or(Pos::default(), |(file, n)| Pos {
            file,
            ..o.docs[file as usize].pos(n)
        });
        let mark = at.len();
        let kind = match v {
            serde_json::Value::Array(a) => {
                let mut ids = Vec::with_capacity(a.len());
                for (i, x) in a.iter().enumerate() {
                    let child =
                        cur.and_then(|(f, n)| o.docs[f as usize].items(n).get(i).map(|&c| (f, c)));
                    at.push('/');
                    at.push_str(&i.to_string());
                    ids.push(self.origin_node(x, depth + 1, at, child, o)?);
                    at.truncate(mark);
                }
                let start = self.items.len() as u32;
                self.items.extend(ids);
                Kind::Seq {
                    start,
                    len: a.len() as u32,
                }
            }
            serde_json::Value::Object(m) => {
                let mut es = Vec::with_capacity(m.len());
                for (k, x) in m {
                    let entry =
                        cur.and_then(|(f, n)| o.docs[f as usize].entry(n, k).map(|e| (f, *e)));
                    at.push('/');
                    at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    let child = entry.map(|(f, e)| (f, e.value));
                    let value = self.origin_node(x, depth + 1, at, child, o)?;
                    at.truncate(mark);
                    let key = self.intern(k);
                    let kpos = entry.map_or(pos, |(file, e)| Pos { file, ..e.pos });
                    es.push(Entry {
                        key,
                        value,
                        pos: kpos,
                    });
                }
                let start = self.entries.len() as u32;
                self.entries.extend(es);
                let id = self.push_node(Kind::Null, pos);
                self.close_map(id, start, m.len() as u32);
                return Ok(id);
            }
            scalar => {
                let id = self.json_node(scalar, depth)?;
                self.nodes[id as usize].pos = pos;
                return Ok(id);
            }
        };
        Ok(self.push_node(kind, pos))
    }

    fn close_map(&mut self, id: NodeId, start: u32, len: u32) {
        self.nodes[id as usize].kind = Kind::Map { start, len };
        if len > 16 {
            let mut idx = HashMap::with_capacity(len as usize);
            for i in 0..len {
                let e = self.entries[(start + i) as usize];
                if idx.insert(e.key, i).is_some() {
                    let k = self.strings[e.key as usize].to_string();
                    self.fail(e.pos, format!("duplicate key {k:?}"));
                }
            }
            self.index.insert(id, idx);
        }
    }
}

/// YAML 1.2 core-schema numbers (plain scalars only).
fn number(s: &str) -> Option<Kind> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() {
        return None;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Kind::Int);
    }
    if let Some(oct) = body.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(Kind::Int);
    }
    if body.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<i64>() {
            Ok(i) => Some(Kind::Int(i)),
            Err(_) => s.parse::<f64>().ok().map(Kind::Float),
        };
    }
    let ok_chars = body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if ok_chars && body.bytes().any(|b| b.is_ascii_digit()) {
        return s.parse::<f64>().ok().map(Kind::Float);
    }
    None
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.err.is_some() {
            return;
        }
        let pos = marker_pos(&mark);
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let in_key_slot =
                    matches!(self.stack.last(), Some(f) if f.is_map && f.key.is_none());
                if in_key_slot {
                    let sym = self.intern(&value);
                    if let Some(top) = self.stack.last_mut() {
                        top.key = Some((sym, pos));
                        // Block mappings are reported where their first key is.
                        let node = &mut self.nodes[top.node as usize];
                        if pos < node.pos {
                            node.pos = pos;
                        }
                    }
                    return;
                }
                let tag_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let kind = self.scalar(&value, style, tag_str, pos);
                let id = self.push_node(kind, pos);
                if anchor > 0 {
                    self.anchors.insert(anchor, id);
                }
                self.attach(id, pos);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if matches!(self.stack.last(), Some(f) if f.is_map && f.key.is_none()) {
                    self.fail(pos, "complex mapping keys are not supported");
                    return;
                }
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(pos, format!("nesting deeper than {MAX_DEPTH} levels"));
                    return;
                }
                let is_map = matches!(ev, Event::MappingStart(..));
                let id = self.push_node(Kind::Null, pos);
                let start = if is_map {
                    self.pend_entries.len()
                } else {
                    self.pend_items.len()
                };
                self.stack.push(Frame {
                    node: id,
                    is_map,
                    anchor,
                    start,
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return;
                };
                if frame.is_map {
                    let start = self.entries.len() as u32;
                    let len = (self.pend_entries.len() - frame.start) as u32;
                    self.entries.extend(self.pend_entries.drain(frame.start..));
                    self.close_map(frame.node, start, len);
                } else {
                    let start = self.items.len() as u32;
                    let len = (self.pend_items.len() - frame.start) as u32;
                    self.items.extend(self.pend_items.drain(frame.start..));
                    self.nodes[frame.node as usize].kind = Kind::Seq { start, len };
                }
                if frame.anchor > 0 {
                    self.anchors.insert(frame.anchor, frame.node);
                }
                let npos = self.nodes[frame.node as usize].pos;
                self.attach(frame.node, npos);
            }
            Event::Alias(anchor) => {
                if matches!(self.stack.last(), Some(f) if f.is_map && f.key.is_none()) {
                    self.fail(pos, "aliases as mapping keys are not supported");
                    return;
                }
                match self.anchors.get(&anchor).copied() {
                    Some(id) => self.attach(id, pos),
                    None => self.fail(pos, "alias to an unknown or enclosing anchor"),
                }
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

// ---- multi-file specs, through the shared resolver (`crate::spec`) ----

impl From<crate::spec::Error> for Error {
    fn from(e: crate::spec::Error) -> Self {
        let file = e.file.display().to_string();
        match e.pointer {
            Some(p) if !p.is_empty() => Error::in_file(&file, format!("at {p}: {}", e.problem)),
            _ => Error::in_file(&file, e.problem),
        }
    }
}

/// A git revision as a [`crate::spec::Source`]: paths relative to the
/// current directory, as `git show REV:./PATH` reads them.
struct GitSource<'a> {
    rev: &'a str,
}

impl GitSource<'_> {
    fn spec(&self, path: &Path) -> String {
        let p = path.to_string_lossy();
        if p.starts_with("./") || p.starts_with("../") || p.starts_with('/') {
            format!("{}:{p}", self.rev)
        } else {
            format!("{}:./{p}", self.rev)
        }
    }

    fn object_type(&self, path: &Path) -> Option<String> {
        git(&["cat-file", "-t", &self.spec(path)])
            .ok()
            .map(|o| String::from_utf8_lossy(&o).trim().to_string())
    }
}

impl crate::spec::Source for GitSource<'_> {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let out = git(&["show", &self.spec(path)]).map_err(std::io::Error::other)?;
        String::from_utf8(out)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.object_type(path).as_deref() == Some("blob")
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.object_type(path).as_deref() == Some("tree")
    }
}

/// Whether a document has `$ref`s into other files (in positions the
/// OpenAPI grammar reads as objects).
fn has_external_refs(doc: &Doc) -> bool {
    use crate::spec::{Kind as SpecKind, Tree};
    doc.ref_sites("", SpecKind::Document).is_some_and(|sites| {
        sites
            .iter()
            .any(|s| !s.reference.starts_with('#') && !s.is_remote())
    })
}

/// The parsed files of a multi-file spec and where the bundle copied each
/// part from, for [`Builder::origin_node`].
struct Origins<'a> {
    docs: &'a [Doc],
    /// Pointer in the bundle → (file index, pointer in that file).
    jumps: HashMap<&'a str, (u32, String)>,
}

/// Nodes produced when a multi-file spec is turned into one value: a guard
/// against YAML aliases that expand without bound.
const MAX_BUNDLE_NODES: usize = 20_000_000;

fn to_value(doc: &Doc, node: NodeId, budget: &mut usize) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    if *budget == 0 {
        return Err("too large once YAML aliases are expanded".into());
    }
    *budget -= 1;
    Ok(match doc.kind(node) {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(b),
        Kind::Int(i) => Value::from(i),
        Kind::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        Kind::Str(s) => Value::String(doc.sym(s).to_string()),
        Kind::Seq { .. } => Value::Array(
            doc.items(node)
                .iter()
                .map(|&i| to_value(doc, i, budget))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Map { .. } => {
            let mut m = serde_json::Map::new();
            for e in doc.entries(node) {
                m.insert(doc.sym(e.key).to_string(), to_value(doc, e.value, budget)?);
            }
            Value::Object(m)
        }
    })
}

/// Reads and parses one input, following relative `$ref`s into other files
/// with the generator's resolver (`crate::spec`): a folder with `openapi.*`
/// as its root, or a file referring to others. Such a spec is bundled into
/// one document (its parts copied into `components` under the generator's
/// names), which loses line numbers: findings then name the file without a
/// position. A single-file spec is read as before, with positions. A remote
/// (`http(s)://`) `$ref` is not followed: it stays in the document, and
/// [`remote_refs`] lists it for the `api-remote-ref-not-followed` finding.
pub fn load_spec(input: &Input) -> Result<Doc, Error> {
    let (source, path): (Box<dyn crate::spec::Source + '_>, PathBuf) = match input {
        Input::File(p) => (Box::new(crate::spec::WorkingTree), p.clone()),
        Input::Git { rev, path } => (Box::new(GitSource { rev }), PathBuf::from(path)),
    };
    let name = input.display();
    if !source.is_dir(&path) {
        let doc = load(input)?;
        if !has_external_refs(&doc) {
            return Ok(doc);
        }
    }
    let root = crate::spec::find_root(source.as_ref(), &path)?;
    let shown = |p: &Path| match input {
        Input::File(_) => p.display().to_string(),
        Input::Git { rev, .. } => format!("{rev}:{}", p.display()),
    };
    // Every file parsed once, kept for positions; the resolver walks values.
    let mut docs: Vec<(PathBuf, Doc)> = Vec::new();
    let files =
        crate::spec::FileSet::load_skipping_remote(source.as_ref(), &root.file, |p, text| {
            let doc = parse(&shown(p), text)?;
            let mut budget = MAX_BUNDLE_NODES;
            let value = to_value(&doc, doc.root(), &mut budget)
                .map_err(|m| Error::in_file(&shown(p), m))?;
            docs.push((p.to_path_buf(), doc));
            Ok::<_, Error>(value)
        })?;
    let bundle = crate::spec::bundle::bundle_keeping_remote(&files)?;
    let index: HashMap<&Path, u32> = docs
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.as_path(), i as u32))
        .collect();
    let jumps = bundle
        .provenance
        .parts()
        .filter_map(|(at, file, origin)| Some((at, (*index.get(file)?, origin.to_string()))))
        .collect();
    let root_index = index.get(files.root()).copied().unwrap_or(0);
    let paths: Vec<String> = docs.iter().map(|(p, _)| shown(p)).collect();
    let docs: Vec<Doc> = docs.into_iter().map(|(_, d)| d).collect();
    let origins = Origins { docs: &docs, jumps };
    let mut b = Builder::new(0);
    let start = docs
        .get(root_index as usize)
        .map(|d| (root_index, d.root()));
    let root_node = b
        .origin_node(&bundle.doc, 0, &mut String::new(), start, &origins)
        .map_err(|m| Error::in_file(&name, m))?;
    let mut doc = b.finish(&name, root_node);
    doc.files = paths;
    Ok(doc)
}

/// A remote (`http(s)://`) `$ref` of a document: never fetched, so whatever
/// it points to is not compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteRef {
    /// The reference as written.
    pub url: String,
    /// Where it is written, as a dotted location (`paths./pets.get.responses.200`).
    pub location: String,
    /// Its position, when known.
    pub pos: Pos,
}

/// Every remote `$ref` of `doc` in positions the OpenAPI grammar reads as
/// objects (a `$ref` inside an example is data), once per URL, in document order.
pub fn remote_refs(doc: &Doc) -> Vec<RemoteRef> {
    use crate::spec::{Kind as SpecKind, Tree};
    let mut out: Vec<RemoteRef> = Vec::new();
    for site in doc.ref_sites("", SpecKind::Document).unwrap_or_default() {
        if !site.is_remote() || out.iter().any(|r| r.url == site.reference) {
            continue;
        }
        let holder = doc.pointer(&format!("#{}", site.at));
        let pos = holder.map_or(Pos::default(), |n| {
            doc.entry(n, "$ref").map_or(doc.pos(n), |e| e.pos)
        });
        let location = site
            .at
            .split('/')
            .skip(1)
            .map(|seg| seg.replace("~1", "/").replace("~0", "~"))
            .collect::<Vec<_>>()
            .join(".");
        out.push(RemoteRef {
            url: site.reference.clone(),
            location,
            pos,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecars_and_overlays_are_not_specs() {
        assert!(is_spec_file("specs/weavr-payment-run.yaml"));
        assert!(is_spec_file("specs/x.JSON"));
        assert!(!is_spec_file("specs/weavr-payment-run.paysdk.yaml"));
        assert!(!is_spec_file("specs/weavr-payment-run.overlay.yaml"));
        assert!(!is_spec_file("specs/README.md"));
    }

    /// The repository's own `specs/` holds sidecars and an overlay beside the two specs.
    #[test]
    fn the_repository_specs_dir_lists_only_specs() {
        let specs = list_dir(Path::new("specs")).expect("specs/ is listable");
        let names: Vec<String> = specs.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            ["specs/enfuce-customer.yaml", "specs/weavr-payment-run.yaml"],
        );
    }
}
