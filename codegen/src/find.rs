//! Finds the generated functions of an operation. progenitor names methods after the
//! operationId in its own way; the line it writes in every operation's docs
//! (``Sends a `POST` request to `/path` ``) names method and path, which are unique.

use std::collections::HashMap;

use syn::{Expr, ImplItem, ImplItemFn, Item};

use super::model::OperationModel;

/// The key of an operation: upper-case method and path template.
pub fn key(op: &OperationModel) -> (String, String) {
    (op.method.to_ascii_uppercase(), op.path.clone())
}

/// The method name of every generated operation of `file`, by [`key`].
pub fn operations(file: &syn::File) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    for item in &file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for item in &block.items {
            if let ImplItem::Fn(f) = item
                && f.sig.asyncness.is_some()
                && let Some(key) = doc_key(f)
            {
                out.insert(key, f.sig.ident.to_string());
            }
        }
    }
    out
}

/// Calls `edit` on every method of the generated inherent `impl` blocks.
pub fn edit_methods(file: &mut syn::File, mut edit: impl FnMut(&mut ImplItemFn)) {
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for item in &mut block.items {
            if let ImplItem::Fn(f) = item {
                edit(f);
            }
        }
    }
}

/// Every item of `file` but typify's `types` module, which holds no request code: the passes
/// that rewrite the operations skip half of a large spec's tree (Stripe: 52% of its lines).
pub fn client_items_mut(file: &mut syn::File) -> impl Iterator<Item = &mut Item> {
    file.items
        .iter_mut()
        .filter(|item| !matches!(item, Item::Mod(m) if m.ident == "types"))
}

fn doc_key(f: &ImplItemFn) -> Option<(String, String)> {
    for attr in &f.attrs {
        if let syn::Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let Expr::Lit(lit) = &nv.value
            && let syn::Lit::Str(s) = &lit.lit
        {
            let text = s.value();
            let Some(at) = text.find("Sends a `") else {
                continue;
            };
            let rest = &text[at + "Sends a `".len()..];
            let (method, rest) = rest.split_once("` request to `")?;
            let (path, _) = rest.split_once('`')?;
            return Some((method.to_string(), path.to_string()));
        }
    }
    None
}
