//! Schema interpretation and the direction-aware schema diff.
//!
//! Normalisations that keep equivalent specs equal:
//! - `$ref` is followed, so a schema moved inline ↔ `components` is unchanged;
//! - 3.0 `nullable: true`, 3.1 `type: [T, "null"]`, `enum: [.., null]` and a
//!   pure `oneOf`/`anyOf: [{type: "null"}, T]` wrap all mean "nullable";
//! - a single-member `allOf` wrapper (used to annotate a `$ref`) is transparent;
//! - `allOf` members' properties are flattened into the parent object;
//! - subschemas of `oneOf`/`anyOf`/`allOf` match by `$ref` name, then `title`,
//!   then by having no differences (inline ↔ `$ref`), then one-for-one.
//!
//! Diffs of schemas reached through `$ref` are memoised per
//! `(base node, revision node, direction)`, which keeps the whole diff linear in
//! the size of the specs, and a pair already being compared further up the
//! stack counts as equal, which makes circular schemas terminate.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::Direction;
use super::doc::{Doc, Kind, NodeId, Pos};

/// Beyond this nesting (through `$ref`s and inline schemas) comparison stops.
const MAX_DEPTH: u32 = 96;

/// Which composition keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comp {
    /// `oneOf`.
    OneOf,
    /// `anyOf`.
    AnyOf,
    /// `allOf`.
    AllOf,
}

impl Comp {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Comp::OneOf => "oneOf",
            Comp::AnyOf => "anyOf",
            Comp::AllOf => "allOf",
        }
    }
}

/// How a bound changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// A bound appeared where there was none.
    Set,
    /// An existing bound became stricter (or a pattern was added).
    Tightened,
    /// A bound became laxer or disappeared.
    Loosened,
}

/// One structural difference between two schemas.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaChange {
    /// Type or format changed (`from`/`to` are display strings).
    TypeChanged {
        /// Old type.
        from: String,
        /// New type.
        to: String,
    },
    /// A value was removed from `enum`.
    EnumValueRemoved(String),
    /// A value was added to `enum`.
    EnumValueAdded(String),
    /// The schema gained an `enum`.
    BecameEnum,
    /// Nullability changed.
    NullableChanged {
        /// Whether it is nullable now.
        now: bool,
    },
    /// `default` added, changed or removed.
    DefaultChanged {
        /// Old default.
        from: Option<String>,
        /// New default.
        to: Option<String>,
    },
    /// A numeric bound or `pattern` changed.
    Constraint {
        /// The keyword (`maxLength`, `minimum`, `pattern`, ...).
        keyword: &'static str,
        /// Old value.
        from: Option<String>,
        /// New value.
        to: Option<String>,
        /// Direction of the change.
        effect: Effect,
    },
    /// `pattern` replaced by another pattern.
    PatternChanged {
        /// Old pattern.
        from: String,
        /// New pattern.
        to: String,
    },
    /// A property appeared.
    PropertyAdded {
        /// Whether it is required.
        required: bool,
    },
    /// A property disappeared.
    PropertyRemoved {
        /// Whether it was required.
        required: bool,
        /// Its `x-sunset` date, when that date is still in the future.
        before_sunset: Option<String>,
    },
    /// A property's requiredness flipped.
    RequiredChanged {
        /// Whether it is required now.
        now: bool,
    },
    /// A property became `readOnly` (leaves requests).
    BecameReadOnly,
    /// A property became `writeOnly` (leaves responses).
    BecameWriteOnly,
    /// A subschema was added to a composition.
    VariantAdded {
        /// Which keyword.
        comp: Comp,
        /// The subschema's label.
        label: String,
    },
    /// A subschema was removed from a composition.
    VariantRemoved {
        /// Which keyword.
        comp: Comp,
        /// The subschema's label.
        label: String,
    },
    /// The discriminator changed.
    DiscriminatorChanged(String),
    /// `additionalProperties: false` was lifted.
    AdditionalPropertiesOpened,
    /// `additionalProperties: false` was set.
    AdditionalPropertiesClosed,
    /// A body schema was replaced by a `oneOf` of alternatives.
    WrappedInOneOf,
    /// `const` set, changed or removed.
    ConstChanged {
        /// Old value.
        from: Option<String>,
        /// New value.
        to: Option<String>,
    },
    /// A JSON Schema 2020-12 applicator or validation keyword (`contains`,
    /// `prefixItems`, `dependentRequired`, `patternProperties`, `not`, ...)
    /// or one of its entries appeared, disappeared or changed.
    Keyword {
        /// The keyword.
        keyword: &'static str,
        /// What changed (`contains added`, `dependentRequired[card] gained cvc`).
        detail: String,
        /// `Set`: a constraint appeared or grew; `Loosened`: one disappeared;
        /// `Tightened`: changed in a way that cannot be ordered.
        effect: Effect,
    },
    /// `contentMediaType` or `contentEncoding` changed.
    ContentChanged {
        /// The keyword.
        keyword: &'static str,
        /// Old value.
        from: Option<String>,
        /// New value.
        to: Option<String>,
    },
    /// The schema was marked `deprecated: true`.
    BecameDeprecated,
    /// `deprecated: true` was taken back.
    Reactivated,
    /// `x-stability-level` decreased (`stable` > `beta` > `alpha` > `draft`).
    StabilityDecreased {
        /// Old level.
        from: String,
        /// New level.
        to: String,
    },
}

/// Rank of an `x-stability-level` (absent = stable).
pub fn stability_rank(level: Option<&str>) -> u8 {
    match level {
        Some("draft") => 0,
        Some("alpha") => 1,
        Some("beta") => 2,
        _ => 3,
    }
}

/// Which spec a position refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The old spec.
    Base,
    /// The new spec.
    Revision,
}

/// A change at a node, optionally at a named property below it.
#[derive(Clone, Debug)]
pub struct Located {
    /// Property name below the node, for property-level changes.
    pub sub: Option<String>,
    /// The change.
    pub change: SchemaChange,
    /// Which file `pos` is in.
    pub side: Side,
    /// Source position.
    pub pos: Pos,
}

/// A step from a schema to a subschema.
#[derive(Clone, Debug)]
pub enum Seg {
    /// A property.
    Prop(String),
    /// Array items.
    Items,
    /// `additionalProperties`.
    Additional,
    /// A matched `oneOf`/`anyOf` subschema.
    Variant(Comp, String),
    /// The subschema of a JSON Schema keyword (`contains`, `if`, ...), or one
    /// entry of it (`patternProperties` pattern, `prefixItems` index).
    Keyword(&'static str, Option<String>),
}

/// How a location inside a schema is spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// Inside an operation: `.name`, `[]`, `{*}`, `<oneOf:x>`, `<contains>`.
    Operation,
    /// In the schema's own terms, for shared schemas: `.properties.name`,
    /// `.items`, `.additionalProperties`, `.oneOf[x]`, `.contains`.
    Document,
}

/// Appends a property step (`.name`, or `.properties.name`).
pub fn push_prop(loc: &mut String, name: &str, spelling: Spelling) {
    loc.push_str(match spelling {
        Spelling::Operation => ".",
        Spelling::Document => ".properties.",
    });
    loc.push_str(name);
}

impl Seg {
    /// Appends this step to a location string.
    pub fn push_to(&self, loc: &mut String, spelling: Spelling) {
        let doc = spelling == Spelling::Document;
        // (opening, separator before an entry, closing) of a bracketed step.
        let (open, sep, close) = if doc {
            (".", "[", "]")
        } else {
            ("<", ":", ">")
        };
        match self {
            Seg::Prop(name) => push_prop(loc, name, spelling),
            Seg::Items => loc.push_str(if doc { ".items" } else { "[]" }),
            Seg::Additional => loc.push_str(if doc { ".additionalProperties" } else { "{*}" }),
            Seg::Variant(comp, label) => {
                let label = if doc {
                    label.trim_start_matches('#')
                } else {
                    label
                };
                for part in [open, comp.as_str(), sep, label, close] {
                    loc.push_str(part);
                }
            }
            Seg::Keyword(kw, entry) => {
                loc.push_str(open);
                loc.push_str(kw);
                if let Some(e) = entry {
                    loc.push_str(sep);
                    loc.push_str(e);
                    if doc {
                        loc.push_str(close);
                    }
                }
                if !doc {
                    loc.push_str(close);
                }
            }
        }
    }
}

/// A schema reached through `$ref` in the revision: its changes are reported
/// once, at its own location, for every operation that uses it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Boundary {
    /// The base schema node.
    pub base: NodeId,
    /// The revision schema node.
    pub node: NodeId,
    /// The direction it was compared in.
    pub dir: Direction,
    /// Its location (`components.schemas.Card`).
    pub location: String,
}

/// The differences between two schemas, as a tree sharing memoised subtrees.
#[derive(Debug, Default)]
pub struct SchemaDiff {
    /// Changes at this node.
    pub changes: Vec<Located>,
    /// Differences below (`None` = at this same location).
    pub children: Vec<(Option<Seg>, Rc<SchemaDiff>)>,
    /// Set when this is the diff of a schema reached through `$ref`.
    pub boundary: Option<Boundary>,
}

/// A schema after following `$ref`s and transparent wrappers.
#[derive(Clone, Debug)]
pub struct View {
    /// The schema node.
    pub node: NodeId,
    /// Nullable by any of the equivalent spellings.
    pub nullable: bool,
    /// Nullable by the wrappers in front of `node` (`$ref` siblings, null wraps).
    pub wrap_nullable: bool,
    /// `readOnly` anywhere on the chain.
    pub read_only: bool,
    /// `writeOnly` anywhere on the chain.
    pub write_only: bool,
    /// The first `default` on the chain.
    pub default: Option<NodeId>,
    /// The first `default` on the wrappers in front of `node`.
    pub wrap_default: Option<NodeId>,
    /// An external or unresolvable `$ref`, compared by its text.
    pub opaque: Option<String>,
    /// Reached through a `$ref` (only those are memoised).
    pub via_ref: bool,
    /// The last local `$ref` followed (`#/components/schemas/Card`).
    pub pointer: Option<String>,
}

const ANNOTATIONS: [&str; 12] = [
    "description",
    "title",
    "example",
    "examples",
    "deprecated",
    "externalDocs",
    "nullable",
    "readOnly",
    "writeOnly",
    "default",
    "xml",
    "$comment",
];

fn only_annotations(doc: &Doc, node: NodeId, except: &str) -> bool {
    doc.entries(node).iter().all(|e| {
        let k = doc.sym(e.key);
        k == except || k.starts_with("x-") || ANNOTATIONS.contains(&k)
    })
}

fn is_null_schema(doc: &Doc, node: NodeId) -> bool {
    match doc.get(node, "type") {
        Some(t) => match doc.kind(t) {
            Kind::Str(_) => doc.str(t) == Some("null"),
            Kind::Seq { .. } => doc.items(t).iter().all(|&x| doc.str(x) == Some("null")),
            _ => false,
        },
        None => doc
            .get(node, "enum")
            .is_some_and(|e| doc.items(e).iter().all(|&x| doc.kind(x) == Kind::Null)),
    }
}

/// Follows `$ref`s, null wraps and single-`allOf` wrappers.
pub fn resolve(doc: &Doc, node: NodeId) -> View {
    let mut v = View {
        node,
        nullable: false,
        wrap_nullable: false,
        read_only: false,
        write_only: false,
        default: None,
        wrap_default: None,
        opaque: None,
        via_ref: false,
        pointer: None,
    };
    for _ in 0..64 {
        let n = v.node;
        if !doc.is_map(n) {
            break;
        }
        v.read_only |= doc.get_bool(n, "readOnly") == Some(true);
        v.write_only |= doc.get_bool(n, "writeOnly") == Some(true);
        let mut null_wrap = false;
        let mut next = None;
        if let Some(r) = doc.get_str(n, "$ref") {
            match r.starts_with('#').then(|| doc.pointer(r)).flatten() {
                Some(t) => {
                    next = Some(t);
                    v.via_ref = true;
                    v.pointer = Some(r.to_string());
                }
                None => {
                    v.opaque = Some(r.to_string());
                    break;
                }
            }
        }
        for comp in ["oneOf", "anyOf"] {
            if next.is_some() {
                break;
            }
            if let Some(list) = doc.get(n, comp) {
                let items = doc.items(list);
                if items.len() == 2 && only_annotations(doc, n, comp) {
                    let nulls: Vec<bool> = items.iter().map(|&i| is_null_schema(doc, i)).collect();
                    if nulls[0] != nulls[1] {
                        null_wrap = true;
                        next = Some(if nulls[0] { items[1] } else { items[0] });
                    }
                }
            }
        }
        if next.is_none()
            && let Some(list) = doc.get(n, "allOf")
            && doc.items(list).len() == 1
            && only_annotations(doc, n, "allOf")
        {
            next = Some(doc.items(list)[0]);
        }
        let Some(x) = next else { break };
        // `n` is a wrapper: what it says applies to this use only.
        v.wrap_nullable |= null_wrap || doc.get_bool(n, "nullable") == Some(true);
        if v.wrap_default.is_none() {
            v.wrap_default = doc.get(n, "default");
        }
        v.node = x;
    }
    let f = v.node;
    let own_nullable =
        doc.is_map(f) && (doc.get_bool(f, "nullable") == Some(true) || type_includes_null(doc, f));
    v.nullable = v.wrap_nullable || own_nullable;
    v.default = v.wrap_default.or_else(|| doc.get(f, "default"));
    v
}

/// The nullability and `default` a schema node states itself.
fn own_nullable_default(doc: &Doc, n: NodeId) -> (bool, Option<String>) {
    if !doc.is_map(n) {
        return (false, None);
    }
    let nullable = doc.get_bool(n, "nullable") == Some(true) || type_includes_null(doc, n);
    (nullable, doc.get(n, "default").map(|d| doc.render(d)))
}

/// `#/components/schemas/Card` → `components.schemas.Card`.
pub fn pointer_location(pointer: &str) -> String {
    let rest = pointer.trim_start_matches('#').trim_start_matches('/');
    rest.split('/')
        .map(super::doc::unescape_pointer)
        .collect::<Vec<_>>()
        .join(".")
}

fn type_includes_null(doc: &Doc, node: NodeId) -> bool {
    let in_type = doc
        .get(node, "type")
        .is_some_and(|t| doc.items(t).iter().any(|&x| doc.str(x) == Some("null")));
    let in_enum = doc
        .get(node, "enum")
        .is_some_and(|e| doc.items(e).iter().any(|&x| doc.kind(x) == Kind::Null));
    in_type || in_enum
}

/// Label of a subschema: its `$ref` name, else its `title`.
fn label_of(doc: &Doc, node: NodeId) -> Option<String> {
    if let Some(r) = doc.get_str(node, "$ref") {
        return Some(r.rsplit('/').next().unwrap_or(r).to_string());
    }
    doc.get_str(node, "title").map(str::to_string)
}

const T_STRING: u8 = 1;
const T_INTEGER: u8 = 2;
const T_NUMBER: u8 = 4;
const T_BOOLEAN: u8 = 8;
const T_ARRAY: u8 = 16;
const T_OBJECT: u8 = 32;
const TYPE_NAMES: [(u8, &str); 6] = [
    (T_STRING, "string"),
    (T_INTEGER, "integer"),
    (T_NUMBER, "number"),
    (T_BOOLEAN, "boolean"),
    (T_ARRAY, "array"),
    (T_OBJECT, "object"),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Additional {
    Open,
    Closed,
    Schema(NodeId),
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Bound {
    value: f64,
    exclusive: bool,
}

/// What one schema node says, with `allOf` members' properties merged in.
#[derive(Debug)]
struct Facts {
    types: u8,
    format: Option<String>,
    enum_vals: Option<Vec<String>>,
    extensible_enum: bool,
    bounds: [Option<Bound>; 10],
    pattern: Option<String>,
    props: Vec<(String, NodeId, Pos)>,
    required: HashSet<String>,
    items: Option<NodeId>,
    additional: Additional,
    one_of: Vec<NodeId>,
    any_of: Vec<NodeId>,
    all_of: Vec<NodeId>,
    discriminator: Option<(String, Vec<(String, String)>)>,
}

/// `(keyword, is an upper bound)` in the order of `Facts::bounds`.
const BOUNDS: [(&str, bool); 10] = [
    ("maxLength", true),
    ("minLength", false),
    ("maximum", true),
    ("minimum", false),
    ("maxItems", true),
    ("minItems", false),
    ("maxProperties", true),
    ("minProperties", false),
    ("maxContains", true),
    ("minContains", false),
];

fn facts(doc: &Doc, node: NodeId) -> Facts {
    let mut f = Facts {
        types: 0,
        format: None,
        enum_vals: None,
        extensible_enum: false,
        bounds: [None; 10],
        pattern: None,
        props: Vec::new(),
        required: HashSet::new(),
        items: None,
        additional: Additional::Open,
        one_of: Vec::new(),
        any_of: Vec::new(),
        all_of: Vec::new(),
        discriminator: None,
    };
    if !doc.is_map(node) {
        return f;
    }
    f.types = own_types(doc, node);
    f.format = doc.get_str(node, "format").map(str::to_string);
    let enum_node = doc
        .get(node, "enum")
        .or_else(|| doc.get(node, "x-extensible-enum"));
    f.extensible_enum = doc.get(node, "enum").is_none() && enum_node.is_some();
    if let Some(e) = enum_node {
        f.enum_vals = Some(
            doc.items(e)
                .iter()
                .filter(|&&x| doc.kind(x) != Kind::Null)
                .map(|&x| doc.scalar_text(x))
                .collect(),
        );
    }
    for (i, (kw, is_max)) in BOUNDS.iter().enumerate() {
        let Some(value) = doc.get(node, kw).and_then(|v| doc.num(v)) else {
            continue;
        };
        let excl_kw = if *is_max {
            "exclusiveMaximum"
        } else {
            "exclusiveMinimum"
        };
        let exclusive = (2..4).contains(&i) && doc.get_bool(node, excl_kw) == Some(true);
        // A zero minimum length or item count says nothing.
        // (`minContains` defaults to 1, so its 0 does say something.)
        if !is_max && i != 3 && i != 9 && value == 0.0 {
            continue;
        }
        f.bounds[i] = Some(Bound { value, exclusive });
    }
    // 3.1 numeric exclusive bounds.
    for (i, kw) in [(2, "exclusiveMaximum"), (3, "exclusiveMinimum")] {
        if let Some(value) = doc.get(node, kw).and_then(|v| doc.num(v)) {
            f.bounds[i] = Some(Bound {
                value,
                exclusive: true,
            });
        }
    }
    // An empty pattern matches everything: no constraint.
    f.pattern = doc
        .get_str(node, "pattern")
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    f.items = doc.get(node, "items");
    f.additional = match doc.get(node, "additionalProperties") {
        Some(a) => match doc.kind(a) {
            Kind::Bool(false) => Additional::Closed,
            Kind::Bool(true) => Additional::Open,
            Kind::Map { .. } => Additional::Schema(a),
            _ => Additional::Open,
        },
        None => Additional::Open,
    };
    let list = |k: &str| {
        doc.get(node, k)
            .map(|l| doc.items(l).to_vec())
            .unwrap_or_default()
    };
    f.one_of = list("oneOf");
    f.any_of = list("anyOf");
    f.all_of = list("allOf");
    if let Some(d) = doc.get(node, "discriminator") {
        let prop = doc.get_str(d, "propertyName").unwrap_or("").to_string();
        let mapping = doc
            .get(d, "mapping")
            .map(|m| {
                doc.entries(m)
                    .iter()
                    .map(|e| {
                        let target = doc.scalar_text(e.value);
                        let short = target.rsplit('/').next().unwrap_or(&target).to_string();
                        (doc.sym(e.key).to_string(), short)
                    })
                    .collect()
            })
            .unwrap_or_default();
        f.discriminator = Some((prop, mapping));
    }
    let mut visited = vec![node];
    merge_object(doc, node, &mut f, &mut visited, 0);
    if f.types == 0 {
        if !f.props.is_empty() || matches!(f.additional, Additional::Schema(_)) {
            f.types = T_OBJECT;
        } else if f.items.is_some() {
            f.types = T_ARRAY;
        }
    }
    f
}

fn own_types(doc: &Doc, node: NodeId) -> u8 {
    let mut t = 0;
    let mut add = |s: &str| {
        for (bit, name) in TYPE_NAMES {
            if s == name {
                t |= bit;
            }
        }
    };
    if let Some(ty) = doc.get(node, "type") {
        match doc.kind(ty) {
            Kind::Str(_) => add(doc.str(ty).unwrap_or("")),
            Kind::Seq { .. } => doc
                .items(ty)
                .iter()
                .for_each(|&x| add(doc.str(x).unwrap_or(""))),
            _ => {}
        }
    }
    t
}

/// Collects properties/required of `node` and, recursively, its `allOf` members.
fn merge_object(doc: &Doc, node: NodeId, f: &mut Facts, visited: &mut Vec<NodeId>, depth: u32) {
    if let Some(props) = doc.get(node, "properties") {
        for e in doc.entries(props) {
            let name = doc.sym(e.key);
            if !f.props.iter().any(|(n, _, _)| n == name) {
                f.props.push((name.to_string(), e.value, e.pos));
            }
        }
    }
    if let Some(req) = doc.get(node, "required") {
        for &r in doc.items(req) {
            if let Some(s) = doc.str(r) {
                f.required.insert(s.to_string());
            }
        }
    }
    if depth >= 16 {
        return;
    }
    let Some(all) = doc.get(node, "allOf") else {
        return;
    };
    for &m in doc.items(all) {
        let v = resolve(doc, m);
        if visited.contains(&v.node) || !doc.is_map(v.node) {
            continue;
        }
        visited.push(v.node);
        if f.types == 0 {
            f.types = own_types(doc, v.node);
        }
        merge_object(doc, v.node, f, visited, depth + 1);
    }
}

fn type_text(f: &Facts) -> String {
    let mut parts: Vec<&str> = TYPE_NAMES
        .iter()
        .filter(|(bit, _)| f.types & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    if parts.is_empty() {
        parts.push("any");
    }
    let mut s = parts.join("|");
    if let Some(fmt) = &f.format {
        s.push('/');
        s.push_str(fmt);
    }
    s
}

fn fmt_bound(b: Option<Bound>) -> Option<String> {
    b.map(|b| {
        if b.exclusive {
            format!("{} (exclusive)", b.value)
        } else {
            format!("{}", b.value)
        }
    })
}

/// The subschemas the diff descends into from `node`, with the step to each:
/// properties (merged from `allOf` members, without those hidden in `dir`),
/// items, `additionalProperties` and `oneOf`/`anyOf` members.
pub fn subschemas(doc: &Doc, node: NodeId, dir: Direction) -> Vec<(Seg, NodeId)> {
    let f = facts(doc, node);
    let mut out = Vec::new();
    for (name, n, _) in &f.props {
        let v = resolve(doc, *n);
        let hidden = match dir {
            Direction::Request => v.read_only,
            Direction::Response => v.write_only,
            Direction::None => false,
        };
        if !hidden {
            out.push((Seg::Prop(name.clone()), *n));
        }
    }
    if let Some(i) = f.items {
        out.push((Seg::Items, i));
    }
    if let Additional::Schema(a) = f.additional {
        out.push((Seg::Additional, a));
    }
    for (comp, list) in [(Comp::OneOf, &f.one_of), (Comp::AnyOf, &f.any_of)] {
        for (j, &m) in list.iter().enumerate() {
            let label = label_of(doc, m).unwrap_or_else(|| format!("#{j}"));
            out.push((Seg::Variant(comp, label), m));
        }
    }
    for (seg, n) in keyword_subschemas(doc, node) {
        out.push((seg, n));
    }
    out
}

/// Keywords holding one subschema that the diff descends into (`not` is
/// compared as a whole: a change inside it inverts its meaning).
const SCHEMA_KEYWORDS: [&str; 8] = [
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];

/// Keywords holding a map of subschemas.
const SCHEMA_MAP_KEYWORDS: [&str; 2] = ["patternProperties", "dependentSchemas"];

/// The subschemas of `node` under JSON Schema 2020-12 applicators.
fn keyword_subschemas(doc: &Doc, node: NodeId) -> Vec<(Seg, NodeId)> {
    let mut out = Vec::new();
    for kw in SCHEMA_KEYWORDS {
        if let Some(n) = doc.get(node, kw).filter(|&n| doc.is_map(n)) {
            out.push((Seg::Keyword(kw, None), n));
        }
    }
    for kw in SCHEMA_MAP_KEYWORDS {
        if let Some(m) = doc.get(node, kw) {
            for e in doc.entries(m) {
                out.push((Seg::Keyword(kw, Some(doc.sym(e.key).to_string())), e.value));
            }
        }
    }
    if let Some(l) = doc.get(node, "prefixItems") {
        for (i, &n) in doc.items(l).iter().enumerate() {
            out.push((Seg::Keyword("prefixItems", Some(i.to_string())), n));
        }
    }
    out
}

/// A step and the diff below it.
type Child = (Option<Seg>, Rc<SchemaDiff>);

type MemoKey = (NodeId, NodeId, Direction, bool);

/// Compares schemas of two documents.
pub struct Differ<'a> {
    base: &'a Doc,
    rev: &'a Doc,
    memo: HashMap<MemoKey, Option<Rc<SchemaDiff>>>,
    active: HashSet<MemoKey>,
    /// Set when a comparison stopped at `MAX_DEPTH`: such results are
    /// incomplete and must not be memoised.
    truncated: bool,
    /// Today (`YYYY-MM-DD`) for `x-sunset` checks; empty: no date is in the future.
    today: String,
}

impl<'a> Differ<'a> {
    /// A differ for `base` → `rev`.
    pub fn new(base: &'a Doc, rev: &'a Doc) -> Self {
        Differ {
            base,
            rev,
            memo: HashMap::new(),
            active: HashSet::new(),
            truncated: false,
            today: String::new(),
        }
    }

    /// Sets today's date (`YYYY-MM-DD`), so a property removed before its
    /// `x-sunset` is told apart.
    pub fn with_today(mut self, today: &str) -> Self {
        self.today = today.to_string();
        self
    }

    /// Compares two schema nodes; `None` when there is no difference.
    pub fn diff(&mut self, b: NodeId, r: NodeId, dir: Direction) -> Option<Rc<SchemaDiff>> {
        let vb = resolve(self.base, b);
        let vr = resolve(self.rev, r);
        self.diff_view(&vb, &vr, dir, 0)
    }

    /// Whether a body schema was replaced by a `oneOf` of alternatives.
    pub fn wrapped_in_one_of(&self, b: NodeId, r: NodeId) -> bool {
        let fb = facts(self.base, resolve(self.base, b).node);
        let fr = facts(self.rev, resolve(self.rev, r).node);
        fb.one_of.is_empty() && !fr.one_of.is_empty() && fr.types == 0
    }

    fn diff_view(
        &mut self,
        vb: &View,
        vr: &View,
        dir: Direction,
        depth: u32,
    ) -> Option<Rc<SchemaDiff>> {
        if depth > MAX_DEPTH {
            self.truncated = true;
            return None;
        }
        let mut own = Vec::new();
        let rpos = self.rev.pos(vr.node);
        let at = |change: SchemaChange| Located {
            sub: None,
            change,
            side: Side::Revision,
            pos: rpos,
        };
        if vb.opaque.is_some() || vr.opaque.is_some() {
            if vb.opaque != vr.opaque {
                let show = |o: &Option<String>, d: &Doc, n: NodeId| match o {
                    Some(r) => format!("$ref {r}"),
                    None => type_text(&facts(d, n)),
                };
                own.push(at(SchemaChange::TypeChanged {
                    from: show(&vb.opaque, self.base, vb.node),
                    to: show(&vr.opaque, self.rev, vr.node),
                }));
            }
            return finish(own, Vec::new());
        }
        // Through a `$ref`, what the target itself says is compared with the
        // target (once); only the wrappers' own changes belong to this use.
        let boundary = vr.via_ref;
        if vb.nullable != vr.nullable && (!boundary || vb.wrap_nullable != vr.wrap_nullable) {
            own.push(at(SchemaChange::NullableChanged { now: vr.nullable }));
        }
        let db = vb.default.map(|d| self.base.render(d));
        let dr = vr.default.map(|d| self.rev.render(d));
        if db != dr && (!boundary || vb.wrap_default.is_some() || vr.wrap_default.is_some()) {
            own.push(at(SchemaChange::DefaultChanged { from: db, to: dr }));
        }
        let mut children = Vec::new();
        if let Some(inner) = self.diff_node(vb, vr, dir, depth) {
            children.push((None, inner));
        }
        finish(own, children)
    }

    fn diff_node(
        &mut self,
        vb: &View,
        vr: &View,
        dir: Direction,
        depth: u32,
    ) -> Option<Rc<SchemaDiff>> {
        let boundary = vr.via_ref;
        // Every pair is compared once: a schema reached along many paths (inline ones too,
        // through `allOf` merges and variant matching) would otherwise be compared again on
        // each, exponentially in the nesting.
        let key = (vb.node, vr.node, dir, boundary);
        if let Some(hit) = self.memo.get(&key) {
            return hit.clone();
        }
        if !self.active.insert(key) {
            // Already comparing this pair further up: treat as equal.
            return None;
        }
        let outer = std::mem::replace(&mut self.truncated, false);
        let out = self.compare(vb.node, vr.node, dir, depth, boundary);
        let out = out.map(|mut d| {
            if boundary {
                d.boundary = Some(Boundary {
                    base: vb.node,
                    node: vr.node,
                    dir,
                    location: vr
                        .pointer
                        .as_deref()
                        .map(pointer_location)
                        .unwrap_or_default(),
                });
            }
            Rc::new(d)
        });
        let truncated = self.truncated;
        self.truncated |= outer;
        self.active.remove(&key);
        if !truncated {
            self.memo.insert(key, out.clone());
        }
        out
    }

    fn compare(
        &mut self,
        b: NodeId,
        r: NodeId,
        dir: Direction,
        depth: u32,
        boundary: bool,
    ) -> Option<SchemaDiff> {
        let (base, rev) = (self.base, self.rev);
        let fb = facts(base, b);
        let fr = facts(rev, r);
        let rpos = rev.pos(r);
        let mut own: Vec<Located> = Vec::new();
        let mut children: Vec<Child> = Vec::new();
        let mut at = |sub: Option<String>, change: SchemaChange, side: Side, pos: Pos| {
            own.push(Located {
                sub,
                change,
                side,
                pos,
            })
        };
        if boundary {
            let (bn, bd) = own_nullable_default(base, b);
            let (rn, rd) = own_nullable_default(rev, r);
            if bn != rn {
                at(
                    None,
                    SchemaChange::NullableChanged { now: rn },
                    Side::Revision,
                    rpos,
                );
            }
            if bd != rd {
                at(
                    None,
                    SchemaChange::DefaultChanged { from: bd, to: rd },
                    Side::Revision,
                    rpos,
                );
            }
        }

        if fb.types != fr.types {
            at(
                None,
                SchemaChange::TypeChanged {
                    from: type_text(&fb),
                    to: type_text(&fr),
                },
                Side::Revision,
                rpos,
            );
            // Everything below a type change is noise.
            return finish_plain(own, children);
        }
        if fb.format != fr.format {
            at(
                None,
                SchemaChange::TypeChanged {
                    from: type_text(&fb),
                    to: type_text(&fr),
                },
                Side::Revision,
                rpos,
            );
        }
        match (&fb.enum_vals, &fr.enum_vals) {
            (None, Some(_)) => at(None, SchemaChange::BecameEnum, Side::Revision, rpos),
            (Some(_), None) => at(
                None,
                SchemaChange::TypeChanged {
                    from: format!("{} (enum)", type_text(&fb)),
                    to: type_text(&fr),
                },
                Side::Revision,
                rpos,
            ),
            (Some(a), Some(c)) => {
                let bset: HashSet<&String> = a.iter().collect();
                let rset: HashSet<&String> = c.iter().collect();
                for v in a.iter().filter(|v| !rset.contains(v)) {
                    at(
                        None,
                        SchemaChange::EnumValueRemoved(v.clone()),
                        Side::Revision,
                        rpos,
                    );
                }
                // x-extensible-enum declares that new values may appear.
                if !fr.extensible_enum {
                    for v in c.iter().filter(|v| !bset.contains(v)) {
                        at(
                            None,
                            SchemaChange::EnumValueAdded(v.clone()),
                            Side::Revision,
                            rpos,
                        );
                    }
                }
            }
            (None, None) => {}
        }
        for (i, (kw, is_max)) in BOUNDS.iter().enumerate() {
            let (ob, nb) = (fb.bounds[i], fr.bounds[i]);
            let effect = match (ob, nb) {
                (None, None) => continue,
                (None, Some(_)) => Effect::Set,
                (Some(_), None) => Effect::Loosened,
                (Some(o), Some(n)) => {
                    if o == n {
                        continue;
                    }
                    let stricter = if *is_max {
                        n.value < o.value || (n.value == o.value && n.exclusive)
                    } else {
                        n.value > o.value || (n.value == o.value && n.exclusive)
                    };
                    if stricter {
                        Effect::Tightened
                    } else {
                        Effect::Loosened
                    }
                }
            };
            at(
                None,
                SchemaChange::Constraint {
                    keyword: kw,
                    from: fmt_bound(ob),
                    to: fmt_bound(nb),
                    effect,
                },
                Side::Revision,
                rpos,
            );
        }
        match (&fb.pattern, &fr.pattern) {
            (None, Some(p)) => at(
                None,
                SchemaChange::Constraint {
                    keyword: "pattern",
                    from: None,
                    to: Some(p.clone()),
                    effect: Effect::Tightened,
                },
                Side::Revision,
                rpos,
            ),
            (Some(p), None) => at(
                None,
                SchemaChange::Constraint {
                    keyword: "pattern",
                    from: Some(p.clone()),
                    to: None,
                    effect: Effect::Loosened,
                },
                Side::Revision,
                rpos,
            ),
            (Some(a), Some(c)) if a != c => at(
                None,
                SchemaChange::PatternChanged {
                    from: a.clone(),
                    to: c.clone(),
                },
                Side::Revision,
                rpos,
            ),
            _ => {}
        }

        // Properties, direction-aware: readOnly ones do not exist in requests,
        // writeOnly ones do not exist in responses.
        let hidden = |v: &View| match dir {
            Direction::Request => v.read_only,
            Direction::Response => v.write_only,
            Direction::None => false,
        };
        let rprops: HashMap<&str, usize> = fr
            .props
            .iter()
            .enumerate()
            .map(|(i, (n, _, _))| (n.as_str(), i))
            .collect();
        let mut seen = HashSet::new();
        for (name, bnode, bpos) in &fb.props {
            let vb = resolve(base, *bnode);
            let breq = fb.required.contains(name);
            let Some(&ri) = rprops.get(name.as_str()) else {
                if !hidden(&vb) {
                    // `x-sunset` next to a `$ref` or in the property's schema.
                    let before_sunset = [*bnode, vb.node]
                        .into_iter()
                        .find_map(|n| base.get(n, "x-sunset").map(|v| base.scalar_text(v)))
                        .filter(|s| {
                            !self.today.is_empty()
                                && super::compare::is_date(s)
                                && s.as_str() >= self.today.as_str()
                        });
                    at(
                        Some(name.clone()),
                        SchemaChange::PropertyRemoved {
                            required: breq,
                            before_sunset,
                        },
                        Side::Base,
                        *bpos,
                    );
                }
                continue;
            };
            seen.insert(ri);
            let (_, rnode, ppos) = &fr.props[ri];
            let vr = resolve(rev, *rnode);
            let rreq = fr.required.contains(name);
            match (hidden(&vb), hidden(&vr)) {
                (true, true) => continue,
                (false, true) => {
                    let change = if dir == Direction::Request {
                        SchemaChange::BecameReadOnly
                    } else {
                        SchemaChange::BecameWriteOnly
                    };
                    at(Some(name.clone()), change, Side::Revision, *ppos);
                    continue;
                }
                (true, false) => {
                    at(
                        Some(name.clone()),
                        SchemaChange::PropertyAdded { required: rreq },
                        Side::Revision,
                        *ppos,
                    );
                    continue;
                }
                (false, false) => {}
            }
            if breq != rreq {
                at(
                    Some(name.clone()),
                    SchemaChange::RequiredChanged { now: rreq },
                    Side::Revision,
                    *ppos,
                );
            }
            if let Some(d) = self.diff_view(&vb, &vr, dir, depth + 1) {
                children.push((Some(Seg::Prop(name.clone())), d));
            }
        }
        for (i, (name, rnode, ppos)) in fr.props.iter().enumerate() {
            if seen.contains(&i) || fb.props.iter().any(|(n, _, _)| n == name) {
                continue;
            }
            if !hidden(&resolve(rev, *rnode)) {
                at(
                    Some(name.clone()),
                    SchemaChange::PropertyAdded {
                        required: fr.required.contains(name),
                    },
                    Side::Revision,
                    *ppos,
                );
            }
        }

        if let (Some(bi), Some(ri)) = (fb.items, fr.items) {
            let (vb, vr) = (resolve(base, bi), resolve(rev, ri));
            if let Some(d) = self.diff_view(&vb, &vr, dir, depth + 1) {
                children.push((Some(Seg::Items), d));
            }
        }

        match (fb.additional, fr.additional) {
            (Additional::Closed, Additional::Closed) => {}
            (Additional::Closed, _) => at(
                None,
                SchemaChange::AdditionalPropertiesOpened,
                Side::Revision,
                rpos,
            ),
            (_, Additional::Closed) => at(
                None,
                SchemaChange::AdditionalPropertiesClosed,
                Side::Revision,
                rpos,
            ),
            (Additional::Schema(a), Additional::Schema(c)) => {
                let (vb, vr) = (resolve(base, a), resolve(rev, c));
                if let Some(d) = self.diff_view(&vb, &vr, dir, depth + 1) {
                    children.push((Some(Seg::Additional), d));
                }
            }
            _ => {}
        }

        for (comp, bl, rl) in [
            (Comp::OneOf, &fb.one_of, &fr.one_of),
            (Comp::AnyOf, &fb.any_of, &fr.any_of),
            (Comp::AllOf, &fb.all_of, &fr.all_of),
        ] {
            if bl.is_empty() && rl.is_empty() {
                continue;
            }
            let (pairs, removed, added) = self.match_variants(bl, rl, dir, depth);
            for i in removed {
                let label = label_of(base, bl[i]).unwrap_or_else(|| format!("#{i}"));
                at(
                    None,
                    SchemaChange::VariantRemoved { comp, label },
                    Side::Base,
                    base.pos(bl[i]),
                );
            }
            for j in added {
                let label = label_of(rev, rl[j]).unwrap_or_else(|| format!("#{j}"));
                at(
                    None,
                    SchemaChange::VariantAdded { comp, label },
                    Side::Revision,
                    rev.pos(rl[j]),
                );
            }
            // allOf members are already flattened into the properties above.
            if comp == Comp::AllOf {
                continue;
            }
            for (i, j) in pairs {
                let (vb, vr) = (resolve(base, bl[i]), resolve(rev, rl[j]));
                if let Some(d) = self.diff_view(&vb, &vr, dir, depth + 1) {
                    let label = label_of(rev, rl[j]).unwrap_or_else(|| format!("#{j}"));
                    children.push((Some(Seg::Variant(comp, label)), d));
                }
            }
        }

        match (&fb.discriminator, &fr.discriminator) {
            (Some((bp, bm)), Some((rp, rm))) => {
                if bp != rp {
                    at(
                        None,
                        SchemaChange::DiscriminatorChanged(format!(
                            "property name changed from {bp} to {rp}"
                        )),
                        Side::Revision,
                        rpos,
                    );
                }
                for (k, v) in bm {
                    match rm.iter().find(|(rk, _)| rk == k) {
                        None => at(
                            None,
                            SchemaChange::DiscriminatorChanged(format!("mapping {k} removed")),
                            Side::Revision,
                            rpos,
                        ),
                        Some((_, rv)) if rv != v => at(
                            None,
                            SchemaChange::DiscriminatorChanged(format!(
                                "mapping {k} changed from {v} to {rv}"
                            )),
                            Side::Revision,
                            rpos,
                        ),
                        _ => {}
                    }
                }
            }
            (Some((bp, _)), None) => at(
                None,
                SchemaChange::DiscriminatorChanged(format!("discriminator {bp} removed")),
                Side::Revision,
                rpos,
            ),
            (None, Some((rp, _))) => at(
                None,
                SchemaChange::DiscriminatorChanged(format!("discriminator {rp} added")),
                Side::Revision,
                rpos,
            ),
            (None, None) => {}
        }
        let (kw_own, kw_children) = self.keywords(b, r, dir, depth);
        own.extend(kw_own);
        children.extend(kw_children);
        finish_plain(own, children)
    }

    /// `const`, `deprecated`, content keywords and the JSON Schema 2020-12
    /// applicators. A separate frame keeps `compare`'s own small: it recurses
    /// once per schema level.
    #[inline(never)]
    fn keywords(
        &mut self,
        b: NodeId,
        r: NodeId,
        dir: Direction,
        depth: u32,
    ) -> (Vec<Located>, Vec<Child>) {
        let (base, rev) = (self.base, self.rev);
        let rpos = rev.pos(r);
        let mut own: Vec<Located> = Vec::new();
        let mut children: Vec<Child> = Vec::new();
        let mut at = |sub: Option<String>, change: SchemaChange, side: Side, pos: Pos| {
            own.push(Located {
                sub,
                change,
                side,
                pos,
            })
        };
        // `const`, deprecation and the JSON Schema 2020-12 keywords.
        let render = |d: &Doc, n: NodeId, k: &str| d.get(n, k).map(|v| d.render(v));
        let (bc, rc) = (render(base, b, "const"), render(rev, r, "const"));
        if bc != rc {
            at(
                None,
                SchemaChange::ConstChanged { from: bc, to: rc },
                Side::Revision,
                rpos,
            );
        }
        if base.get_bool(b, "deprecated") != Some(true)
            && rev.get_bool(r, "deprecated") == Some(true)
        {
            at(None, SchemaChange::BecameDeprecated, Side::Revision, rpos);
        }
        if base.get_bool(b, "deprecated") == Some(true)
            && rev.get_bool(r, "deprecated") != Some(true)
        {
            at(None, SchemaChange::Reactivated, Side::Revision, rpos);
        }
        let (bs, rs) = (
            base.get_str(b, "x-stability-level"),
            rev.get_str(r, "x-stability-level"),
        );
        if stability_rank(rs) < stability_rank(bs) {
            let show = |s: Option<&str>| s.unwrap_or("stable").to_string();
            let change = SchemaChange::StabilityDecreased {
                from: show(bs),
                to: show(rs),
            };
            at(None, change, Side::Revision, rpos);
        }
        for keyword in ["contentMediaType", "contentEncoding"] {
            let (x, y) = (render(base, b, keyword), render(rev, r, keyword));
            if x != y {
                at(
                    None,
                    SchemaChange::ContentChanged {
                        keyword,
                        from: x,
                        to: y,
                    },
                    Side::Revision,
                    rpos,
                );
            }
        }
        let mut kw_change = |keyword: &'static str, detail: String, effect: Effect| {
            at(
                None,
                SchemaChange::Keyword {
                    keyword,
                    detail,
                    effect,
                },
                Side::Revision,
                rpos,
            )
        };
        // `true` (and absence) allow everything.
        let constraint =
            |d: &Doc, n: NodeId, k: &str| d.get(n, k).filter(|&v| d.kind(v) != Kind::Bool(true));
        for keyword in SCHEMA_KEYWORDS.into_iter().chain(["not"]) {
            match (constraint(base, b, keyword), constraint(rev, r, keyword)) {
                (None, None) => {}
                (None, Some(_)) => kw_change(keyword, format!("{keyword} added"), Effect::Set),
                (Some(_), None) => {
                    kw_change(keyword, format!("{keyword} removed"), Effect::Loosened)
                }
                (Some(x), Some(y)) if !base.is_map(x) || !rev.is_map(y) => {
                    let (tx, ty) = (base.render(x), rev.render(y));
                    if tx != ty {
                        kw_change(
                            keyword,
                            format!("{keyword} changed from {tx} to {ty}"),
                            Effect::Tightened,
                        );
                    }
                }
                (Some(x), Some(y)) => {
                    let (vb, vr) = (resolve(base, x), resolve(rev, y));
                    let d = self.diff_view(&vb, &vr, dir, depth + 1);
                    match d {
                        // Inside `not` a tightening is a loosening: reported as a whole.
                        Some(_) if keyword == "not" => {
                            kw_change(keyword, "not subschema changed".into(), Effect::Tightened)
                        }
                        Some(d) => children.push((Some(Seg::Keyword(keyword, None)), d)),
                        None => {}
                    }
                }
            }
        }
        for keyword in SCHEMA_MAP_KEYWORDS.into_iter().chain(["prefixItems"]) {
            let list = |d: &Doc, n: NodeId| -> Vec<(String, NodeId)> {
                match d.get(n, keyword) {
                    Some(v) if keyword == "prefixItems" => d
                        .items(v)
                        .iter()
                        .enumerate()
                        .map(|(i, &x)| (i.to_string(), x))
                        .collect(),
                    Some(v) => d
                        .entries(v)
                        .iter()
                        .map(|e| (d.sym(e.key).to_string(), e.value))
                        .collect(),
                    None => Vec::new(),
                }
            };
            let (bl, rl) = (list(base, b), list(rev, r));
            // A position beyond the other side's prefixItems is governed by
            // its `items` (2020-12): compare with that, not with "anything".
            let rest = |d: &Doc, n: NodeId| {
                (keyword == "prefixItems")
                    .then(|| d.get(n, "items").filter(|&i| d.is_map(i)))
                    .flatten()
            };
            let (b_rest, r_rest) = (rest(base, b), rest(rev, r));
            for (name, x) in &bl {
                match rl.iter().find(|(n, _)| n == name) {
                    None => match r_rest {
                        Some(items) => {
                            let (vb, vr) = (resolve(base, *x), resolve(rev, items));
                            if let Some(d) = self.diff_view(&vb, &vr, dir, depth + 1) {
                                children.push((Some(Seg::Keyword(keyword, Some(name.clone()))), d));
                            }
                        }
                        None => kw_change(
                            keyword,
                            format!("{keyword}[{name}] removed"),
                            Effect::Loosened,
                        ),
                    },
                    Some((_, y)) => {
                        let (vb, vr) = (resolve(base, *x), resolve(rev, *y));
                        if let Some(d) = self.diff_view(&vb, &vr, dir, depth + 1) {
                            children.push((Some(Seg::Keyword(keyword, Some(name.clone()))), d));
                        }
                    }
                }
            }
            for (name, y) in &rl {
                if bl.iter().any(|(n, _)| n == name) {
                    continue;
                }
                match b_rest {
                    Some(items) => {
                        let (vb, vr) = (resolve(base, items), resolve(rev, *y));
                        if let Some(d) = self.diff_view(&vb, &vr, dir, depth + 1) {
                            children.push((Some(Seg::Keyword(keyword, Some(name.clone()))), d));
                        }
                    }
                    None => kw_change(keyword, format!("{keyword}[{name}] added"), Effect::Set),
                }
            }
        }
        let dependent = |d: &Doc, n: NodeId| -> Vec<(String, Vec<String>)> {
            d.get(n, "dependentRequired")
                .map(|m| {
                    d.entries(m)
                        .iter()
                        .map(|e| {
                            let names = d.items(e.value).iter().map(|&x| d.scalar_text(x));
                            (d.sym(e.key).to_string(), names.collect())
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (bd, rd) = (dependent(base, b), dependent(rev, r));
        let names_of = |l: &[(String, Vec<String>)], k: &str| -> Vec<String> {
            l.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut props: Vec<&String> = bd.iter().chain(&rd).map(|(n, _)| n).collect();
        props.sort();
        props.dedup();
        for p in props {
            let (old, new) = (names_of(&bd, p), names_of(&rd, p));
            for n in new.iter().filter(|n| !old.contains(n)) {
                kw_change(
                    "dependentRequired",
                    format!("dependentRequired[{p}] now requires {n}"),
                    Effect::Set,
                );
            }
            for n in old.iter().filter(|n| !new.contains(n)) {
                kw_change(
                    "dependentRequired",
                    format!("dependentRequired[{p}] no longer requires {n}"),
                    Effect::Loosened,
                );
            }
        }

        (own, children)
    }

    /// Pairs subschemas: by label, then by equivalence, then one-for-one.
    fn match_variants(
        &mut self,
        bl: &[NodeId],
        rl: &[NodeId],
        dir: Direction,
        depth: u32,
    ) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
        let (base, rev) = (self.base, self.rev);
        let mut pairs = Vec::new();
        let mut bfree: Vec<usize> = (0..bl.len()).collect();
        let mut rfree: Vec<usize> = (0..rl.len()).collect();
        let blabels: Vec<Option<String>> = bl.iter().map(|&n| label_of(base, n)).collect();
        let rlabels: Vec<Option<String>> = rl.iter().map(|&n| label_of(rev, n)).collect();
        bfree.retain(|&i| {
            let Some(l) = &blabels[i] else { return true };
            match rfree.iter().position(|&j| rlabels[j].as_ref() == Some(l)) {
                Some(p) => {
                    pairs.push((i, rfree.remove(p)));
                    false
                }
                None => true,
            }
        });
        let mut still = Vec::new();
        for i in bfree {
            let vb = resolve(base, bl[i]);
            let found = rfree.iter().position(|&j| {
                let vr = resolve(rev, rl[j]);
                self.diff_view(&vb, &vr, dir, depth + 1).is_none()
            });
            match found {
                Some(p) => pairs.push((i, rfree.remove(p))),
                None => still.push(i),
            }
        }
        if still.len() == 1 && rfree.len() == 1 {
            pairs.push((still[0], rfree[0]));
            return (pairs, Vec::new(), Vec::new());
        }
        (pairs, still, rfree)
    }
}

fn finish(
    changes: Vec<Located>,
    children: Vec<(Option<Seg>, Rc<SchemaDiff>)>,
) -> Option<Rc<SchemaDiff>> {
    finish_plain(changes, children).map(Rc::new)
}

fn finish_plain(
    changes: Vec<Located>,
    children: Vec<(Option<Seg>, Rc<SchemaDiff>)>,
) -> Option<SchemaDiff> {
    if changes.is_empty() && children.is_empty() {
        None
    } else {
        Some(SchemaDiff {
            changes,
            children,
            boundary: None,
        })
    }
}
