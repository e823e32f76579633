//! Test support, not part of the generator's API: structure-aware random OpenAPI documents,
//! drawn from [`arbitrary::Unstructured`] so that the fuzz targets (libFuzzer bytes) and the
//! property tests in `cargo test` (proptest bytes) run literally the same generator.
//!
//! A document has paths and operations with parameters in every location, style and explode
//! form (`deepObject` included), request bodies with several media types, responses with
//! several statuses, and components whose schemas use `$ref`s (to themselves, to each other,
//! through `allOf`), `allOf`/`oneOf`/`anyOf`, enums and nullability, in OpenAPI 3.0 or 3.1
//! keywords. Names come from pools that collide after case conversion (`Pet`, `pet`, `pet_`,
//! `pet-item`, `PetItem`) or are Rust keywords, so the generator's renaming is exercised;
//! most documents are valid, and the mistakes it makes on purpose (a dangling `$ref`, a
//! missing path parameter) are rare. Sizes are bounded, so every document is small.
//!
//! Once the bytes run out, every choice takes its first option, so any input gives a
//! document (and a short input a small one).

use std::path::Path;

use arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Map, Value, json};

use super::{GeneratedModule, Location, SpecError};

/// The pipeline's contract on any input, as the fuzz targets and property tests check it: an
/// error names `file` and a place in it (line and column, or a JSON pointer, with a 1-based
/// line and column where known); only a generator failure that no part of the spec reproduces
/// alone may say no more than "in the file"; generated code parses as a Rust file. Gives
/// what is broken.
pub fn check_outcome(
    file: &Path,
    outcome: &std::result::Result<GeneratedModule, SpecError>,
) -> std::result::Result<(), String> {
    check(file, None, outcome)
}

/// [`check_outcome`] for a document whose value is known: a JSON pointer an error gives must
/// also lead to a value of `doc`, and its line and column be known.
pub fn check_document_outcome(
    file: &Path,
    doc: &Value,
    outcome: &std::result::Result<GeneratedModule, SpecError>,
) -> std::result::Result<(), String> {
    check(file, Some(doc), outcome)
}

fn check(
    file: &Path,
    doc: Option<&Value>,
    outcome: &std::result::Result<GeneratedModule, SpecError>,
) -> std::result::Result<(), String> {
    let e = match outcome {
        Ok(module) => {
            return syn::parse_file(&module.code)
                .map(drop)
                .map_err(|e| format!("the generated code does not parse: {e}"));
        }
        Err(e) => e,
    };
    let placed = match &e.location {
        Location::LineColumn { line, column } => *line >= 1 && *column >= 1,
        Location::Pointer(p) => p.is_empty() || p.starts_with('/'),
        Location::File => e.problem.starts_with("the generator"),
    };
    let line_column_ok = match e.line_column {
        Some((line, column)) => {
            line >= 1 && column >= 1 && matches!(e.location, Location::Pointer(_))
        }
        None => true,
    };
    if e.file != file || e.problem.is_empty() || !placed || !line_column_ok {
        return Err(format!("an error without a proper place: {e} ({e:?})"));
    }
    if let (Some(doc), Location::Pointer(p)) = (doc, &e.location) {
        if doc.pointer(p).is_none() {
            return Err(format!(
                "an error at a pointer the document does not have: {e}"
            ));
        }
        if e.line_column.is_none() {
            return Err(format!(
                "an error at a pointer without line and column: {e}"
            ));
        }
    }
    Ok(())
}

/// The OpenAPI version a document is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `openapi: 3.0.3`: `nullable`, boolean `exclusiveMinimum`, `example`, `x-webhooks`.
    V30,
    /// `openapi: 3.1.0`: type arrays with `null`, `const`, numeric `exclusiveMinimum`,
    /// `examples`, `webhooks`.
    V31,
}

/// A generated OpenAPI document. `Debug` shows it as JSON text, so that a failing case
/// printed by proptest or libFuzzer can be saved and read back as it is.
#[derive(Clone, PartialEq)]
pub struct Document {
    /// The version its keywords follow.
    pub version: Version,
    /// The document.
    pub value: Value,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}", self.version, self.value)
    }
}

impl<'a> Arbitrary<'a> for Document {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Gen::document(u)
    }
}

impl Document {
    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        self.value.to_string()
    }

    /// The document as block-style YAML text (every key and string double-quoted, so no
    /// value changes type on the way).
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        yaml(&self.value, 0, &mut out);
        out
    }

    /// The same document with every object's keys in reverse order.
    pub fn reordered(&self) -> Value {
        reversed(&self.value)
    }
}

/// `value` with every object's keys in reverse order.
pub fn reversed(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reversed(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

/// Component names: several collide once case-converted, some are Rust keywords or start
/// with a digit.
const SCHEMA_NAMES: &[&str] = &[
    "Pet", "pet", "PetItem", "pet_item", "pet-item", "Pet.Item", "Error", "error", "Type", "Self",
    "Option", "Result", "String", "1Pet", "Item", "items", "Value", "Id", "ID", "Client",
];
const PROPERTY_NAMES: &[&str] = &[
    "id",
    "ID",
    "Id",
    "type",
    "ref",
    "self",
    "created_at",
    "createdAt",
    "created-at",
    "1st",
    "$meta",
    "name",
    "value",
    "r#type",
    "items",
    "",
];
const PARAMETER_NAMES: &[&str] = &[
    "id",
    "page_size",
    "pageSize",
    "page-size",
    "PageSize",
    "type",
    "self",
    "filter",
    "limit",
    "1st",
    "expand[]",
];
const HEADER_NAMES: &[&str] = &[
    "X-Request-Id",
    "x-request-id",
    "Idempotency-Key",
    "X-Api-Version",
    "Accept",
    "Content-Type",
    "Authorization",
];
const OPERATION_IDS: &[&str] = &[
    "getPet",
    "get_pet",
    "GetPet",
    "get-pet",
    "list",
    "type",
    "pets.list",
    "self",
    "2fa",
];
const ENUM_VALUES: &[&str] = &[
    "a",
    "A",
    "a-b",
    "a_b",
    "",
    "1",
    "null",
    "true",
    "ACTIVE",
    "active",
    "Self",
    "in progress",
];
const SEGMENTS: &[&str] = &["pets", "v1", "items", "things", "me", "a.b", "search:run"];
const PATH_PARAMETERS: &[&str] = &["id", "petId", "pet_id", "item-id", "type"];
const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];
const MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "application/octet-stream",
    "application/merge-patch+json",
    "application/vnd.api+json",
    "application/json; charset=utf-8",
    "application/xml",
    "*/*",
];
const STATUSES: &[&str] = &[
    "200", "201", "202", "204", "206", "301", "304", "400", "401", "403", "404", "409", "422",
    "429", "500", "503", "2XX", "4XX", "5XX", "default",
];
const STRING_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uuid",
    "byte",
    "binary",
    "email",
    "uri",
    "ipv4",
    "password",
    "time",
];
/// The first is not a valid regular expression.
const PATTERNS: &[&str] = &["[", "^[a-z]+$", "^\\d{4}$", "^(a|b)*$", ".*"];

/// Limits that keep a document small: schema nesting, schema count, and per-list lengths.
const MAX_DEPTH: u32 = 5;
const MAX_SCHEMA_NODES: u32 = 160;

struct Gen<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    version: Version,
    /// Names declared under `components/schemas` (filled before any schema is drawn, so
    /// `$ref`s can point forwards and at themselves).
    schemas: Vec<String>,
    /// Names under `components/parameters`, `responses`, `requestBodies`.
    parameters: Vec<String>,
    responses: Vec<String>,
    bodies: Vec<String>,
    /// The component schema being drawn, for cycles through `allOf`.
    current: Option<String>,
    nodes: u32,
    /// Whether this document may contain what the generator refuses by design or progenitor
    /// cannot generate (dangling `$ref`s, `allOf` cycles, cookie parameters, colliding
    /// operationIds): a third of the documents, so that most of them get through to the end.
    wild: bool,
    operation_ids: Vec<String>,
}

impl<'u, 'a> Gen<'u, 'a> {
    fn document(u: &'u mut Unstructured<'a>) -> Result<Document> {
        let version = if u.arbitrary()? {
            Version::V31
        } else {
            Version::V30
        };
        let wild = u.ratio(1, 3)?;
        let mut g = Gen {
            u,
            version,
            wild,
            operation_ids: Vec::new(),
            schemas: Vec::new(),
            parameters: Vec::new(),
            responses: Vec::new(),
            bodies: Vec::new(),
            current: None,
            nodes: 0,
        };
        g.schemas = g.names(SCHEMA_NAMES, 0, 6)?;
        g.parameters = g.names(&["Limit", "limit", "Cursor", "X-Trace"], 0, 2)?;
        g.responses = g.names(&["NotFound", "not_found", "Problem"], 0, 2)?;
        g.bodies = g.names(&["PetBody", "pet_body"], 0, 1)?;
        let value = g.root()?;
        Ok(Document { version, value })
    }

    fn root(&mut self) -> Result<Value> {
        let mut doc = Map::new();
        let openapi = match self.version {
            Version::V30 => "3.0.3",
            Version::V31 => "3.1.0",
        };
        doc.insert("openapi".into(), json!(openapi));
        doc.insert(
            "info".into(),
            json!({ "title": self.text()?, "version": "1.0.0" }),
        );
        if self.ratio(1, 3)? {
            doc.insert("servers".into(), self.servers()?);
        }
        let mut paths = Map::new();
        for _ in 0..self.u.int_in_range(1..=4)? {
            let (template, names) = self.path_template()?;
            let item = self.path_item(&names)?;
            paths.insert(template, item);
        }
        doc.insert("paths".into(), Value::Object(paths));
        doc.insert("components".into(), self.components()?);
        if self.ratio(1, 4)? {
            let key = match self.version {
                Version::V30 => "x-webhooks",
                Version::V31 => "webhooks",
            };
            doc.insert(key.into(), self.webhooks()?);
        }
        if self.ratio(1, 4)? {
            doc.insert("security".into(), json!([{ "bearer": [] }]));
        }
        Ok(Value::Object(doc))
    }

    // --- small choices ---

    fn ratio(&mut self, numerator: u8, denominator: u8) -> Result<bool> {
        self.u.ratio(numerator, denominator)
    }

    /// One time in `denominator` in a wild document, never in a tame one.
    fn rare(&mut self, denominator: u8) -> Result<bool> {
        Ok(self.wild && self.u.ratio(1, denominator)?)
    }

    fn pick(&mut self, pool: &[&str]) -> Result<String> {
        Ok(self.u.choose(pool)?.to_string())
    }

    /// Between `min` and `max` distinct names, mostly from `pool`, sometimes made up.
    fn names(&mut self, pool: &[&str], min: u32, max: u32) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for _ in 0..self.u.int_in_range(min..=max)? {
            let name = if self.ratio(1, 5)? {
                self.identifier()?
            } else {
                self.pick(pool)?
            };
            if !out.contains(&name) {
                out.push(name);
            }
        }
        if out.len() < min as usize {
            out.push(pool[0].to_string());
        }
        Ok(out)
    }

    /// A made-up name from pieces that case conversion joins or splits.
    fn identifier(&mut self) -> Result<String> {
        const PIECES: &[&str] = &[
            "pet", "Item", "_", "-", "1", "Ref", "ß", "é", "x", "API", ".",
        ];
        let mut name = String::new();
        for _ in 0..self.u.int_in_range(1..=4)? {
            name.push_str(self.u.choose(PIECES)?);
        }
        Ok(name)
    }

    /// A short free text (titles, descriptions), with characters that need escaping in
    /// doc comments and string literals.
    fn text(&mut self) -> Result<String> {
        const TEXTS: &[&str] = &[
            "generated",
            "a \"quoted\" */ word",
            "line one\nline two",
            "back\\slash {braces} [link](x)",
            "ünïcödé ✓",
            "",
        ];
        self.pick(TEXTS)
    }

    // --- schemas ---

    fn schema(&mut self, depth: u32) -> Result<Value> {
        self.nodes += 1;
        let leaf_only = depth >= MAX_DEPTH || self.nodes >= MAX_SCHEMA_NODES;
        let kinds = if leaf_only { 7 } else { 15 };
        let mut schema = match self.u.int_in_range(0..=kinds - 1)? {
            0 => self.string_schema()?,
            1 => self.number_schema("integer")?,
            2 => self.number_schema("number")?,
            3 => json!({ "type": "boolean" }),
            4 => self.enum_schema()?,
            5 => self.reference()?,
            6 => json!({}),
            7 => self.object(depth)?,
            8 => json!({ "type": "array", "items": self.schema(depth + 1)? }),
            9 => self.composition("allOf", depth)?,
            10 => self.composition("oneOf", depth)?,
            11 => self.composition("anyOf", depth)?,
            12 => json!({ "type": "object", "additionalProperties": self.schema(depth + 1)? }),
            13 => self.array(depth)?,
            _ => self.reference()?,
        };
        self.decorate(&mut schema)?;
        Ok(schema)
    }

    fn string_schema(&mut self) -> Result<Value> {
        let mut s = json!({ "type": "string" });
        if self.ratio(1, 2)? {
            s["format"] = json!(self.pick(STRING_FORMATS)?);
        }
        if self.ratio(1, 4)? {
            let min = self.u.int_in_range(0..=4u32)?;
            s["minLength"] = json!(min);
            s["maxLength"] = json!(min + self.u.int_in_range(0..=64u32)?);
        }
        if self.ratio(1, 6)? {
            let patterns = if self.wild { PATTERNS } else { &PATTERNS[1..] };
            s["pattern"] = json!(self.pick(patterns)?);
        }
        if self.ratio(1, 6)? {
            s["default"] = json!(self.pick(ENUM_VALUES)?);
        }
        Ok(s)
    }

    fn number_schema(&mut self, kind: &str) -> Result<Value> {
        let mut s = json!({ "type": kind });
        let formats: &[&str] = if kind == "integer" {
            &["int32", "int64", "uint8", "int8"]
        } else {
            &["float", "double", "decimal"]
        };
        if self.ratio(1, 2)? {
            s["format"] = json!(self.pick(formats)?);
        }
        if self.ratio(1, 3)? {
            let min = self.u.int_in_range(-5i64..=5)?;
            s["minimum"] = json!(min);
            s["maximum"] = json!(min + self.u.int_in_range(0i64..=1000)?);
            if self.ratio(1, 3)? {
                match self.version {
                    Version::V30 => s["exclusiveMinimum"] = json!(true),
                    Version::V31 => {
                        if let Some(m) = s.as_object_mut() {
                            let min = m.remove("minimum").unwrap_or(Value::Null);
                            m.insert("exclusiveMinimum".into(), min);
                        }
                    }
                }
            }
        }
        if self.ratio(1, 6)? {
            // Sometimes a default of the wrong type, as vendors write (`"10"`).
            s["default"] = if self.ratio(1, 2)? {
                json!(self.u.int_in_range(0i64..=10)?)
            } else {
                json!("10")
            };
        }
        if self.ratio(1, 8)? {
            s["multipleOf"] = json!(self.u.int_in_range(1u32..=10)?);
        }
        Ok(s)
    }

    fn enum_schema(&mut self) -> Result<Value> {
        let count = self.u.int_in_range(1..=6)?;
        let mut s = if self.ratio(1, 4)? {
            let values: Vec<i64> = (0..count)
                .map(|_| self.u.int_in_range(-2i64..=100))
                .collect::<Result<_>>()?;
            json!({ "type": "integer", "enum": values })
        } else {
            let values: Vec<Value> = (0..count)
                .map(|_| self.pick(ENUM_VALUES).map(Value::from))
                .collect::<Result<_>>()?;
            json!({ "type": "string", "enum": values })
        };
        if self.version == Version::V31 && self.ratio(1, 5)? {
            // A single-value enum written as `const`.
            if let Some(m) = s.as_object_mut() {
                let first = m.remove("enum").map(|mut e| e[0].take());
                m.insert("const".into(), first.unwrap_or(Value::Null));
            }
        } else if self.ratio(1, 6)? {
            // A null member, which makes the enum nullable.
            if let Some(values) = s["enum"].as_array_mut() {
                values.push(Value::Null);
            }
        }
        Ok(s)
    }

    fn reference(&mut self) -> Result<Value> {
        // Rarely a `$ref` to a schema that is not declared.
        let name = if self.schemas.is_empty() || self.rare(12)? {
            "Missing".to_string()
        } else {
            self.u.choose(&self.schemas)?.clone()
        };
        Ok(json!({ "$ref": schema_ref(&name) }))
    }

    fn object(&mut self, depth: u32) -> Result<Value> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for _ in 0..self.u.int_in_range(0..=4)? {
            let name = self.pick(PROPERTY_NAMES)?;
            let schema = self.schema(depth + 1)?;
            if self.ratio(1, 2)? {
                required.push(Value::from(name.clone()));
            }
            properties.insert(name, schema);
        }
        if self.rare(6)? {
            // A required property that is not declared.
            required.push(json!("undeclared"));
        }
        required.dedup();
        let mut s = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            s["required"] = Value::Array(required);
        }
        match self.u.int_in_range(0..=5)? {
            0 => s["additionalProperties"] = json!(false),
            1 => s["additionalProperties"] = json!(true),
            2 => s["additionalProperties"] = self.schema(depth + 1)?,
            _ => {}
        }
        Ok(s)
    }

    fn array(&mut self, depth: u32) -> Result<Value> {
        let mut s = json!({ "type": "array", "items": self.schema(depth + 1)? });
        if self.ratio(1, 2)? {
            let min = self.u.int_in_range(0..=3u32)?;
            s["minItems"] = json!(min);
            s["maxItems"] = json!(min + self.u.int_in_range(0..=10u32)?);
        }
        if self.ratio(1, 3)? {
            s["uniqueItems"] = json!(true);
        }
        if self.version == Version::V31 && self.ratio(1, 4)? {
            s["prefixItems"] = json!([self.schema(depth + 1)?]);
        }
        Ok(s)
    }

    fn composition(&mut self, keyword: &str, depth: u32) -> Result<Value> {
        let mut members = Vec::new();
        // A cycle through `allOf`: the component being drawn includes itself.
        if keyword == "allOf"
            && self.rare(3)?
            && let Some(current) = self.current.clone()
        {
            members.push(json!({ "$ref": schema_ref(&current) }));
        }
        for _ in 0..self.u.int_in_range(1..=3)? {
            members.push(self.schema(depth + 1)?);
        }
        let mut s = json!({ keyword: members });
        if keyword == "oneOf" && self.ratio(1, 3)? {
            let mapping: Map<String, Value> = members_refs(&s["oneOf"])
                .into_iter()
                .map(|r| {
                    (
                        r.rsplit('/').next().unwrap_or_default().to_string(),
                        json!(r),
                    )
                })
                .collect();
            s["discriminator"] = if mapping.is_empty() || self.ratio(1, 2)? {
                json!({ "propertyName": "type" })
            } else {
                json!({ "propertyName": "type", "mapping": mapping })
            };
        }
        if self.ratio(1, 5)? {
            s["type"] = json!("object");
        }
        Ok(s)
    }

    /// Nullability, documentation and flags that any schema may carry.
    fn decorate(&mut self, schema: &mut Value) -> Result<()> {
        let Value::Object(map) = schema else {
            return Ok(());
        };
        if self.u.ratio(1, 6)? {
            match self.version {
                Version::V30 => {
                    map.insert("nullable".into(), json!(true));
                }
                Version::V31 => match map.get("type").cloned() {
                    Some(Value::String(t)) => {
                        map.insert("type".into(), json!([t, "null"]));
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert("oneOf".into(), json!([inner, { "type": "null" }]));
                    }
                },
            }
        }
        if self.u.ratio(1, 5)? {
            map.insert("description".into(), json!(self.text()?));
        }
        if self.u.ratio(1, 10)? {
            let flag = *self.u.choose(&["readOnly", "writeOnly", "deprecated"])?;
            map.insert(flag.into(), json!(true));
        }
        if self.u.ratio(1, 10)? {
            match self.version {
                Version::V30 => map.insert("example".into(), json!("x")),
                Version::V31 => map.insert("examples".into(), json!(["x"])),
            };
        }
        Ok(())
    }

    // --- paths and operations ---

    /// A path template and the names of its parameters.
    fn path_template(&mut self) -> Result<(String, Vec<String>)> {
        let mut template = String::new();
        let mut names = Vec::new();
        for _ in 0..self.u.int_in_range(1..=4)? {
            template.push('/');
            let name = self.pick(PATH_PARAMETERS)?;
            if self.ratio(1, 3)? && !names.contains(&name) {
                template.push_str(&format!("{{{name}}}"));
                names.push(name);
            } else {
                template.push_str(&self.pick(SEGMENTS)?);
            }
        }
        if self.ratio(1, 10)? {
            template.push('/');
        }
        Ok((template, names))
    }

    fn path_item(&mut self, path_parameters: &[String]) -> Result<Value> {
        let mut item = Map::new();
        let mut declared: Vec<Value> = Vec::new();
        for name in path_parameters {
            // Rarely a template parameter left undeclared.
            if !self.rare(10)? {
                declared.push(self.parameter_in("path", name.clone())?);
            }
        }
        // Path parameters at the path level or repeated on each operation.
        let shared = self.u.arbitrary::<bool>()?;
        if shared && !declared.is_empty() {
            item.insert("parameters".into(), Value::Array(declared.clone()));
        }
        let mut methods: Vec<&str> = Vec::new();
        for _ in 0..self.u.int_in_range(1..=3)? {
            let method = *self.u.choose(METHODS)?;
            if !methods.contains(&method) {
                methods.push(method);
            }
        }
        for method in methods {
            let own = if shared { Vec::new() } else { declared.clone() };
            let op = self.operation(method, own)?;
            item.insert(method.into(), op);
        }
        Ok(Value::Object(item))
    }

    fn operation(&mut self, method: &str, mut parameters: Vec<Value>) -> Result<Value> {
        let mut op = Map::new();
        if !self.ratio(1, 10)? {
            let mut id = if self.ratio(1, 3)? {
                self.pick(OPERATION_IDS)?
            } else {
                format!("{method}{}", self.u.int_in_range(0..=99u32)?)
            };
            // Two operationIds that name one method are refused by design: wild only.
            let key = |id: &str| {
                id.to_lowercase()
                    .replace(|c: char| !c.is_alphanumeric(), "")
            };
            if !self.wild && self.operation_ids.iter().any(|seen| key(seen) == key(&id)) {
                id = format!("{method}_{}", self.operation_ids.len());
            }
            self.operation_ids.push(id.clone());
            op.insert("operationId".into(), json!(id));
        }
        if self.ratio(1, 3)? {
            op.insert("summary".into(), json!(self.text()?));
        }
        for _ in 0..self.u.int_in_range(0..=4)? {
            parameters.push(self.parameter()?);
        }
        if !parameters.is_empty() {
            op.insert("parameters".into(), Value::Array(parameters));
        }
        let may_have_body = !matches!(method, "get" | "head" | "delete" | "options" | "trace");
        if (may_have_body && self.ratio(2, 3)?) || self.ratio(1, 20)? {
            op.insert("requestBody".into(), self.request_body()?);
        }
        op.insert("responses".into(), self.responses()?);
        if self.ratio(1, 10)? {
            op.insert("deprecated".into(), json!(true));
        }
        if self.ratio(1, 6)? {
            op.insert("security".into(), self.security_requirement()?);
        }
        if self.ratio(1, 20)? {
            op.insert("x-internal".into(), json!(true));
        }
        Ok(Value::Object(op))
    }

    /// A query, header or cookie parameter, or a `$ref` to a component one.
    fn parameter(&mut self) -> Result<Value> {
        if !self.parameters.is_empty() && self.ratio(1, 5)? {
            let name = self.u.choose(&self.parameters)?.clone();
            return Ok(json!({ "$ref": format!("#/components/parameters/{name}") }));
        }
        // progenitor generates no cookie parameters: wild only.
        let locations: &[&str] = if self.wild {
            &["query", "query", "header", "cookie"]
        } else {
            &["query", "query", "header"]
        };
        let location = *self.u.choose(locations)?;
        let name = if location == "header" {
            self.pick(HEADER_NAMES)?
        } else {
            self.pick(PARAMETER_NAMES)?
        };
        self.parameter_in(location, name)
    }

    /// A parameter of `location` in one of the styles OpenAPI allows there.
    fn parameter_in(&mut self, location: &str, name: String) -> Result<Value> {
        // progenitor writes path parameters in the `simple` style only: the others are wild.
        let styles: &[&str] = match location {
            "path" if self.wild => &["simple", "label", "matrix"],
            "path" => &["simple"],
            "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
            "header" => &["simple"],
            _ => &["form"],
        };
        let style = *self.u.choose(styles)?;
        let mut p = json!({ "name": name, "in": location });
        if location == "path" || self.ratio(1, 3)? {
            p["required"] = json!(true);
        }
        if self.rare(6)? {
            // `content` instead of `schema` (the value is serialized JSON), which progenitor
            // does not generate.
            p["content"] = json!({ "application/json": { "schema": self.schema(2)? } });
            return Ok(p);
        }
        let schema = match (style, self.u.int_in_range(0..=3)?) {
            ("deepObject", _) | (_, 3) => self.object(MAX_DEPTH - 1)?,
            ("spaceDelimited" | "pipeDelimited", _) | (_, 2) => {
                json!({ "type": "array", "items": self.scalar()? })
            }
            _ => self.scalar()?,
        };
        p["schema"] = schema;
        // Sometimes the style is left implicit (the location's default).
        if self.ratio(3, 4)? {
            p["style"] = json!(style);
        }
        if self.ratio(1, 2)? {
            p["explode"] = json!(self.u.arbitrary::<bool>()?);
        }
        if location == "query" && self.ratio(1, 10)? {
            p["allowReserved"] = json!(true);
        }
        if self.ratio(1, 8)? {
            p["description"] = json!(self.text()?);
        }
        Ok(p)
    }

    /// A schema without nesting, for parameters.
    fn scalar(&mut self) -> Result<Value> {
        match self.u.int_in_range(0..=4)? {
            0 => self.string_schema(),
            1 => self.number_schema("integer"),
            2 => Ok(json!({ "type": "boolean" })),
            3 => self.enum_schema(),
            _ => self.number_schema("number"),
        }
    }

    fn content(&mut self, min: u32, max: u32) -> Result<Value> {
        let mut content = Map::new();
        for _ in 0..self.u.int_in_range(min..=max)? {
            let media = self.pick(MEDIA_TYPES)?;
            let mut entry = Map::new();
            if !self.ratio(1, 10)? {
                let schema = if media.starts_with("multipart/") && self.ratio(1, 2)? {
                    json!({ "type": "object", "properties": {
                        "file": { "type": "string", "format": "binary" },
                        "note": self.scalar()?,
                    } })
                } else {
                    self.schema(1)?
                };
                entry.insert("schema".into(), schema);
            }
            content.insert(media, Value::Object(entry));
        }
        Ok(Value::Object(content))
    }

    fn request_body(&mut self) -> Result<Value> {
        if !self.bodies.is_empty() && self.ratio(1, 5)? {
            let name = self.u.choose(&self.bodies)?.clone();
            return Ok(json!({ "$ref": format!("#/components/requestBodies/{name}") }));
        }
        let mut body = json!({ "content": self.content(1, 3)? });
        if self.ratio(1, 2)? {
            body["required"] = json!(true);
        }
        Ok(body)
    }

    fn responses(&mut self) -> Result<Value> {
        let mut responses = Map::new();
        for _ in 0..self.u.int_in_range(1..=4)? {
            let status = self.pick(STATUSES)?;
            let response = if !self.responses.is_empty() && self.ratio(1, 5)? {
                let name = self.u.choose(&self.responses)?.clone();
                json!({ "$ref": format!("#/components/responses/{name}") })
            } else {
                self.response()?
            };
            responses.insert(status, response);
        }
        Ok(Value::Object(responses))
    }

    fn response(&mut self) -> Result<Value> {
        let mut r = json!({ "description": self.text()? });
        if !self.ratio(1, 4)? {
            r["content"] = self.content(1, 2)?;
        }
        if self.ratio(1, 4)? {
            let mut headers = Map::new();
            for _ in 0..self.u.int_in_range(1..=2)? {
                headers.insert(
                    self.pick(&["X-Rate-Limit", "Location", "x-request-id", "Retry-After"])?,
                    json!({ "schema": self.scalar()? }),
                );
            }
            r["headers"] = Value::Object(headers);
        }
        Ok(r)
    }

    fn security_requirement(&mut self) -> Result<Value> {
        Ok(match self.u.int_in_range(0..=3)? {
            0 => json!([]),
            1 => json!([{ "apiKey": [] }]),
            2 => json!([{ "oauth": ["read"] }, { "basic": [] }]),
            _ => json!([{ "bearer": [] }]),
        })
    }

    // --- document parts ---

    fn servers(&mut self) -> Result<Value> {
        Ok(match self.u.int_in_range(0..=2)? {
            0 => json!([{ "url": "https://api.example.com/v1" }]),
            1 => json!([{ "url": "/relative" }, { "url": "http://127.0.0.1:8080" }]),
            _ => json!([{
                "url": "https://{region}.example.com/{base}",
                "variables": {
                    "region": { "default": "eu", "enum": ["eu", "us"] },
                    "base": { "default": "v2" },
                },
            }]),
        })
    }

    fn components(&mut self) -> Result<Value> {
        let mut schemas = Map::new();
        for name in self.schemas.clone() {
            self.current = Some(name.clone());
            let schema = self.schema(0)?;
            schemas.insert(name, schema);
        }
        self.current = None;
        let mut components = json!({ "schemas": schemas });
        let mut parameters = Map::new();
        for name in self.parameters.clone() {
            let location = *self.u.choose(&["query", "header"])?;
            let pname = if location == "header" {
                self.pick(HEADER_NAMES)?
            } else {
                self.pick(PARAMETER_NAMES)?
            };
            parameters.insert(name, self.parameter_in(location, pname)?);
        }
        if !parameters.is_empty() {
            components["parameters"] = Value::Object(parameters);
        }
        let mut responses = Map::new();
        for name in self.responses.clone() {
            responses.insert(name, self.response()?);
        }
        if !responses.is_empty() {
            components["responses"] = Value::Object(responses);
        }
        let mut bodies = Map::new();
        for name in self.bodies.clone() {
            let body = json!({ "required": true, "content": self.content(1, 2)? });
            bodies.insert(name, body);
        }
        if !bodies.is_empty() {
            components["requestBodies"] = Value::Object(bodies);
        }
        components["securitySchemes"] = json!({
            "bearer": { "type": "http", "scheme": "bearer" },
            "basic": { "type": "http", "scheme": "basic" },
            "apiKey": { "type": "apiKey", "in": self.pick(&["header", "query", "cookie"])?,
                "name": "X-Api-Key" },
            "oauth": { "type": "oauth2", "flows": { "clientCredentials": {
                "tokenUrl": "https://auth.example.com/token", "scopes": { "read": "read" } } } },
        });
        Ok(components)
    }

    fn webhooks(&mut self) -> Result<Value> {
        let mut hooks = Map::new();
        for _ in 0..self.u.int_in_range(1..=3)? {
            let name = self.pick(&["pet.created", "pet_created", "PetCreated", "pet.deleted"])?;
            let mut body = self.object(2)?;
            if self.ratio(1, 2)? {
                body["properties"]["type"] = json!({ "type": "string", "enum": [name] });
            }
            hooks.insert(
                name,
                json!({ "post": {
                    "requestBody": { "content": { "application/json": { "schema": body } } },
                    "responses": { "200": { "description": "received" } },
                } }),
            );
        }
        Ok(Value::Object(hooks))
    }
}

fn schema_ref(name: &str) -> String {
    format!(
        "#/components/schemas/{}",
        name.replace('~', "~0").replace('/', "~1")
    )
}

/// The `$ref`s among the members of a composition.
fn members_refs(members: &Value) -> Vec<String> {
    members
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("$ref").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Block-style YAML; keys and strings as JSON strings (valid YAML double-quoted scalars).
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                out.push_str(&pad);
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push(':');
                nested(v, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for v in items {
                out.push_str(&pad);
                out.push('-');
                nested(v, indent, out);
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&scalar.to_string());
            out.push('\n');
        }
    }
}

/// The value after `key:` or `-`: a scalar (or empty collection) on the same line, a
/// collection on the following lines, one level deeper.
fn nested(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml(value, indent + 1, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            yaml(value, indent + 1, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar.to_string());
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(bytes: &[u8]) -> Document {
        Document::arbitrary(&mut Unstructured::new(bytes)).expect("the generator never fails")
    }

    #[test]
    fn no_bytes_give_a_small_valid_document() {
        let doc = draw(&[]);
        assert_eq!(doc.version, Version::V30);
        assert_eq!(doc.value["openapi"], "3.0.3");
        assert_eq!(doc.value["paths"].as_object().map(Map::len), Some(1));
    }

    #[test]
    fn yaml_text_reads_back_as_the_same_document() {
        for seed in 0u8..32 {
            let bytes: Vec<u8> = (0..512u32)
                .map(|i| (i * 31 + u32::from(seed) * 17) as u8)
                .collect();
            let doc = draw(&bytes);
            let yaml: Value = serde_yaml::from_str(&doc.to_yaml()).expect("valid YAML");
            assert_eq!(yaml, doc.value);
            let json: Value = serde_json::from_str(&doc.to_json()).expect("valid JSON");
            assert_eq!(json, doc.value);
            let reordered = doc.reordered();
            assert_eq!(reordered, doc.value, "same content");
        }
    }
}
