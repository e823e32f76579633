//! Walks two matched specs and lists their structural differences
//! ([`Change`]s). Rules in [`super::rules`] then decide what each one means.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use super::Direction;
use super::doc::{Doc, Kind, NodeId, Pos};
use super::model::{Media, Operation, Param, ParamIn, Spec};
use super::rules::LevelOverrides;
use super::schema::{Differ, SchemaChange, SchemaDiff, Side, Spelling, push_prop};
use std::rc::Rc;

/// Upper bound on schema changes expanded per diff: a guard against
/// pathological `$ref` fan-out, far above anything a real spec produces.
const MAX_SCHEMA_CHANGES: usize = 1_000_000;

/// A structural difference that is not inside a schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Delta {
    /// A schema difference (see [`SchemaChange`]).
    Schema(SchemaChange),
    /// An operation disappeared.
    OperationRemoved {
        /// It was `deprecated: true`.
        deprecated: bool,
        /// Its `x-sunset` date, when that date is still in the future.
        before_sunset: Option<String>,
        /// The whole path disappeared with it.
        path_removed: bool,
        /// Its `x-stability-level` was `draft` or `alpha`: removing it is allowed.
        unstable: bool,
    },
    /// An operation appeared.
    OperationAdded,
    /// The same `operationId` moved to another method or path.
    PathChanged {
        /// Old `METHOD /path`.
        from: String,
        /// New `METHOD /path`.
        to: String,
    },
    /// `operationId` changed.
    OperationIdChanged {
        /// Old id.
        from: Option<String>,
        /// New id.
        to: Option<String>,
    },
    /// A tag was removed from an operation.
    TagRemoved(String),
    /// `x-stability-level` decreased.
    StabilityDecreased {
        /// Old level.
        from: String,
        /// New level.
        to: String,
    },
    /// `x-sunset` moved earlier.
    SunsetEarlier {
        /// Old date.
        from: String,
        /// New date.
        to: String,
    },
    /// `x-sunset` deleted from a still-deprecated operation.
    SunsetDeleted(String),
    /// A path parameter was renamed (same position).
    PathParamRenamed {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// A non-path parameter appeared.
    ParamAdded {
        /// Whether it is required.
        required: bool,
        /// Declared at path level.
        path_level: bool,
    },
    /// A path parameter appeared.
    PathParamAdded,
    /// A parameter disappeared.
    ParamRemoved {
        /// It was deprecated.
        deprecated: bool,
        /// Its `x-sunset` date, when that date is still in the future.
        before_sunset: Option<String>,
    },
    /// A parameter was marked `deprecated: true`.
    ParamDeprecated,
    /// A parameter's `deprecated: true` was taken back.
    ParamReactivated,
    /// A media type that had no schema (any content) gained one.
    MediaSchemaAdded(String),
    /// A parameter's requiredness flipped.
    ParamRequiredChanged {
        /// Required now.
        now: bool,
    },
    /// `style`/`explode` changed.
    ParamSerializationChanged {
        /// Old `style/explode`.
        from: String,
        /// New `style/explode`.
        to: String,
    },
    /// A request body appeared.
    BodyAdded {
        /// Whether it is required.
        required: bool,
    },
    /// The request body disappeared.
    BodyRemoved,
    /// The request body became required.
    BodyBecameRequired,
    /// A media type disappeared (request or response, see direction).
    MediaTypeRemoved(String),
    /// A response status disappeared.
    StatusRemoved {
        /// It was a 2XX.
        success: bool,
    },
    /// A response status appeared.
    StatusAdded {
        /// It is a 2XX.
        success: bool,
    },
    /// A response header disappeared.
    HeaderRemoved {
        /// It was required.
        required: bool,
    },
    /// A response header became optional.
    HeaderBecameOptional,
    /// The operation's security requirement became stricter.
    SecurityAdded(String),
    /// A security scheme's definition changed.
    SecuritySchemeChanged(String),
    /// A component schema disappeared.
    SchemaRemoved(String),
    /// A component schema was renamed (same shape).
    SchemaRenamed {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// A server URL disappeared.
    ServerRemoved(String),
    /// A webhook disappeared.
    WebhookRemoved(String),
    /// A spec file appeared (directory mode).
    SpecAdded,
    /// A spec file disappeared (directory mode).
    SpecRemoved,
    /// A remote (`http(s)://`) `$ref`: not followed, so not compared.
    RemoteRefNotFollowed(String),
    /// Breaking changes without a major `info.version` bump.
    MajorVersionNotBumped {
        /// Old version.
        from: String,
        /// New version.
        to: String,
    },
}

/// Which part of an operation a change is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The spec as a whole (components, servers, info).
    Spec,
    /// The operation itself.
    Operation,
    /// A parameter (and its schema).
    Parameter,
    /// A request or response body (and its schema).
    Body,
    /// A response header (and its schema).
    Header,
}

/// One difference with its context.
#[derive(Clone, Debug)]
pub struct Change {
    /// What changed.
    pub delta: Delta,
    /// Request, response or neither.
    pub direction: Direction,
    /// Where in the operation.
    pub scope: Scope,
    /// `METHOD /path`, when the change belongs to an operation.
    pub operation: Option<String>,
    /// The operation's `operationId` (revision's, else base's).
    pub operation_id: Option<String>,
    /// Location inside the operation or spec, e.g. `request.query.limit`.
    pub location: String,
    /// Which file `pos` refers to.
    pub side: Side,
    /// Source position.
    pub pos: Pos,
    /// Set for a change inside a schema reached through `$ref`: `location` is
    /// then the schema's own, and the operations using it are looked up.
    pub shared: Option<Shared>,
}

/// The schema (in the revision) a shared change is in, and the direction it
/// was compared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shared {
    /// The schema node in the revision.
    pub node: NodeId,
    /// Request or response.
    pub dir: Direction,
}

/// Settings for a comparison.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Today's date as `YYYY-MM-DD`, for `x-sunset` checks.
    pub today: String,
    /// Rules reported at a level other than their default.
    pub levels: LevelOverrides,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            today: today(),
            levels: LevelOverrides::default(),
        }
    }
}

/// Today's UTC date as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Whether `s` is a `YYYY-MM-DD` date (so string order is date order).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// Where expanded schema changes go.
#[derive(Clone, Copy)]
enum Sink<'c, 'o> {
    /// To one operation.
    Operation(&'c Ctx<'o>),
    /// To a shared schema, reported once for its users.
    Shared(Shared),
}

struct Ctx<'o> {
    direction: Direction,
    scope: Scope,
    operation: Option<&'o str>,
    operation_id: Option<&'o str>,
}

struct Walker<'a, 'd> {
    base: &'a Spec<'d>,
    rev: &'a Spec<'d>,
    differ: Differ<'d>,
    out: Vec<Change>,
    settings: &'a Settings,
    schema_budget: usize,
    /// Shared schemas with differences, each expanded once at its own location.
    shared: Vec<Rc<SchemaDiff>>,
    shared_seen: HashSet<(NodeId, NodeId, Direction)>,
}

/// Lists all differences between two specs.
pub fn compare(base: &Spec<'_>, rev: &Spec<'_>, settings: &Settings) -> Vec<Change> {
    let mut w = Walker {
        base,
        rev,
        differ: Differ::new(base.doc, rev.doc).with_today(&settings.today),
        out: Vec::new(),
        settings,
        schema_budget: MAX_SCHEMA_CHANGES,
        shared: Vec::new(),
        shared_seen: HashSet::new(),
    };
    w.operations();
    w.shared_schemas();
    w.spec_level();
    w.out
}

impl<'a, 'd> Walker<'a, 'd> {
    /// `x-sunset` moved earlier, or deleted while still deprecated (an
    /// operation's or a parameter's, by `ctx.scope`).
    fn sunset(
        &mut self,
        ctx: &Ctx<'_>,
        (b, r): (&Option<String>, &Option<String>),
        deprecated: bool,
        location: &str,
        pos: Pos,
    ) {
        let delta = match (b, r) {
            (Some(bs), Some(rs)) if is_date(bs) && is_date(rs) && rs < bs => Delta::SunsetEarlier {
                from: bs.clone(),
                to: rs.clone(),
            },
            (Some(bs), None) if deprecated => Delta::SunsetDeleted(bs.clone()),
            _ => return,
        };
        self.push(ctx, delta, location.to_string(), Side::Revision, pos);
    }

    fn push(&mut self, ctx: &Ctx<'_>, delta: Delta, location: String, side: Side, pos: Pos) {
        self.out.push(Change {
            delta,
            direction: ctx.direction,
            scope: ctx.scope,
            operation: ctx.operation.map(str::to_string),
            operation_id: ctx.operation_id.map(str::to_string),
            location,
            side,
            pos,
            shared: None,
        });
    }

    fn operations(&mut self) {
        let (base, rev) = (self.base, self.rev);
        let mut matched_rev = vec![false; rev.ops.len()];
        let mut unmatched_base = Vec::new();
        let mut pairs = Vec::new();
        for (i, op) in base.ops.iter().enumerate() {
            match rev.by_key.get(&(op.method.clone(), op.key.clone())) {
                Some(&j) => {
                    matched_rev[j] = true;
                    pairs.push((i, j, false));
                }
                None => unmatched_base.push(i),
            }
        }
        // An operation whose path or method changed keeps its operationId.
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        for (j, op) in rev.ops.iter().enumerate() {
            if let (false, Some(id)) = (matched_rev[j], op.operation_id.as_deref()) {
                by_id.entry(id).or_insert(j);
            }
        }
        let mut removed = Vec::new();
        for i in unmatched_base {
            let id = base.ops[i].operation_id.as_deref();
            match id.and_then(|id| by_id.remove(id)) {
                Some(j) => {
                    matched_rev[j] = true;
                    pairs.push((i, j, true));
                }
                None => removed.push(i),
            }
        }
        pairs.sort_unstable();
        for i in removed {
            let op = &base.ops[i];
            let before_sunset = op
                .sunset
                .as_ref()
                .filter(|s| is_date(s) && s.as_str() >= self.settings.today.as_str())
                .cloned();
            let label = op.label();
            let ctx = Ctx {
                direction: Direction::None,
                scope: Scope::Operation,
                operation: Some(&label),
                operation_id: op.operation_id.as_deref(),
            };
            let delta = Delta::OperationRemoved {
                deprecated: op.deprecated,
                before_sunset,
                path_removed: !rev.path_keys.contains(&op.key),
                unstable: super::schema::stability_rank(op.stability.as_deref()) <= 1,
            };
            self.push(&ctx, delta, "path".into(), Side::Base, op.pos);
        }
        for (j, op) in rev.ops.iter().enumerate() {
            if !matched_rev[j] {
                let label = op.label();
                let ctx = Ctx {
                    direction: Direction::None,
                    scope: Scope::Operation,
                    operation: Some(&label),
                    operation_id: op.operation_id.as_deref(),
                };
                self.push(
                    &ctx,
                    Delta::OperationAdded,
                    "path".into(),
                    Side::Revision,
                    op.pos,
                );
            }
        }
        for (i, j, moved) in pairs {
            self.operation(&base.ops[i], &rev.ops[j], moved);
        }
    }

    fn operation(&mut self, b: &Operation, r: &Operation, moved: bool) {
        let label = r.label();
        let op_id = r.operation_id.as_deref().or(b.operation_id.as_deref());
        let mut ctx = Ctx {
            direction: Direction::None,
            scope: Scope::Operation,
            operation: Some(&label),
            operation_id: op_id,
        };
        if moved {
            let delta = Delta::PathChanged {
                from: b.label(),
                to: r.label(),
            };
            self.push(&ctx, delta, "path".into(), Side::Revision, r.pos);
        }
        if b.operation_id != r.operation_id {
            let delta = Delta::OperationIdChanged {
                from: b.operation_id.clone(),
                to: r.operation_id.clone(),
            };
            self.push(&ctx, delta, "operationId".into(), Side::Revision, r.pos);
        }
        for t in &b.tags {
            if !r.tags.contains(t) {
                self.push(
                    &ctx,
                    Delta::TagRemoved(t.clone()),
                    format!("tags.{t}"),
                    Side::Revision,
                    r.pos,
                );
            }
        }
        let rank = |s: &Option<String>| super::schema::stability_rank(s.as_deref());
        if rank(&r.stability) < rank(&b.stability) {
            let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "stable".into());
            let delta = Delta::StabilityDecreased {
                from: show(&b.stability),
                to: show(&r.stability),
            };
            self.push(
                &ctx,
                delta,
                "x-stability-level".into(),
                Side::Revision,
                r.pos,
            );
        }
        self.sunset(
            &ctx,
            (&b.sunset, &r.sunset),
            r.deprecated,
            "x-sunset",
            r.pos,
        );
        if let Some(detail) = security_tightened(self.base, b, self.rev, r) {
            self.push(
                &ctx,
                Delta::SecurityAdded(detail),
                "security".into(),
                Side::Revision,
                r.pos,
            );
        }

        // Parameters.
        ctx.direction = Direction::Request;
        ctx.scope = Scope::Parameter;
        if !moved {
            for (bn, rn) in b.path_params.iter().zip(&r.path_params) {
                if bn != rn {
                    let delta = Delta::PathParamRenamed {
                        from: bn.clone(),
                        to: rn.clone(),
                    };
                    self.push(
                        &ctx,
                        delta,
                        format!("request.path.{rn}"),
                        Side::Revision,
                        r.pos,
                    );
                }
            }
        }
        // Path parameters match by position, unless the template itself changed.
        let key = |p: &Param| -> String {
            if moved && p.location == ParamIn::Path {
                format!("path:{}", p.name)
            } else {
                p.key.clone()
            }
        };
        for bp in &b.params {
            let loc = format!("request.{}.{}", bp.location.as_str(), bp.name);
            let bkey = key(bp);
            let Some(rp) = r.params.iter().find(|p| key(p) == bkey) else {
                let before_sunset = bp
                    .sunset
                    .as_ref()
                    .filter(|s| is_date(s) && s.as_str() >= self.settings.today.as_str())
                    .cloned();
                let delta = Delta::ParamRemoved {
                    deprecated: bp.deprecated,
                    before_sunset,
                };
                self.push(&ctx, delta, loc, Side::Base, bp.pos);
                continue;
            };
            let loc = format!("request.{}.{}", rp.location.as_str(), rp.name);
            if bp.deprecated != rp.deprecated {
                let delta = if rp.deprecated {
                    Delta::ParamDeprecated
                } else {
                    Delta::ParamReactivated
                };
                self.push(&ctx, delta, loc.clone(), Side::Revision, rp.pos);
            }
            self.sunset(&ctx, (&bp.sunset, &rp.sunset), rp.deprecated, &loc, rp.pos);
            if bp.required != rp.required {
                let delta = Delta::ParamRequiredChanged { now: rp.required };
                self.push(&ctx, delta, loc.clone(), Side::Revision, rp.pos);
            }
            if bp.style != rp.style || bp.explode != rp.explode {
                let delta = Delta::ParamSerializationChanged {
                    from: format!("style={} explode={}", bp.style, bp.explode),
                    to: format!("style={} explode={}", rp.style, rp.explode),
                };
                self.push(&ctx, delta, loc.clone(), Side::Revision, rp.pos);
            }
            if let (Some(bs), Some(rs)) = (bp.schema, rp.schema) {
                self.schema(&ctx, bs, rs, loc);
            }
        }
        for rp in &r.params {
            let rkey = key(rp);
            if b.params.iter().any(|p| key(p) == rkey) {
                continue;
            }
            let delta = if rp.location == ParamIn::Path {
                Delta::PathParamAdded
            } else {
                Delta::ParamAdded {
                    required: rp.required,
                    path_level: rp.path_level,
                }
            };
            let loc = format!("request.{}.{}", rp.location.as_str(), rp.name);
            self.push(&ctx, delta, loc, Side::Revision, rp.pos);
        }

        // Request body.
        ctx.scope = Scope::Body;
        match (&b.body, &r.body) {
            (None, Some(rb)) => {
                let delta = Delta::BodyAdded {
                    required: rb.required,
                };
                self.push(&ctx, delta, "request.body".into(), Side::Revision, rb.pos);
            }
            (Some(bb), None) => {
                self.push(
                    &ctx,
                    Delta::BodyRemoved,
                    "request.body".into(),
                    Side::Base,
                    bb.pos,
                );
            }
            (Some(bb), Some(rb)) => {
                if !bb.required && rb.required {
                    self.push(
                        &ctx,
                        Delta::BodyBecameRequired,
                        "request.body".into(),
                        Side::Revision,
                        rb.pos,
                    );
                }
                self.content(&ctx, &bb.content, &rb.content, "request.body");
            }
            (None, None) => {}
        }

        // Responses.
        ctx.direction = Direction::Response;
        for br in &b.responses {
            let loc = format!("response[{}]", br.status);
            let Some(rr) = r.responses.iter().find(|x| x.status == br.status) else {
                ctx.scope = Scope::Operation;
                let delta = Delta::StatusRemoved {
                    success: br.is_success(),
                };
                self.push(&ctx, delta, loc, Side::Base, br.pos);
                continue;
            };
            ctx.scope = Scope::Body;
            self.content(&ctx, &br.content, &rr.content, &format!("{loc}.body"));
            ctx.scope = Scope::Header;
            for bh in &br.headers {
                let hloc = format!("{loc}.header.{}", bh.key);
                let Some(rh) = rr.headers.iter().find(|h| h.key == bh.key) else {
                    let delta = Delta::HeaderRemoved {
                        required: bh.required,
                    };
                    self.push(&ctx, delta, hloc, Side::Base, bh.pos);
                    continue;
                };
                if bh.required && !rh.required {
                    self.push(
                        &ctx,
                        Delta::HeaderBecameOptional,
                        hloc.clone(),
                        Side::Revision,
                        rh.pos,
                    );
                }
                if let (Some(bs), Some(rs)) = (bh.schema, rh.schema) {
                    self.schema(&ctx, bs, rs, hloc);
                }
            }
        }
        ctx.scope = Scope::Operation;
        for rr in &r.responses {
            if !b.responses.iter().any(|x| x.status == rr.status) {
                let delta = Delta::StatusAdded {
                    success: rr.is_success(),
                };
                self.push(
                    &ctx,
                    delta,
                    format!("response[{}]", rr.status),
                    Side::Revision,
                    rr.pos,
                );
            }
        }
    }

    fn content(&mut self, ctx: &Ctx<'_>, bc: &[Media], rc: &[Media], prefix: &str) {
        for bm in bc {
            let loc = format!("{prefix}[{}]", bm.name);
            let Some(rm) = rc.iter().find(|m| m.name == bm.name) else {
                self.push(
                    ctx,
                    Delta::MediaTypeRemoved(bm.name.clone()),
                    loc,
                    Side::Base,
                    bm.pos,
                );
                continue;
            };
            let (Some(bs), Some(rs)) = (bm.schema, rm.schema) else {
                if bm.schema.is_none() && rm.schema.is_some() {
                    let delta = Delta::MediaSchemaAdded(bm.name.clone());
                    self.push(ctx, delta, loc, Side::Revision, rm.pos);
                }
                continue;
            };
            if self.differ.wrapped_in_one_of(bs, rs) {
                let delta = Delta::Schema(SchemaChange::WrappedInOneOf);
                self.push(ctx, delta, loc, Side::Revision, rm.pos);
                continue;
            }
            self.schema(ctx, bs, rs, loc);
        }
    }

    fn schema(&mut self, ctx: &Ctx<'_>, b: NodeId, r: NodeId, loc: String) {
        if let Some(d) = self.differ.diff(b, r, ctx.direction) {
            let mut loc = loc;
            self.expand(Sink::Operation(ctx), &d, &mut loc);
        }
    }

    /// Lists the changes of a schema diff, below `loc`: for one operation
    /// (`Sink::Operation`) or for a shared schema, in its own terms.
    fn expand(&mut self, sink: Sink<'_, '_>, d: &SchemaDiff, loc: &mut String) {
        let spelling = match sink {
            Sink::Operation(_) => Spelling::Operation,
            Sink::Shared(_) => Spelling::Document,
        };
        for c in &d.changes {
            if self.schema_budget == 0 {
                return;
            }
            self.schema_budget -= 1;
            let mut at = loc.clone();
            if let Some(sub) = &c.sub {
                push_prop(&mut at, sub, spelling);
            }
            let delta = Delta::Schema(c.change.clone());
            match sink {
                Sink::Operation(ctx) => self.push(ctx, delta, at, c.side, c.pos),
                Sink::Shared(shared) => self.out.push(Change {
                    delta,
                    direction: shared.dir,
                    scope: Scope::Body,
                    operation: None,
                    operation_id: None,
                    location: at,
                    side: c.side,
                    pos: c.pos,
                    shared: Some(shared),
                }),
            }
        }
        for (seg, child) in &d.children {
            if self.enqueue_shared(child) {
                continue;
            }
            let len = loc.len();
            if let Some(seg) = seg {
                seg.push_to(loc, spelling);
            }
            self.expand(sink, child, loc);
            loc.truncate(len);
        }
    }

    /// A diff of a schema reached through `$ref` is not expanded where it is
    /// used: it is queued to be reported once, at its own location.
    fn enqueue_shared(&mut self, d: &Rc<SchemaDiff>) -> bool {
        let Some(b) = &d.boundary else {
            return false;
        };
        if self.shared_seen.insert((b.base, b.node, b.dir)) {
            self.shared.push(d.clone());
        }
        true
    }

    fn shared_schemas(&mut self) {
        let mut i = 0;
        while i < self.shared.len() {
            let d = self.shared[i].clone();
            i += 1;
            let Some(b) = &d.boundary else { continue };
            let shared = Shared {
                node: b.node,
                dir: b.dir,
            };
            let mut loc = b.location.clone();
            self.expand(Sink::Shared(shared), &d, &mut loc);
        }
    }

    fn spec_level(&mut self) {
        let (base, rev) = (self.base, self.rev);
        let ctx = Ctx {
            direction: Direction::None,
            scope: Scope::Spec,
            operation: None,
            operation_id: None,
        };
        // Component schemas: removed, or renamed with the same shape.
        let rnames: HashSet<&str> = rev.schemas.iter().map(|s| s.name.as_str()).collect();
        let bnames: HashSet<&str> = base.schemas.iter().map(|s| s.name.as_str()).collect();
        let mut added: HashMap<u64, Vec<&str>> = HashMap::new();
        for s in rev
            .schemas
            .iter()
            .filter(|s| !bnames.contains(s.name.as_str()))
        {
            added
                .entry(shape_hash(rev.doc, s.node))
                .or_default()
                .push(&s.name);
        }
        for s in base
            .schemas
            .iter()
            .filter(|s| !rnames.contains(s.name.as_str()))
        {
            let h = shape_hash(base.doc, s.node);
            let loc = format!("components.schemas.{}", s.name);
            match added
                .get_mut(&h)
                .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
            {
                Some(to) => {
                    let pos = rev
                        .schemas
                        .iter()
                        .find(|x| x.name == to)
                        .map(|x| x.pos)
                        .unwrap_or_default();
                    let delta = Delta::SchemaRenamed {
                        from: s.name.clone(),
                        to: to.to_string(),
                    };
                    self.push(&ctx, delta, loc, Side::Revision, pos);
                }
                None => self.push(
                    &ctx,
                    Delta::SchemaRemoved(s.name.clone()),
                    loc,
                    Side::Base,
                    s.pos,
                ),
            }
        }
        // Security schemes.
        for bs in &base.security_schemes {
            let Some(rs) = rev.security_schemes.iter().find(|x| x.name == bs.name) else {
                continue;
            };
            let (bd, rd) = (base.doc, rev.doc);
            let (bn, rn) = (
                crate::diff::model::deref(bd, bs.node),
                crate::diff::model::deref(rd, rs.node),
            );
            let (Ok(bn), Ok(rn)) = (bn, rn) else { continue };
            let mut diffs = Vec::new();
            for key in [
                "type",
                "scheme",
                "in",
                "name",
                "bearerFormat",
                "openIdConnectUrl",
            ] {
                let get = |d: &Doc, n: NodeId| {
                    d.get(n, key).map(|v| {
                        let t = d.scalar_text(v);
                        // HTTP auth scheme names are case-insensitive.
                        if key == "scheme" || key == "name" && d.get_str(n, "in") == Some("header")
                        {
                            t.to_ascii_lowercase()
                        } else {
                            t
                        }
                    })
                };
                let (x, y) = (get(bd, bn), get(rd, rn));
                if x != y {
                    diffs.push(format!(
                        "{key} {} → {}",
                        x.as_deref().unwrap_or("(none)"),
                        y.as_deref().unwrap_or("(none)")
                    ));
                }
            }
            if !diffs.is_empty() {
                let loc = format!("components.securitySchemes.{}", bs.name);
                self.push(
                    &ctx,
                    Delta::SecuritySchemeChanged(diffs.join(", ")),
                    loc,
                    Side::Revision,
                    rs.pos,
                );
            }
        }
        for (url, pos) in &base.servers {
            if !rev.servers.iter().any(|(u, _)| u == url) {
                self.push(
                    &ctx,
                    Delta::ServerRemoved(url.clone()),
                    "servers".into(),
                    Side::Base,
                    *pos,
                );
            }
        }
        for w in &base.webhooks {
            if !rev.webhooks.iter().any(|x| x.name == w.name) {
                let loc = format!("webhooks.{}", w.name);
                self.push(
                    &ctx,
                    Delta::WebhookRemoved(w.name.clone()),
                    loc,
                    Side::Base,
                    w.pos,
                );
            }
        }
    }
}

/// A security requirement: alternatives, each a set of schemes with scopes.
type Requirement = Vec<Vec<(String, Vec<String>)>>;

fn requirement(doc: &Doc, node: Option<NodeId>) -> Requirement {
    let Some(node) = node else {
        return Vec::new();
    };
    doc.items(node)
        .iter()
        .map(|&alt| {
            doc.entries(alt)
                .iter()
                .map(|e| {
                    let scopes = doc
                        .items(e.value)
                        .iter()
                        .map(|&s| doc.scalar_text(s))
                        .collect();
                    (doc.sym(e.key).to_string(), scopes)
                })
                .collect()
        })
        .collect()
}

/// Describes how `r`'s effective security is stricter than `b`'s: some way a
/// client authenticated before no longer satisfies any alternative.
fn security_tightened(
    base: &Spec<'_>,
    b: &Operation,
    rev: &Spec<'_>,
    r: &Operation,
) -> Option<String> {
    let breq = requirement(base.doc, b.security.or(base.global_security));
    let rreq = requirement(rev.doc, r.security.or(rev.global_security));
    if rreq.is_empty() || rreq.iter().any(Vec::is_empty) {
        return None;
    }
    let unauthenticated = vec![Vec::new()];
    let old_ways = if breq.is_empty() {
        &unauthenticated
    } else {
        &breq
    };
    let satisfied = |way: &Vec<(String, Vec<String>)>| {
        rreq.iter().any(|alt| {
            alt.iter().all(|(scheme, scopes)| {
                way.iter()
                    .any(|(s, have)| s == scheme && scopes.iter().all(|x| have.contains(x)))
            })
        })
    };
    if old_ways.iter().all(satisfied) {
        return None;
    }
    let show = rreq
        .iter()
        .map(|alt| {
            alt.iter()
                .map(|(s, scopes)| {
                    if scopes.is_empty() {
                        s.clone()
                    } else {
                        format!("{s}[{}]", scopes.join(","))
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join(" or ");
    Some(show)
}

/// A hash of a schema's shape, ignoring documentation keys.
fn shape_hash(doc: &Doc, node: NodeId) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut budget = 100_000u32;
    hash_node(doc, node, &mut h, &mut budget, 0);
    h.finish()
}

fn hash_node(doc: &Doc, node: NodeId, h: &mut impl Hasher, budget: &mut u32, depth: u32) {
    if *budget == 0 || depth > 64 {
        return;
    }
    *budget -= 1;
    match doc.kind(node) {
        Kind::Map { .. } => {
            let mut es: Vec<_> = doc
                .entries(node)
                .iter()
                .filter(|e| {
                    !matches!(
                        doc.sym(e.key),
                        "description" | "title" | "example" | "examples" | "externalDocs"
                    )
                })
                .collect();
            es.sort_by(|a, b| doc.sym(a.key).cmp(doc.sym(b.key)));
            0u8.hash(h);
            for e in es {
                doc.sym(e.key).hash(h);
                hash_node(doc, e.value, h, budget, depth + 1);
            }
        }
        Kind::Seq { .. } => {
            1u8.hash(h);
            for &i in doc.items(node) {
                hash_node(doc, i, h, budget, depth + 1);
            }
        }
        _ => doc.render(node).hash(h),
    }
}
