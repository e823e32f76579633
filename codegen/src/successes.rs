//! Success responses progenitor does not generate (see `media::success_responses`): a
//! `responses` module with one enum per operation whose success bodies differ by status, and
//! the generated operations retyped to return it, or `Bytes`/`String` for a non-JSON body.
//! Both the raw operation and its `<operation>_request` builder decode through
//! `::paysdk::runtime::SuccessBody`, so the facade's call loop decodes them too.

use std::collections::HashMap;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItemFn, Stmt, Type, parse_quote};

use super::error::{SpecError, pointer};
use super::find;
use super::model::{
    ApiModel, OperationModel, StatusKey, SuccessBody, SuccessModel, SuccessResponse,
};
use super::normalize::{operation_type_name, status_name};
use super::walk::{Pass, Then, Walk};

/// The name of an operation's success enum: `orders.create` → `OrdersCreateResponse`,
/// `3dsAuthenticate` → `X3dsAuthenticateResponse`.
pub fn enum_name(op: &OperationModel) -> String {
    operation_type_name(&op.operation_id, "Response")
}

/// The Rust type an operation returns on success, when paysdk rather than progenitor decodes it.
fn success_type(op: &OperationModel) -> Option<Type> {
    match &op.success {
        SuccessModel::Generated => None,
        SuccessModel::Single(responses) => {
            Some(match responses.first().and_then(|r| r.body.as_ref()) {
                Some(SuccessBody::Text(_)) => parse_quote!(::std::string::String),
                _ => parse_quote!(::bytes::Bytes),
            })
        }
        SuccessModel::Enum(_) => {
            let name = format_ident!("{}", enum_name(op));
            Some(parse_quote!(responses::#name))
        }
    }
}

fn responses(op: &OperationModel) -> &[SuccessResponse] {
    match &op.success {
        SuccessModel::Generated => &[],
        SuccessModel::Single(r) | SuccessModel::Enum(r) => r,
    }
}

/// The status pattern of a success response.
fn pattern(status: StatusKey) -> TokenStream {
    match status {
        StatusKey::Code(c) => quote!(#c),
        StatusKey::Range(d) => {
            let lo = u16::from(d) * 100;
            let hi = lo + 99;
            quote!(#lo..=#hi)
        }
        StatusKey::Default => quote!(_),
    }
}

/// The value of `Accept` for an operation: the media types of its success bodies.
fn accept(op: &OperationModel) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    for r in responses(op) {
        let media = match &r.body {
            Some(SuccessBody::Json(_)) => "application/json",
            Some(SuccessBody::Bytes(m) | SuccessBody::Text(m)) => m.as_str(),
            None => continue,
        };
        if !types.contains(&media) {
            types.push(media);
        }
    }
    (!types.is_empty()).then(|| types.join(", "))
}

/// Retypes the generated operation and builder of every operation paysdk decodes. Runs after
/// `builders::split`.
pub fn retype(spec: &Path, file: &mut syn::File, model: &ApiModel) -> Result<(), SpecError> {
    let names = find::operations(file);
    let mut targets: HashMap<String, (&OperationModel, Type)> = HashMap::new();
    for op in &model.operations {
        let Some(ty) = success_type(op) else { continue };
        let Some(name) = names.get(&find::key(op)) else {
            return Err(SpecError::at(
                spec,
                &pointer("/paths", &[&op.path, &op.method.to_ascii_lowercase()]),
                format!(
                    "internal: the generated operation '{}' was not found to type its success \
                     responses",
                    op.operation_id
                ),
            ));
        };
        targets.insert(format!("{name}_request"), (op, ty.clone()));
        targets.insert(name.clone(), (op, ty));
    }
    if targets.is_empty() {
        return Ok(());
    }
    find::edit_methods(file, |f| {
        if let Some((op, ty)) = targets.get(&f.sig.ident.to_string()) {
            if f.sig.asyncness.is_some() {
                retype_operation(f, op, ty);
            } else {
                retype_builder(f, op, ty);
            }
        }
    });
    Ok(())
}

/// `-> Result<ResponseValue<T>, Error<()>>` and a match that decodes the documented statuses.
fn retype_operation(f: &mut ImplItemFn, op: &OperationModel, ty: &Type) {
    f.sig.output = parse_quote!(-> Result<ResponseValue<#ty>, Error<()>>);
    let patterns: Vec<TokenStream> = responses(op).iter().map(|r| pattern(r.status)).collect();
    let decode: Expr = parse_quote! {
        match response.status().as_u16() {
            #(#patterns)|* => ::paysdk::runtime::decode_success(response).await,
            _ => Err(Error::UnexpectedResponse(response)),
        }
    };
    Walk(&mut ReplaceStatusMatch(decode)).visit_block_mut(&mut f.block);
}

struct ReplaceStatusMatch(Expr);

impl Pass for ReplaceStatusMatch {
    fn enter_expr(&mut self, expr: &mut Expr) -> Then {
        if let Expr::Match(m) = expr
            && let Expr::MethodCall(call) = m.expr.as_ref()
            && call.method == "as_u16"
        {
            *expr = self.0.clone();
            return Then::Skip;
        }
        Then::Descend
    }
}

/// `-> Result<Prepared<T>, Error<()>>`, built with `Prepared::decoded` and an `Accept` header.
fn retype_builder(f: &mut ImplItemFn, op: &OperationModel, ty: &Type) {
    f.sig.output = parse_quote!(-> Result<::paysdk::runtime::Prepared<#ty>, Error<()>>);
    // The last statement is `Ok(::paysdk::runtime::Prepared::new(request))`.
    if !matches!(f.block.stmts.last(), Some(Stmt::Expr(_, None))) {
        return;
    }
    f.block.stmts.pop();
    if let Some(accept) = accept(op) {
        f.block.stmts.push(parse_quote! {
            request.headers_mut().insert(
                ::reqwest::header::ACCEPT,
                ::reqwest::header::HeaderValue::from_static(#accept),
            );
        });
    }
    f.block.stmts.push(Stmt::Expr(
        parse_quote!(Ok(::paysdk::runtime::Prepared::decoded(request))),
        None,
    ));
}

/// `pub mod responses`: one enum per operation whose success bodies differ by status; nothing
/// when no operation has one.
pub fn module(model: &ApiModel, body_type: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    let enums: Vec<TokenStream> = model
        .operations
        .iter()
        .filter_map(|op| match &op.success {
            SuccessModel::Enum(responses) => Some(success_enum(op, responses, body_type)),
            _ => None,
        })
        .collect();
    if enums.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// One success type per operation whose documented successes carry different bodies:
        /// a variant per status.
        pub mod responses {
            #[allow(unused_imports)]
            use super::types;
            #(#enums)*
        }
    }
}

fn success_enum(
    op: &OperationModel,
    responses: &[SuccessResponse],
    body_type: &dyn Fn(&str) -> Option<String>,
) -> TokenStream {
    let name = format_ident!("{}", enum_name(op));
    let doc = format!(
        "Successes of `{}` (`{} {}`), by status.",
        op.operation_id, op.method, op.path
    );
    let mut ordered: Vec<&SuccessResponse> = responses.iter().collect();
    // Specific codes before ranges.
    ordered.sort_by_key(|r| r.status);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for r in ordered {
        let v = format_ident!("{}", status_name(r.status));
        let status_doc = match r.status {
            StatusKey::Code(c) => c.to_string(),
            StatusKey::Range(d) => format!("{d}XX"),
            StatusKey::Default => "default".into(),
        };
        let doc = match r.description.lines().next() {
            Some(line) if !line.is_empty() => format!("{status_doc}: {line}"),
            _ => status_doc,
        };
        let (ty, decode): (Option<TokenStream>, TokenStream) = match &r.body {
            None => (None, quote!()),
            Some(SuccessBody::Json(schema)) => {
                let t = format_ident!(
                    "{}",
                    body_type(schema).unwrap_or_else(|| super::names::type_name(schema))
                );
                (
                    Some(quote!(types::#t)),
                    quote!(::serde_json::from_slice(body)?),
                )
            }
            Some(SuccessBody::Bytes(_)) => (Some(quote!(::bytes::Bytes)), quote!(body.clone())),
            Some(SuccessBody::Text(_)) => (
                Some(quote!(::std::string::String)),
                quote!(::paysdk::runtime::text_body(body)?),
            ),
        };
        let pat = pattern(r.status);
        match (r.status, ty) {
            (StatusKey::Code(_), Some(ty)) => {
                variants.push(quote! { #[doc = #doc] #v(#ty), });
                arms.push(quote! { #pat => Self::#v(#decode), });
            }
            (StatusKey::Code(_), None) => {
                variants.push(quote! { #[doc = #doc] #v, });
                arms.push(quote! { #pat => Self::#v, });
            }
            (_, Some(ty)) => {
                variants.push(quote! {
                    #[doc = #doc]
                    #v {
                        /// The status received.
                        status: ::reqwest::StatusCode,
                        /// The decoded body.
                        body: #ty,
                    },
                });
                arms.push(quote! { #pat => Self::#v { status, body: #decode }, });
            }
            (_, None) => {
                variants.push(quote! {
                    #[doc = #doc]
                    #v {
                        /// The status received.
                        status: ::reqwest::StatusCode,
                    },
                });
                arms.push(quote! { #pat => Self::#v { status }, });
            }
        }
    }
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#variants)*
        }

        impl ::paysdk::runtime::SuccessBody for #name {
            #[allow(unused_variables)]
            fn decode(
                status: ::reqwest::StatusCode,
                body: &::bytes::Bytes,
            ) -> ::std::result::Result<Self, ::serde_json::Error> {
                Ok(match status.as_u16() {
                    #(#arms)*
                    _ => return Err(::paysdk::runtime::undocumented_status(status)),
                })
            }
        }
    }
}
