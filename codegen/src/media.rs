//! Media types as vendors use them. Every `+json` type is JSON; where a body offers several
//! media types one is chosen (JSON, then form, then multipart, then octet-stream, then
//! `text/*`, then any other type as bytes); and what progenitor cannot take is rewritten
//! before it sees it and recorded in the [`ApiModel`](super::model::ApiModel): request media
//! types it does not know, multipart bodies, success bodies that differ per status, non-JSON
//! success bodies, and `encoding` maps (which make it panic).

use std::path::Path;

use serde_json::{Map, Value, json};

use super::error::{SpecError, pointer};
use super::model::{
    BodyKind, OperationModel, RequestBodyModel, StatusKey, SuccessBody, SuccessModel,
    SuccessResponse,
};
use super::normalize::{
    canonical, components_schemas, deref, is_error, operation_pointers, pascal_case, status_key,
    status_name, unique_schema_name,
};

/// How a media type is carried: its kind, and its rank when several are offered (lower wins).
pub fn classify(media_type: &str) -> (BodyKind, u8) {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "*/*" | "text/json" => (BodyKind::Json, 0),
        e if e.ends_with("+json") => (BodyKind::Json, 0),
        "application/x-www-form-urlencoded" => (BodyKind::Form, 1),
        "multipart/form-data" => (BodyKind::Multipart, 2),
        "application/octet-stream" => (BodyKind::Bytes, 3),
        e if e.starts_with("text/") => (BodyKind::Text, 4),
        _ => (BodyKind::Bytes, 5),
    }
}

/// The media type to use from a `content` map: the best ranked, the first written among equals.
/// `*/*` with a binary schema (`type: string, format: binary`) is bytes, not JSON.
pub fn choose<'c>(doc: &Value, content: &'c Map<String, Value>) -> Option<(&'c str, BodyKind)> {
    content
        .iter()
        .map(|(media_type, media)| {
            let (mut kind, mut rank) = classify(media_type);
            if kind == BodyKind::Json && media_type.trim() == "*/*" && is_binary(doc, media) {
                (kind, rank) = (BodyKind::Bytes, 3);
            }
            (rank, media_type.as_str(), kind)
        })
        .min_by_key(|(rank, _, _)| *rank)
        .map(|(_, media_type, kind)| (media_type, kind))
}

fn is_binary(doc: &Value, media: &Value) -> bool {
    let schema = media.get("schema").map(|s| deref(doc, s));
    schema.is_some_and(|s| {
        s.get("type").and_then(Value::as_str) == Some("string")
            && s.get("format").and_then(Value::as_str) == Some("binary")
    })
}

/// The schema of a JSON body of a `content` map, if one is offered.
pub fn json_schema<'c>(doc: &Value, content: &'c Value) -> Option<&'c Value> {
    let map = content.as_object()?;
    let (media_type, kind) = choose(doc, map)?;
    if kind != BodyKind::Json {
        return None;
    }
    map.get(media_type)?.get("schema")
}

/// A media type must be a valid header value to be sent as `Content-Type`; the generated code
/// builds it with `HeaderValue::from_static`, which would panic otherwise.
fn check_header_value(file: &Path, at: &str, media_type: &str) -> Result<(), SpecError> {
    if !media_type.is_empty() && media_type.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Ok(());
    }
    Err(SpecError::at(
        file,
        at,
        format!("media type {media_type:?} cannot be sent as a Content-Type header"),
    ))
}

/// The operation of `ops` at `method path`.
fn find<'o>(
    ops: &'o mut [OperationModel],
    method: &str,
    path: &str,
) -> Option<&'o mut OperationModel> {
    ops.iter_mut()
        .find(|op| op.path == path && op.method.eq_ignore_ascii_case(method))
}

/// Each request body keeps one media type, in a form progenitor accepts, and the choice is
/// recorded: JSON bodies as `application/json` (the vendor's type is sent), form and multipart
/// as a typed form body (encoded by the runtime), bytes and text as raw bodies.
pub fn request_bodies(
    file: &Path,
    doc: &mut Value,
    ops: &mut [OperationModel],
) -> Result<(), SpecError> {
    for (path, method, at) in operation_pointers(doc) {
        let snapshot: &Value = doc;
        let Some(body) = snapshot.pointer(&pointer(&at, &["requestBody"])) else {
            continue;
        };
        let body = deref(snapshot, body);
        let Some(content) = body.get("content").and_then(Value::as_object) else {
            continue;
        };
        let Some((media_type, kind)) = choose(snapshot, content) else {
            continue;
        };
        let content_at = pointer(&at, &["requestBody", "content", media_type]);
        check_header_value(file, &content_at, media_type)?;
        let schema = content
            .get(media_type)
            .and_then(|m| m.get("schema"))
            .cloned();
        let (key, schema) = match kind {
            BodyKind::Json => ("application/json", schema.unwrap_or_else(|| json!({}))),
            // Multipart goes to progenitor as a typed form body; the generated code then
            // encodes it as multipart instead.
            BodyKind::Form | BodyKind::Multipart => (
                "application/x-www-form-urlencoded",
                schema.unwrap_or_else(|| json!({"type": "object"})),
            ),
            BodyKind::Bytes => (
                "application/octet-stream",
                json!({"type": "string", "format": "binary"}),
            ),
            BodyKind::Text => ("text/plain", json!({"type": "string"})),
        };
        let file_fields = match (kind, &schema) {
            (BodyKind::Multipart, schema) => binary_properties(snapshot, schema),
            _ => Vec::new(),
        };
        // Copied without its content, which is replaced in place (the key keeps its place).
        let mut rewritten = without_content(body);
        rewritten.insert("content".into(), only_schema(key, schema));
        let model = RequestBodyModel {
            media_type: media_type.trim().to_string(),
            kind,
            file_fields,
        };
        if let Some(slot) = doc.pointer_mut(&pointer(&at, &["requestBody"])) {
            *slot = Value::Object(rewritten);
        }
        if let Some(op) = find(ops, &method, &path) {
            op.request_body = Some(model);
        }
    }
    Ok(())
}

/// A copy of the request body or response `object` whose `content` is `null`: the caller
/// replaces it, and its schemas (most of a large spec's bodies) are not copied for nothing.
fn without_content(object: &Value) -> Map<String, Value> {
    object
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| {
                    let v = if k == "content" {
                        Value::Null
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `{ media_type: { "schema": schema } }`, moving `schema` (`json!` would copy it).
fn only_schema(media_type: &str, schema: Value) -> Value {
    let mut media = Map::new();
    media.insert("schema".into(), schema);
    let mut content = Map::new();
    content.insert(media_type.into(), Value::Object(media));
    Value::Object(content)
}

/// The top-level properties of an object schema typed `string`, `format: binary`.
fn binary_properties(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = deref(doc, schema);
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .filter(|(_, p)| is_binary(doc, &json!({ "schema": p })))
        .map(|(name, _)| name.clone())
        .collect()
}

/// What one success response carries, read from the spec.
struct Found {
    code: String,
    status: StatusKey,
    description: String,
    /// `None` for a bodiless response.
    body: Option<(BodyKind, String, Value)>,
}

/// Success responses (2xx and `2XX`, after errors are taken out). Where every status carries
/// the same JSON body (or none), progenitor generates the operation, from one `application/json`
/// entry per response. Otherwise they are taken out of its view and recorded: one non-JSON body
/// becomes `Bytes` or `String`; different bodies per status become a success enum, whose JSON
/// bodies are moved into `components/schemas` so their types are still generated.
pub fn success_responses(
    file: &Path,
    doc: &mut Value,
    ops: &mut [OperationModel],
) -> Result<(), SpecError> {
    for (path, method, at) in operation_pointers(doc) {
        let found = read_successes(file, doc, &at)?;
        if found.is_empty() {
            continue;
        }
        let op_id = ops
            .iter()
            .find(|op| op.path == path && op.method.eq_ignore_ascii_case(&method))
            .map(|op| op.operation_id.clone())
            .unwrap_or_default();
        // One response has the same shape as itself: no canonical text needed.
        let same = found.len() < 2 || {
            let shapes: Vec<Option<(BodyKind, String)>> = found
                .iter()
                .map(|f| f.body.as_ref().map(|(k, _, s)| (*k, canonical(s))))
                .collect();
            shapes.windows(2).all(|w| w[0] == w[1])
        };
        let all_json = found
            .iter()
            .all(|f| f.body.as_ref().is_none_or(|(k, _, _)| *k == BodyKind::Json));
        let responses_at = pointer(&at, &["responses"]);

        if same && all_json {
            // progenitor's case: rewrite each into the one JSON entry it reads.
            for f in &found {
                let response_at = pointer(&responses_at, &[&f.code]);
                let Some(original) = doc.pointer(&response_at) else {
                    continue;
                };
                let mut response = without_content(deref(doc, original));
                match &f.body {
                    Some((_, _, schema)) => {
                        response.insert(
                            "content".into(),
                            only_schema("application/json", schema.clone()),
                        );
                    }
                    None => {
                        response.remove("content");
                    }
                }
                if let Some(slot) = doc.pointer_mut(&response_at) {
                    *slot = Value::Object(response);
                }
            }
            continue;
        }

        let mut successes = Vec::with_capacity(found.len());
        for f in found {
            let body = match f.body {
                None => None,
                Some((BodyKind::Json, _, schema)) => Some(SuccessBody::Json(schema_component(
                    doc, &op_id, f.status, schema,
                ))),
                Some((BodyKind::Text, media_type, _)) => Some(SuccessBody::Text(media_type)),
                Some((_, media_type, _)) => Some(SuccessBody::Bytes(media_type)),
            };
            if let Some(Value::Object(responses)) = doc.pointer_mut(&responses_at) {
                responses.remove(&f.code);
            }
            successes.push(SuccessResponse {
                status: f.status,
                description: f.description,
                body,
            });
        }
        let single = successes.windows(2).all(|w| w[0].body == w[1].body)
            && !successes
                .first()
                .is_some_and(|s| matches!(s.body, Some(SuccessBody::Json(_))));
        let model = if single {
            SuccessModel::Single(successes)
        } else {
            SuccessModel::Enum(successes)
        };
        if let Some(op) = find(ops, &method, &path) {
            op.success = model;
        }
    }
    Ok(())
}

/// The success responses of the operation at `at`, with their chosen bodies.
fn read_successes(file: &Path, doc: &Value, at: &str) -> Result<Vec<Found>, SpecError> {
    let mut found = Vec::new();
    let Some(responses) = doc
        .pointer(&pointer(at, &["responses"]))
        .and_then(Value::as_object)
    else {
        return Ok(found);
    };
    for (code, response) in responses {
        let Some(status) = status_key(code) else {
            continue;
        };
        let is_success = match status {
            StatusKey::Code(c) => (200..300).contains(&c),
            StatusKey::Range(d) => d == 2,
            StatusKey::Default => false,
        };
        if !is_success || is_error(status) {
            continue;
        }
        let response = deref(doc, response);
        let description = response
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string();
        let content = response.get("content").and_then(Value::as_object);
        let body = match content.and_then(|c| choose(doc, c).map(|chosen| (c, chosen))) {
            None => None,
            Some((content, (media_type, kind))) => {
                let content_at = pointer(at, &["responses", code, "content", media_type]);
                check_header_value(file, &content_at, media_type)?;
                let schema = content
                    .get(media_type)
                    .and_then(|m| m.get("schema"))
                    .cloned()
                    .unwrap_or_else(|| json!({}));
                Some((kind, media_type.trim().to_string(), schema))
            }
        };
        found.push(Found {
            code: code.clone(),
            status,
            description,
            body,
        });
    }
    Ok(found)
}

/// The component that types a success body: the one it references, or a new one named after
/// the operation and status (`OrdersCreateCreatedResponse`).
fn schema_component(doc: &mut Value, op_id: &str, status: StatusKey, schema: Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str)
        && let Some(name) = r.strip_prefix("#/components/schemas/")
        && schema.as_object().is_some_and(|m| m.len() == 1)
        && !name.contains('/')
    {
        return name.replace("~1", "/").replace("~0", "~");
    }
    let name = unique_schema_name(
        doc,
        &format!("{}{}Response", pascal_case(op_id), status_name(status)),
    );
    if let Some(schemas) = components_schemas(doc) {
        schemas.insert(name.clone(), schema);
    }
    name
}
