//! Removes the `api-version` header progenitor adds to every request. Neither provider
//! documents it, and building it costs a header map per call that the facade would
//! otherwise have to strip again before sending.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Lit, Pat, Stmt};

const HEADER_MAP: &str = "header_map";

/// Rewrites every generated operation of `file` in place.
pub fn strip(file: &mut syn::File) {
    StripApiVersion.visit_file_mut(file);
}

struct StripApiVersion;

impl VisitMut for StripApiVersion {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_append(stmt));
        let removed = before - block.stmts.len();
        if removed > 0 {
            let appends_left = block.stmts.iter().any(|s| {
                s.to_token_stream()
                    .to_string()
                    .contains("header_map . append")
            });
            for stmt in &mut block.stmts {
                shrink_header_map(stmt, removed, appends_left);
            }
        }
        visit_mut::visit_block_mut(self, block);
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

/// `let mut header_map = HeaderMap::with_capacity(N);` loses the removed entries, and its
/// `mut` when nothing is appended any more (a map of capacity 0 does not allocate).
fn shrink_header_map(stmt: &mut Stmt, removed: usize, appends_left: bool) {
    let Stmt::Local(local) = stmt else {
        return;
    };
    let Pat::Ident(binding) = &mut local.pat else {
        return;
    };
    if binding.ident != HEADER_MAP {
        return;
    }
    if !appends_left {
        binding.mutability = None;
    }
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
