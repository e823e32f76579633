//! Rewrites a vendor spec, in memory, into the subset progenitor generates without panicking,
//! and records what the rewrite takes out (error responses, servers) in an [`ApiModel`].
//!
//! The vendor file on disk is never changed. Each pass is one function with one job.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::error::{SpecError, pointer};
use super::media;
use super::model::{ApiModel, ErrorModel, OperationModel, ServerTemplate, StatusKey};
use super::validate::resolve;

/// HTTP methods that may key an operation in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Runs every pass in order and returns what the typed-error layer needs.
pub fn normalize(file: &Path, doc: &mut Value) -> Result<ApiModel, SpecError> {
    let servers = servers(doc);
    fill_operation_ids(file, doc)?;
    strip_parameter_read_only(doc);
    relax_string_constraints(doc);
    drop_formats_of_structures(doc);
    stringify_string_enums(doc);
    let mut operations = extract_error_responses(file, doc)?;
    media::request_bodies(file, doc, &mut operations)?;
    media::success_responses(file, doc, &mut operations)?;
    hoist_repeated_inline_schemas(doc);
    super::names::make_unique(doc, &mut operations);
    let query_params = super::query_styles::route(file, doc)?;
    Ok(ApiModel {
        servers,
        operations,
        query_params,
    })
}

/// Iterates `(path, method, pointer)` over every operation.
pub(super) fn operation_pointers(doc: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some_and(Value::is_object) {
                    out.push((
                        path.clone(),
                        method.to_string(),
                        pointer("/paths", &[path, method]),
                    ));
                }
            }
        }
    }
    out
}

/// Servers, with Postman-style `{{name}}` placeholders (no `variables` block, as Enfuce
/// publishes them) read as OpenAPI `{name}` variables.
fn servers(doc: &mut Value) -> Vec<ServerTemplate> {
    let mut out = Vec::new();
    let Some(list) = doc.get_mut("servers").and_then(Value::as_array_mut) else {
        return out;
    };
    for server in list {
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            continue;
        };
        let url = url.trim().replace("{{", "{").replace("}}", "}");
        let mut variables = Vec::new();
        let mut rest = url.as_str();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            variables.push(rest[start + 1..start + len].to_string());
            rest = &rest[start + len + 1..];
        }
        let description = server
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(obj) = server.as_object_mut() {
            obj.insert("url".into(), Value::String(url.clone()));
            if !variables.is_empty() && !obj.contains_key("variables") {
                let vars = variables
                    .iter()
                    .map(|v| (v.clone(), serde_json::json!({ "default": v })))
                    .collect::<Map<_, _>>();
                obj.insert("variables".into(), Value::Object(vars));
            }
        }
        out.push(ServerTemplate {
            url,
            description,
            variables,
        });
    }
    out
}

/// Gives every operation an operationId; a missing one is derived from method and path
/// (`post /v1/items/{id}/close` becomes `post_v1_items_id_close`), so it is stable across builds.
fn fill_operation_ids(file: &Path, doc: &mut Value) -> Result<(), SpecError> {
    let mut seen: HashMap<String, String> = HashMap::new();
    for (path, method, at) in operation_pointers(doc) {
        let Some(op) = doc.pointer_mut(&at).and_then(Value::as_object_mut) else {
            continue;
        };
        let id = match op.get("operationId") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
            Some(Value::String(_)) | None => {
                let derived = derive_operation_id(&method, &path);
                op.insert("operationId".into(), Value::String(derived.clone()));
                derived
            }
            Some(other) => {
                return Err(SpecError::at(
                    file,
                    &pointer(&at, &["operationId"]),
                    format!("operationId must be a string, found {other}"),
                ));
            }
        };
        let key = snake_case(&id);
        if let Some(first) = seen.insert(key, at.clone()) {
            return Err(SpecError::at(
                file,
                &pointer(&at, &["operationId"]),
                format!(
                    "operationId '{id}' names the same generated method as the operation at \
                     {first}: operationIds must be unique"
                ),
            ));
        }
    }
    rename_builder_clashes(doc, &seen);
    Ok(())
}

/// Every operation `x` also gets a request builder `x_request` (`builders`); an operation
/// whose own method is that name (Unit's `getAuthorization` and `getAuthorizationRequest`)
/// becomes `x_request_op`, so both keep their methods.
fn rename_builder_clashes(doc: &mut Value, methods: &HashMap<String, String>) {
    let mut taken: HashSet<String> = methods.keys().cloned().collect();
    let mut clashes: Vec<(&String, &String)> = methods
        .iter()
        .filter(|(method, _)| {
            method
                .strip_suffix("_request")
                .is_some_and(|base| methods.contains_key(base))
        })
        .collect();
    clashes.sort();
    for (_, at) in clashes {
        let Some(op) = doc.pointer_mut(at).and_then(Value::as_object_mut) else {
            continue;
        };
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut renamed = format!("{id}_op");
        while !taken.insert(snake_case(&renamed)) {
            renamed.push_str("_op");
        }
        op.insert("operationId".into(), Value::String(renamed));
    }
}

/// `post`, `/v1/items/{id}/close` → `post_v1_items_id_close`.
pub fn derive_operation_id(method: &str, path: &str) -> String {
    let mut out = method.to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let word: String = segment
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let word = word.trim_matches('_');
        if !word.is_empty() {
            out.push('_');
            out.push_str(&word.to_ascii_lowercase());
        }
    }
    out
}

/// `deleteLinkedCustomerUsingDELETE` → `delete_linked_customer_using_delete`, the way
/// progenitor names methods.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// A type named after an operation: `orders.create` and `Response` → `OrdersCreateResponse`.
/// An operationId may start with a digit (`3dsAuthenticate`): the name then gets typify's `X`
/// prefix, as a schema of that name would (`X3dsAuthenticateResponse`).
pub fn operation_type_name(operation_id: &str, suffix: &str) -> String {
    let name = format!("{}{suffix}", pascal_case(operation_id));
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("X{name}")
    } else {
        name
    }
}

/// `unlinkLinkedAccountsId` or `bad request` → `UnlinkLinkedAccountsId`, `BadRequest`.
pub fn pascal_case(name: &str) -> String {
    snake_case(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Weavr marks path-parameter schemas `readOnly`, which means nothing on a parameter and
/// makes generators treat the value as response-only.
fn strip_parameter_read_only(doc: &mut Value) {
    fn strip(params: Option<&mut Value>) {
        if let Some(Value::Array(params)) = params {
            for p in params {
                if let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) {
                    schema.remove("readOnly");
                    schema.remove("writeOnly");
                }
            }
        }
    }
    if let Some(Value::Object(params)) = doc.pointer_mut("/components/parameters") {
        for p in params.values_mut() {
            if let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) {
                schema.remove("readOnly");
                schema.remove("writeOnly");
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            strip(item.get_mut("parameters"));
            for method in METHODS {
                if let Some(op) = item.get_mut(method) {
                    strip(op.get_mut("parameters"));
                }
            }
        }
    }
}

/// Drops `pattern`, `minLength` and `maxLength` from string schemas. The vendors' limits drift
/// between versions of their own docs; the server validates, and a client that refused a
/// 33-character value it was sent would lose a real response.
pub fn relax_string_constraints(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("string") {
                map.remove("pattern");
                map.remove("minLength");
                map.remove("maxLength");
            }
            for value in map.values_mut() {
                relax_string_constraints(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(relax_string_constraints),
        _ => {}
    }
}

/// Drops `format` from object, array and boolean schemas, where it means nothing (PayPal writes
/// `type: object, format: payer_v1`) and makes typify panic.
fn drop_formats_of_structures(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if matches!(
                map.get("type").and_then(Value::as_str),
                Some("object" | "array" | "boolean")
            ) {
                map.remove("format");
            }
            for value in map.values_mut() {
                drop_formats_of_structures(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_formats_of_structures),
        _ => {}
    }
}

/// A `type: string` enum whose values are written unquoted (Plaid's `enum: [4.1, 4]`, YAML
/// `true`) means the strings; typify refuses the numbers, so they are written as strings.
fn stringify_string_enums(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("string")
                && let Some(Value::Array(values)) = map.get_mut("enum")
            {
                for v in values.iter_mut() {
                    if matches!(v, Value::Number(_) | Value::Bool(_)) {
                        *v = Value::String(v.to_string());
                    }
                }
            }
            for value in map.values_mut() {
                stringify_string_enums(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(stringify_string_enums),
        _ => {}
    }
}

pub(super) fn status_key(code: &str) -> Option<StatusKey> {
    if code == "default" {
        return Some(StatusKey::Default);
    }
    if let Ok(n) = code.parse::<u16>() {
        return Some(StatusKey::Code(n));
    }
    let upper = code.to_ascii_uppercase();
    match upper.as_bytes() {
        [d @ b'1'..=b'5', b'X', b'X'] => Some(StatusKey::Range(d - b'0')),
        _ => None,
    }
}

pub(super) fn is_error(key: StatusKey) -> bool {
    match key {
        StatusKey::Code(c) => c >= 400,
        StatusKey::Range(d) => d >= 4,
        StatusKey::Default => true,
    }
}

/// Follows `$ref`s until a non-reference node (cycle-safe).
pub(super) fn deref<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => match resolve(doc, r) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

/// progenitor allows one success type and one error type per operation and panics otherwise
/// (`method.rs`: `response_types.len() <= 1`), and counts `default` on both sides. Vendors
/// document a different body per status. So every error response (4xx, 5xx, ranges and
/// `default`) is taken out of the operation before generation and recorded, with its body
/// schema moved into `components/schemas` so its type is still generated. The typed-error
/// layer decodes them from status and body.
fn extract_error_responses(file: &Path, doc: &mut Value) -> Result<Vec<OperationModel>, SpecError> {
    let ops = operation_pointers(doc);
    let mut operations = Vec::with_capacity(ops.len());
    // Inline error bodies, grouped by status then by shape, to name them.
    let mut inline_bodies: Vec<(usize, usize, StatusKey, Value)> = Vec::new();

    for (path, method, at) in &ops {
        // Read through a shared borrow; the responses are removed after the last read.
        let snapshot: &Value = doc;
        let op = snapshot.pointer(at).unwrap_or(&Value::Null);
        let operation_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut header_params = Vec::new();
        let path_params = snapshot.pointer(&pointer("/paths", &[path, "parameters"]));
        for list in [path_params, op.get("parameters")].into_iter().flatten() {
            for p in list.as_array().into_iter().flatten() {
                let p = deref(snapshot, p);
                if p.get("in").and_then(Value::as_str) == Some("header")
                    && let Some(name) = p.get("name").and_then(Value::as_str)
                {
                    let name = name.to_ascii_lowercase();
                    if !header_params.contains(&name) {
                        header_params.push(name);
                    }
                }
            }
        }
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Err(SpecError::at(
                file,
                &pointer(at, &["responses"]),
                format!("operation '{operation_id}' declares no `responses`"),
            ));
        };
        let mut success_statuses = Vec::new();
        let mut errors = Vec::new();
        let mut to_remove = Vec::new();
        for (code, response) in responses {
            let Some(key) = status_key(code) else {
                return Err(SpecError::at(
                    file,
                    &pointer(at, &["responses", code]),
                    format!("'{code}' is not a status code, a range such as 4XX, or `default`"),
                ));
            };
            if !is_error(key) {
                if let StatusKey::Code(c) = key {
                    success_statuses.push(c);
                }
                continue;
            }
            to_remove.push(code.clone());
            let response = deref(snapshot, response);
            let description = response
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string();
            let mut headers: Vec<String> = response
                .get("headers")
                .and_then(Value::as_object)
                .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
                .unwrap_or_default();
            headers.sort();
            let schema = response
                .get("content")
                .and_then(|c| media::json_schema(snapshot, c));
            let body_schema = match schema {
                None => None,
                Some(s) => match s.get("$ref").and_then(Value::as_str) {
                    Some(r) if r.starts_with("#/components/schemas/") => {
                        Some(r.trim_start_matches("#/components/schemas/").to_string())
                    }
                    _ if s.as_object().is_some_and(Map::is_empty) => None,
                    _ => {
                        // Named after hoisting, below; remember where it goes.
                        inline_bodies.push((operations.len(), errors.len(), key, s.clone()));
                        None
                    }
                },
            };
            errors.push(ErrorModel {
                status: key,
                description,
                body_schema,
                headers,
            });
        }
        if let Some(Value::Object(responses)) = doc.pointer_mut(&pointer(at, &["responses"])) {
            for code in to_remove {
                responses.remove(&code);
            }
        }
        operations.push(OperationModel {
            operation_id,
            method: method.to_ascii_uppercase(),
            path: path.clone(),
            header_params,
            success_statuses,
            errors,
            request_body: None,
            success: Default::default(),
        });
    }

    // Name inline error bodies: one status whose body has the same shape everywhere gets the
    // status's name (`BadRequestError`); shapes that differ per operation are prefixed with the
    // first operation that uses them (`PatchLinkedAccountsIdConflictError`).
    let mut by_status: BTreeMap<StatusKey, Vec<String>> = BTreeMap::new();
    for (_, _, key, schema) in &inline_bodies {
        let shapes = by_status.entry(*key).or_default();
        let canon = canonical(schema);
        if !shapes.contains(&canon) {
            shapes.push(canon);
        }
    }
    let mut names: HashMap<(StatusKey, String), String> = HashMap::new();
    for (op_index, err_index, key, schema) in inline_bodies {
        let canon = canonical(&schema);
        let shared = by_status.get(&key).is_some_and(|s| s.len() == 1);
        let name = names
            .entry((key, canon))
            .or_insert_with(|| {
                let base = format!("{}Error", status_name(key));
                let name = if shared {
                    base
                } else {
                    format!("{}{base}", pascal_case(&operations[op_index].operation_id))
                };
                unique_schema_name(doc, &name)
            })
            .clone();
        if let Some(schemas) = components_schemas(doc) {
            schemas.entry(name.clone()).or_insert(schema);
        }
        operations[op_index].errors[err_index].body_schema = Some(name);
    }
    Ok(operations)
}

/// The Rust-facing name of a status, used for success and error variants and body types.
pub fn status_name(key: StatusKey) -> String {
    match key {
        StatusKey::Code(code) => match code {
            200 => "Ok".into(),
            201 => "Created".into(),
            202 => "Accepted".into(),
            203 => "NonAuthoritativeInformation".into(),
            204 => "NoContent".into(),
            205 => "ResetContent".into(),
            206 => "PartialContent".into(),
            207 => "MultiStatus".into(),
            208 => "AlreadyReported".into(),
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            408 => "RequestTimeout".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            412 => "PreconditionFailed".into(),
            413 => "ContentTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            422 => "UnprocessableEntity".into(),
            423 => "Locked".into(),
            425 => "TooEarly".into(),
            428 => "PreconditionRequired".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            other => format!("Status{other}"),
        },
        StatusKey::Range(4) => "ClientError".into(),
        StatusKey::Range(5) => "ServerError".into(),
        StatusKey::Range(d) => format!("Status{d}xx"),
        StatusKey::Default => "Default".into(),
    }
}

/// `map[key]` as an object, made empty if absent or not an object.
fn object_at<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Map<String, Value>> {
    let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !child.is_object() {
        *child = Value::Object(Map::new());
    }
    child.as_object_mut()
}

/// `components/schemas`, created if absent; `None` only if the document is not a mapping,
/// which validation has ruled out.
pub(super) fn components_schemas(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    object_at(object_at(doc.as_object_mut()?, "components")?, "schemas")
}

/// `name`, or `name2`, `name3`… if a component schema already uses it (in any case).
pub fn unique_schema_name(doc: &Value, name: &str) -> String {
    let taken = |candidate: &str| {
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .is_some_and(|s| s.keys().any(|k| pascal_case(k) == pascal_case(candidate)))
    };
    if !taken(name) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name}{n}"))
        .find(|c| !taken(c))
        .unwrap_or_else(|| name.to_string())
}

/// A string that is equal for two schemas exactly when they are equal as JSON, whatever
/// the key order.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out, &|_| None);
    out
}

/// Appends the canonical text of `value` to `out`; `known` gives the text of a nested value
/// written before (the canonical text of a schema contains its insides' texts verbatim).
fn write_canonical<'k>(value: &Value, out: &mut String, known: &dyn Fn(&Value) -> Option<&'k str>) {
    use std::fmt::Write;
    match value {
        Value::Object(map) => {
            if let Some(text) = known(value) {
                out.push_str(text);
                return;
            }
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                // JSON escapes only quotes, backslashes and control characters.
                if k.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
                    out.push_str(&Value::String(k.clone()).to_string());
                } else {
                    out.push('"');
                    out.push_str(k);
                    out.push('"');
                }
                out.push(':');
                write_canonical(&map[k], out, known);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out, known);
            }
            out.push(']');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// An inline object schema found in an operation body or a component.
struct Occurrence {
    pointer: String,
    /// Shared: groups and buckets of equal lengths are keyed by it.
    canon: Rc<str>,
    /// A name for it if it is hoisted: its title, or where it first appears.
    name: String,
    /// Whether it is a whole request or response body (such names read better).
    whole_body: bool,
    /// The property it is the value of, if any.
    property: Option<String>,
}

/// Vendors like Weavr inline the same object in every operation (LinkedAccount appears in
/// five). Generated as-is, each copy becomes its own Rust type. An inline object schema that
/// appears twice or more is moved into `components/schemas` once and referenced, largest
/// first, until no inline object repeats.
///
/// The document is walked once. Hoisting a group only changes occurrences inside its copies
/// (they collapse into the one copy under `components`, walked anew) and the canonical text of
/// larger schemas, which were handled already; so groups are taken from the longest canonical
/// text down, and among equal lengths by their first occurrence, as a rescan per hoist would.
fn hoist_repeated_inline_schemas(doc: &mut Value) {
    let mut occurrences = collect_inline_objects(doc);
    let mut alive = vec![true; occurrences.len()];
    let mut groups: HashMap<Rc<str>, Vec<usize>> = HashMap::new();
    let mut by_len: BTreeMap<usize, Vec<Rc<str>>> = BTreeMap::new();
    for (i, o) in occurrences.iter().enumerate() {
        let members = groups.entry(o.canon.clone()).or_default();
        if members.is_empty() {
            by_len
                .entry(o.canon.len())
                .or_default()
                .push(o.canon.clone());
        }
        members.push(i);
    }
    let mut taken: HashSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| pascal_case(k)).collect())
        .unwrap_or_default();
    while let Some((_, mut bucket)) = by_len.pop_last() {
        loop {
            let live = |canon: &Rc<str>| -> Vec<usize> {
                groups
                    .get(canon)
                    .map(|m| m.iter().copied().filter(|&i| alive[i]).collect())
                    .unwrap_or_default()
            };
            // Equal lengths: the group whose first live copy has the smallest pointer.
            let Some((at, members)) = bucket
                .iter()
                .enumerate()
                .map(|(at, canon)| (at, live(canon)))
                .filter(|(_, m)| m.len() >= 2)
                .min_by(|(_, a), (_, b)| occurrences[a[0]].pointer.cmp(&occurrences[b[0]].pointer))
            else {
                break;
            };
            bucket.swap_remove(at);
            let group: Vec<&Occurrence> = members.iter().map(|&i| &occurrences[i]).collect();
            let schema = doc
                .pointer(&group[0].pointer)
                .cloned()
                .unwrap_or(Value::Null);
            // The property name every copy sits under reads best (`accountIdentification` →
            // `AccountIdentification`); then a whole body's name; then the first copy's.
            let shared_property = group[0]
                .property
                .as_deref()
                .filter(|p| group.iter().all(|o| o.property.as_deref() == Some(*p)))
                .map(pascal_case)
                .filter(|p| !p.is_empty() && !taken.contains(p));
            let preferred = shared_property.unwrap_or_else(|| {
                group
                    .iter()
                    .find(|o| o.whole_body)
                    .unwrap_or(&group[0])
                    .name
                    .clone()
            });
            let name = unique_name(&taken, &preferred);
            taken.insert(pascal_case(&name));
            // The copies and everything inside them (preorder: the indices that follow).
            for &i in &members {
                let prefix = format!("{}/", occurrences[i].pointer);
                alive[i] = false;
                let mut j = i + 1;
                while j < occurrences.len() && occurrences[j].pointer.starts_with(&prefix) {
                    alive[j] = false;
                    j += 1;
                }
            }
            let pointers: Vec<String> = members
                .iter()
                .map(|&i| occurrences[i].pointer.clone())
                .collect();
            let mut inside = Inline::default();
            walk_children(
                &schema,
                &pointer("/components/schemas", &[&name]),
                &pascal_case(&name),
                &mut inside,
            );
            let Some(schemas) = components_schemas(doc) else {
                return;
            };
            schemas.insert(name.clone(), schema);
            let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
            for p in pointers {
                if let Some(slot) = doc.pointer_mut(&p) {
                    *slot = reference.clone();
                }
            }
            for o in inside.found {
                // Shorter than this bucket, so its own bucket is still to come.
                let members = groups.entry(o.canon.clone()).or_default();
                if members.is_empty() {
                    by_len
                        .entry(o.canon.len())
                        .or_default()
                        .push(o.canon.clone());
                }
                members.push(occurrences.len());
                occurrences.push(o);
                alive.push(true);
            }
        }
    }
}

/// `name`, or `name2`, `name3`… if `taken` (pascal-cased names) holds it.
fn unique_name(taken: &HashSet<String>, name: &str) -> String {
    if !taken.contains(&pascal_case(name)) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name}{n}"))
        .find(|c| !taken.contains(&pascal_case(c)))
        .unwrap_or_else(|| name.to_string())
}

/// The inline objects found so far, in document order, and the index of each by the address
/// of its value, so that a schema's canonical text reuses its insides' texts instead of
/// writing them again (a schema nested ten deep was written ten times).
#[derive(Default)]
struct Inline {
    found: Vec<Occurrence>,
    by_address: HashMap<*const Value, usize>,
}

fn collect_inline_objects(doc: &Value) -> Vec<Occurrence> {
    let mut out = Inline::default();
    for (_, _, at) in operation_pointers(doc) {
        let Some(op) = doc.pointer(&at) else { continue };
        let op_name = pascal_case(
            op.get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("Operation"),
        );
        if let Some(content) = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
        {
            for (mt, media) in content {
                if let Some(schema) = media.get("schema") {
                    let p = pointer(&at, &["requestBody", "content", mt, "schema"]);
                    walk_schema(schema, &p, &format!("{op_name}Body"), true, None, &mut out);
                }
            }
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (code, response) in responses {
                if let Some(content) = response.get("content").and_then(Value::as_object) {
                    for (mt, media) in content {
                        if let Some(schema) = media.get("schema") {
                            let p = pointer(&at, &["responses", code, "content", mt, "schema"]);
                            walk_schema(
                                schema,
                                &p,
                                &format!("{op_name}Response"),
                                true,
                                None,
                                &mut out,
                            );
                        }
                    }
                }
            }
        }
    }
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            // The component itself is already named; only its insides can repeat.
            walk_children(
                schema,
                &pointer("/components/schemas", &[name]),
                &pascal_case(name),
                &mut out,
            );
        }
    }
    out.found
}

fn walk_schema(
    schema: &Value,
    at: &str,
    name: &str,
    whole_body: bool,
    property: Option<&str>,
    out: &mut Inline,
) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    // Objects and unions; repeated enums and scalars stay inline (their types are small).
    if ["properties", "oneOf", "anyOf"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        let hoisted_name = map
            .get("title")
            .and_then(Value::as_str)
            .map(pascal_case)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| name.to_string());
        // Found in document order; its text is written after its insides', which it reuses.
        let index = out.found.len();
        out.found.push(Occurrence {
            pointer: at.to_string(),
            canon: Rc::from(""),
            name: hoisted_name,
            whole_body,
            property: property.map(str::to_string),
        });
        walk_children(schema, at, name, out);
        let mut canon = String::new();
        let known = |value: &Value| {
            out.by_address
                .get(&std::ptr::from_ref(value))
                .map(|&i| &*out.found[i].canon)
        };
        write_canonical(schema, &mut canon, &known);
        out.found[index].canon = Rc::from(canon);
        out.by_address.insert(std::ptr::from_ref(schema), index);
        return;
    }
    walk_children(schema, at, name, out);
}

fn walk_children(schema: &Value, at: &str, name: &str, out: &mut Inline) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (prop, s) in props {
            walk_schema(
                s,
                &pointer(at, &["properties", prop]),
                &format!("{name}{}", pascal_case(prop)),
                false,
                Some(prop),
                out,
            );
        }
    }
    if let Some(items) = map.get("items") {
        walk_schema(
            items,
            &pointer(at, &["items"]),
            &format!("{name}Item"),
            false,
            None,
            out,
        );
    }
    if let Some(extra @ Value::Object(_)) = map.get("additionalProperties") {
        walk_schema(
            extra,
            &pointer(at, &["additionalProperties"]),
            &format!("{name}Value"),
            false,
            None,
            out,
        );
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = map.get(combinator).and_then(Value::as_array) {
            for (i, s) in list.iter().enumerate() {
                walk_schema(
                    s,
                    &format!("{}/{i}", pointer(at, &[combinator])),
                    &format!("{name}Variant{i}"),
                    false,
                    None,
                    out,
                );
            }
        }
    }
}
