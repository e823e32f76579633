//! Names as progenitor and typify write them, and a pass that keeps every generated type
//! name unique.
//!
//! typify names a component schema after its key and an inline schema after its `title`
//! (else after where it sits); two titles, or a title and a key, that give the same Rust name
//! generate two items of that name, and the module does not compile (the official Weavr
//! Payment Run spec titles three different inline shapes `Payment`). [`unique_titles`]
//! renames what would collide before progenitor runs.

use heck::{ToPascalCase, ToSnakeCase};

/// Which case a name is converted to.
#[derive(Clone, Copy)]
enum Case {
    Pascal,
    Snake,
}

/// Whether `name` is usable as a Rust identifier as is (not a keyword, not `gen`).
pub fn is_plain_ident(name: &str) -> bool {
    if name == "gen" {
        return false;
    }
    // The common case without syn's lexer, which is slow in a debug build script and runs
    // for every name of a large spec (Stripe: hundreds of thousands).
    let ascii_word = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match name.bytes().next() {
        Some(first) if ascii_word && (first.is_ascii_alphabetic() || first == b'_') => {
            name != "_" && !RUST_KEYWORDS.contains(&name)
        }
        _ => syn::parse_str::<syn::Ident>(name).is_ok(),
    }
}

/// The words syn refuses as an identifier: strict and reserved keywords of every edition.
const RUST_KEYWORDS: [&str; 51] = [
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl", "in",
    "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The identifier progenitor and typify make of `input` (their `sanitize`): apostrophes
/// dropped, other non-identifier characters as word breaks, heck's case conversion, then
/// `leading` before a name that cannot start an identifier and `_` after a keyword.
fn sanitize(input: &str, case: Case, leading: &str) -> String {
    // heck runs unoptimized in a build script, and a large spec asks for the same names many
    // times (each component key four or five times, enum values that repeat across enums):
    // each answer is kept for the thread's life, which is one spec's generation
    // (`on_a_deep_stack`).
    // `leading` is the same for every call with one `case`.
    thread_local! {
        static SEEN: std::cell::RefCell<[HashMap<String, String>; 2]> =
            std::cell::RefCell::new([HashMap::new(), HashMap::new()]);
    }
    let slot = case as usize;
    if let Some(hit) = SEEN.with(|seen| seen.borrow()[slot].get(input).cloned()) {
        return hit;
    }
    let out = sanitize_uncached(input, case, leading);
    SEEN.with(|seen| seen.borrow_mut()[slot].insert(input.to_string(), out.clone()));
    out
}

fn sanitize_uncached(input: &str, case: Case, leading: &str) -> String {
    let to_case = |s: &str| {
        ascii_case(s, case).unwrap_or_else(|| match case {
            Case::Pascal => s.to_pascal_case(),
            Case::Snake => s.to_snake_case(),
        })
    };
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        // Nothing to replace (most names).
        _ if input
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            to_case(input)
        }
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("{leading}{out}"),
    };
    if is_plain_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// heck's `to_pascal_case` or `to_snake_case` of an ASCII `text`, where each of heck's
/// character tests and conversions is the ASCII one; `None` for other text. The same steps
/// as heck's `transform`, without its formatter, which is most of a name's time unoptimized.
fn ascii_case(text: &str, case: Case) -> Option<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lowercase,
        Uppercase,
    }
    if !text.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut first_word = true;
    let mut push_word = |word: &[u8], out: &mut String| {
        if !std::mem::take(&mut first_word) && matches!(case, Case::Snake) {
            out.push('_');
        }
        for (i, &b) in word.iter().enumerate() {
            let upper = i == 0 && matches!(case, Case::Pascal);
            out.push(char::from(if upper {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            }));
        }
    };
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let word = word.as_bytes();
        let (mut init, mut mode) = (0, Mode::Boundary);
        for (i, &c) in word.iter().enumerate() {
            let Some(&next) = word.get(i + 1) else {
                push_word(&word[init..], &mut out);
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lowercase
            } else if c.is_ascii_uppercase() {
                Mode::Uppercase
            } else {
                mode
            };
            if next_mode == Mode::Lowercase && next.is_ascii_uppercase() {
                push_word(&word[init..=i], &mut out);
                (init, mode) = (i + 1, Mode::Boundary);
            } else if mode == Mode::Uppercase && c.is_ascii_uppercase() && next.is_ascii_lowercase()
            {
                push_word(&word[init..i], &mut out);
                (init, mode) = (i, Mode::Boundary);
            } else {
                mode = next_mode;
            }
        }
    }
    Some(out)
}

/// The Rust type typify generates for a component schema key or a title.
pub fn type_name(name: &str) -> String {
    sanitize(name, Case::Pascal, "X")
}

/// The method progenitor generates for an operationId.
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, Case::Snake, "_")
}

/// The key two names collide under: what is left of them after case and punctuation, which
/// is the same whenever their Rust names are (and for a few more, which are renamed too).
pub fn collision_key(name: &str) -> String {
    type_name(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::error::pointer;
use super::model::{OperationModel, SuccessBody, SuccessModel};

/// Component schema renames, old key to new.
type Renames = HashMap<String, String>;

/// Makes every name typify will generate unique: string enums whose values give the same
/// variant name lose their `enum` (a plain string, never a wrong value), component schema
/// keys that give the same type name are renamed (with their `$ref`s and the bodies recorded
/// in `operations`), and inline titles that give a name already taken get a number.
pub fn make_unique(doc: &mut Value, operations: &mut [OperationModel]) {
    loosen_colliding_enums(doc);
    split_nullable_unions(doc);
    let renames = unique_component_keys(doc);
    let rename = |schema: &mut String| {
        if let Some(new) = renames.get(schema.as_str()) {
            *schema = new.clone();
        }
    };
    for op in operations.iter_mut() {
        op.errors
            .iter_mut()
            .filter_map(|e| e.body_schema.as_mut())
            .for_each(rename);
        if let SuccessModel::Single(responses) | SuccessModel::Enum(responses) = &mut op.success {
            for r in responses {
                if let Some(SuccessBody::Json(schema)) = &mut r.body {
                    rename(schema);
                }
            }
        }
    }
    unique_titles(doc);
}

/// The variant names typify gives string enum values (`type_entry.rs`): sanitized, then with
/// dropped characters as `X` if that collides; `false` if they still collide.
fn enum_variants_unique(values: &[&str]) -> bool {
    let unique = |names: &[String]| names.iter().collect::<HashSet<_>>().len() == names.len();
    let first: Vec<String> = values.iter().map(|v| type_name(v)).collect();
    if unique(&first) {
        return true;
    }
    let second: Vec<String> = values
        .iter()
        .map(|v| type_name(&v.replace(|c: char| c == '_' || !c.is_alphanumeric(), "X")))
        .collect();
    unique(&second)
}

fn loosen_colliding_enums(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let collides = map.get("enum").and_then(Value::as_array).is_some_and(|e| {
                let values: Vec<&str> = e.iter().filter_map(Value::as_str).collect();
                values.len() == e.iter().filter(|v| !v.is_null()).count()
                    && !enum_variants_unique(&values)
            });
            if collides {
                map.remove("enum");
            }
            for (key, value) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    loosen_colliding_enums(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(loosen_colliding_enums),
        _ => {}
    }
}

/// progenitor turns a nullable `oneOf`/`anyOf` component `X` into `X(Option<Inner>)` and
/// typify names the inner enum `X` too. So the union moves into its own component `XValue`,
/// and `X` becomes the nullable reference to it.
fn split_nullable_unions(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut taken: HashSet<String> = schemas.keys().map(|k| collision_key(k)).collect();
    let mut added = Vec::new();
    for (key, schema) in schemas.iter_mut() {
        let Some(map) = schema.as_object_mut() else {
            continue;
        };
        // An `allOf` is merged into one type the same way (Plaid's
        // `AccountProductAccessNullable`); only the `allOf: [$ref]` idiom is a plain reference.
        let merged_all_of = map
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|members| !(members.len() == 1 && members[0].get("$ref").is_some()));
        let is_nullable_union = map.get("nullable").and_then(Value::as_bool) == Some(true)
            && (map.contains_key("oneOf") || map.contains_key("anyOf") || merged_all_of);
        // `null` among enum values wraps the enum the same way (Plaid's `PayFrequencyValue`):
        // the values move without it, and the reference is nullable.
        let null_enum = match map.get_mut("enum") {
            Some(Value::Array(values)) if values.contains(&Value::Null) => {
                values.retain(|v| !v.is_null());
                true
            }
            _ => false,
        };
        if !is_nullable_union && !null_enum {
            continue;
        }
        map.remove("nullable");
        let name = free_name(&taken, &format!("{}Value", type_name(key)));
        taken.insert(collision_key(&name));
        let mut outer = serde_json::Map::new();
        outer.insert("nullable".into(), Value::Bool(true));
        for k in ["description", "title"] {
            if let Some(v) = map.remove(k) {
                outer.insert(k.to_string(), v);
            }
        }
        outer.insert(
            "allOf".into(),
            serde_json::json!([{ "$ref": pointer("#/components/schemas", &[&name]) }]),
        );
        added.push((name, std::mem::replace(schema, Value::Object(outer))));
    }
    schemas.extend(added);
}

/// `base`, else `base2`, `base3`… whose collision key is not in `taken`.
fn free_name(taken: &HashSet<String>, base: &str) -> String {
    if !taken.contains(&collision_key(base)) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|c| !taken.contains(&collision_key(c)))
        .unwrap_or_else(|| base.to_string())
}

fn unique_component_keys(doc: &mut Value) -> Renames {
    let mut renames = Renames::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return renames;
    };
    let keys: Vec<String> = schemas.keys().cloned().collect();
    let mut taken: HashSet<String> = HashSet::new();
    for key in &keys {
        let name = free_name(&taken, key);
        taken.insert(collision_key(&name));
        if name != *key {
            renames.insert(key.clone(), name);
        }
    }
    if renames.is_empty() {
        return renames;
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        let old = std::mem::take(schemas);
        for (k, v) in old {
            let k = renames.get(&k).cloned().unwrap_or(k);
            schemas.insert(k, v);
        }
    }
    let refs: HashMap<String, String> = renames
        .iter()
        .map(|(old, new)| {
            (
                pointer("#/components/schemas", &[old]),
                pointer("#/components/schemas", &[new]),
            )
        })
        .collect();
    rewrite_refs(doc, &refs);
    renames
}

fn rewrite_refs(node: &mut Value, refs: &HashMap<String, String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(new) = refs.get(r.as_str())
            {
                *r = new.clone();
            }
            for (key, value) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    rewrite_refs(value, refs);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, refs)),
        _ => {}
    }
}

/// Inline schemas are named after their title, else after where they sit (typify:
/// `{parent}_{property}`, `{parent}Item`, `{parent}Value`; progenitor: `{operationId}-body`,
/// `-response`, `-{parameter}`). A title, or a name from its place, that a component key or
/// an earlier name already gives becomes a numbered title (`Payment2`), which typify uses
/// instead.
fn unique_titles(doc: &mut Value) {
    let mut taken: HashSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| collision_key(k)).collect())
        .unwrap_or_default();
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            let path_params = item.get("parameters").cloned();
            for (method, op) in item.iter_mut() {
                if !super::normalize::METHODS.contains(&method.as_str()) {
                    continue;
                }
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                walk_operation(op, &id, &mut taken);
            }
            if let Some(mut params) = path_params {
                walk_schema(&mut params, None, &mut taken);
                item.insert("parameters".into(), params);
            }
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, section) in components.iter_mut() {
            let Some(section) = section.as_object_mut() else {
                continue;
            };
            match kind.as_str() {
                "examples" => {}
                "schemas" => {
                    for (key, schema) in section.iter_mut() {
                        nullable_component_title(schema, &mut taken);
                        // Named after its key, which is taken already.
                        walk_children(schema, &type_name(key), &mut taken);
                    }
                }
                _ => {
                    for item in section.values_mut() {
                        walk_any(item, &mut taken);
                    }
                }
            }
        }
    }
}

fn walk_operation(op: &mut Value, id: &str, taken: &mut HashSet<String>) {
    let Some(op) = op.as_object_mut() else {
        return;
    };
    for (key, value) in op.iter_mut() {
        match key.as_str() {
            "parameters" => {
                for p in value.as_array_mut().into_iter().flatten() {
                    let name = p
                        .get("name")
                        .and_then(Value::as_str)
                        .map(|n| format!("{id}-{n}"));
                    if let Some(schema) = p.get_mut("schema") {
                        walk_schema(schema, name.as_deref(), taken);
                    }
                }
            }
            "requestBody" => walk_content(value, &format!("{id}-body"), taken),
            "responses" => {
                for response in value
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    walk_content(response, &format!("{id}-response"), taken);
                }
            }
            "callbacks" => walk_any(value, taken),
            _ => {}
        }
    }
}

fn walk_content(holder: &mut Value, context: &str, taken: &mut HashSet<String>) {
    let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    for media in content.values_mut() {
        if let Some(schema) = media.get_mut("schema") {
            walk_schema(schema, Some(context), taken);
        }
    }
}

/// A part of the document whose schemas' places give no name: titles only.
fn walk_any(node: &mut Value, taken: &mut HashSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match key.as_str() {
                    "example" | "examples" => {}
                    k if k.starts_with("x-") => {}
                    "schema" => walk_schema(value, None, taken),
                    _ => walk_any(value, taken),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk_any(v, taken)),
        _ => {}
    }
}

/// Whether typify makes a named type of this inline schema.
fn makes_named_type(map: &serde_json::Map<String, Value>) -> bool {
    ["properties", "enum", "oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| map.contains_key(*k))
}

/// One inline schema: its name made unique, then its children.
fn walk_schema(node: &mut Value, context: Option<&str>, taken: &mut HashSet<String>) {
    let Some(map) = node.as_object_mut() else {
        if let Value::Array(items) = node {
            // A parameter list without names to give.
            for p in items {
                if let Some(schema) = p.get_mut("schema") {
                    walk_schema(schema, None, taken);
                }
            }
        }
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    let title = map
        .get("title")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(str::to_string);
    let own = match (title, context) {
        (Some(title), _) => Some(title),
        (None, Some(context)) if makes_named_type(map) => Some(type_name(context)),
        (None, _) => None,
    };
    let base = match own {
        Some(own) => {
            let name = free_name(taken, &own);
            taken.insert(collision_key(&name));
            if name != own && rename_inline(map, &name) {
                // The renamed union now sits in its `allOf` member.
                if let Some(inner) = map.get_mut("allOf").and_then(|a| a.get_mut(0)) {
                    walk_children(inner, &name, taken);
                }
                return;
            }
            Some(name)
        }
        None => context.map(type_name),
    };
    match base {
        Some(base) => walk_children(node, &base, taken),
        None => walk_children_unnamed(node, taken),
    }
}

/// Gives an inline schema the name `name`. A nullable union is generated as
/// `Option<Inner>` with the title on the `Option`, so its members move into an `allOf`
/// member that carries the title (then `true`).
fn rename_inline(map: &mut serde_json::Map<String, Value>, name: &str) -> bool {
    let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
    let union = ["oneOf", "anyOf"]
        .into_iter()
        .find(|k| map.contains_key(*k));
    match union {
        Some(kind) if nullable => {
            let mut inner = serde_json::Map::new();
            inner.insert("title".into(), Value::String(name.to_string()));
            for k in [kind, "discriminator"] {
                if let Some(v) = map.remove(k) {
                    inner.insert(k.to_string(), v);
                }
            }
            map.insert("allOf".into(), Value::Array(vec![Value::Object(inner)]));
            true
        }
        _ => {
            map.insert("title".into(), Value::String(name.to_string()));
            false
        }
    }
}

/// typify generates a nullable component as a newtype over `Option<T>` named after its key,
/// and `T` after its title: Plaid's `AccountInsights` titled `AccountInsights` gives two
/// types of one name. Such a title gets a free name (`AccountInsights2`).
fn nullable_component_title(schema: &mut Value, taken: &mut HashSet<String>) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if map.get("nullable").and_then(Value::as_bool) != Some(true) {
        return;
    }
    let Some(title) = map.get("title").and_then(Value::as_str).map(str::to_string) else {
        return;
    };
    if taken.contains(&collision_key(&title)) {
        let name = free_name(taken, &title);
        taken.insert(collision_key(&name));
        map.insert("title".into(), Value::String(name));
    }
}

/// The children of a schema whose type is named `base`.
fn walk_children(node: &mut Value, base: &str, taken: &mut HashSet<String>) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                for (prop, schema) in value.as_object_mut().into_iter().flatten() {
                    let context = format!("{base}_{}", prop.to_snake_case());
                    walk_schema(schema, Some(&context), taken);
                }
            }
            "items" => walk_schema(value, Some(&format!("{base}Item")), taken),
            "additionalProperties" => walk_schema(value, Some(&format!("{base}Value")), taken),
            "oneOf" | "anyOf" | "allOf" | "not" => walk_children_of_list(value, taken),
            _ => {}
        }
    }
}

/// Schemas whose place gives no name (union members): titles only, children by their title.
fn walk_children_unnamed(node: &mut Value, taken: &mut HashSet<String>) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                for schema in value
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    walk_schema(schema, None, taken);
                }
            }
            "items" | "additionalProperties" => walk_schema(value, None, taken),
            "oneOf" | "anyOf" | "allOf" | "not" => walk_children_of_list(value, taken),
            _ => {}
        }
    }
}

fn walk_children_of_list(value: &mut Value, taken: &mut HashSet<String>) {
    match value {
        Value::Array(list) => list.iter_mut().for_each(|s| walk_schema(s, None, taken)),
        other => walk_schema(other, None, taken),
    }
}

/// typify emits some types twice, token for token (Weavr Multi's `CreatedCorporateRootUser`,
/// reached through an `allOf` from two places); the later copies are dropped. Only items
/// whose name repeats are compared, so this costs nothing on a spec without such copies.
pub fn drop_identical_copies(file: &mut syn::File) {
    use quote::ToTokens;
    fn name(item: &syn::Item) -> Option<String> {
        match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        }
    }
    // The type an impl is for, when it is a plain name.
    fn impl_for(item: &syn::Item) -> Option<String> {
        match item {
            syn::Item::Impl(i) => match i.self_ty.as_ref() {
                syn::Type::Path(p) => p.path.get_ident().map(|i| i.to_string()),
                _ => None,
            },
            _ => None,
        }
    }
    for item in &mut file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        let mut count: HashMap<String, usize> = HashMap::new();
        for item in items.iter() {
            if let Some(n) = name(item) {
                *count.entry(n).or_default() += 1;
            }
        }
        if count.values().all(|c| *c == 1) {
            continue;
        }
        let mut seen = HashSet::new();
        items.retain(|item| match name(item).or_else(|| impl_for(item)) {
            Some(n) if count.get(&n).is_some_and(|c| *c > 1) => {
                seen.insert(item.to_token_stream().to_string())
            }
            _ => true,
        });
    }
}

/// The first type name the `types` module of `file` declares twice, if any: a collision this
/// pass did not foresee fails the build naming the type, not with a compiler error.
pub fn duplicate_type(file: &syn::File) -> Option<String> {
    let mut seen = HashSet::new();
    for item in &file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &m.content
        {
            for item in items {
                let ident = match item {
                    syn::Item::Struct(s) => &s.ident,
                    syn::Item::Enum(e) => &e.ident,
                    syn::Item::Type(t) => &t.ident,
                    _ => continue,
                };
                if !seen.insert(ident.to_string()) {
                    return Some(ident.to_string());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use heck::{ToPascalCase, ToSnakeCase};

    use super::{
        Case, RUST_KEYWORDS, ascii_case, collision_key, duplicate_type, is_plain_ident,
        method_name, type_name,
    };
    use crate::generate;

    /// The ASCII conversion agrees with heck's on every text of up to five characters from
    /// an alphabet of each kind heck tells apart, and on longer random texts.
    #[test]
    fn ascii_case_agrees_with_heck() {
        let alphabet = ['a', 'B', '7', '_', '-', ' '];
        let mut texts: Vec<String> = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        let mut rng = fastrand::Rng::with_seed(13);
        let wide = b"abzABZ09_-. /$~";
        texts.extend((0..5000).map(|_| {
            let len = rng.usize(0..24);
            (0..len)
                .map(|_| char::from(wide[rng.usize(..wide.len())]))
                .collect::<String>()
        }));
        texts.extend(
            [
                "HTTPServer",
                "getHTTPResponseCode",
                "ID",
                "v1API2",
                "a__b",
                "X-Rate",
                "éa",
            ]
            .map(String::from),
        );
        for text in &texts {
            if text.is_ascii() {
                assert_eq!(
                    ascii_case(text, Case::Pascal).as_deref(),
                    Some(text.to_pascal_case().as_str()),
                    "{text:?}"
                );
                assert_eq!(
                    ascii_case(text, Case::Snake).as_deref(),
                    Some(text.to_snake_case().as_str()),
                    "{text:?}"
                );
            } else {
                assert_eq!(ascii_case(text, Case::Pascal), None, "{text:?}");
            }
        }
    }

    /// The fast path agrees with syn, which is what progenitor and typify check against.
    #[test]
    fn plain_idents_agree_with_syn() {
        let others = [
            "gen",
            "_",
            "__",
            "_x",
            "x",
            "Foo_1",
            "1a",
            "a-b",
            "a b",
            "",
            "r#type",
            "ß",
            "über",
            "union",
            "macro_rules",
            "raw",
            "auto",
            "default",
            "static_",
            "Self_",
            "crate_",
        ];
        for word in RUST_KEYWORDS.iter().chain(&others) {
            let by_syn = *word != "gen" && syn::parse_str::<syn::Ident>(word).is_ok();
            assert_eq!(is_plain_ident(word), by_syn, "{word:?}");
        }
    }

    /// Asserts the generated module parses, defines no type twice, and has each of `names`.
    fn assert_types(code: &str, names: &[&str]) {
        let file = syn::parse_file(code).expect("generated code parses");
        assert_eq!(duplicate_type(&file), None);
        let types = crate::generated_type_names(&file);
        for name in names {
            assert!(types.contains(*name), "{name} in {types:?}");
        }
    }

    #[test]
    fn names_follow_progenitor_and_typify() {
        assert_eq!(type_name("errorResponse"), "ErrorResponse");
        assert_eq!(type_name("3DSecure"), "X3dSecure");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(method_name("3dsAuthenticate"), "_3ds_authenticate");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(
            collision_key("payment_method"),
            collision_key("PaymentMethod")
        );
        assert_eq!(
            collision_key("payment-method"),
            collision_key("PAYMENT_METHOD")
        );
        assert_ne!(
            collision_key("PaymentMethod"),
            collision_key("PaymentMethods")
        );
    }

    const TWO_PAYMENTS: &str = r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /runs:
    get:
      operationId: getRun
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  payments:
                    type: array
                    items: {title: Payment, type: object, properties: {id: {type: string}, amount: {type: integer}}}
    post:
      operationId: createRun
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                payments:
                  type: array
                  items: {title: Payment, type: object, properties: {amount: {type: integer}}}
      responses:
        '200': {description: ok}
components:
  schemas:
    Holder:
      type: object
      properties:
        p: {title: Payment, type: object, properties: {other: {type: boolean}}}
"#;

    #[test]
    fn inline_titles_that_collide_are_numbered() {
        let module = generate(Path::new("specs/t.yaml"), TWO_PAYMENTS).unwrap();
        assert_types(&module.code, &["Payment", "Payment2", "Payment3"]);
    }

    #[test]
    fn keys_that_differ_in_case_or_punctuation_keywords_and_digits() {
        let spec = r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: 3dsAuthenticate
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/payment_method'}}}}
        '400': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/3DSecureError'}}}}
        '404': {description: gone, content: {application/json: {schema: {$ref: '#/components/schemas/payment-method'}}}}
  /b:
    get:
      operationId: type
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/PaymentMethod'}}}}
        '409': {description: c, content: {application/json: {schema: {$ref: '#/components/schemas/Self'}}}}
components:
  schemas:
    payment_method: {type: object, properties: {a: {type: string}}}
    PaymentMethod: {type: object, properties: {b: {type: string}}}
    payment-method: {type: object, properties: {c: {type: string}}}
    3DSecureError: {type: object, properties: {code: {type: string}}}
    Self: {type: object, properties: {s: {type: string}}}
    type: {type: string}
"#;
        let module = generate(Path::new("specs/t.yaml"), spec).unwrap();
        assert_types(
            &module.code,
            &[
                "PaymentMethod",
                "PaymentMethod2",
                "PaymentMethod3",
                "X3dSecureError",
                "Self_",
            ],
        );
        let code = &module.code;
        assert!(code.contains("pub async fn _3ds_authenticate"), "method");
        assert!(code.contains("pub const _3DS_AUTHENTICATE"), "const");
        assert!(
            code.contains("pub enum X3dsAuthenticateError"),
            "error enum"
        );
        assert!(
            code.contains("NotFound(types::PaymentMethod3)"),
            "renamed error body"
        );
        assert!(
            code.contains("BadRequest(types::X3dSecureError)"),
            "digit error body"
        );
        assert!(
            code.contains("Conflict(types::Self_)"),
            "keyword error body"
        );
    }

    #[test]
    fn nullable_unions_get_names_of_their_own() {
        let spec = r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /d:
    get:
      operationId: doc
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Documentation'}}}}
components:
  schemas:
    file: {type: object, properties: {id: {type: string}}}
    Documentation:
      nullable: true
      anyOf:
        - {type: string}
        - {$ref: '#/components/schemas/file'}
    account: {type: object, properties: {ownership: {nullable: true, anyOf: [{type: string}, {$ref: '#/components/schemas/account_ownership'}]}}}
    account_ownership: {type: object, properties: {owner: {type: string}}}
"#;
        let module = generate(Path::new("specs/t.yaml"), spec).unwrap();
        assert_types(
            &module.code,
            &[
                "Documentation",
                "DocumentationValue",
                "AccountOwnership",
                "AccountOwnership2",
            ],
        );
    }

    #[test]
    fn enum_values_that_give_one_variant_become_a_plain_string() {
        let spec = r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /z:
    get:
      operationId: zone
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  tz: {type: string, enum: ['Etc/GMT+0', 'Etc/GMT-0', 'UTC']}
                  kind: {type: string, enum: [aB, a_b]}
                  fine: {type: string, enum: [one, two]}
"#;
        let module = generate(Path::new("specs/t.yaml"), spec).unwrap();
        let code = module.code.replace(char::is_whitespace, "");
        assert!(
            code.contains("pubtz:::std::option::Option<::std::string::String>"),
            "tz"
        );
        // typify's second try (dropped characters as X) separates these.
        assert!(code.contains("pubenumZoneResponseKind"), "kind");
        assert!(code.contains("pubenumZoneResponseFine"), "fine");
    }

    #[test]
    fn a_required_nullable_string_gets_one_deserialize_with() {
        let spec = r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /n:
    get:
      operationId: nullable
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [note]
                properties:
                  note: {type: string, nullable: true}
"#;
        let module = generate(Path::new("specs/t.yaml"), spec).unwrap();
        let field = module
            .code
            .split("pub struct NullableResponse")
            .nth(1)
            .and_then(|s| s.split("pub note").next())
            .expect("the struct");
        assert_eq!(field.matches("deserialize_with").count(), 1, "{field}");
        assert!(
            field.contains("::paysdk::runtime::lenient::option_string_or_number"),
            "{field}"
        );
        assert!(
            !field.contains("default"),
            "required stays required: {field}"
        );
    }
}
