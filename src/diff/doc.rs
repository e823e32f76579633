//! A compact, immutable YAML/JSON document tree with a source position per node.
//!
//! Nodes live in one arena and strings are interned, so a parsed spec costs a
//! small multiple of its text size (the benchmark checks this). Aliases share
//! the anchored node instead of copying it, so the tree is a DAG.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// Index of a node in its [`Doc`].
pub type NodeId = u32;
/// Index of an interned string in its [`Doc`].
pub type Sym = u32;

/// A 1-based line and column in a source file; `0:0` means unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// Which file of a multi-file spec ([`Doc::file_name`]); 0 for a
    /// single-file spec.
    pub file: u32,
}

impl Pos {
    /// Whether the position is known.
    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

/// What a node holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// `null`, `~` or an empty value.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A non-integer number.
    Float(f64),
    /// A string.
    Str(Sym),
    /// A sequence: `len` items starting at `start` in the item table.
    Seq {
        /// First item index.
        start: u32,
        /// Number of items.
        len: u32,
    },
    /// A mapping: `len` entries starting at `start` in the entry table.
    Map {
        /// First entry index.
        start: u32,
        /// Number of entries.
        len: u32,
    },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeData {
    pub(crate) kind: Kind,
    pub(crate) pos: Pos,
}

/// One key/value pair of a mapping.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The interned key.
    pub key: Sym,
    /// The value node.
    pub value: NodeId,
    /// Where the key starts.
    pub pos: Pos,
}

/// Maps with more entries than this get a hash index, so lookups in `paths`
/// or `components/schemas` stay O(1) and the diff stays linear.
const INDEX_THRESHOLD: u32 = 16;

/// A parsed document.
#[derive(Debug)]
pub struct Doc {
    /// Display name of the source (file path or `rev:path`).
    pub name: String,
    pub(crate) nodes: Vec<NodeData>,
    pub(crate) items: Vec<NodeId>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) strings: Vec<Arc<str>>,
    pub(crate) lookup: HashMap<Arc<str>, Sym>,
    pub(crate) index: HashMap<NodeId, HashMap<Sym, u32>>,
    pub(crate) root: NodeId,
    /// The files of a multi-file spec, indexed by [`Pos::file`] (the root
    /// file first); empty for a single file, which is `name`.
    pub files: Vec<String>,
}

impl Doc {
    /// The file a position is in: for a multi-file spec, the file where
    /// that part is written.
    pub fn file_name(&self, pos: Pos) -> &str {
        self.files
            .get(pos.file as usize)
            .map_or(self.name.as_str(), String::as_str)
    }

    /// An input error at `pos`, naming the file it is in.
    pub fn error(&self, pos: Pos, message: impl Into<String>) -> super::Error {
        super::Error::at(self.file_name(pos), pos, message)
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The kind of `node`.
    pub fn kind(&self, node: NodeId) -> Kind {
        self.nodes[node as usize].kind
    }

    /// The source position of `node`.
    pub fn pos(&self, node: NodeId) -> Pos {
        self.nodes[node as usize].pos
    }

    /// The text of an interned string.
    pub fn sym(&self, sym: Sym) -> &str {
        &self.strings[sym as usize]
    }

    /// The string value of `node`, if it is a string.
    pub fn str(&self, node: NodeId) -> Option<&str> {
        match self.kind(node) {
            Kind::Str(s) => Some(self.sym(s)),
            _ => None,
        }
    }

    /// The boolean value of `node`, if it is a boolean.
    pub fn bool(&self, node: NodeId) -> Option<bool> {
        match self.kind(node) {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The numeric value of `node`, if it is a number.
    pub fn num(&self, node: NodeId) -> Option<f64> {
        match self.kind(node) {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }

    /// Whether `node` is a mapping.
    pub fn is_map(&self, node: NodeId) -> bool {
        matches!(self.kind(node), Kind::Map { .. })
    }

    /// The entries of a mapping (empty for other kinds).
    pub fn entries(&self, node: NodeId) -> &[Entry] {
        match self.kind(node) {
            Kind::Map { start, len } => &self.entries[start as usize..(start + len) as usize],
            _ => &[],
        }
    }

    /// The items of a sequence (empty for other kinds).
    pub fn items(&self, node: NodeId) -> &[NodeId] {
        match self.kind(node) {
            Kind::Seq { start, len } => &self.items[start as usize..(start + len) as usize],
            _ => &[],
        }
    }

    /// The entry for `key` in mapping `node`.
    pub fn entry(&self, node: NodeId, key: &str) -> Option<&Entry> {
        let Kind::Map { start, len } = self.kind(node) else {
            return None;
        };
        let sym = *self.lookup.get(key)?;
        if len > INDEX_THRESHOLD {
            let i = *self.index.get(&node)?.get(&sym)?;
            return self.entries.get((start + i) as usize);
        }
        self.entries(node).iter().find(|e| e.key == sym)
    }

    /// The value for `key` in mapping `node`.
    pub fn get(&self, node: NodeId, key: &str) -> Option<NodeId> {
        self.entry(node, key).map(|e| e.value)
    }

    /// The string value for `key` in mapping `node`.
    pub fn get_str(&self, node: NodeId, key: &str) -> Option<&str> {
        self.get(node, key).and_then(|v| self.str(v))
    }

    /// The boolean value for `key` in mapping `node`.
    pub fn get_bool(&self, node: NodeId, key: &str) -> Option<bool> {
        self.get(node, key).and_then(|v| self.bool(v))
    }

    /// Resolves a local JSON pointer such as `#/components/schemas/Pet`.
    pub fn pointer(&self, pointer: &str) -> Option<NodeId> {
        let rest = pointer.strip_prefix('#')?;
        let mut node = self.root;
        if rest.is_empty() {
            return Some(node);
        }
        for raw in rest.strip_prefix('/')?.split('/') {
            let seg = unescape_pointer(raw);
            node = match self.kind(node) {
                Kind::Map { .. } => self.get(node, &seg)?,
                Kind::Seq { .. } => *self.items(node).get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Renders `node` as compact JSON (used for defaults and enum values).
    pub fn render(&self, node: NodeId) -> String {
        let mut out = String::new();
        self.render_into(node, &mut out, 0);
        out
    }

    fn render_into(&self, node: NodeId, out: &mut String, depth: u32) {
        // Depth is bounded by the loader, but aliases can still fan out: cap output.
        if depth > 64 || out.len() > 4096 {
            out.push('…');
            return;
        }
        match self.kind(node) {
            Kind::Null => out.push_str("null"),
            Kind::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Kind::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Kind::Float(f) => {
                let _ = write!(out, "{f}");
            }
            Kind::Str(s) => {
                let _ = write!(out, "{:?}", self.sym(s));
            }
            Kind::Seq { .. } => {
                out.push('[');
                for (i, item) in self.items(node).iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.render_into(*item, out, depth + 1);
                }
                out.push(']');
            }
            Kind::Map { .. } => {
                out.push('{');
                let mut entries: Vec<&Entry> = self.entries(node).iter().collect();
                entries.sort_by(|a, b| self.sym(a.key).cmp(self.sym(b.key)));
                for (i, e) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{:?}:", self.sym(e.key));
                    self.render_into(e.value, out, depth + 1);
                }
                out.push('}');
            }
        }
    }

    /// Renders a scalar for messages: strings bare, everything else as JSON.
    pub fn scalar_text(&self, node: NodeId) -> String {
        match self.kind(node) {
            Kind::Str(s) => self.sym(s).to_string(),
            _ => self.render(node),
        }
    }
}

/// Decodes `~1` and `~0` and percent-escapes in a JSON pointer segment.
pub fn unescape_pointer(raw: &str) -> String {
    let decoded = percent_decode(raw);
    decoded.replace("~1", "/").replace("~0", "~")
}

fn percent_decode(raw: &str) -> String {
    if !raw.contains('%') {
        return raw.to_string();
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The shared spec module's view of a [`Doc`], so its OpenAPI grammar table
/// decides which `$ref`s are references (not data inside examples).
impl crate::spec::Tree for Doc {
    type Node<'a> = NodeId;

    fn root(&self) -> NodeId {
        self.root
    }

    fn get(&self, node: NodeId, key: &str) -> Option<NodeId> {
        Doc::get(self, node, key)
    }

    fn item(&self, node: NodeId, index: usize) -> Option<NodeId> {
        self.items(node).get(index).copied()
    }

    fn for_each_entry(&self, node: NodeId, f: &mut dyn FnMut(&str, NodeId)) {
        for e in self.entries(node) {
            f(self.sym(e.key), e.value);
        }
    }

    fn for_each_item(&self, node: NodeId, f: &mut dyn FnMut(NodeId)) {
        for &i in self.items(node) {
            f(i);
        }
    }

    fn as_str(&self, node: NodeId) -> Option<&str> {
        self.str(node)
    }

    fn is_list(&self, node: NodeId) -> bool {
        matches!(self.kind(node), Kind::Seq { .. })
    }
}
