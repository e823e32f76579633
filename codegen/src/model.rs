//! What code generation knows about a spec beyond what progenitor generates: servers, and per
//! operation its method, path, declared headers, request body media type, and the success and
//! error responses taken out of progenitor's view.

/// A server URL; variables are written `{name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTemplate {
    /// The URL, with `{name}` placeholders.
    pub url: String,
    /// The server's description, if any.
    pub description: Option<String>,
    /// The placeholder names in order of appearance.
    pub variables: Vec<String>,
}

/// How a response is keyed in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    /// One status code, such as `404`.
    Code(u16),
    /// A range such as `4XX`; the value is the first digit.
    Range(u8),
    /// The `default` response.
    Default,
}

/// One documented error response of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorModel {
    /// Which status (or range, or `default`).
    pub status: StatusKey,
    /// The response description from the spec.
    pub description: String,
    /// The component schema that types the JSON body; `None` when the spec declares no JSON body.
    pub body_schema: Option<String>,
    /// Declared response header names, lower-cased.
    pub headers: Vec<String>,
}

/// One operation, as the typed-error layer and the facade need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationModel {
    /// The operationId, as written in the spec or derived from method and path.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Declared header parameter names, lower-cased.
    pub header_params: Vec<String>,
    /// The documented success statuses.
    pub success_statuses: Vec<u16>,
    /// The documented error responses, in spec order.
    pub errors: Vec<ErrorModel>,
    /// The request body's chosen media type, if the operation takes a body.
    pub request_body: Option<RequestBodyModel>,
    /// How success responses are decoded.
    pub success: SuccessModel,
}

/// How a body is carried on the wire, from its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BodyKind {
    /// `application/json`, any `+json` type, or `*/*` with a structured schema.
    Json,
    /// `application/x-www-form-urlencoded`, with Stripe's nested `a[b][c]` keys.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `application/octet-stream` and every other non-text type: bytes.
    Bytes,
    /// `text/*`: a string.
    Text,
}

/// The media type an operation's request body is sent as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBodyModel {
    /// The media type as the spec writes it (the `Content-Type` sent).
    pub media_type: String,
    /// How the body is encoded.
    pub kind: BodyKind,
    /// For multipart bodies, the top-level fields the spec marks `format: binary`: sent as
    /// file parts.
    pub file_fields: Vec<String>,
}

/// One documented success response, as decoded by paysdk rather than progenitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessResponse {
    /// A code such as `201`, or the range `2XX`.
    pub status: StatusKey,
    /// The response description from the spec.
    pub description: String,
    /// The body: `None` for a bodiless response.
    pub body: Option<SuccessBody>,
}

/// The body of one success response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuccessBody {
    /// JSON typed by this component schema.
    Json(String),
    /// Raw bytes (`application/octet-stream`, images, PDFs…), with the media type.
    Bytes(String),
    /// Text (`text/*`), with the media type.
    Text(String),
}

/// How an operation's successes reach the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SuccessModel {
    /// One JSON type (or none) for every success status: progenitor generates it.
    #[default]
    Generated,
    /// The same non-JSON body for every success status: `bytes::Bytes` or `String`.
    Single(Vec<SuccessResponse>),
    /// Different bodies per status: a `responses::<Operation>Response` enum, one variant per
    /// status.
    Enum(Vec<SuccessResponse>),
}

/// Everything code generation learned from one spec while normalizing it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiModel {
    /// Declared servers.
    pub servers: Vec<ServerTemplate>,
    /// Operations in spec order.
    pub operations: Vec<OperationModel>,
    /// Query parameters encoded by paysdk rather than progenitor.
    pub query_params: Vec<StyledQueryParam>,
}

/// A query parameter whose encoding paysdk writes itself (`::paysdk::runtime::append_query`),
/// because progenitor refuses its style or gets it wrong (anything but a scalar in the
/// default `form` style). progenitor sees it as a plain `form` parameter, which gives the
/// method its argument and type; the encoding is then replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyledQueryParam {
    /// The operationId of the operation that takes it.
    pub operation_id: String,
    /// The parameter name as sent.
    pub name: String,
    /// The declared style.
    pub style: QueryStyle,
    /// The declared (or default) explode.
    pub explode: bool,
}

/// A query parameter style, as `::paysdk::runtime::QueryStyle` knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`.
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}
