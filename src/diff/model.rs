//! The matched view of a spec: operations keyed for matching, with path-level
//! parameters merged in, `$ref`s to parameters/bodies/responses/headers
//! resolved, header names folded to lower case and path parameters keyed by
//! position so a rename is not a removal.
//!
//! Schemas stay as nodes of the [`Doc`]; [`super::schema`] interprets them.

use std::collections::{HashMap, HashSet};

use super::Error;
use super::doc::{Doc, NodeId, Pos};

/// HTTP methods OpenAPI allows on a path item, in report order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamIn {
    /// Path template segment.
    Path,
    /// Query string.
    Query,
    /// Request header.
    Header,
    /// Cookie.
    Cookie,
}

impl ParamIn {
    /// The OpenAPI name (`path`, `query`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
            ParamIn::Cookie => "cookie",
        }
    }
}

/// A parameter after `$ref` resolution and path-level merging.
#[derive(Clone, Debug)]
pub struct Param {
    /// Name as written.
    pub name: String,
    /// Location.
    pub location: ParamIn,
    /// Matching key: positional for path parameters, lower-case for headers.
    pub key: String,
    /// `required`.
    pub required: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `x-sunset`.
    pub sunset: Option<String>,
    /// Effective `style` (defaults applied).
    pub style: String,
    /// Effective `explode` (defaults applied).
    pub explode: bool,
    /// The schema node, if any.
    pub schema: Option<NodeId>,
    /// Declared on the path item rather than the operation.
    pub path_level: bool,
    /// Source position.
    pub pos: Pos,
}

/// One media type of a body.
#[derive(Clone, Debug)]
pub struct Media {
    /// Normalised media type (lower case, parameters dropped).
    pub name: String,
    /// The schema node, if any.
    pub schema: Option<NodeId>,
    /// Source position.
    pub pos: Pos,
}

/// A request body.
#[derive(Clone, Debug)]
pub struct Body {
    /// `required`.
    pub required: bool,
    /// Media types.
    pub content: Vec<Media>,
    /// Source position.
    pub pos: Pos,
}

/// A response header.
#[derive(Clone, Debug)]
pub struct Header {
    /// Name as written.
    pub name: String,
    /// Lower-case name (the matching key).
    pub key: String,
    /// `required`.
    pub required: bool,
    /// The schema node, if any.
    pub schema: Option<NodeId>,
    /// Source position.
    pub pos: Pos,
}

/// A response for one status.
#[derive(Clone, Debug)]
pub struct Response {
    /// Status code or range (`200`, `4XX`, `default`).
    pub status: String,
    /// Media types.
    pub content: Vec<Media>,
    /// Headers.
    pub headers: Vec<Header>,
    /// Source position.
    pub pos: Pos,
}

impl Response {
    /// Whether this is a success (2XX) status.
    pub fn is_success(&self) -> bool {
        self.status.starts_with('2')
    }
}

/// An operation, ready for matching.
#[derive(Clone, Debug)]
pub struct Operation {
    /// Upper-case method.
    pub method: String,
    /// Path template as written.
    pub path: String,
    /// Matching key: the template with parameter names erased.
    pub key: String,
    /// Path-parameter names in template order.
    pub path_params: Vec<String>,
    /// `operationId`.
    pub operation_id: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `x-sunset`.
    pub sunset: Option<String>,
    /// `x-stability-level`.
    pub stability: Option<String>,
    /// Parameters (path-level merged in).
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Responses.
    pub responses: Vec<Response>,
    /// Operation-level `security`, if set.
    pub security: Option<NodeId>,
    /// Source position of the operation.
    pub pos: Pos,
}

impl Operation {
    /// `METHOD /path` as shown in reports.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A named item with its node and position.
#[derive(Clone, Debug)]
pub struct Named {
    /// Name.
    pub name: String,
    /// Node.
    pub node: NodeId,
    /// Source position of the key.
    pub pos: Pos,
}

/// The matched view of one spec.
#[derive(Debug)]
pub struct Spec<'d> {
    /// The document.
    pub doc: &'d Doc,
    /// `openapi` version string.
    pub openapi: String,
    /// `info.version` and its position.
    pub info_version: Option<(String, Pos)>,
    /// Operations, in document order.
    pub ops: Vec<Operation>,
    /// `(METHOD, key)` → index in `ops`.
    pub by_key: HashMap<(String, String), usize>,
    /// Path keys present.
    pub path_keys: HashSet<String>,
    /// `components.schemas`.
    pub schemas: Vec<Named>,
    /// `components.securitySchemes`.
    pub security_schemes: Vec<Named>,
    /// Root `security`.
    pub global_security: Option<NodeId>,
    /// `servers[*].url`.
    pub servers: Vec<(String, Pos)>,
    /// `webhooks` (3.1) or `x-webhooks` names.
    pub webhooks: Vec<Named>,
}

/// Splits a path template into its key (names erased) and parameter names.
pub fn path_key(path: &str) -> (String, Vec<String>) {
    let mut key = String::with_capacity(path.len());
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        key.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                names.push(rest[open + 1..open + close].to_string());
                key.push_str("{}");
                rest = &rest[open + close + 1..];
            }
            None => {
                key.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    key.push_str(rest);
    (key, names)
}

/// Normalises a media type for matching.
pub fn media_key(raw: &str) -> String {
    raw.split(';')
        .next()
        .unwrap_or(raw)
        .trim()
        .to_ascii_lowercase()
}

/// Whether a `$ref` string is remote (`http(s)://`).
pub fn is_remote(target: &str) -> bool {
    matches!(
        crate::spec::Reference::parse(target),
        Ok(crate::spec::Reference::Remote(_))
    )
}

/// Follows `$ref` for non-schema objects (parameters, bodies, responses,
/// headers, path items). Cycles and dangling or external refs are input errors.
pub fn deref(doc: &Doc, node: NodeId) -> Result<NodeId, Error> {
    let mut n = node;
    for _ in 0..32 {
        let Some(entry) = doc.entry(n, "$ref") else {
            return Ok(n);
        };
        let Some(target) = doc.str(entry.value) else {
            return Err(doc.error(entry.pos, "$ref must be a string"));
        };
        if is_remote(target) {
            // Not followed (reported as api-remote-ref-not-followed): the
            // object is compared as written, an empty `$ref` holder.
            return Ok(n);
        }
        if !target.starts_with('#') {
            return Err(doc.error(
                entry.pos,
                format!("external $ref {target:?} is not supported here"),
            ));
        }
        n = doc
            .pointer(target)
            .ok_or_else(|| doc.error(entry.pos, format!("unresolved $ref {target:?}")))?;
    }
    Err(doc.error(doc.pos(node), "circular $ref"))
}

impl<'d> Spec<'d> {
    /// Builds the matched view; reports structural errors with positions.
    pub fn build(doc: &'d Doc) -> Result<Spec<'d>, Error> {
        let root = doc.root();
        let err = |pos: Pos, msg: &str| doc.error(pos, msg);
        if !doc.is_map(root) {
            return Err(err(doc.pos(root), "an OpenAPI document must be a mapping"));
        }
        let openapi = match doc.get(root, "openapi") {
            Some(v) => doc.scalar_text(v),
            None if doc.get(root, "swagger").is_some() => {
                return Err(err(
                    doc.pos(root),
                    "Swagger 2.0 is not supported; convert to OpenAPI 3",
                ));
            }
            None => {
                return Err(err(
                    doc.pos(root),
                    "not an OpenAPI document: no `openapi` key",
                ));
            }
        };
        if !openapi.starts_with("3.") {
            let pos = doc
                .entry(root, "openapi")
                .map(|e| e.pos)
                .unwrap_or_default();
            return Err(err(
                pos,
                &format!("unsupported OpenAPI version {openapi:?}"),
            ));
        }
        check_local_refs(doc)?;
        let info_version = doc
            .get(root, "info")
            .and_then(|i| doc.entry(i, "version"))
            .map(|e| (doc.scalar_text(e.value), doc.pos(e.value)));

        let mut spec = Spec {
            doc,
            openapi,
            info_version,
            ops: Vec::new(),
            by_key: HashMap::new(),
            path_keys: HashSet::new(),
            schemas: named(
                doc,
                doc.get(root, "components")
                    .and_then(|c| doc.get(c, "schemas")),
            ),
            security_schemes: named(
                doc,
                doc.get(root, "components")
                    .and_then(|c| doc.get(c, "securitySchemes")),
            ),
            global_security: doc.get(root, "security"),
            servers: doc
                .get(root, "servers")
                .map(|s| {
                    doc.items(s)
                        .iter()
                        .filter_map(|&srv| {
                            doc.get(srv, "url")
                                .and_then(|u| doc.str(u).map(|t| (t.to_string(), doc.pos(u))))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            webhooks: named(
                doc,
                doc.get(root, "webhooks")
                    .or_else(|| doc.get(root, "x-webhooks")),
            ),
        };

        let Some(paths) = doc.get(root, "paths") else {
            return Ok(spec);
        };
        if !doc.is_map(paths) && doc.kind(paths) != super::doc::Kind::Null {
            return Err(err(doc.pos(paths), "`paths` must be a mapping"));
        }
        // Two templates that differ only in parameter names cannot both be
        // matched positionally; those keep their names in the key.
        let mut key_count: HashMap<String, u32> = HashMap::new();
        for e in doc.entries(paths) {
            *key_count.entry(path_key(doc.sym(e.key)).0).or_default() += 1;
        }
        for e in doc.entries(paths) {
            let path = doc.sym(e.key);
            if path.starts_with("x-") {
                continue;
            }
            let (mut key, names) = path_key(path);
            if key_count.get(&key).copied().unwrap_or(0) > 1 {
                key = path.to_string();
            }
            let item = deref(doc, e.value)?;
            spec.path_keys.insert(key.clone());
            let common = match doc.get(item, "parameters") {
                Some(list) => params(doc, list, &names, true)?,
                None => Vec::new(),
            };
            for m in METHODS {
                let Some(op_node) = doc.get(item, m) else {
                    continue;
                };
                if !doc.is_map(op_node) {
                    return Err(err(doc.pos(op_node), "an operation must be a mapping"));
                }
                let op = operation(doc, op_node, m, path, &key, &names, &common)?;
                spec.by_key
                    .insert((op.method.clone(), key.clone()), spec.ops.len());
                spec.ops.push(op);
            }
        }
        Ok(spec)
    }
}

/// Every local `$ref` (in positions the OpenAPI grammar reads as objects,
/// never inside examples or other data) must point somewhere: a revision with
/// a dangling one is an invalid spec, not a diff.
fn check_local_refs(doc: &Doc) -> Result<(), Error> {
    use crate::spec::{Kind, Tree};
    let Some(sites) = doc.ref_sites("", Kind::Document) else {
        return Ok(());
    };
    for site in sites {
        let target = site.reference.as_str();
        if !target.starts_with('#') || doc.pointer(target).is_some() {
            continue;
        }
        let holder = doc.pointer(&format!("#{}", site.at));
        let pos = match holder {
            Some(n) if !site.mapping => doc.entry(n, "$ref").map_or(doc.pos(n), |e| e.pos),
            Some(n) => doc.pos(n),
            None => Pos::default(),
        };
        return Err(doc.error(
            pos,
            format!("unresolved $ref {target:?}: nothing at that pointer"),
        ));
    }
    Ok(())
}

fn named(doc: &Doc, map: Option<NodeId>) -> Vec<Named> {
    map.map(|m| {
        doc.entries(m)
            .iter()
            .map(|e| Named {
                name: doc.sym(e.key).to_string(),
                node: e.value,
                pos: e.pos,
            })
            .collect()
    })
    .unwrap_or_default()
}

fn operation(
    doc: &Doc,
    node: NodeId,
    method: &str,
    path: &str,
    key: &str,
    names: &[String],
    common: &[Param],
) -> Result<Operation, Error> {
    let own = match doc.get(node, "parameters") {
        Some(list) => params(doc, list, names, false)?,
        None => Vec::new(),
    };
    // Operation-level parameters override path-level ones with the same key.
    let mut merged: Vec<Param> = common
        .iter()
        .filter(|c| !own.iter().any(|o| o.key == c.key))
        .cloned()
        .collect();
    merged.extend(own);

    let body = match doc.get(node, "requestBody") {
        Some(b) => {
            let b = deref(doc, b)?;
            Some(Body {
                required: doc.get_bool(b, "required").unwrap_or(false),
                content: content(doc, doc.get(b, "content")),
                pos: doc.pos(b),
            })
        }
        None => None,
    };

    let mut responses = Vec::new();
    if let Some(rs) = doc.get(node, "responses") {
        for e in doc.entries(rs) {
            let status = doc.sym(e.key).to_ascii_uppercase();
            if status.starts_with("X-") {
                continue;
            }
            let r = deref(doc, e.value)?;
            let mut headers = Vec::new();
            if let Some(hs) = doc.get(r, "headers") {
                for h in doc.entries(hs) {
                    let name = doc.sym(h.key).to_string();
                    let key = name.to_ascii_lowercase();
                    if key == "content-type" {
                        continue;
                    }
                    let hn = deref(doc, h.value)?;
                    headers.push(Header {
                        name,
                        key,
                        required: doc.get_bool(hn, "required").unwrap_or(false),
                        schema: doc.get(hn, "schema"),
                        pos: h.pos,
                    });
                }
            }
            responses.push(Response {
                status,
                content: content(doc, doc.get(r, "content")),
                headers,
                pos: e.pos,
            });
        }
    }

    Ok(Operation {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        key: key.to_string(),
        path_params: names.to_vec(),
        operation_id: doc.get_str(node, "operationId").map(str::to_string),
        tags: doc
            .get(node, "tags")
            .map(|t| {
                doc.items(t)
                    .iter()
                    .filter_map(|&x| doc.str(x).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        deprecated: doc.get_bool(node, "deprecated").unwrap_or(false),
        sunset: doc.get(node, "x-sunset").map(|v| doc.scalar_text(v)),
        stability: doc.get_str(node, "x-stability-level").map(str::to_string),
        params: merged,
        body,
        responses,
        security: doc.get(node, "security"),
        pos: doc.pos(node),
    })
}

fn content(doc: &Doc, node: Option<NodeId>) -> Vec<Media> {
    let Some(node) = node else {
        return Vec::new();
    };
    // Keys equal once normalized (`application/json`, `application/json; charset=utf-8`)
    // are one media type: the one written without parameters (else the smallest key) stands
    // for it, whatever the key order, so a document matches itself and a reordered copy.
    let mut out: Vec<(&str, Media)> = Vec::new();
    for e in doc.entries(node) {
        let raw = doc.sym(e.key);
        let media = Media {
            name: media_key(raw),
            schema: doc.get(e.value, "schema"),
            pos: e.pos,
        };
        let rank = |raw: &str, name: &str| (raw.trim() != name, raw.to_string());
        match out.iter_mut().find(|(_, m)| m.name == media.name) {
            Some(kept) if rank(raw, &media.name) < rank(kept.0, &kept.1.name) => {
                *kept = (raw, media);
            }
            Some(_) => {}
            None => out.push((raw, media)),
        }
    }
    out.into_iter().map(|(_, m)| m).collect()
}

fn params(
    doc: &Doc,
    list: NodeId,
    names: &[String],
    path_level: bool,
) -> Result<Vec<Param>, Error> {
    let mut out: Vec<Param> = Vec::new();
    for &item in doc.items(list) {
        let p = deref(doc, item)?;
        if doc.get_str(p, "$ref").is_some_and(is_remote) {
            // A parameter behind a remote `$ref` has no name to match by.
            continue;
        }
        let (Some(name), Some(loc)) = (doc.get_str(p, "name"), doc.get_str(p, "in")) else {
            return Err(doc.error(doc.pos(p), "a parameter needs string `name` and `in`"));
        };
        let location = match loc {
            "path" => ParamIn::Path,
            "query" => ParamIn::Query,
            "header" => ParamIn::Header,
            "cookie" => ParamIn::Cookie,
            other => {
                let pos = doc.entry(p, "in").map(|e| e.pos).unwrap_or(doc.pos(p));
                return Err(doc.error(pos, format!("unknown parameter location {other:?}")));
            }
        };
        let lname = name.to_ascii_lowercase();
        // OpenAPI says these header parameters are ignored.
        if location == ParamIn::Header
            && matches!(lname.as_str(), "accept" | "content-type" | "authorization")
        {
            continue;
        }
        let key = match location {
            ParamIn::Path => match names.iter().position(|n| n == name) {
                Some(i) => format!("path:#{i}"),
                None => format!("path:{name}"),
            },
            ParamIn::Header => format!("header:{lname}"),
            other => format!("{}:{name}", other.as_str()),
        };
        let default_style = match location {
            ParamIn::Query | ParamIn::Cookie => "form",
            ParamIn::Path | ParamIn::Header => "simple",
        };
        let style = doc.get_str(p, "style").unwrap_or(default_style).to_string();
        let explode = doc.get_bool(p, "explode").unwrap_or(style == "form");
        let param = Param {
            name: name.to_string(),
            location,
            key,
            required: doc.get_bool(p, "required").unwrap_or(false) || location == ParamIn::Path,
            deprecated: doc.get_bool(p, "deprecated").unwrap_or(false),
            sunset: doc.get(p, "x-sunset").map(|v| doc.scalar_text(v)),
            style,
            explode,
            schema: doc.get(p, "schema").or_else(|| {
                // `content` instead of `schema`: use its single media type's schema.
                doc.get(p, "content")
                    .and_then(|c| doc.entries(c).first().map(|e| e.value))
                    .and_then(|m| doc.get(m, "schema"))
            }),
            path_level,
            pos: doc.pos(item),
        };
        if let Some(i) = out.iter().position(|o| o.key == param.key) {
            out[i] = param;
        } else {
            out.push(param);
        }
    }
    Ok(out)
}
