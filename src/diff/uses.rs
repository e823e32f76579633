//! Which operations use each schema reached through `$ref`, in the revision:
//! a change inside such a schema is reported once and lists these uses.
//!
//! The walk follows the same subschemas as the diff
//! ([`schema::subschemas`]), per direction (a `readOnly` property is not part
//! of a request), so an operation is listed exactly when its request or
//! response reaches the schema.

use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use super::Direction;
use super::compare::Scope;
use super::doc::NodeId;
use super::model::Spec;
use super::schema::{self, Spelling, resolve};

/// Walks deeper than this inside one inline schema are cut (the diff stops
/// at a similar depth).
const MAX_INLINE_DEPTH: u32 = 96;

/// One operation's use of a shared schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Index in the revision's operations.
    pub op: usize,
    /// Parameter, body or header.
    pub scope: Scope,
    /// Request or response.
    pub dir: Direction,
    /// Where the operation reaches the schema, e.g. `response[200].body[application/json].customer`.
    pub location: String,
}

#[derive(Clone, Copy, Debug)]
enum Owner {
    Op(usize, Scope),
    Schema(NodeId),
}

type Key = (NodeId, Direction);

/// The reference graph of one spec.
pub struct Uses {
    /// Schema → who refers to it, and where.
    refs: HashMap<Key, Vec<(Owner, String)>>,
    cache: HashMap<Key, Rc<Vec<Site>>>,
}

struct Builder<'s, 'd> {
    spec: &'s Spec<'d>,
    refs: HashMap<Key, Vec<(Owner, String)>>,
    seen: HashSet<Key>,
    pending: Vec<Key>,
}

impl Builder<'_, '_> {
    fn walk(&mut self, node: NodeId, owner: Owner, dir: Direction, loc: String, depth: u32) {
        let doc = self.spec.doc;
        let v = resolve(doc, node);
        if v.opaque.is_some() {
            return;
        }
        if v.via_ref {
            let key = (v.node, dir);
            self.refs.entry(key).or_default().push((owner, loc));
            if self.seen.insert(key) {
                self.pending.push(key);
            }
            return;
        }
        if depth > MAX_INLINE_DEPTH {
            return;
        }
        for (seg, sub) in schema::subschemas(doc, v.node, dir) {
            let mut l = loc.clone();
            seg.push_to(&mut l, Spelling::Operation);
            self.walk(sub, owner, dir, l, depth + 1);
        }
    }
}

impl Uses {
    /// Builds the reference graph of `spec`.
    pub fn build(spec: &Spec<'_>) -> Uses {
        let mut b = Builder {
            spec,
            refs: HashMap::new(),
            seen: HashSet::new(),
            pending: Vec::new(),
        };
        let (q, p) = (Direction::Request, Direction::Response);
        for (i, op) in spec.ops.iter().enumerate() {
            for param in &op.params {
                if let Some(s) = param.schema {
                    let loc = format!("request.{}.{}", param.location.as_str(), param.name);
                    b.walk(s, Owner::Op(i, Scope::Parameter), q, loc, 0);
                }
            }
            if let Some(body) = &op.body {
                for m in &body.content {
                    if let Some(s) = m.schema {
                        let loc = format!("request.body[{}]", m.name);
                        b.walk(s, Owner::Op(i, Scope::Body), q, loc, 0);
                    }
                }
            }
            for r in &op.responses {
                for m in &r.content {
                    if let Some(s) = m.schema {
                        let loc = format!("response[{}].body[{}]", r.status, m.name);
                        b.walk(s, Owner::Op(i, Scope::Body), p, loc, 0);
                    }
                }
                for h in &r.headers {
                    if let Some(s) = h.schema {
                        let loc = format!("response[{}].header.{}", r.status, h.key);
                        b.walk(s, Owner::Op(i, Scope::Header), p, loc, 0);
                    }
                }
            }
        }
        while let Some((node, dir)) = b.pending.pop() {
            for (seg, sub) in schema::subschemas(spec.doc, node, dir) {
                let mut l = String::new();
                seg.push_to(&mut l, Spelling::Operation);
                b.walk(sub, Owner::Schema(node), dir, l, 0);
            }
        }
        Uses {
            refs: b.refs,
            cache: HashMap::new(),
        }
    }

    /// The operations whose requests (or responses, per `dir`) reach schema
    /// `node`: one site per operation, the nearest, in operation order.
    pub fn of(&mut self, node: NodeId, dir: Direction) -> Rc<Vec<Site>> {
        if let Some(hit) = self.cache.get(&(node, dir)) {
            return hit.clone();
        }
        let mut out = Vec::new();
        let mut ops = HashSet::new();
        let mut seen = HashSet::from([node]);
        let mut queue = VecDeque::from([(node, String::new())]);
        while let Some((n, suffix)) = queue.pop_front() {
            let Some(refs) = self.refs.get(&(n, dir)) else {
                continue;
            };
            for (owner, loc) in refs {
                match *owner {
                    Owner::Op(op, scope) => {
                        if ops.insert(op) {
                            out.push(Site {
                                op,
                                scope,
                                dir,
                                location: format!("{loc}{suffix}"),
                            });
                        }
                    }
                    Owner::Schema(m) => {
                        if seen.insert(m) {
                            queue.push_back((m, format!("{loc}{suffix}")));
                        }
                    }
                }
            }
        }
        out.sort_by_key(|s| s.op);
        let out = Rc::new(out);
        self.cache.insert((node, dir), out.clone());
        out
    }
}
