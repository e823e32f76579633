//! The sidecar settings file of a spec, `specs/<name>.paysdk.yaml`: what the vendor's file
//! cannot say. Which operations to generate, method names, idempotency, retry hints,
//! transient errors, pagination and secret fields (`docs/sidecar.md` documents every key).
//!
//! The file sits next to the spec it belongs to, for a folder spec too: `specs/unit/` reads
//! `specs/unit.paysdk.yaml`. Unknown keys at any level, and names the spec does not have (an
//! operationId, a tag, a query parameter, a schema), fail the build with the sidecar's file,
//! line and column. Names are checked against the spec after its overlay is applied, so an
//! operation an overlay renames is configured by its new operationId.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::error::{Location, SpecError};

/// Ending of a sidecar file name: `stripe.yaml` → `stripe.paysdk.yaml`.
pub const SIDECAR_SUFFIX: &str = ".paysdk.yaml";

/// The settings of one spec. [`Sidecar::default`] (no file) generates every operation with
/// the defaults described on each field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    /// The file this was read from; `None` for the defaults.
    #[serde(skip)]
    pub file: Option<PathBuf>,
    /// Which operations to generate; `None` generates all of them.
    #[serde(default)]
    pub operations: Option<OperationFilter>,
    /// Method names by operationId, replacing the snake-case operationId.
    #[serde(default, deserialize_with = "method_map")]
    pub methods: BTreeMap<OperationId, MethodName>,
    /// Idempotency keys beyond the operations that declare a well-known header.
    #[serde(default)]
    pub idempotency: Option<Idempotency>,
    /// The response header that carries the provider's request reference, kept in errors
    /// and traces (Weavr's `request-ref`).
    #[serde(default)]
    pub request_reference_header: Option<HeaderName>,
    /// The field of JSON error bodies that carries the provider's request reference, read
    /// when the header gives none (Enfuce's `id`).
    #[serde(default)]
    pub request_reference_field: Option<FieldPath>,
    /// Headers read as a server-requested wait, in seconds, when `Retry-After` is absent
    /// (Weavr's `x-ratelimit-reset`), in the order they are tried.
    #[serde(default)]
    pub retry_after_headers: Vec<HeaderName>,
    /// Error responses that are worth retrying although their status is not transient.
    #[serde(default)]
    pub transient_errors: Vec<TransientRule>,
    /// Operations whose results come in pages, by operationId.
    #[serde(default, deserialize_with = "pagination_map")]
    pub pagination: BTreeMap<OperationId, Pagination>,
    /// Fields whose values are secrets (card numbers, passwords): wrapped so that `Debug`,
    /// errors and logs never show them.
    #[serde(default)]
    pub secrets: Vec<SecretField>,
    /// String query or header parameters whose value is set once on the client (Enfuce's
    /// `auditUser`): a builder setter and a `with_<name>` copy instead of a method argument,
    /// with a per-call setter to override it.
    #[serde(default)]
    pub client_parameters: Vec<ClientParam>,
    /// How the provider signs webhook deliveries, when it signs in headers (Weavr's
    /// `signature-v2`): generates `webhooks::Verifier`.
    #[serde(default)]
    pub webhook_signature: Option<WebhookSignature>,
    /// Names for the spec's servers, in their order: generates an `Environment` enum
    /// (Enfuce's `Cat2 { environment, realm }` and `Live`) and `ClientBuilder::environment`.
    #[serde(default)]
    pub environments: Vec<VariantName>,
    /// Narrower methods, by method name, that build an operation's body from their arguments
    /// and fix some of its values (Enfuce's `create_customer_link(id, linked_customer_id)`).
    #[serde(default)]
    pub shortcuts: BTreeMap<MethodName, Shortcut>,
    /// Operations whose optional query parameters their method takes as one struct, by
    /// operationId; the value names the struct (Weavr's `InstitutionsQuery`).
    #[serde(default, deserialize_with = "query_struct_map")]
    pub query_structs: BTreeMap<OperationId, TypeName>,
    /// The generated `Credentials` enum: its constructors' names, and whether `build()`
    /// refuses a client without credentials.
    #[serde(default)]
    pub credentials: Option<CredentialSettings>,
    /// The API's name in build errors (`enfuce: missing credentials`). Default: the module.
    #[serde(default)]
    pub provider: Option<ProviderName>,
}

/// A narrower method over one operation: some of its body fields taken as arguments (after
/// the path parameters not fixed here), the others fixed or left out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawShortcut")]
pub struct Shortcut {
    /// The operation called.
    pub operation: OperationId,
    /// Body fields taken as arguments, in argument order.
    pub arguments: Vec<BodyArgument>,
    /// Body fields given a fixed value.
    pub body: Vec<(String, Constant)>,
    /// Path parameters given a fixed value.
    pub path: Vec<(String, Constant)>,
}

/// A body field taken as an argument: `customerId`, or `{customerId: linked_customer_id}`
/// to name the argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyArgument {
    /// The body field's JSON name.
    pub field: String,
    /// The argument's name; default: the field's in snake case.
    pub name: Option<MethodName>,
}

/// A fixed value: a string (also an enum's wire value), an integer or a boolean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constant {
    /// A string, or the wire value of an enum.
    Str(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShortcut {
    operation: OperationId,
    #[serde(default)]
    arguments: Vec<BodyArgument>,
    #[serde(default)]
    body: BTreeMap<String, Constant>,
    #[serde(default)]
    path: BTreeMap<String, Constant>,
}

impl TryFrom<RawShortcut> for Shortcut {
    type Error = String;

    fn try_from(raw: RawShortcut) -> Result<Self, String> {
        let op = &raw.operation.0;
        let mut seen = BTreeSet::new();
        let fields = raw
            .arguments
            .iter()
            .map(|a| &a.field)
            .chain(raw.body.keys());
        for field in fields {
            if !seen.insert(field) {
                return Err(format!(
                    "body field '{field}' is both an argument and fixed, or listed twice"
                ));
            }
            with_names(|n| n.check_in(op, field, "body field", |o| &o.body))?;
        }
        for param in raw.path.keys() {
            with_names(|n| n.check_in(op, param, "path parameter", |o| &o.path))?;
        }
        Ok(Shortcut {
            operation: raw.operation,
            arguments: raw.arguments,
            body: raw.body.into_iter().collect(),
            path: raw.path.into_iter().collect(),
        })
    }
}

impl<'de> Deserialize<'de> for BodyArgument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ArgVisitor;
        impl<'de> Visitor<'de> for ArgVisitor {
            type Value = BodyArgument;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a body field, or a one-entry mapping `field: argument_name`")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<BodyArgument, E> {
                let field = s.to_string();
                Ok(BodyArgument { field, name: None })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BodyArgument, A::Error> {
                let Some((field, name)) = map.next_entry::<String, MethodName>()? else {
                    return Err(de::Error::custom(self.expecting_text()));
                };
                if map.next_key::<String>()?.is_some() {
                    return Err(de::Error::custom(self.expecting_text()));
                }
                let name = Some(name);
                Ok(BodyArgument { field, name })
            }
        }
        impl ArgVisitor {
            fn expecting_text(&self) -> &'static str {
                "an argument is a body field, or a one-entry mapping `field: argument_name`"
            }
        }
        d.deserialize_any(ArgVisitor)
    }
}

impl<'de> Deserialize<'de> for Constant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Constant::Str(s)),
            Value::Bool(b) => Ok(Constant::Bool(b)),
            Value::Number(n) if n.is_i64() => Ok(Constant::Int(n.as_i64().unwrap_or_default())),
            other => Err(de::Error::custom(format!(
                "a fixed value is a string, an integer or a boolean, not `{other}`"
            ))),
        }
    }
}

impl fmt::Display for Constant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constant::Str(s) => write!(f, "{s:?}"),
            Constant::Int(i) => write!(f, "{i}"),
            Constant::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The operations to generate: those with one of `ids` as operationId, and those with at
/// least one of `tags`. Only the component schemas they reach are generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawFilter")]
pub struct OperationFilter {
    /// Tags whose operations are generated.
    pub tags: Vec<Tag>,
    /// operationIds of operations generated.
    pub ids: Vec<OperationId>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilter {
    #[serde(default)]
    tags: Vec<Tag>,
    #[serde(default)]
    ids: Vec<OperationId>,
}

impl TryFrom<RawFilter> for OperationFilter {
    type Error = String;

    fn try_from(raw: RawFilter) -> Result<Self, String> {
        if raw.tags.is_empty() && raw.ids.is_empty() {
            return Err("`operations` selects nothing: list `tags`, `ids` or both \
                        (remove the key to generate every operation)"
                .into());
        }
        Ok(OperationFilter {
            tags: raw.tags,
            ids: raw.ids,
        })
    }
}

impl OperationFilter {
    /// Whether an operation with this operationId and these tags is generated.
    pub fn selects(&self, operation_id: Option<&str>, tags: &[&str]) -> bool {
        operation_id.is_some_and(|id| self.ids.iter().any(|i| i.0 == id))
            || tags.iter().any(|t| self.tags.iter().any(|s| s.0 == *t))
    }
}

/// Idempotency keys: one per logical call, reused on every retry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// The request header that carries the key. Default: the header the operation declares
    /// (`idempotency-key`, `x-idempotency-key` or `idempotency-ref`), else `idempotency-key`.
    #[serde(default)]
    pub header: Option<HeaderName>,
    /// The longest key the provider accepts, in bytes (a caller's key longer than this is
    /// refused before sending). Default: 255.
    #[serde(default)]
    pub max_length: Option<usize>,
    /// Operations that get a key although they declare no such header.
    #[serde(default)]
    pub operations: Vec<OperationId>,
}

/// Default [`Idempotency::max_length`].
pub const DEFAULT_IDEMPOTENCY_MAX_LENGTH: usize = 255;

impl Idempotency {
    /// The maximum key length, with the default applied.
    pub fn max_length(&self) -> usize {
        self.max_length.unwrap_or(DEFAULT_IDEMPOTENCY_MAX_LENGTH)
    }
}

/// A webhook signature scheme in headers: HMAC-SHA256 with the provider's key, each
/// signature the base64 HMAC of its parts concatenated, the timestamp in Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawSignature")]
pub struct WebhookSignature {
    /// The header with the delivery's reference, the same on every redelivery.
    pub reference: Option<HeaderName>,
    /// The header with the publication time.
    pub timestamp: HeaderName,
    /// The signature headers and what each signs, checked in this order (the first is the
    /// one kept as the delivery's signature).
    pub signatures: Vec<(HeaderName, Vec<SignedPart>)>,
}

/// What a signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignedPart {
    /// The reference header's value (empty when not sent).
    Reference,
    /// The body, as received.
    Body,
    /// The timestamp header's value.
    Timestamp,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    #[serde(default)]
    reference: Option<HeaderName>,
    timestamp: HeaderName,
    signatures: Vec<RawSignatureHeader>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignatureHeader {
    header: HeaderName,
    signs: Vec<SignedPart>,
}

impl TryFrom<RawSignature> for WebhookSignature {
    type Error = String;

    fn try_from(raw: RawSignature) -> Result<Self, String> {
        if raw.signatures.is_empty() {
            return Err("a webhook signature needs at least one signature header".into());
        }
        let mut signatures = Vec::new();
        for sig in raw.signatures {
            if sig.signs.is_empty() {
                return Err(format!("signature `{}` signs nothing", sig.header.0));
            }
            if raw.reference.is_none() && sig.signs.contains(&SignedPart::Reference) {
                return Err(format!(
                    "signature `{}` signs the reference, but no `reference` header is given",
                    sig.header.0
                ));
            }
            signatures.push((sig.header, sig.signs));
        }
        Ok(WebhookSignature {
            reference: raw.reference,
            timestamp: raw.timestamp,
            signatures,
        })
    }
}

/// An error response retried like a 503: its status, and optionally a field of its JSON
/// body that must hold a given string (Weavr's 409 with `errorCode:
/// IDEMPOTENT_REQUEST_IN_PROGRESS`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawRule")]
pub struct TransientRule {
    /// The HTTP status, 400 to 599.
    pub status: u16,
    /// The body field and the value it must equal; `None` makes every response with
    /// `status` transient.
    pub body: Option<(FieldPath, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    status: u16,
    #[serde(default)]
    field: Option<FieldPath>,
    #[serde(default)]
    equals: Option<String>,
}

impl TryFrom<RawRule> for TransientRule {
    type Error = String;

    fn try_from(raw: RawRule) -> Result<Self, String> {
        if !(400..=599).contains(&raw.status) {
            return Err(format!(
                "transient error status {} is not an error status (400 to 599)",
                raw.status
            ));
        }
        let body = match (raw.field, raw.equals) {
            (Some(f), Some(v)) => Some((f, v)),
            (None, None) => None,
            (Some(_), None) => return Err("a transient rule with `field` needs `equals`".into()),
            (None, Some(_)) => return Err("a transient rule with `equals` needs `field`".into()),
        };
        Ok(TransientRule {
            status: raw.status,
            body,
        })
    }
}

/// How one operation pages its results. Written as a one-key mapping naming the style:
/// `offset: {...}`, `cursor: {...}` or `link: {...}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawPagination")]
pub enum Pagination {
    /// Offset and limit query parameters (Weavr).
    Offset(OffsetPagination),
    /// An opaque cursor handed back in each page (or the last item's id, as Stripe does).
    Cursor(CursorPagination),
    /// Each page names the URL of the next one.
    Link(LinkPagination),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPagination {
    #[serde(default)]
    offset: Option<OffsetPagination>,
    #[serde(default)]
    cursor: Option<CursorPagination>,
    #[serde(default)]
    link: Option<LinkPagination>,
}

impl TryFrom<RawPagination> for Pagination {
    type Error = &'static str;

    fn try_from(raw: RawPagination) -> Result<Self, Self::Error> {
        match (raw.offset, raw.cursor, raw.link) {
            (Some(p), None, None) => Ok(Pagination::Offset(p)),
            (None, Some(p), None) => Ok(Pagination::Cursor(p)),
            (None, None, Some(p)) => Ok(Pagination::Link(p)),
            _ => Err("give exactly one pagination style: `offset`, `cursor` or `link`"),
        }
    }
}

impl Pagination {
    /// The response field that holds the page's items.
    pub fn items(&self) -> &FieldPath {
        match self {
            Pagination::Offset(p) => &p.items,
            Pagination::Cursor(p) => &p.items,
            Pagination::Link(p) => &p.items,
        }
    }
}

/// Offset/limit paging. The last page is the one that reaches `total`, or, without a total,
/// the first page with fewer items than asked for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawOffset")]
pub struct OffsetPagination {
    /// The query parameter with the index of the first item. Default: `offset`.
    pub offset: QueryParam,
    /// The query parameter with the page size. Default: `limit`.
    pub limit: QueryParam,
    /// The response field with the number of items across all pages (Weavr's `count`).
    pub total: Option<FieldPath>,
    /// The response field that holds the page's items.
    pub items: FieldPath,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffset {
    #[serde(default)]
    offset: Option<QueryParam>,
    #[serde(default)]
    limit: Option<QueryParam>,
    #[serde(default)]
    total: Option<FieldPath>,
    items: FieldPath,
}

impl TryFrom<RawOffset> for OffsetPagination {
    type Error = String;

    // Defaults are checked against the operation too: serde does not read them.
    fn try_from(raw: RawOffset) -> Result<Self, String> {
        let param = |given: Option<QueryParam>, default: &str| match given {
            Some(p) => Ok(p),
            None => with_names(|n| n.check_query_param(default))
                .map(|()| QueryParam(default.to_string())),
        };
        Ok(OffsetPagination {
            offset: param(raw.offset, "offset")?,
            limit: param(raw.limit, "limit")?,
            total: raw.total,
            items: raw.items,
        })
    }
}

/// Cursor paging: the next page is asked for with `param` set to a cursor taken from this
/// page, from the field `next` or from the field `last_item` of the page's last item (exactly
/// one of the two). It ends when the cursor is missing, null or empty, when the page is
/// empty, or when the `has_more` field is false.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawCursor")]
pub struct CursorPagination {
    /// The query parameter that carries the cursor (Stripe's `starting_after`).
    pub param: QueryParam,
    /// Where the next cursor comes from.
    pub next: CursorSource,
    /// A boolean response field that says whether another page exists (Stripe's `has_more`).
    pub has_more: Option<FieldPath>,
    /// The response field that holds the page's items.
    pub items: FieldPath,
}

/// Where a cursor for the next page is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorSource {
    /// A field of the response body.
    Field(FieldPath),
    /// A field of the page's last item (Stripe: `id`).
    LastItem(FieldPath),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCursor {
    param: QueryParam,
    #[serde(default)]
    next: Option<FieldPath>,
    #[serde(default)]
    last_item: Option<FieldPath>,
    #[serde(default)]
    has_more: Option<FieldPath>,
    items: FieldPath,
}

impl TryFrom<RawCursor> for CursorPagination {
    type Error = String;

    fn try_from(raw: RawCursor) -> Result<Self, String> {
        let next = match (raw.next, raw.last_item) {
            (Some(f), None) => CursorSource::Field(f),
            (None, Some(f)) => CursorSource::LastItem(f),
            _ => {
                return Err("cursor pagination takes exactly one of `next` (a response \
                            field) and `last_item` (a field of the last item)"
                    .into());
            }
        };
        Ok(CursorPagination {
            param: raw.param,
            next,
            has_more: raw.has_more,
            items: raw.items,
        })
    }
}

/// Next-page links: the URL of the next page is read from a response field or from the
/// `Link` header's `rel="next"` (RFC 8288); exactly one of the two. Paging ends when there
/// is no next link.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawLink")]
pub struct LinkPagination {
    /// Where the next page's URL is.
    pub next: LinkSource,
    /// The response field that holds the page's items.
    pub items: FieldPath,
}

/// Where a next-page URL is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkSource {
    /// A field of the response body (`links.next`).
    Field(FieldPath),
    /// The `Link` response header, `rel="next"`.
    Header,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    #[serde(default)]
    next: Option<FieldPath>,
    #[serde(default)]
    link_header: bool,
    items: FieldPath,
}

impl TryFrom<RawLink> for LinkPagination {
    type Error = String;

    fn try_from(raw: RawLink) -> Result<Self, String> {
        let next = match (raw.next, raw.link_header) {
            (Some(f), false) => LinkSource::Field(f),
            (None, true) => LinkSource::Header,
            _ => {
                return Err(
                    "link pagination takes exactly one of `next` (a response field) \
                            and `link_header: true`"
                        .into(),
                );
            }
        };
        Ok(LinkPagination {
            next,
            items: raw.items,
        })
    }
}

/// An operationId the spec has.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationId(pub String);

/// A tag the spec's operations use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(pub String);

/// A query parameter of the operation being configured.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueryParam(pub String);

/// A query or header parameter that some operation of the spec declares.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientParam(pub String);

/// The generated `Credentials` enum, one variant per security scheme paysdk can send.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSettings {
    /// Constructor names by scheme (`basicAuth: basic` gives `Credentials::basic` and the
    /// variant `Basic`); default: the scheme's builder setter name.
    #[serde(default)]
    pub names: BTreeMap<SchemeName, MethodName>,
    /// Whether `build()` fails when no credentials are given.
    #[serde(default)]
    pub required: bool,
}

/// A security scheme of `components/securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemeName(pub String);

/// A type name: upper camel case, ASCII letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeName(pub String);

/// An API's name in messages: ASCII letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProviderName(pub String);

/// An enum variant name: upper camel case, ASCII letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VariantName(pub String);

/// A method name: a snake-case Rust identifier that is not a keyword.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MethodName(pub String);

/// An HTTP header name, lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HeaderName(pub String);

/// A field of a JSON body: property names separated by dots (`links.next`), outermost first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(pub Vec<String>);

/// A secret field: `name` (that property in every schema) or `Schema.name` (in one schema).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretField {
    /// The component schema, or `None` for every schema.
    pub schema: Option<String>,
    /// The property name.
    pub property: String,
}

/// A string checked as it is read: serde_yaml gives an error raised inside its
/// `deserialize_str` the position of that scalar, where one raised later would get the
/// position of the enclosing mapping or sequence.
struct CheckedStr<T>(fn(String) -> Result<T, String>);

impl<T> Visitor<'_> for CheckedStr<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
        (self.0)(s.to_string()).map_err(E::custom)
    }
}

macro_rules! string_newtype {
    ($ty:ident, $check:expr) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(CheckedStr::<$ty>($check))
            }
        }
    };
}

string_newtype!(OperationId, |s| {
    with_names(|n| n.check_operation(&s))?;
    Ok(OperationId(s))
});
string_newtype!(Tag, |s| {
    with_names(|n| n.check_tag(&s))?;
    Ok(Tag(s))
});
string_newtype!(QueryParam, |s| {
    with_names(|n| n.check_query_param(&s))?;
    Ok(QueryParam(s))
});
string_newtype!(ClientParam, |s| {
    with_names(|n| n.check_parameter(&s))?;
    Ok(ClientParam(s))
});
string_newtype!(SchemeName, |s| {
    with_names(|n| n.check_scheme(&s))?;
    Ok(SchemeName(s))
});
string_newtype!(TypeName, |s| {
    if !is_camel(&s) || s == "Self" {
        return Err(format!(
            "type name '{s}' is not an upper camel case Rust identifier (ASCII letters and digits)"
        ));
    }
    Ok(TypeName(s))
});
string_newtype!(ProviderName, |s| {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(format!(
            "provider name '{s}' is not ASCII letters, digits, `-` and `_`"
        ));
    }
    Ok(ProviderName(s))
});
string_newtype!(VariantName, |s| {
    if !is_camel(&s) || s == "Custom" || s == "Self" {
        return Err(format!(
            "environment name '{s}' is not an upper camel case Rust identifier (ASCII letters \
             and digits), or is `Custom`, which stands for any base URL"
        ));
    }
    Ok(VariantName(s))
});
string_newtype!(MethodName, |s| {
    let ident = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s != "_";
    if !ident || is_keyword(&s) {
        return Err(format!(
            "method name '{s}' is not a snake-case Rust identifier (lower-case letters, \
             digits and `_`, not a keyword)"
        ));
    }
    Ok(MethodName(s))
});
string_newtype!(HeaderName, |s| {
    // RFC 9110 token characters.
    let token = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token {
        return Err(format!("'{s}' is not an HTTP header name"));
    }
    Ok(HeaderName(s.to_ascii_lowercase()))
});
string_newtype!(FieldPath, |s| {
    let parts: Vec<String> = s.split('.').map(str::to_string).collect();
    if parts.iter().any(String::is_empty) {
        return Err(format!(
            "'{s}' is not a field path: property names separated by single dots"
        ));
    }
    Ok(FieldPath(parts))
});
string_newtype!(SecretField, |s| {
    let (schema, property) = match s.split_once('.') {
        Some((schema, property)) => (Some(schema.to_string()), property.to_string()),
        None => (None, s.clone()),
    };
    if property.is_empty() || property.contains('.') || schema.as_deref() == Some("") {
        return Err(format!(
            "'{s}' is not a secret field: write `property` or `Schema.property`"
        ));
    }
    if let Some(schema) = &schema {
        with_names(|n| n.check_schema(schema))?;
    }
    Ok(SecretField { schema, property })
});

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

fn is_camel(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_keyword(s: &str) -> bool {
    const KEYWORDS: [&str; 51] = [
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    KEYWORDS.contains(&s)
}

/// An operationId-keyed map with no key twice; while a value is read, its operation is the
/// one query parameters are checked against.
fn op_map<'de, D, V>(d: D, what: &'static str) -> Result<BTreeMap<OperationId, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct MapVisitor<V>(&'static str, PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
        type Value = BTreeMap<OperationId, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a mapping from operationId to {}", self.0)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = map.next_value_seed(EntryOf(&key, &out, PhantomData))?;
                out.insert(OperationId(key), value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(MapVisitor(what, PhantomData))
}

/// The value of an operationId-keyed entry. serde_yaml locates errors raised while a value is
/// read, not a key, so the key is checked here, before the value is read.
struct EntryOf<'a, V>(&'a str, &'a BTreeMap<OperationId, V>, PhantomData<V>);

impl<'de, V: Deserialize<'de>> de::DeserializeSeed<'de> for EntryOf<'_, V> {
    type Value = V;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<V, D::Error> {
        let key = self.0;
        let problem = if self.1.contains_key(&OperationId(key.to_string())) {
            Some(format!("operation '{key}' is listed twice"))
        } else {
            with_names(|n| n.check_operation(key)).err()
        };
        if let Some(problem) = problem {
            return d.deserialize_any(Refuse(problem, PhantomData));
        }
        set_current(Some(key));
        let value = V::deserialize(d);
        set_current(None);
        value
    }
}

fn set_current(op: Option<&str>) {
    CHECK.with(|c| {
        if let Some(check) = c.borrow_mut().as_mut() {
            check.current = op.map(str::to_string);
        }
    });
}

/// Fails on whatever value it is given, so the error carries the value's position.
struct Refuse<V>(String, PhantomData<V>);

impl<'de, V> Visitor<'de> for Refuse<V> {
    type Value = V;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<V, E> {
        Err(E::custom(self.0))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<V, E> {
        Err(E::custom(self.0))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<V, E> {
        Err(E::custom(self.0))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<V, E> {
        Err(E::custom(self.0))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<V, E> {
        Err(E::custom(self.0))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V, E> {
        Err(E::custom(self.0))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<V, A::Error> {
        Err(de::Error::custom(self.0))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<V, A::Error> {
        Err(de::Error::custom(self.0))
    }
}

fn method_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<OperationId, MethodName>, D::Error> {
    let map = op_map::<D, MethodName>(d, "a method name")?;
    distinct_values(map, |m| &m.0, "method name")
}

/// `map` when no two operations are given the same value (`what` names it in the error).
fn distinct_values<V, E: de::Error>(
    map: BTreeMap<OperationId, V>,
    value: impl Fn(&V) -> &str,
    what: &str,
) -> Result<BTreeMap<OperationId, V>, E> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (op, v) in &map {
        if let Some(other) = seen.insert(value(v), &op.0) {
            return Err(E::custom(format!(
                "operations '{other}' and '{}' are both given {what} '{}'",
                op.0,
                value(v)
            )));
        }
    }
    Ok(map)
}

fn query_struct_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<OperationId, TypeName>, D::Error> {
    let map = op_map::<D, TypeName>(d, "the name of its query struct")?;
    distinct_values(map, |n| &n.0, "query struct")
}

fn pagination_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<OperationId, Pagination>, D::Error> {
    op_map(d, "its pagination (`offset`, `cursor` or `link`)")
}

/// The names of a spec that a sidecar may mention: operationIds (with their query
/// parameters), tags and component schemas. Operations are those of `paths`: webhooks are
/// not called, so they take no settings.
#[derive(Debug, Clone, Default)]
pub struct SpecNames {
    operations: BTreeMap<String, OperationNames>,
    tags: BTreeSet<String>,
    schemas: BTreeSet<String>,
    /// Query and header parameters of every operation.
    parameters: BTreeSet<String>,
    /// The names of `components/securitySchemes`.
    schemes: BTreeSet<String>,
}

/// The names of one operation a sidecar may mention.
#[derive(Debug, Clone, Default)]
struct OperationNames {
    query: BTreeSet<String>,
    path: BTreeSet<String>,
    /// The properties of its JSON request body (through one `$ref` and `allOf`).
    body: BTreeSet<String>,
}

/// The methods of a path item that hold operations.
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl SpecNames {
    /// The names in an OpenAPI document (3.0 or 3.1, before normalization).
    pub fn of(doc: &Value) -> Self {
        let mut names = SpecNames::default();
        for_each_operation(doc, |_, _, item, op| {
            let tags = op.get("tags").and_then(Value::as_array);
            names.tags.extend(
                tags.into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                return;
            };
            let mut names_of = OperationNames {
                body: body_fields(doc, op),
                ..OperationNames::default()
            };
            let params = [item.get("parameters"), op.get("parameters")];
            for p in params
                .into_iter()
                .flatten()
                .filter_map(Value::as_array)
                .flatten()
            {
                let p = resolve(doc, p);
                let (Some(place), Some(name)) = (
                    p.get("in").and_then(Value::as_str),
                    p.get("name").and_then(Value::as_str),
                ) else {
                    continue;
                };
                match place {
                    "query" => names_of.query.insert(name.to_string()),
                    "path" => names_of.path.insert(name.to_string()),
                    _ => false,
                };
                if place == "query" || place == "header" {
                    names.parameters.insert(name.to_string());
                }
            }
            names.operations.insert(id.to_string(), names_of);
        });
        if let Some(schemes) = doc
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
        {
            names.schemes.extend(schemes.keys().cloned());
        }
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            names.schemas.extend(schemas.keys().cloned());
        }
        names
    }

    fn check_operation(&self, id: &str) -> Result<(), String> {
        if self.operations.contains_key(id) {
            return Ok(());
        }
        Err(format!(
            "the spec has no operation with operationId '{id}'{}",
            suggestion(id, self.operations.keys())
        ))
    }

    fn check_tag(&self, tag: &str) -> Result<(), String> {
        if self.tags.contains(tag) {
            return Ok(());
        }
        Err(format!(
            "no operation of the spec has tag '{tag}'{}",
            suggestion(tag, self.tags.iter())
        ))
    }

    fn check_schema(&self, schema: &str) -> Result<(), String> {
        if self.schemas.contains(schema) {
            return Ok(());
        }
        Err(format!(
            "the spec has no component schema '{schema}'{}",
            suggestion(schema, self.schemas.iter())
        ))
    }

    fn check_parameter(&self, name: &str) -> Result<(), String> {
        if self.parameters.contains(name) {
            return Ok(());
        }
        Err(format!(
            "no operation of the spec has a query or header parameter '{name}'{}",
            suggestion(name, self.parameters.iter())
        ))
    }

    fn check_scheme(&self, name: &str) -> Result<(), String> {
        if self.schemes.contains(name) {
            return Ok(());
        }
        Err(format!(
            "the spec has no security scheme '{name}'{}",
            suggestion(name, self.schemes.iter())
        ))
    }

    fn check_query_param(&self, name: &str) -> Result<(), String> {
        let Some(op) = &CHECK.with(|c| c.borrow().as_ref().and_then(|c| c.current.clone())) else {
            return Ok(());
        };
        self.check_in(op, name, "query parameter", |o| &o.query)
    }

    /// `name` must be one of `op`'s names that `select` picks (`what` says which kind).
    fn check_in(
        &self,
        op: &str,
        name: &str,
        what: &str,
        select: fn(&OperationNames) -> &BTreeSet<String>,
    ) -> Result<(), String> {
        let Some(names) = self.operations.get(op).map(select) else {
            return Ok(());
        };
        if names.contains(name) {
            return Ok(());
        }
        Err(format!(
            "operation '{op}' has no {what} '{name}'{}",
            suggestion(name, names.iter())
        ))
    }
}

/// Calls `f(path, method, path_item, operation)` for every operation under `paths`, through
/// path items that are local `$ref`s.
pub(crate) fn for_each_operation<'a>(
    doc: &'a Value,
    mut f: impl FnMut(&'a str, &'a str, &'a Value, &'a Value),
) {
    let Some(items) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in items {
        let item = resolve(doc, item);
        for method in HTTP_METHODS {
            if let Some(op) = item.get(method).filter(|o| o.is_object()) {
                f(path, method, item, op);
            }
        }
    }
}

/// The properties of an operation's JSON request body, through local `$ref`s and `allOf`.
fn body_fields(doc: &Value, op: &Value) -> BTreeSet<String> {
    let mut fields = BTreeSet::new();
    let content = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object);
    let schema = content.and_then(|c| {
        let json = c.iter().find(|(media, _)| media.contains("json"));
        json.or_else(|| c.iter().next())?.1.get("schema")
    });
    let mut pending: Vec<&Value> = schema.into_iter().collect();
    // Bounded: a cyclic `allOf` is not followed forever.
    for _ in 0..32 {
        let Some(schema) = pending.pop() else { break };
        let schema = resolve(doc, schema);
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            fields.extend(properties.keys().cloned());
        }
        pending.extend(
            schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    fields
}

/// A local `$ref` followed once; anything else as it is.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let pointer =
        value.get("$ref").and_then(Value::as_str).and_then(
            |r| match crate::spec::Reference::parse(r).ok()? {
                crate::spec::Reference::Local { pointer } => Some(pointer),
                _ => None,
            },
        );
    pointer.and_then(|p| doc.pointer(&p)).unwrap_or(value)
}

/// ", did you mean 'x'?" for the closest candidate, when it is close.
fn suggestion<'a>(wrong: &str, candidates: impl Iterator<Item = &'a String>) -> String {
    let lower = wrong.to_lowercase();
    let best = candidates
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, c)) if d <= 2.max(wrong.len() / 4) => format!(", did you mean '{c}'?"),
        _ => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The names values are checked against while a sidecar is read, and the operation whose
/// entry is being read. Thread-local because serde's derived code has no way to pass context
/// down; [`Sidecar::parse`] sets and clears it around one `from_str`.
struct Check {
    names: SpecNames,
    current: Option<String>,
}

thread_local! {
    static CHECK: RefCell<Option<Check>> = const { RefCell::new(None) };
}

fn with_names(f: impl FnOnce(&SpecNames) -> Result<(), String>) -> Result<(), String> {
    CHECK.with(|c| match c.borrow().as_ref() {
        Some(check) => f(&check.names),
        None => Ok(()),
    })
}

/// Clears the check context however parsing ends.
struct CheckGuard;

impl Drop for CheckGuard {
    fn drop(&mut self) {
        CHECK.with(|c| c.borrow_mut().take());
    }
}

impl Sidecar {
    /// The sidecar file of a spec file or folder: `specs/x.yaml` and `specs/x/` both give
    /// `specs/x.paysdk.yaml`.
    pub fn path_for(spec: &Path) -> PathBuf {
        companion(spec, SIDECAR_SUFFIX)
    }

    /// Reads the sidecar of `spec` from `source` if it exists, checking its names against
    /// `doc` (the spec after its overlay); the defaults when there is no file.
    pub fn load(
        source: &dyn crate::spec::Source,
        spec: &Path,
        doc: &Value,
    ) -> Result<Sidecar, SpecError> {
        let file = Self::path_for(spec);
        if !source.is_file(&file) {
            return Ok(Sidecar::default());
        }
        let text = source.read(&file).map_err(|e| {
            SpecError::new(
                &file,
                Location::File,
                format!("cannot read the sidecar: {e}"),
            )
        })?;
        Self::parse(&file, &text, Some(&SpecNames::of(doc)))
    }

    /// Parses sidecar text. With `names`, every operationId, tag, query parameter and schema
    /// it mentions must be in the spec; without, only the file's structure is checked.
    pub fn parse(file: &Path, text: &str, names: Option<&SpecNames>) -> Result<Sidecar, SpecError> {
        let _guard = CheckGuard;
        CHECK.with(|c| {
            *c.borrow_mut() = names.map(|n| Check {
                names: n.clone(),
                current: None,
            })
        });
        // An empty file (or one with only comments) is the defaults.
        let parsed: Result<Option<Sidecar>, _> = serde_yaml::from_str(text);
        match parsed {
            Ok(sidecar) => Ok(Sidecar {
                file: Some(file.to_path_buf()),
                ..sidecar.unwrap_or_default()
            }),
            Err(e) => {
                let location = match e.location() {
                    Some(l) => Location::LineColumn {
                        line: l.line(),
                        column: l.column(),
                    },
                    None => Location::File,
                };
                let message = super::load::strip_position(&e.to_string());
                Err(SpecError::new(
                    file,
                    location,
                    format!("invalid sidecar settings (docs/sidecar.md lists the keys): {message}"),
                ))
            }
        }
    }

    /// The method name for an operation: its override, if any.
    pub fn method_name(&self, operation_id: &str) -> Option<&str> {
        self.methods
            .iter()
            .find(|(id, _)| id.0 == operation_id)
            .map(|(_, m)| m.0.as_str())
    }

    /// The pagination of an operation, if it is paginated.
    pub fn pagination_of(&self, operation_id: &str) -> Option<&Pagination> {
        self.pagination
            .iter()
            .find(|(id, _)| id.0 == operation_id)
            .map(|(_, p)| p)
    }

    /// Whether the sidecar gives this operation an idempotency key.
    pub fn wants_idempotency_key(&self, operation_id: &str) -> bool {
        self.idempotency
            .as_ref()
            .is_some_and(|i| i.operations.iter().any(|o| o.0 == operation_id))
    }
}

/// Endings of the files that belong to a spec: its sidecar and its overlay.
pub const COMPANION_SUFFIXES: [&str; 2] = [SIDECAR_SUFFIX, super::overlay::OVERLAY_SUFFIX];

/// Whether a file in `specs/` is a sidecar or overlay rather than a spec. Other spellings
/// (`x.paysdk.yml`, `x.overlay.json`) are refused, so they are not read as specs.
pub fn is_companion(path: &Path) -> Result<bool, SpecError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if COMPANION_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return Ok(true);
    }
    for (kind, suffix) in COMPANION_SUFFIXES.iter().map(|s| (&s[..s.len() - 5], s)) {
        for ext in crate::spec::SPEC_EXTENSIONS {
            if name.ends_with(&format!("{kind}.{ext}")) {
                return Err(SpecError::new(
                    path,
                    Location::File,
                    format!(
                        "sidecar and overlay files are YAML named `<spec>{suffix}`: rename                          this file to end in `{suffix}`"
                    ),
                ));
            }
        }
    }
    Ok(false)
}

/// Every sidecar and overlay must sit next to a spec: one for no spec is most likely a
/// misspelt name, whose settings would be silently ignored.
pub fn check_companions(companions: &[PathBuf], specs: &[PathBuf]) -> Result<(), SpecError> {
    for file in companions {
        let owned = specs.iter().any(|spec| {
            COMPANION_SUFFIXES
                .iter()
                .any(|s| companion(spec, s) == *file)
        });
        if !owned {
            return Err(SpecError::new(
                file,
                Location::File,
                "this sidecar or overlay belongs to no spec: `specs/x.paysdk.yaml` and                  `specs/x.overlay.yaml` belong to `specs/x.yaml` (or `.yml`, `.json`, or the                  folder `specs/x/`); rename it to match its spec",
            ));
        }
    }
    Ok(())
}

/// A file next to a spec: `specs/x.yaml` or `specs/x/` with `suffix` gives
/// `specs/x<suffix>`.
pub(crate) fn companion(spec: &Path, suffix: &str) -> PathBuf {
    let name = if crate::spec::is_spec_file(spec) {
        spec.file_stem()
    } else {
        spec.file_name()
    };
    let name = name.and_then(|n| n.to_str()).unwrap_or_default();
    spec.with_file_name(format!("{name}{suffix}"))
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
