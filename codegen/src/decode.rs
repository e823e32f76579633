//! Routes the generated operations' JSON success decoding through `::paysdk::runtime`, whose
//! decoder moves the response headers instead of cloning them.

use syn::visit_mut::VisitMut;
use syn::{Expr, parse_quote};

use super::walk::{Pass, Walk};

/// Rewrites every `ResponseValue::from_response(x)` of `file` in place.
pub fn route(file: &mut syn::File) {
    for item in super::find::client_items_mut(file) {
        Walk(&mut RouteDecoding).visit_item_mut(item);
    }
}

struct RouteDecoding;

impl Pass for RouteDecoding {
    fn leave_expr(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr
            && let Expr::Path(function) = call.func.as_ref()
            && is_from_response(&function.path)
            && call.args.len() == 1
        {
            let response = &call.args[0];
            *expr = parse_quote!(::paysdk::runtime::decode_json(#response));
        }
    }
}

/// `ResponseValue::from_response`, however qualified.
fn is_from_response(path: &syn::Path) -> bool {
    let mut segments = path.segments.iter().rev();
    matches!(
        (segments.next(), segments.next()),
        (Some(last), Some(owner)) if last.ident == "from_response" && owner.ident == "ResponseValue"
    )
}
