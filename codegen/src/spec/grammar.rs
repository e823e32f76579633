//! Which positions of an OpenAPI document hold objects (and so may hold a `$ref`), and which
//! hold data. One table, [`child`], read by every walk: the file walk, the bundler, the
//! `$ref` checks and the 3.1 down-conversion; `spec-diff` walks its own tree with it through
//! [`Tree`].
//!
//! Data is never walked: `example`, `examples` (except the map of Example Objects, whose
//! entries may be `$ref`s; their `value` is data), `default`, `enum`, `const`, and `x-`
//! extensions other than `x-webhooks`. A property named `example` is still a schema: keys are
//! read by the kind of object they sit in.

use super::Error;
use super::reference::{Reference, Target, escape_segment, unescape_segment};
use std::path::Path;

/// The kind of object at a position of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The document root.
    Document,
    /// `components`.
    Components,
    /// A Path Item (under `paths`, `webhooks`, `x-webhooks`, callbacks, `components/pathItems`).
    PathItem,
    /// An Operation.
    Operation,
    /// A Parameter.
    Parameter,
    /// A Request Body.
    RequestBody,
    /// The Responses map of an operation.
    Responses,
    /// A Response.
    Response,
    /// A Media Type (an entry of `content`).
    MediaType,
    /// An Encoding.
    Encoding,
    /// A Header.
    Header,
    /// An Example Object (its `value` is data).
    Example,
    /// A Link.
    Link,
    /// A Callback (a map of expressions to Path Items).
    Callback,
    /// A Security Scheme.
    SecurityScheme,
    /// A Schema.
    Schema,
    /// A discriminator, whose `mapping` values are references to schemas.
    Discriminator,
}

impl Kind {
    /// The `components` section objects of this kind are bundled into, if any.
    pub fn components_key(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }
}

/// What a key of an object holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One object of the kind (a list of them for a schema's array-form `items`).
    One(Kind),
    /// A map of names to objects of the kind.
    Map(Kind),
    /// A list of objects of the kind.
    List(Kind),
    /// A map whose string values are references to objects of the kind.
    RefStrings(Kind),
}

const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// What `key` holds in an object of kind `parent`; `None` for data and unknown keys.
pub fn child(parent: Kind, key: &str) -> Option<Shape> {
    use Kind as K;
    use Shape as S;
    Some(match (parent, key) {
        (K::Document, "paths" | "webhooks" | "x-webhooks") => S::Map(K::PathItem),
        (K::Document, "components") => S::One(K::Components),
        (K::Components, "pathItems") => S::Map(K::PathItem),
        (K::Components, k) => S::Map(component_kind(k)?),
        (K::PathItem, "parameters") => S::List(K::Parameter),
        (K::PathItem, "additionalOperations") => S::Map(K::Operation),
        (K::PathItem, m) if METHODS.contains(&m) => S::One(K::Operation),
        (K::Operation, "parameters") => S::List(K::Parameter),
        (K::Operation, "requestBody") => S::One(K::RequestBody),
        (K::Operation, "responses") => S::One(K::Responses),
        (K::Operation, "callbacks") => S::Map(K::Callback),
        (K::Responses, k) if !k.starts_with("x-") => S::One(K::Response),
        (K::Response, "headers") | (K::Encoding, "headers") => S::Map(K::Header),
        (K::Response, "content")
        | (K::RequestBody, "content")
        | (K::Parameter, "content")
        | (K::Header, "content") => S::Map(K::MediaType),
        (K::Response, "links") => S::Map(K::Link),
        (K::Parameter | K::Header | K::MediaType, "schema") => S::One(K::Schema),
        (K::MediaType, "itemSchema") => S::One(K::Schema),
        (K::Parameter | K::Header | K::MediaType, "examples") => S::Map(K::Example),
        (K::MediaType, "encoding") => S::Map(K::Encoding),
        (K::Callback, k) if !k.starts_with("x-") => S::One(K::PathItem),
        (K::Schema, "properties" | "patternProperties" | "$defs" | "definitions") => {
            S::Map(K::Schema)
        }
        (K::Schema, "dependentSchemas") => S::Map(K::Schema),
        (
            K::Schema,
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "additionalItems"
            | "contentSchema",
        ) => S::One(K::Schema),
        (K::Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => S::List(K::Schema),
        (K::Schema, "discriminator") => S::One(K::Discriminator),
        (K::Discriminator, "mapping") => S::RefStrings(K::Schema),
        _ => return None,
    })
}

fn component_kind(key: &str) -> Option<Kind> {
    Some(match key {
        "schemas" => Kind::Schema,
        "parameters" => Kind::Parameter,
        "requestBodies" => Kind::RequestBody,
        "responses" => Kind::Response,
        "headers" => Kind::Header,
        "examples" => Kind::Example,
        "links" => Kind::Link,
        "callbacks" => Kind::Callback,
        "securitySchemes" => Kind::SecurityScheme,
        _ => return None,
    })
}

/// Whether a discriminator mapping value is a reference rather than a bare schema name.
pub fn mapping_is_reference(value: &str) -> bool {
    value.contains('#') || value.contains('/') || super::is_spec_file(Path::new(value))
}

/// A parsed document as a tree of maps, lists and strings, whatever its parser.
pub trait Tree {
    /// A handle on one node.
    type Node<'a>: Copy
    where
        Self: 'a;
    /// The root node.
    fn root(&self) -> Self::Node<'_>;
    /// The value of `key`, if `node` is a map that has it.
    fn get<'a>(&'a self, node: Self::Node<'a>, key: &str) -> Option<Self::Node<'a>>;
    /// Item `index`, if `node` is a list that long.
    fn item<'a>(&'a self, node: Self::Node<'a>, index: usize) -> Option<Self::Node<'a>>;
    /// Calls `f` for every entry of a map, in order (nothing for other nodes).
    fn for_each_entry<'a>(&'a self, node: Self::Node<'a>, f: &mut dyn FnMut(&str, Self::Node<'a>));
    /// Calls `f` for every item of a list, in order (nothing for other nodes).
    fn for_each_item<'a>(&'a self, node: Self::Node<'a>, f: &mut dyn FnMut(Self::Node<'a>));
    /// The text of a string node.
    fn as_str<'a>(&'a self, node: Self::Node<'a>) -> Option<&'a str>;
    /// Whether `node` is a list.
    fn is_list<'a>(&'a self, node: Self::Node<'a>) -> bool;

    /// The node at a JSON pointer (`""` is the root).
    fn lookup(&self, pointer: &str) -> Option<Self::Node<'_>> {
        let mut node = self.root();
        if pointer.is_empty() {
            return Some(node);
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let seg = unescape_segment(raw);
            node = if self.is_list(node) {
                self.item(node, seg.parse().ok()?)?
            } else {
                self.get(node, &seg)?
            };
        }
        Some(node)
    }

    /// Every reference in the subtree at `pointer` read as `kind`, or `None` if nothing is
    /// there.
    fn ref_sites(&self, pointer: &str, kind: Kind) -> Option<Vec<RefSite>> {
        let node = self.lookup(pointer)?;
        let mut out = Vec::new();
        let mut at = pointer.to_string();
        walk(self, node, kind, &mut at, &mut out);
        Some(out)
    }
}

/// One reference found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefSite {
    /// Pointer to the object holding `$ref`, or to the mapping value for a discriminator.
    pub at: String,
    /// The reference as written.
    pub reference: String,
    /// The kind of object the reference stands for.
    pub kind: Kind,
    /// Whether it is a discriminator mapping value rather than a `$ref`.
    pub mapping: bool,
}

impl RefSite {
    /// Whether the reference is remote (`http(s)://`), which is never fetched.
    pub fn is_remote(&self) -> bool {
        matches!(Reference::parse(&self.reference), Ok(Reference::Remote(_)))
    }

    /// Pointer to the reference string itself (`…/$ref`, or the mapping value).
    pub fn ref_pointer(&self) -> String {
        if self.mapping {
            self.at.clone()
        } else {
            format!("{}/$ref", self.at)
        }
    }

    /// Where the reference points, read from the file `referring`; a remote or malformed
    /// reference is an error at the reference.
    pub fn target(&self, referring: &Path) -> Result<Target, Error> {
        let parsed = Reference::parse(&self.reference)
            .map_err(|p| Error::at(referring, &self.ref_pointer(), p))?;
        parsed.resolve(referring).ok_or_else(|| {
            Error::at(
                referring,
                &self.ref_pointer(),
                format!(
                    "remote $ref '{}' is not supported: the build never downloads; save the \
                     file next to the spec and refer to it by a relative path",
                    self.reference
                ),
            )
        })
    }
}

fn walk<'a, T: Tree + ?Sized>(
    tree: &'a T,
    node: T::Node<'a>,
    kind: Kind,
    at: &mut String,
    out: &mut Vec<RefSite>,
) {
    if let Some(reference) = tree.get(node, "$ref").and_then(|r| tree.as_str(r)) {
        out.push(RefSite {
            at: at.clone(),
            reference: reference.to_string(),
            kind,
            mapping: false,
        });
        // Siblings of a schema `$ref` are schema keywords (3.1) and walked; other objects'
        // siblings are summary and description.
        if kind != Kind::Schema {
            return;
        }
    }
    let mut entries = Vec::new();
    tree.for_each_entry(node, &mut |k, v| entries.push((k.to_string(), v)));
    for (key, value) in entries {
        let Some(shape) = child(kind, &key) else {
            continue;
        };
        let len = at.len();
        at.push('/');
        at.push_str(&escape_segment(&key));
        match shape {
            Shape::One(k) if tree.is_list(value) => walk_list(tree, value, k, at, out),
            Shape::One(k) => walk(tree, value, k, at, out),
            Shape::List(k) => walk_list(tree, value, k, at, out),
            Shape::Map(k) => {
                let mut members = Vec::new();
                tree.for_each_entry(value, &mut |name, v| members.push((name.to_string(), v)));
                for (name, v) in members {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&escape_segment(&name));
                    walk(tree, v, k, at, out);
                    at.truncate(len);
                }
            }
            Shape::RefStrings(k) => {
                tree.for_each_entry(value, &mut |name, v| {
                    if let Some(s) = tree.as_str(v).filter(|s| mapping_is_reference(s)) {
                        out.push(RefSite {
                            at: format!("{at}/{}", escape_segment(name)),
                            reference: s.to_string(),
                            kind: k,
                            mapping: true,
                        });
                    }
                });
            }
        }
        at.truncate(len);
    }
}

fn walk_list<'a, T: Tree + ?Sized>(
    tree: &'a T,
    list: T::Node<'a>,
    kind: Kind,
    at: &mut String,
    out: &mut Vec<RefSite>,
) {
    let mut items = Vec::new();
    tree.for_each_item(list, &mut |v| items.push(v));
    for (i, v) in items.into_iter().enumerate() {
        let len = at.len();
        at.push('/');
        at.push_str(&i.to_string());
        walk(tree, v, kind, at, out);
        at.truncate(len);
    }
}

impl Tree for serde_json::Value {
    type Node<'a> = &'a serde_json::Value;

    fn root(&self) -> &serde_json::Value {
        self
    }

    fn get<'a>(&'a self, node: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
        node.as_object()?.get(key)
    }

    fn item<'a>(
        &'a self,
        node: &'a serde_json::Value,
        index: usize,
    ) -> Option<&'a serde_json::Value> {
        node.as_array()?.get(index)
    }

    fn for_each_entry<'a>(
        &'a self,
        node: &'a serde_json::Value,
        f: &mut dyn FnMut(&str, &'a serde_json::Value),
    ) {
        if let Some(map) = node.as_object() {
            for (k, v) in map {
                f(k, v);
            }
        }
    }

    fn for_each_item<'a>(
        &'a self,
        node: &'a serde_json::Value,
        f: &mut dyn FnMut(&'a serde_json::Value),
    ) {
        if let Some(items) = node.as_array() {
            items.iter().for_each(f);
        }
    }

    fn as_str<'a>(&'a self, node: &'a serde_json::Value) -> Option<&'a str> {
        node.as_str()
    }

    fn is_list<'a>(&'a self, node: &'a serde_json::Value) -> bool {
        node.is_array()
    }
}

/// Calls `f` on every object of kind `want` in `value` (read as `kind`, found at `at`),
/// outermost first; `f` may rewrite the object, and what it leaves is walked.
pub fn visit_mut(
    value: &mut serde_json::Value,
    kind: Kind,
    want: Kind,
    at: &mut String,
    f: &mut dyn FnMut(&mut serde_json::Map<String, serde_json::Value>, &str),
) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    if kind == want {
        f(map, at);
    }
    if map.contains_key("$ref") && kind != Kind::Schema {
        return;
    }
    for (key, value) in map.iter_mut() {
        let Some(shape) = child(kind, key) else {
            continue;
        };
        let len = at.len();
        at.push('/');
        at.push_str(&escape_segment(key));
        match (shape, value) {
            (Shape::One(k) | Shape::List(k), serde_json::Value::Array(items)) => {
                for (i, v) in items.iter_mut().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    visit_mut(v, k, want, at, f);
                    at.truncate(len);
                }
            }
            (Shape::One(k), v) => visit_mut(v, k, want, at, f),
            (Shape::Map(k), serde_json::Value::Object(members)) => {
                for (name, v) in members.iter_mut() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&escape_segment(name));
                    visit_mut(v, k, want, at, f);
                    at.truncate(len);
                }
            }
            _ => {}
        }
        at.truncate(len);
    }
}
