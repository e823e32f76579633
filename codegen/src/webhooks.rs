//! Webhooks: the events a provider POSTs to its users, declared under `webhooks` (OpenAPI
//! 3.1) or `x-webhooks` (the 3.0 extension Weavr uses).
//!
//! [`lift`] runs on the JSON document after normalization, so the operations' types keep the
//! names they have without webhooks: each webhook's inline body schema moves into
//! `components/schemas` under a unique name (so typify generates it), with the string limits
//! relaxed as for operations; a property schema that several bodies share (Weavr's two
//! linked-account webhooks carry the same `payload`) becomes one type; and the webhook keys
//! are removed, since progenitor reads operations only. [`tokens`] then writes `pub mod webhooks` with one
//! `Event` enum over the bodies, discriminated by the body's `type` field when every webhook
//! fixes one, by webhook name otherwise, with `Unknown { kind, raw }` for the rest.

use std::collections::HashSet;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::config::{HeaderName, SignedPart, WebhookSignature};
use super::error::{SpecError, pointer};
use super::names;
use super::normalize::{
    METHODS, canonical, pascal_case, relax_string_constraints, unique_schema_name,
};
use super::template::const_name;
use super::validate::resolve;

/// The keys that declare webhooks, in the order they are read.
pub const WEBHOOK_KEYS: [&str; 2] = ["webhooks", "x-webhooks"];

/// The body property whose single value names an event.
const DISCRIMINATOR: &str = "type";

/// One webhook (one method of one entry), as the generator needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookModel {
    /// The webhook's name: its key under `webhooks`.
    pub name: String,
    /// The `Event` variant.
    pub variant: String,
    /// The component schema of its body.
    pub schema: String,
    /// The single value of the body's `type` property, if the schema fixes one.
    pub tag: Option<String>,
    /// Summary or description, for the doc comment.
    pub doc: String,
    /// Where it is declared (a JSON pointer), for errors.
    pub at: String,
}

/// Every webhook of a spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Webhooks {
    /// In declaration order.
    pub events: Vec<WebhookModel>,
}

impl Webhooks {
    /// Whether the events are told apart by the body's `type` (every webhook fixes one,
    /// and no two share it).
    pub fn tagged(&self) -> bool {
        let mut seen = HashSet::new();
        !self.events.is_empty()
            && self
                .events
                .iter()
                .all(|e| e.tag.as_ref().is_some_and(|t| seen.insert(t.clone())))
    }
}

/// Moves webhook body schemas into `components/schemas` and removes the webhook keys.
pub fn lift(file: &Path, doc: &mut Value) -> Result<Webhooks, SpecError> {
    let mut events = Vec::new();
    let mut lifted = Vec::new();
    let mut variants = HashSet::from(["Unknown".to_string()]);
    for key in WEBHOOK_KEYS {
        let Some(declared) = doc.get(key).cloned() else {
            continue;
        };
        let Value::Object(hooks) = declared else {
            return Err(SpecError::at(
                file,
                &pointer("", &[key]),
                format!("`{key}` must be a mapping of webhook names to path items"),
            ));
        };
        for (name, item) in &hooks {
            let at = pointer("", &[key, name]);
            let item = match item.get("$ref").and_then(Value::as_str) {
                Some(target) => resolve(doc, target).cloned().unwrap_or(Value::Null),
                None => item.clone(),
            };
            let Some(item) = item.as_object() else {
                return Err(SpecError::at(
                    file,
                    &at,
                    format!("webhook '{name}' must be a path item (a mapping of methods)"),
                ));
            };
            let methods: Vec<&str> = METHODS
                .iter()
                .copied()
                .filter(|m| item.get(*m).is_some_and(Value::is_object))
                .collect();
            for method in &methods {
                let op_at = pointer(&at, &[method]);
                let op = &item[*method];
                let base = if methods.len() > 1 {
                    format!("{name}_{method}")
                } else {
                    name.clone()
                };
                let Some((schema_at, schema)) = body_schema(doc, op, &op_at) else {
                    continue;
                };
                let schema_name = match schema.get("$ref").and_then(Value::as_str) {
                    Some(r)
                        if r.starts_with("#/components/schemas/")
                            && schema.as_object().is_some_and(|m| m.len() == 1) =>
                    {
                        r.trim_start_matches("#/components/schemas/").to_string()
                    }
                    _ => {
                        let wanted = pascal_case(&base);
                        let wanted = if wanted.is_empty() {
                            "Webhook".to_string()
                        } else {
                            wanted
                        };
                        let unique = unique_schema_name(doc, &wanted);
                        let mut schema = schema.clone();
                        relax_string_constraints(&mut schema);
                        insert_schema(doc, &unique, schema).ok_or_else(|| {
                            SpecError::at(file, &schema_at, "`components` must be a mapping")
                        })?;
                        lifted.push(unique.clone());
                        unique
                    }
                };
                let resolved = deref_schema(doc, &schema);
                let tag = discriminator_value(doc, &resolved);
                let mut variant = pascal_case(&base);
                if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
                    variant = format!("Webhook{variant}");
                }
                let mut unique = variant.clone();
                let mut n = 2;
                while !variants.insert(unique.clone()) {
                    unique = format!("{variant}{n}");
                    n += 1;
                }
                let doc_text = ["summary", "description"]
                    .iter()
                    .find_map(|k| op.get(*k).and_then(Value::as_str))
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                events.push(WebhookModel {
                    name: name.clone(),
                    variant: unique,
                    schema: schema_name,
                    tag,
                    doc: doc_text,
                    at: op_at,
                });
            }
        }
    }
    share_properties(doc, &lifted);
    if let Some(root) = doc.as_object_mut() {
        for key in WEBHOOK_KEYS {
            root.remove(key);
        }
    }
    Ok(Webhooks { events })
}

/// An inline object or union property that two or more lifted bodies declare identically
/// becomes one component schema, named after the first body and the property.
fn share_properties(doc: &mut Value, lifted: &[String]) {
    /// Schemas equal as JSON: the canonical form, a name, the schema, and (body, property) uses.
    struct Group {
        canon: String,
        name: String,
        schema: Value,
        users: Vec<(String, String)>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for body in lifted {
        let Some(props) = doc
            .pointer(&pointer("/components/schemas", &[body, "properties"]))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (prop, schema) in props {
            let inline = schema.as_object().is_some_and(|m| {
                !m.contains_key("$ref")
                    && ["properties", "oneOf", "anyOf", "allOf"]
                        .iter()
                        .any(|k| m.contains_key(*k))
            });
            if !inline {
                continue;
            }
            let canon = canonical(schema);
            match groups.iter_mut().find(|g| g.canon == canon) {
                Some(group) => group.users.push((body.clone(), prop.clone())),
                None => groups.push(Group {
                    canon,
                    name: format!("{}{}", pascal_case(body), pascal_case(prop)),
                    schema: schema.clone(),
                    users: vec![(body.clone(), prop.clone())],
                }),
            }
        }
    }
    for Group {
        name,
        schema,
        users,
        ..
    } in groups.into_iter().filter(|g| g.users.len() >= 2)
    {
        let name = unique_schema_name(doc, &name);
        if insert_schema(doc, &name, schema).is_none() {
            return;
        }
        let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        for (body, prop) in users {
            if let Some(slot) = doc.pointer_mut(&pointer(
                "/components/schemas",
                &[&body, "properties", &prop],
            )) {
                *slot = reference.clone();
            }
        }
    }
}

/// The JSON body schema of a webhook operation (through a `$ref`ed request body), with its
/// pointer.
fn body_schema(doc: &Value, op: &Value, op_at: &str) -> Option<(String, Value)> {
    let mut body = op.get("requestBody")?;
    let mut at = pointer(op_at, &["requestBody"]);
    if let Some(target) = body.get("$ref").and_then(Value::as_str) {
        body = resolve(doc, target)?;
        at = target.trim_start_matches('#').to_string();
    }
    let content = body.get("content")?.as_object()?;
    let (media, value) = content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| content.iter().next())?;
    let schema = value.get("schema")?;
    Some((pointer(&at, &["content", media, "schema"]), schema.clone()))
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn insert_schema(doc: &mut Value, name: &str, schema: Value) -> Option<()> {
    let root = doc.as_object_mut()?;
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let components = components.as_object_mut()?;
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    if !schemas.is_object() {
        *schemas = Value::Object(Map::new());
    }
    schemas.as_object_mut()?.insert(name.to_string(), schema);
    Some(())
}

/// Follows `$ref`s (a few levels, against cycles).
fn deref_schema(doc: &Value, schema: &Value) -> Value {
    let mut current = schema.clone();
    for _ in 0..8 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(target) => match resolve(doc, target) {
                Some(next) => current = next.clone(),
                None => break,
            },
            None => break,
        }
    }
    current
}

/// The single string value the schema fixes for `type`: `enum: [x]` or `const: x`, directly
/// or in an `allOf` part.
fn discriminator_value(doc: &Value, schema: &Value) -> Option<String> {
    let own = schema
        .get("properties")
        .and_then(|p| p.get(DISCRIMINATOR))
        .map(|p| deref_schema(doc, p))
        .and_then(|p| {
            if let Some(Value::String(c)) = p.get("const") {
                return Some(c.clone());
            }
            match p.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
                Some([Value::String(only)]) => Some(only.clone()),
                _ => None,
            }
        });
    own.or_else(|| {
        schema
            .get("allOf")
            .and_then(Value::as_array)?
            .iter()
            .find_map(|part| discriminator_value(doc, &deref_schema(doc, part)))
    })
}

/// `pub mod webhooks` with the `Event` enum; nothing if the spec declares no webhooks.
pub fn tokens(hooks: &Webhooks, signature: Option<&WebhookSignature>) -> TokenStream {
    if hooks.events.is_empty() {
        return TokenStream::new();
    }
    let verifier = signature.map(|s| verifier(s, hooks.tagged()));
    let tagged = hooks.tagged();
    let kind_of = |e: &WebhookModel| -> String {
        match (&e.tag, tagged) {
            (Some(tag), true) => tag.clone(),
            _ => e.name.clone(),
        }
    };
    let variants = hooks.events.iter().map(|e| {
        let v = format_ident!("{}", e.variant);
        let ty = format_ident!("{}", pascal_case(&e.schema));
        let kind = kind_of(e);
        let first = e.doc.lines().next().unwrap_or_default();
        let doc = if first.is_empty() {
            format!("`{kind}`.")
        } else {
            format!("`{kind}`: {first}")
        };
        quote! { #[doc = #doc] #v(types::#ty), }
    });
    let kind_arms = hooks.events.iter().map(|e| {
        let v = format_ident!("{}", e.variant);
        let kind = kind_of(e);
        quote! { Self::#v(_) => #kind, }
    });
    let kinds = hooks.events.iter().map(kind_of);
    let by_name = hooks.events.iter().map(|e| {
        let v = format_ident!("{}", e.variant);
        let name = &e.name;
        quote! { #name => ::serde_json::from_slice(body).map(Self::#v), }
    });
    let by_tag = hooks.events.iter().filter_map(|e| {
        let v = format_ident!("{}", e.variant);
        let tag = e.tag.as_ref()?;
        Some(quote! { #tag => ::serde_json::from_slice(body).map(Self::#v), })
    });
    let discriminator = if tagged {
        quote!(Some(#DISCRIMINATOR))
    } else {
        quote!(None)
    };
    let from_json = tagged.then(|| {
        let doc = format!(
            "Decodes a body, choosing the variant by its `{DISCRIMINATOR}` field; a value this \
             spec does not list gives [`Event::Unknown`]."
        );
        quote! {
            #[doc = #doc]
            pub fn from_json(body: &[u8]) -> ::std::result::Result<Self, ::serde_json::Error> {
                let raw: ::serde_json::Value = ::serde_json::from_slice(body)?;
                let kind = match raw.get(#DISCRIMINATOR).and_then(::serde_json::Value::as_str) {
                    Some(kind) => kind.to_string(),
                    None => {
                        return Err(<::serde_json::Error as ::serde::de::Error>::missing_field(
                            #DISCRIMINATOR,
                        ));
                    }
                };
                match kind.as_str() {
                    #(#by_tag)*
                    _ => Ok(Self::Unknown { kind, raw }),
                }
            }
        }
    });
    let enum_doc = if tagged {
        format!("A webhook event of this API, by its body's `{DISCRIMINATOR}` field.")
    } else {
        "A webhook event of this API, by the webhook it was delivered as.".to_string()
    };
    quote! {
        /// The webhooks the spec declares: one body type each, and [`Event`](webhooks::Event) over them.
        pub mod webhooks {
            #[allow(unused_imports)]
            use super::types;

            #[doc = #enum_doc]
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub enum Event {
                #(#variants)*
                /// An event this version of the spec does not declare (a newer provider
                /// release), kept as received.
                Unknown {
                    /// Its kind, as sent.
                    kind: ::std::string::String,
                    /// The whole body.
                    raw: ::serde_json::Value,
                },
            }

            impl Event {
                /// The body field that tells events apart, if every webhook fixes one.
                pub const DISCRIMINATOR: ::std::option::Option<&'static str> = #discriminator;
                /// The kinds the spec declares (the discriminator's values, or webhook names).
                pub const KINDS: &'static [&'static str] = &[#(#kinds),*];

                /// The event's kind.
                pub fn kind(&self) -> &str {
                    match self {
                        #(#kind_arms)*
                        Self::Unknown { kind, .. } => kind.as_str(),
                    }
                }

                /// Whether this spec does not declare the event.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::Unknown { .. })
                }

                #from_json

                /// Decodes the body of a delivery of the webhook `name` (its key in the spec);
                /// an unknown name gives [`Event::Unknown`].
                pub fn from_webhook(name: &str, body: &[u8]) -> ::std::result::Result<Self, ::serde_json::Error> {
                    match name {
                        #(#by_name)*
                        _ => Ok(Self::Unknown {
                            kind: name.to_string(),
                            raw: ::serde_json::from_slice(body)?,
                        }),
                    }
                }
            }

            #verifier
        }
    }
}

/// `Verifier`, `Authenticated`, `Delivery`, `sign` and the header names of a signature
/// scheme in headers (sidecar `webhook_signature`); the work is the runtime's
/// `HeaderVerifier`. A spec whose events are not told apart by their body gets no
/// `verify` (decoding needs the webhook's name: `Event::from_webhook`).
fn verifier(sig: &WebhookSignature, tagged: bool) -> TokenStream {
    let hook = quote!(::paysdk::runtime::webhook);
    let constant = |h: &HeaderName| format_ident!("{}", const_name(&h.0));
    let names = |parts: &[SignedPart]| -> String {
        let name = |p: &SignedPart| match p {
            SignedPart::Reference => format!("`{}`", sig.reference.as_ref().map_or("", |h| &h.0)),
            SignedPart::Body => "the body".to_string(),
            SignedPart::Timestamp => format!("`{}`", sig.timestamp.0),
        };
        let names: Vec<String> = parts.iter().map(name).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => {
                format!("{} and {last}, concatenated", rest.join(", "))
            }
            _ => names.concat(),
        }
    };
    let timestamp = &sig.timestamp.0;
    let timestamp_const = constant(&sig.timestamp);
    let mut consts = Vec::new();
    if let Some(r) = &sig.reference {
        let (c, h) = (constant(r), &r.0);
        let doc = format!(" `{h}`: the delivery's reference, the same on every redelivery.");
        consts.push(quote!(#[doc = #doc] pub const #c: &str = #h;));
    }
    let doc = format!(" `{timestamp}`: when the delivery was published, Unix milliseconds.");
    consts.push(quote!(#[doc = #doc] pub const #timestamp_const: &str = #timestamp;));
    let mut signatures = Vec::new();
    for (header, parts) in &sig.signatures {
        let (c, h) = (constant(header), &header.0);
        let doc = format!(" `{h}`: base64 HMAC-SHA256 of {}.", names(parts));
        consts.push(quote!(#[doc = #doc] pub const #c: &str = #h;));
        let parts = parts.iter().map(|p| match p {
            SignedPart::Reference => quote!(#hook::Part::Reference),
            SignedPart::Body => quote!(#hook::Part::Body),
            SignedPart::Timestamp => quote!(#hook::Part::Timestamp),
        });
        signatures.push(quote!((#c, &[#(#parts),*])));
    }
    let first = &sig.signatures[0].0.0;
    let reference = match &sig.reference {
        Some(r) => {
            let c = constant(r);
            quote!(Some(#c))
        }
        None => quote!(None),
    };
    let (ref_field, ref_init, dedup, ref_param, ref_arg) = match &sig.reference {
        Some(r) => {
            let field = format_ident!("{}", names::method_name(&r.0));
            let doc = format!(" The `{}` header, if sent.", r.0);
            let dedup = format!(
                " The key to deduplicate redeliveries by: `{}`, or if none was sent, the \
                 `{first}` (a redelivery with a new timestamp then counts as new).",
                r.0
            );
            (
                quote!(#[doc = #doc] pub #field: ::std::option::Option<::std::string::String>,),
                quote!(#field: checked.reference,),
                quote! {
                    #[doc = #dedup]
                    pub fn dedup_key(&self) -> &str {
                        self.#field.as_deref().unwrap_or(&self.signature)
                    }
                },
                quote!(#field: ::std::option::Option<&str>,),
                quote!(#field),
            )
        }
        None => {
            let dedup = format!(" The key to deduplicate redeliveries by: the `{first}`.");
            (
                quote!(),
                quote!(),
                quote!(#[doc = #dedup] pub fn dedup_key(&self) -> &str { &self.signature }),
                quote!(),
                quote!(None),
            )
        }
    };
    let signature_doc = format!(" The `{first}` header, unique to what it signs.");
    let published_doc = format!(" The `{timestamp}`.");
    let sign_doc = format!(
        " The headers the provider would send with `body`, signed with `key` \
         ({}). For tests and simulators.",
        (sig.reference.iter().chain([&sig.timestamp]))
            .chain(sig.signatures.iter().map(|(h, _)| h))
            .map(|h| format!("`{}`", h.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let verify = tagged.then(|| {
        quote! {
            /// Verifies a delivery, then decodes its body into an [`Event`].
            pub fn verify(
                &self,
                headers: &::reqwest::header::HeaderMap,
                body: &[u8],
            ) -> ::std::result::Result<Event, WebhookError> {
                self.verify_delivery(headers, body).map(|d| d.event)
            }

            /// [`verify`](Self::verify), keeping what the headers said (for idempotent
            /// handling).
            pub fn verify_delivery(
                &self,
                headers: &::reqwest::header::HeaderMap,
                body: &[u8],
            ) -> ::std::result::Result<Delivery, WebhookError> {
                let (checked, event) = self.0.verify(headers, body, Event::from_json)?;
                Ok(Delivery { meta: Authenticated::from(checked), event })
            }
        }
    });
    quote! {
        pub use #hook::{DEFAULT_TOLERANCE, WebhookError};

        #(#consts)*

        /// How the provider signs deliveries (sidecar `webhook_signature`); the first
        /// signature, which covers the most, is checked first.
        pub const SCHEME: #hook::HeaderScheme = #hook::HeaderScheme {
            reference: #reference,
            timestamp: #timestamp_const,
            signatures: &[#(#signatures),*],
        };

        /// Checks deliveries with the provider's signing key: the headers are there and well
        /// formed, every signature matches (in constant time), and the timestamp is inside
        /// the replay window; only then is the body decoded.
        #[derive(Debug, Clone)]
        pub struct Verifier(#hook::HeaderVerifier);

        /// What verification established about a delivery, besides its body.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Authenticated {
            #ref_field
            #[doc = #signature_doc]
            pub signature: ::std::string::String,
            #[doc = #published_doc]
            pub published_at: ::std::time::SystemTime,
        }

        impl Authenticated {
            #dedup
        }

        impl ::std::convert::From<#hook::Checked> for Authenticated {
            fn from(checked: #hook::Checked) -> Self {
                Authenticated {
                    #ref_init
                    signature: checked.signature,
                    published_at: checked.published_at,
                }
            }
        }

        /// A verified delivery: what the headers say and the decoded event.
        #[derive(Debug, Clone)]
        pub struct Delivery {
            /// The checked headers.
            pub meta: Authenticated,
            /// The event.
            pub event: Event,
        }

        impl Verifier {
            /// A verifier for deliveries signed with `key`, with the default 5-minute window
            /// on the system clock.
            pub fn new(key: ::paysdk::Secret) -> Self {
                Verifier(#hook::HeaderVerifier::new(SCHEME, key))
            }

            /// How far the timestamp may be from now, either way (default 5 minutes).
            pub fn tolerance(self, tolerance: ::std::time::Duration) -> Self {
                Verifier(self.0.tolerance(tolerance))
            }

            /// The clock timestamps are checked against (tests inject a fixed time).
            pub fn clock(self, clock: impl #hook::Clock) -> Self {
                Verifier(self.0.clock(clock))
            }

            /// Checks headers, signatures and the replay window, without reading the body
            /// beyond hashing it.
            pub fn authenticate(
                &self,
                headers: &::reqwest::header::HeaderMap,
                body: &[u8],
            ) -> ::std::result::Result<Authenticated, WebhookError> {
                self.0.check(headers, body).map(Authenticated::from)
            }

            #verify
        }

        #[doc = #sign_doc]
        pub fn sign(
            key: &::paysdk::Secret,
            #ref_param
            body: &[u8],
            published_at: ::std::time::SystemTime,
        ) -> ::reqwest::header::HeaderMap {
            let key = #hook::HmacSha256Key::new(key.clone());
            SCHEME.sign(&key, #ref_arg, body, published_at)
        }
    }
}

/// Errors if typify did not generate a body type (named `pascal_case(schema)`).
pub fn check_types(
    file: &Path,
    hooks: &Webhooks,
    type_names: &HashSet<String>,
) -> Result<(), SpecError> {
    for e in &hooks.events {
        if !type_names.contains(&pascal_case(&e.schema)) {
            return Err(SpecError::at(
                file,
                &e.at,
                format!(
                    "no Rust type was generated for schema '{}', the body of webhook '{}'",
                    e.schema, e.name
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(hooks_key: &str, hooks: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"LinkedAccountWatch": {"type": "string"}}},
            hooks_key: hooks,
        })
    }

    fn hook(body: Value) -> Value {
        json!({"post": {
            "summary": "Something happened",
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "ok"}}
        }})
    }

    #[test]
    fn lifts_inline_bodies_under_unique_names_and_removes_the_keys() {
        let mut doc = spec(
            "x-webhooks",
            json!({
                "linkedAccountWatch": hook(json!({
                    "type": "object",
                    "properties": {"type": {"type": "string", "enum": ["linkedAccountWatch"]}}
                })),
                "other": hook(json!({"$ref": "#/components/schemas/LinkedAccountWatch"})),
            }),
        );
        let hooks = lift(Path::new("s.yaml"), &mut doc).unwrap();
        assert!(doc.get("x-webhooks").is_none());
        let names: Vec<_> = hooks
            .events
            .iter()
            .map(|e| (e.variant.as_str(), e.schema.as_str(), e.tag.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "LinkedAccountWatch",
                    "LinkedAccountWatch2",
                    Some("linkedAccountWatch")
                ),
                ("Other", "LinkedAccountWatch", None),
            ]
        );
        assert!(
            doc.pointer("/components/schemas/LinkedAccountWatch2/properties")
                .is_some()
        );
        assert!(!hooks.tagged(), "one webhook has no type: by name");
    }

    #[test]
    fn tagged_when_every_body_fixes_a_distinct_type() {
        let tagged = |t: &str| {
            hook(json!({"allOf": [{"type": "object",
                "properties": {"type": {"type": "string", "const": t}}}]}))
        };
        let mut doc = spec(
            "webhooks",
            json!({"a": tagged("a.created"), "b": tagged("b.deleted")}),
        );
        let hooks = lift(Path::new("s.yaml"), &mut doc).unwrap();
        assert!(hooks.tagged());
        assert!(doc.get("webhooks").is_none());
        let mut doc = spec(
            "webhooks",
            json!({"a": tagged("same"), "b": tagged("same")}),
        );
        assert!(!lift(Path::new("s.yaml"), &mut doc).unwrap().tagged());
    }

    #[test]
    fn a_webhook_that_is_not_a_path_item_is_an_error_with_its_location() {
        let mut doc = spec("x-webhooks", json!({"broken": 3}));
        let err = lift(Path::new("s.yaml"), &mut doc).unwrap_err().to_string();
        assert!(err.contains("/x-webhooks/broken"), "{err}");
    }

    /// OpenAPI 3.1 `webhooks`, after the down-conversion pass: `const` tags, type arrays.
    #[test]
    fn openapi_31_webhooks_generate_a_tagged_event_enum() {
        let text = r#"
openapi: 3.1.0
info: {title: Hooks, version: '1'}
webhooks:
  petAdopted:
    post:
      summary: A pet was adopted
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [type, at]
              properties:
                type: {const: pet.adopted}
                at: {type: [string, 'null'], format: date-time}
                status: {type: string, enum: [DONE, PENDING]}
      responses: {'200': {description: ok}}
  petLost:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Lost'}
      responses: {'200': {description: ok}}
components:
  schemas:
    Lost:
      type: object
      properties:
        type: {type: string, enum: [pet.lost]}
paths: {}
"#;
        let module =
            super::super::generate(Path::new("hooks.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
        let code = module.code;
        for expected in [
            "pub mod webhooks",
            "PetAdopted(types::PetAdopted)",
            "PetLost(types::Lost)",
            "DISCRIMINATOR: ::std::option::Option<&'static str> = Some(\"type\")",
            "\"pet.adopted\" => ::serde_json::from_slice(body).map(Self::PetAdopted)",
            "pub fn from_json(",
            // Payload string enums are opened by the lenient pass.
            "Unknown(::std::string::String)",
        ] {
            assert!(
                code.replace('\n', " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .contains(expected),
                "missing {expected}"
            );
        }
        assert!(code.contains("pub struct PetAdopted"));
    }

    #[test]
    fn no_webhooks_no_module() {
        assert!(tokens(&Webhooks::default(), None).is_empty());
    }
}
