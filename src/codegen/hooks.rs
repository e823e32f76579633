//! Calls the runtime's request hooks directly. progenitor routes every request through the
//! async `ClientHooks` methods (`pre`, `exec`, `post`); ours never wait, so each `.await`
//! would only add a state machine to every call.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprMethodCall, parse_quote};

/// Rewrites every generated operation of `file` in place.
pub fn inline(file: &mut syn::File) {
    InlineHooks.visit_file_mut(file);
}

struct InlineHooks;

impl VisitMut for InlineHooks {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        // `self.pre(request, info).await?` and `self.post(result, info).await?`
        if let Expr::Try(tried) = expr
            && let Expr::Await(awaited) = tried.expr.as_ref()
            && let Some(call) = self_call(&awaited.base, &["pre", "post"])
        {
            let (first, info) = (&call.args[0], &call.args[1]);
            *expr = if call.method == "pre" {
                parse_quote!(self.inner.before_send(#first, #info))
            } else {
                parse_quote!(self.inner.after_receive(#first))
            };
        // `self.exec(request, info).await`
        } else if let Expr::Await(awaited) = expr
            && let Some(call) = self_call(&awaited.base, &["exec"])
        {
            let request = &call.args[0];
            *expr = parse_quote!(self.client.execute(#request).await);
        }
    }
}

/// `self.<one of methods>(a, b)`.
fn self_call<'e>(expr: &'e Expr, methods: &[&str]) -> Option<&'e ExprMethodCall> {
    let Expr::MethodCall(call) = expr else {
        return None;
    };
    let Expr::Path(receiver) = call.receiver.as_ref() else {
        return None;
    };
    let wanted = methods.iter().any(|m| call.method == m);
    (wanted && receiver.path.is_ident("self") && call.args.len() == 2).then_some(call)
}
