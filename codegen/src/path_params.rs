//! Percent-encodes path parameters while the URL is formatted. progenitor writes
//! `encode_path(&value.to_string())`, two strings per parameter per call;
//! `::paysdk::runtime::PathParam(&value)` writes the same text straight into the URL.

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Macro, Token, parse_quote};

use super::walk::{Pass, Then, Walk};

/// Rewrites every `encode_path(&x.to_string())` of `file` in place.
pub fn stream(file: &mut syn::File) {
    for item in super::find::client_items_mut(file) {
        Walk(&mut StreamPathParams).visit_item_mut(item);
    }
}

struct StreamPathParams;

impl Pass for StreamPathParams {
    /// progenitor builds each URL with `format!`, whose arguments are plain tokens to syn.
    /// Other macros are left alone, tokens and path.
    fn enter_macro(&mut self, mac: &mut Macro) -> Then {
        if !mac.path.is_ident("format") {
            return Then::Skip;
        }
        let Ok(mut args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        else {
            return Then::Skip;
        };
        for arg in args.iter_mut() {
            Walk(self).visit_expr_mut(arg);
        }
        mac.tokens = args.into_token_stream();
        Then::Skip
    }

    fn leave_expr(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr
            && let Expr::Path(function) = call.func.as_ref()
            && function
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "encode_path")
            && call.args.len() == 1
            && let Some(Expr::Reference(reference)) = call.args.first()
            && let Expr::MethodCall(to_string) = reference.expr.as_ref()
            && to_string.method == "to_string"
            && to_string.args.is_empty()
        {
            let value = &to_string.receiver;
            *expr = parse_quote!(::paysdk::runtime::PathParam(&#value));
        }
    }
}
