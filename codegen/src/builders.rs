//! Splits every generated operation in two: `<operation>_request` builds the request (URL,
//! query, headers, body) without sending it, and the operation calls it, then sends. The
//! facade's call loop sends requests itself, so it uses only the builders; the raw layer's
//! operations behave as before.

use quote::format_ident;
use syn::{
    FnArg, GenericArgument, Ident, ImplItem, ImplItemFn, Item, Pat, PathArguments, ReturnType,
    Stmt, Type, parse_quote,
};

/// Adds a builder next to every `async fn` of the generated `impl Client` blocks.
pub fn split(file: &mut syn::File) {
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || !is_client(&block.self_ty) {
            continue;
        }
        let builders: Vec<ImplItem> = block
            .items
            .iter_mut()
            .filter_map(|item| match item {
                ImplItem::Fn(method) if method.sig.asyncness.is_some() => split_operation(method),
                _ => None,
            })
            .map(ImplItem::Fn)
            .collect();
        block.items.extend(builders);
    }
}

fn is_client(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident("Client"))
}

/// The builder of `operation`, whose body is rewritten to call it; `None` when the body has
/// no `let request = ...;` (then it is left alone).
fn split_operation(operation: &mut ImplItemFn) -> Option<ImplItemFn> {
    let body = success_body(&operation.sig.output)?;
    let stmts = &operation.block.stmts;
    let at = stmts.iter().position(binds_request)?;
    let name = format_ident!("{}_request", operation.sig.ident);
    let args: Vec<Ident> = operation
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => match typed.pat.as_ref() {
                Pat::Ident(ident) => Some(ident.ident.clone()),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    // Every parameter must be passed on by name, or the split would change meaning.
    if args.len() + 1 != operation.sig.inputs.len() {
        return None;
    }

    let mut sig = operation.sig.clone();
    sig.asyncness = None;
    sig.ident = name.clone();
    sig.output = parse_quote!(-> Result<::paysdk::runtime::Prepared<#body>, Error<()>>);
    let doc = format!(
        " Builds the request of [`Self::{}`] without sending it.",
        operation.sig.ident
    );
    // The statements move into place: quoting and parsing them again would cost a large
    // spec's build script a parse of every operation's body.
    let rest = operation.block.stmts.split_off(at + 1);
    let head = std::mem::take(&mut operation.block.stmts);
    let mut builder: ImplItemFn = parse_quote! {
        #[doc = #doc]
        pub fn builder() {
            Ok(::paysdk::runtime::Prepared::new(request))
        }
    };
    builder.sig = sig;
    builder.block.stmts.splice(0..0, head);

    operation.block = parse_quote!({
        #[allow(unused_mut)]
        let mut request = self.#name(#(#args),*)?.into_inner();
    });
    operation.block.stmts.extend(rest);
    Some(builder)
}

/// `T` of the operation's `Result<ResponseValue<T>, Error<()>>`.
fn success_body(output: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let value = first_type_argument(ty, "Result")?;
    first_type_argument(value, "ResponseValue")
}

/// `A` of `<name><A, ...>`.
pub(crate) fn first_type_argument<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// `let [mut] request = ...;`
fn binds_request(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    matches!(&local.pat, Pat::Ident(p) if p.ident == "request")
}
