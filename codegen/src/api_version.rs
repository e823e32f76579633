//! Removes the `api-version` header progenitor adds to every request. Neither provider
//! documents it, and building it costs a header map per call that the facade would
//! otherwise have to strip again before sending. An operation left with no header to send
//! loses its header map altogether.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Lit, Pat, Stmt};

use super::walk::{Pass, Then, Walk};

const HEADER_MAP: &str = "header_map";

/// Rewrites every generated operation of `file` in place.
pub fn strip(file: &mut syn::File) {
    for item in super::find::client_items_mut(file) {
        Walk(&mut StripApiVersion).visit_item_mut(item);
    }
}

struct StripApiVersion;

impl Pass for StripApiVersion {
    fn enter_block(&mut self, block: &mut Block) -> Then {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_append(stmt));
        let removed = before - block.stmts.len();
        if removed > 0 {
            let appends_left = block.stmts.iter().any(|s| {
                s.to_token_stream()
                    .to_string()
                    .contains("header_map . append")
            });
            if appends_left {
                for stmt in &mut block.stmts {
                    shrink_header_map(stmt, removed);
                }
            } else {
                // Nothing would be sent from the map: drop it and the merge into the request.
                block.stmts.retain(|stmt| !is_header_map_binding(stmt));
                for stmt in &mut block.stmts {
                    Walk(&mut DropHeaderMerge).visit_stmt_mut(stmt);
                }
            }
        }
        Then::Descend
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), ...);`
fn is_api_version_append(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    let Expr::Path(receiver) = call.receiver.as_ref() else {
        return false;
    };
    if call.method != "append" || !receiver.path.is_ident(HEADER_MAP) {
        return false;
    }
    let Some(Expr::Call(name)) = call.args.first() else {
        return false;
    };
    matches!(
        name.args.first(),
        Some(Expr::Lit(lit)) if matches!(&lit.lit, Lit::Str(s) if s.value() == "api-version")
    )
}

/// `let mut header_map = ...;`
fn is_header_map_binding(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Local(local)
        if matches!(&local.pat, Pat::Ident(binding) if binding.ident == HEADER_MAP))
}

/// `builder.headers(header_map)` becomes `builder`.
struct DropHeaderMerge;

impl Pass for DropHeaderMerge {
    fn enter_expr(&mut self, expr: &mut Expr) -> Then {
        if let Expr::MethodCall(call) = expr
            && call.method == "headers"
            && matches!(call.args.first(), Some(Expr::Path(arg)) if arg.path.is_ident(HEADER_MAP))
        {
            let receiver =
                std::mem::replace(call.receiver.as_mut(), Expr::Verbatim(Default::default()));
            *expr = receiver;
            return Then::Revisit;
        }
        Then::Descend
    }
}

/// `let mut header_map = HeaderMap::with_capacity(N);` loses the removed entries.
fn shrink_header_map(stmt: &mut Stmt, removed: usize) {
    if !is_header_map_binding(stmt) {
        return;
    }
    let Stmt::Local(local) = stmt else {
        return;
    };
    let Some(init) = &mut local.init else {
        return;
    };
    let Expr::Call(call) = init.expr.as_mut() else {
        return;
    };
    if let Some(Expr::Lit(lit)) = call.args.first_mut()
        && let Lit::Int(n) = &lit.lit
        && let Ok(capacity) = n.base10_parse::<usize>()
    {
        let capacity = capacity.saturating_sub(removed);
        lit.lit = Lit::Int(syn::LitInt::new(&format!("{capacity}usize"), n.span()));
    }
}
