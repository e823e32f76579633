//! Request bodies as the spec's media type says (see `media::request_bodies`): JSON sent with
//! the vendor's `+json` type, form bodies with nested `a[b][c]` keys and multipart bodies
//! encoded by `::paysdk::runtime`, bytes and text with the vendor's content type. Runs on the
//! `<operation>_request` builders after `builders::split`.

use std::collections::HashMap;

use syn::visit_mut::VisitMut;
use syn::{Expr, ExprMethodCall, parse_quote};

use super::find;
use super::model::{ApiModel, BodyKind, RequestBodyModel};
use super::walk::{Pass, Walk};

/// Rewrites the body code of every builder whose operation takes a body.
pub fn encode(file: &mut syn::File, model: &ApiModel) {
    let names = find::operations(file);
    let bodies: HashMap<String, &RequestBodyModel> = model
        .operations
        .iter()
        .filter_map(|op| {
            let body = op.request_body.as_ref()?;
            let name = names.get(&find::key(op))?;
            Some((format!("{name}_request"), body))
        })
        .collect();
    find::edit_methods(file, |f| {
        if let Some(body) = bodies.get(&f.sig.ident.to_string()) {
            Walk(&mut Body(body)).visit_block_mut(&mut f.block);
        }
    });
}

struct Body<'m>(&'m RequestBodyModel);

impl Pass for Body<'_> {
    fn leave_expr(&mut self, expr: &mut Expr) {
        let Expr::MethodCall(call) = expr else { return };
        let media = self.0.media_type.as_str();
        match (self.0.kind, call.method.to_string().as_str()) {
            (BodyKind::Json, "json") if !media.eq_ignore_ascii_case("application/json") => {
                // reqwest keeps a content type already set.
                let receiver = &call.receiver;
                *call.receiver = parse_quote! {
                    #receiver.header(
                        ::reqwest::header::CONTENT_TYPE,
                        ::reqwest::header::HeaderValue::from_static(#media),
                    )
                };
            }
            (BodyKind::Form, "form_urlencoded") => {
                let (receiver, body) = (&call.receiver, &call.args);
                *expr = parse_quote!(::paysdk::runtime::form_body(#receiver, #body));
            }
            (BodyKind::Multipart, "form_urlencoded") => {
                let (receiver, body) = (&call.receiver, &call.args);
                let files = &self.0.file_fields;
                *expr = parse_quote!(::paysdk::runtime::multipart_body(#receiver, #body, &[#(#files),*]));
            }
            (BodyKind::Bytes | BodyKind::Text, "header") if sets_content_type(call) => {
                call.args[1] = parse_quote!(::reqwest::header::HeaderValue::from_static(#media));
            }
            _ => {}
        }
    }
}

/// `.header(::reqwest::header::CONTENT_TYPE, ..)`
fn sets_content_type(call: &ExprMethodCall) -> bool {
    call.args.len() == 2
        && matches!(&call.args[0], Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "CONTENT_TYPE"))
}
