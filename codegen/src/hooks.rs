//! Replaces progenitor's async `ClientHooks` calls (`pre`, `exec`, `post`), which every
//! request goes through, with direct code: the request is executed by `self.client`, the
//! status recorded by `self.inner.after_receive`, and `pre` dropped, since nothing is added to
//! a request after its builder (the facade adds credentials in its call loop). Each `.await`
//! would only add a state machine to every call.

use syn::visit_mut::VisitMut;
use syn::{Block, Expr, ExprMethodCall, Pat, Stmt, parse_quote};

use super::walk::{Pass, Then, Walk};

/// Rewrites every generated operation of `file` in place.
pub fn inline(file: &mut syn::File) {
    for item in super::find::client_items_mut(file) {
        Walk(&mut InlineHooks).visit_item_mut(item);
    }
}

struct InlineHooks;

impl Pass for InlineHooks {
    fn enter_block(&mut self, block: &mut Block) -> Then {
        // `self.pre(request, &info).await?;` goes, and with it `let info = OperationInfo {..};`,
        // which only the hooks read.
        block
            .stmts
            .retain(|stmt| !(is_hook_statement(stmt, "pre") || binds_operation_info(stmt)));
        Then::Descend
    }

    fn leave_expr(&mut self, expr: &mut Expr) {
        // `self.post(result, info).await?`
        if let Expr::Try(tried) = expr
            && let Expr::Await(awaited) = tried.expr.as_ref()
            && let Some(call) = self_call(&awaited.base, "post")
        {
            let first = &call.args[0];
            *expr = parse_quote!(self.inner.after_receive(#first));
        // `self.exec(request, info).await`
        } else if let Expr::Await(awaited) = expr
            && let Some(call) = self_call(&awaited.base, "exec")
        {
            let request = &call.args[0];
            *expr = parse_quote!(self.client.execute(#request).await);
        }
    }
}

/// `self.<method>(a, b).await?;`
fn is_hook_statement(stmt: &Stmt, method: &str) -> bool {
    let Stmt::Expr(Expr::Try(tried), Some(_)) = stmt else {
        return false;
    };
    matches!(tried.expr.as_ref(), Expr::Await(awaited) if self_call(&awaited.base, method).is_some())
}

/// `let info = OperationInfo { .. };`
fn binds_operation_info(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let is_info = matches!(&local.pat, Pat::Ident(p) if p.ident == "info");
    let is_struct = local.init.as_ref().is_some_and(
        |init| matches!(init.expr.as_ref(), Expr::Struct(s) if s.path.is_ident("OperationInfo")),
    );
    is_info && is_struct
}

/// `self.<method>(a, b)`.
fn self_call<'e>(expr: &'e Expr, method: &str) -> Option<&'e ExprMethodCall> {
    let Expr::MethodCall(call) = expr else {
        return None;
    };
    let Expr::Path(receiver) = call.receiver.as_ref() else {
        return None;
    };
    (call.method == method && receiver.path.is_ident("self") && call.args.len() == 2)
        .then_some(call)
}
