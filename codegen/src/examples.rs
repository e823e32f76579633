//! The vendor's own response examples, decoded by the generated client: [`decode_check`]
//! writes a Rust program that embeds every JSON response example of a spec (`example` and
//! `examples` on the media type the generated code reads) with its operation and status, and
//! decodes each the way the generated client decodes that response: a success through the
//! operation's success type, an error through its error enum's `from_response`. It runs in a
//! copy of the project whose `specs/` holds that spec (`scripts/corpus-check --examples`) and
//! prints one JSON line: `{"decoded": n, "total": n, "failures": [...], "skipped": [...]}`.

use std::collections::HashMap;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

use super::error::{Location, SpecError};
use super::model::{OperationModel, StatusKey, SuccessModel};
use super::normalize::{deref, is_error, status_key};

/// One JSON response example as the spec writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseExample {
    /// `GET`, `/path`.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The response key (`200`, `4XX`, `default`).
    pub status: String,
    /// The media type it is written on.
    pub media_type: String,
    /// Its key in `examples`; `None` for `example`.
    pub name: Option<String>,
    /// The value.
    pub value: Value,
}

/// The JSON examples of every response of `doc` (a bundled document, before any rewrite), on
/// the media type the generator reads for that response: the media type's `example` and
/// `examples`, and the body schema's own `example` (3.1: `examples`). `externalValue`
/// examples are not read (they name a file or URL, not a value).
pub fn response_examples(doc: &Value) -> Vec<ResponseExample> {
    let mut out = Vec::new();
    let operations = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            let item = deref(doc, item);
            super::normalize::METHODS
                .iter()
                .filter_map(move |m| Some((path, *m, item.get(*m)?)))
        });
    for (path, method, op) in operations {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (status, response) in responses {
            let response = deref(doc, response);
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            let Some((media_type, super::model::BodyKind::Json)) =
                super::media::choose(doc, content)
            else {
                continue;
            };
            let media = deref(doc, &content[media_type]);
            let mut push = |name: Option<String>, value: &Value| {
                out.push(ResponseExample {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    status: status.clone(),
                    media_type: media_type.to_string(),
                    name,
                    value: value.clone(),
                })
            };
            if let Some(value) = media.get("example") {
                push(None, value);
            }
            if let Some(examples) = media.get("examples").and_then(Value::as_object) {
                for (name, example) in examples {
                    if let Some(value) = deref(doc, example).get("value") {
                        push(Some(name.clone()), value);
                    }
                }
            }
            // The body schema's own example is one of the whole response too (a property's
            // is not).
            if let Some(schema) = media.get("schema").map(|s| deref(doc, s)) {
                if let Some(value) = schema.get("example") {
                    push(Some("schema example".into()), value);
                }
                for (i, value) in schema
                    .get("examples")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    push(Some(format!("schema examples[{i}]")), value);
                }
            }
        }
    }
    out
}

/// Generates `spec` and writes the program that decodes its examples into the generated
/// module `paysdk::raw::<module>`. Returns the program and how many examples it checks.
pub fn decode_check(spec: &Path) -> Result<(String, usize), SpecError> {
    let (module, model, examples) =
        super::generate_parts(&crate::spec::WorkingTree, spec, response_examples)?;
    let file = syn::parse_file(&module.code).map_err(|e| {
        SpecError::new(
            spec,
            Location::File,
            format!("generated code does not parse: {e}"),
        )
    })?;
    let builders = builder_types(&file);
    let mut checks = Vec::new();
    let mut skipped = Vec::new();
    for ex in &examples {
        let label = format!(
            "{} {} {} {}{}",
            ex.method,
            ex.path,
            ex.status,
            ex.media_type,
            ex.name
                .as_deref()
                .map(|n| format!(" '{n}'"))
                .unwrap_or_default()
        );
        let Some(op) = model
            .operations
            .iter()
            .find(|o| o.path == ex.path && o.method.eq_ignore_ascii_case(&ex.method))
        else {
            skipped.push(format!("{label}: no such operation in the model"));
            continue;
        };
        let body = serde_json::to_string(&ex.value).unwrap_or_default();
        match decode_expr(op, &ex.status, &builders, &body) {
            Ok(expr) => checks.push(quote! { check(&mut report, #label, || #expr); }),
            Err(why) => skipped.push(format!("{label}: {why}")),
        }
    }
    let count = checks.len();
    let module_ident = format_ident!("{}", module.module);
    let program = quote! {
        //! Generated by `paysdk-codegen examples`: decodes the spec's response examples.
        #![allow(unused_imports, clippy::all)]
        use paysdk::raw::#module_ident::*;
        use paysdk::runtime::{OperationError, RawBody, RawResponse, SuccessBody};

        struct Report { decoded: usize, failures: Vec<String> }

        fn check(report: &mut Report, label: &str, decode: impl FnOnce() -> Result<(), String>) {
            match decode() {
                Ok(()) => report.decoded += 1,
                Err(why) => report.failures.push(format!("{label}: {why}")),
            }
        }

        fn json<T: ::serde::de::DeserializeOwned>(body: &str) -> Result<(), String> {
            ::serde_json::from_str::<T>(body).map(drop).map_err(|e| e.to_string())
        }

        fn status(code: u16) -> ::reqwest::StatusCode {
            ::reqwest::StatusCode::from_u16(code).unwrap_or(::reqwest::StatusCode::OK)
        }

        fn success<T: SuccessBody>(code: u16, body: &str) -> Result<(), String> {
            T::decode(status(code), &::bytes::Bytes::copy_from_slice(body.as_bytes()))
                .map(drop)
                .map_err(|e| e.to_string())
        }

        fn error<E: OperationError>(
            code: u16,
            body: &str,
            failed: impl FnOnce(&E) -> Option<String>,
        ) -> Result<(), String> {
            let response = RawResponse {
                status: status(code),
                headers: ::reqwest::header::HeaderMap::new(),
                body: RawBody::capped(::bytes::Bytes::copy_from_slice(body.as_bytes())),
            };
            match failed(&E::from_response(&response)) {
                None => Ok(()),
                Some(why) => Err(why),
            }
        }

        fn main() {
            let mut report = Report { decoded: 0, failures: Vec::new() };
            #(#checks)*
            let out = ::serde_json::json!({
                "decoded": report.decoded,
                "total": #count,
                "failures": report.failures,
                "skipped": [#(#skipped),*],
            });
            println!("{out}");
        }
    };
    Ok((program.to_string(), count))
}

/// The expression that decodes `body` as operation `op` does for response key `status`.
fn decode_expr(
    op: &OperationModel,
    status: &str,
    builders: &HashMap<String, TokenStream>,
    body: &str,
) -> Result<TokenStream, String> {
    let key = status_key(status).ok_or("not a status")?;
    if is_error(key) {
        let code = error_code(op, key);
        let declared = op.errors.iter().find(|e| e.status == key);
        if declared.is_some_and(|e| e.body_schema.is_none()) {
            return Ok(quote!(Err::<(), String>(
                "no body type is generated for this status".into()
            )));
        }
        let name = format_ident!("{}", super::template::error_enum_name(op));
        return Ok(quote! {
            error::<errors::#name>(#code, #body, |e| match e {
                errors::#name::Decode(f) => Some(f.reason().to_string()),
                errors::#name::Undeclared(_) => Some("the status is not declared".to_string()),
                _ => None,
            })
        });
    }
    let code = match key {
        StatusKey::Code(c) if (200..300).contains(&c) => c,
        StatusKey::Range(2) => 200,
        _ => return Err("not a success or error status".into()),
    };
    let method = super::names::method_name(&op.operation_id);
    let ty = builders
        .get(&format!("{method}_request"))
        .ok_or_else(|| format!("no builder {method}_request in the generated client"))?;
    if ty.to_string().replace(' ', "") == "()" {
        return Ok(quote!(Err::<(), String>(
            "the generated operation decodes no body".into()
        )));
    }
    Ok(match op.success {
        SuccessModel::Generated => quote!(json::<#ty>(#body)),
        _ => quote!(success::<#ty>(#code, #body)),
    })
}

/// A status that reaches the response's error variant: the code, or for a range or `default`
/// one the operation declares no other way.
fn error_code(op: &OperationModel, key: StatusKey) -> u16 {
    let declared = |c: u16| {
        op.errors.iter().any(|e| match e.status {
            StatusKey::Code(d) => d == c,
            StatusKey::Range(d) => key != StatusKey::Range(d) && u16::from(d) == c / 100,
            StatusKey::Default => false,
        })
    };
    match key {
        StatusKey::Code(c) => c,
        StatusKey::Range(d) => (u16::from(d) * 100..u16::from(d) * 100 + 100)
            .find(|c| !declared(*c))
            .unwrap_or(u16::from(d) * 100),
        StatusKey::Default => (400..600)
            .find(|c| {
                !declared(*c)
                    && !op
                        .errors
                        .iter()
                        .any(|e| e.status == StatusKey::Range((c / 100) as u8))
            })
            .unwrap_or(599),
    }
}

/// `T` of each builder `fn x_request(..) -> Result<Prepared<T>, _>` of the generated client,
/// with `crate::` paths made `paysdk::` for a program outside the crate.
fn builder_types(file: &syn::File) -> HashMap<String, TokenStream> {
    let mut out = HashMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let name = f.sig.ident.to_string();
            if !name.ends_with("_request") {
                continue;
            }
            if let Some(ty) = prepared_type(&f.sig.output) {
                let text = ty
                    .to_token_stream()
                    .to_string()
                    .replace("crate ::", "paysdk ::");
                if let Ok(tokens) = text.parse() {
                    out.insert(name, tokens);
                }
            }
        }
    }
    out
}

fn prepared_type(output: &syn::ReturnType) -> Option<&syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = generic_argument(ty, "Result")?;
    generic_argument(result, "Prepared")
}

fn generic_argument<'t>(ty: &'t syn::Type, name: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}
