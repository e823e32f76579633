//! The sidecar's `shortcuts` (narrower methods that build an operation's body from their
//! arguments and fix some of its values) and `query_structs` (an operation's optional query
//! parameters taken as one struct), read off the generated types so they always compile.

use std::collections::HashSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use super::walk::{Pass, Then, Walk};
use syn::{Expr, ImplItem, Item, Lifetime, Pat, Stmt, Type};

use super::config::{Constant, Shortcut};
use super::facade::{
    Operation, ParamKind, call_ident, field, is_positional, is_str, json_name, option_inner,
    serde_rename,
};
use super::names;
use super::template::error_enum_name;

/// An operation's optional query parameters as one struct (sidecar `query_structs`).
pub(super) struct QueryStruct {
    /// The struct's name.
    pub(super) ident: Ident,
    /// The call fields it sets.
    pub(super) fields: Vec<Ident>,
    /// The struct's definition.
    pub(super) item: TokenStream,
}

/// The query struct `name` of operation `o`: one public field per optional query parameter
/// of its call, with the call's type.
pub(super) fn query_struct(doc: &Value, o: &Operation, name: &str) -> Result<QueryStruct, String> {
    let id = &o.op.operation_id;
    let query = query_parameters(doc, &o.op.path, &o.op.method);
    let ident = format_ident!("{name}");
    let (mut fields, mut defs) = (Vec::new(), Vec::new());
    for p in &o.params {
        let Some((spec_name, description)) =
            query.iter().find(|(n, _)| p.name == names::method_name(n))
        else {
            continue;
        };
        let ty = match &p.kind {
            ParamKind::OptionalStr => quote!(::std::string::String),
            ParamKind::OptionalRef(ty) | ParamKind::OptionalOwned(ty) => quote!(#ty),
            _ => continue,
        };
        if ty.to_string().contains('\'') {
            return Err(format!(
                "query struct of '{id}': parameter '{spec_name}' borrows, so it cannot be a \
                 field of a struct"
            ));
        }
        let name = &p.name;
        let mut docs = vec![format!(" The query parameter `{spec_name}`.")];
        docs.extend(description.iter().map(|d| format!(" {d}")));
        defs.push(quote!(#(#[doc = #docs])* pub #name: ::std::option::Option<#ty>,));
        fields.push(name.clone());
    }
    if fields.is_empty() {
        return Err(format!(
            "query struct of '{id}': the operation has no optional query parameters"
        ));
    }
    let doc = format!(
        " The optional query parameters of [`Client::{}`] (`{id}`), for [`{}::with_query`].",
        o.method,
        call_ident(o)
    );
    let item = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default)]
        pub struct #ident {
            #(#defs)*
        }
    };
    Ok(QueryStruct {
        ident,
        fields,
        item,
    })
}

/// The call's `with_query(&Query)`: every parameter the struct sets, set on the call.
pub(super) fn query_setter(q: &QueryStruct) -> TokenStream {
    let ident = &q.ident;
    let fields = &q.fields;
    let doc = " Sets the query parameters that `query` sets (sidecar `query_structs`); the \
               others keep their values.";
    quote! {
        #[doc = #doc]
        pub fn with_query(mut self, query: &#ident) -> Self {
            #(
                if let Some(value) = &query.#fields {
                    self.#fields = Some(value.clone());
                }
            )*
            self
        }
    }
}

/// The query parameters of the operation at `path`/`method`, path-level ones included, with
/// their descriptions.
fn query_parameters(doc: &Value, path: &str, method: &str) -> Vec<(String, Option<String>)> {
    let item = doc.get("paths").and_then(|p| p.get(path));
    let op = item.and_then(|i| i.get(method.to_ascii_lowercase()));
    let params = [item, op]
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten();
    let mut out = Vec::new();
    for p in params {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix('#')
                .and_then(|r| doc.pointer(r))
                .unwrap_or(p),
            None => p,
        };
        let text = |k: &str| p.get(k).and_then(Value::as_str);
        if let (Some("query"), Some(name)) = (text("in"), text("name")) {
            let description = text("description").map(|d| d.trim().replace('\n', " "));
            out.push((name.to_string(), description));
        }
    }
    out
}

/// The method `name` of shortcut `s` over operation `o`: a `paysdk::Call` for an operation
/// that takes an idempotency key (so `.idempotency_key(..)` still works), else an `async fn`.
pub(super) fn method(
    file: &syn::File,
    name: &str,
    s: &Shortcut,
    o: &Operation,
) -> Result<TokenStream, String> {
    let id = &o.op.operation_id;
    let fail = |what: String| format!("shortcut '{name}' of '{id}': {what}");
    let types = types_items(file);
    let mut args: Vec<(Ident, Type)> = Vec::new();
    let mut inits = Vec::new();
    let mut body_init = None;
    let mut described = Vec::new();
    let mut fixed_path = vec![false; s.path.len()];
    for p in o.params.iter().filter(|p| field(p).is_some()) {
        let pname = &p.name;
        if !is_positional(p) {
            inits.push(quote!(#pname: None,));
            continue;
        }
        let ty = match &p.kind {
            ParamKind::Borrowed(ty) | ParamKind::Owned(ty) => ty.clone(),
            _ => syn::parse_quote!(&'c str),
        };
        if let (true, Type::Reference(r)) = (pname == "body", &ty) {
            let built = body(types, &r.elem, s).map_err(fail)?;
            body_init = Some(built.init);
            args.extend(built.args);
            described.extend(built.text);
            inits.push(quote!(body: &body,));
            continue;
        }
        let fixed = s
            .path
            .iter()
            .position(|(n, _)| *pname == names::method_name(n));
        match fixed {
            Some(i) => {
                let (spec_name, value) = &s.path[i];
                fixed_path[i] = true;
                let expr = constant(types, &ty, value)
                    .map_err(|e| fail(format!("path parameter '{spec_name}': {e}")))?;
                inits.push(quote!(#pname: #expr,));
                described.push(format!("path parameter `{spec_name}` set to `{value}`"));
            }
            None => {
                args.push((pname.clone(), ty));
                inits.push(quote!(#pname,));
            }
        }
    }
    if let Some(i) = fixed_path.iter().position(|f| !f) {
        return Err(fail(format!(
            "path parameter '{}' is not a parameter of the generated method",
            s.path[i].0
        )));
    }
    if body_init.is_none() && (!s.arguments.is_empty() || !s.body.is_empty()) {
        return Err(fail("the operation takes no JSON body to build".into()));
    }
    let mut seen = HashSet::new();
    if let Some((twice, _)) = args.iter().find(|(a, _)| !seen.insert(a.to_string())) {
        return Err(fail(format!(
            "two arguments are named '{twice}'; name one (`{{field: argument_name}}`)"
        )));
    }
    let method = format_ident!("{name}");
    let call = call_ident(o);
    let success = &o.success;
    let error = format_ident!("{}", error_enum_name(o.op));
    let summary = o.docs.iter().map(|d| quote!(#[doc = #d]));
    let gap = (!o.docs.is_empty()).then(|| quote!(#[doc = ""]));
    let built = if described.is_empty() {
        String::new()
    } else {
        format!(", with {}", described.join(", "))
    };
    let doc = format!(
        " `{} {}` (`{id}`){built} (sidecar `shortcuts`).",
        o.op.method, o.op.path
    );
    let names = args.iter().map(|(n, _)| n);
    let body = body_init.map(|init| quote!(let body = #init;));
    Ok(match &o.idempotency {
        Some(header) => {
            let key_doc = format!(
                " Sends an idempotency key in `{header}`, made once per call and the same on \
                 every retry; `.idempotency_key(..)` on the returned call sets it."
            );
            let tys = args.iter().map(|(_, t)| t);
            quote! {
                #(#summary)* #gap
                #[doc = #doc]
                #[doc = ""]
                #[doc = #key_doc]
                pub fn #method<'c>(&'c self, #(#names: #tys),*)
                    -> ::paysdk::Call<'c, #success, errors::#error>
                {
                    ::paysdk::Call::keyed(move |idempotency_key| async move {
                        #body
                        #call { client: self, #(#inits)* idempotency_key }.send().await
                    })
                }
            }
        }
        None => {
            let tys = args.iter().map(|(_, t)| {
                let mut t = t.clone();
                Walk(&mut Elide).visit_type_mut(&mut t);
                t
            });
            quote! {
                #(#summary)* #gap
                #[doc = #doc]
                pub async fn #method(&self, #(#names: #tys),*) -> ::std::result::Result<
                    ::paysdk::Response<#success>,
                    ::paysdk::Error<errors::#error>,
                > {
                    #body
                    #call { client: self, #(#inits)* }.send().await
                }
            }
        }
    })
}

/// A shortcut's body: its initializer, the arguments it takes (in the shortcut's order) and
/// what the docs say about it.
struct Body {
    init: TokenStream,
    args: Vec<(Ident, Type)>,
    text: Vec<String>,
}

/// The body struct `ty` built from the shortcut.
fn body(types: &[Item], ty: &Type, s: &Shortcut) -> Result<Body, String> {
    let fields = (last_ident(ty))
        .and_then(|ident| {
            types.iter().find_map(|i| match i {
                Item::Struct(st) if st.ident == *ident => match &st.fields {
                    syn::Fields::Named(f) => Some(&f.named),
                    _ => None,
                },
                _ => None,
            })
        })
        .ok_or("the operation's body is not a struct with named fields")?;
    let mut args: Vec<Option<(Ident, Type)>> = vec![None; s.arguments.len()];
    let mut text = vec![String::new(); s.arguments.len()];
    let mut used = vec![false; s.body.len()];
    let mut inits = Vec::new();
    for f in fields {
        let (Some(json), Some(ident)) = (json_name(f), f.ident.as_ref()) else {
            continue;
        };
        let mut fty = f.ty.clone();
        Walk(&mut Qualify(types)).visit_type_mut(&mut fty);
        let optional = option_inner(&fty).is_some();
        if let Some(i) = s.arguments.iter().position(|a| a.field == json) {
            let arg = match &s.arguments[i].name {
                Some(n) => format_ident!("{}", n.0),
                None => format_ident!("{}", names::method_name(&json)),
            };
            let inner = option_inner(&fty).cloned().unwrap_or_else(|| fty.clone());
            let string = last_is(&inner, "String");
            let (arg_ty, value): (Type, TokenStream) = if string {
                (syn::parse_quote!(&'c str), quote!(#arg.to_string()))
            } else {
                (inner, quote!(#arg))
            };
            inits.push(match (optional, string) {
                (true, _) => quote!(#ident: Some(#value),),
                (false, false) if arg == *ident => quote!(#ident,),
                (false, _) => quote!(#ident: #value,),
            });
            text[i] = format!("`{json}` from `{arg}`");
            args[i] = Some((arg, arg_ty));
        } else if let Some(i) = s.body.iter().position(|(n, _)| *n == json) {
            used[i] = true;
            let value = &s.body[i].1;
            let expr =
                constant(types, &fty, value).map_err(|e| format!("body field '{json}': {e}"))?;
            inits.push(quote!(#ident: #expr,));
            text.push(format!("`{json}` set to `{value}`"));
        } else if optional {
            inits.push(quote!(#ident: None,));
        } else {
            return Err(format!(
                "required body field '{json}' is neither an argument nor fixed in `body`"
            ));
        }
    }
    let missing = (s.arguments.iter().zip(&args))
        .find(|(_, a)| a.is_none())
        .map(|(a, _)| a.field.clone())
        .or_else(|| {
            (s.body.iter().zip(&used))
                .find(|(_, u)| !**u)
                .map(|(b, _)| b.0.clone())
        });
    if let Some(field) = missing {
        return Err(format!(
            "body field '{field}' is not a field of the generated body"
        ));
    }
    let mut body_ty = ty.clone();
    Walk(&mut Qualify(types)).visit_type_mut(&mut body_ty);
    let init = quote!(#body_ty { #(#inits)* });
    let args = args.into_iter().flatten().collect();
    let text = text.into_iter().filter(|t| !t.is_empty()).collect();
    Ok(Body { init, args, text })
}

/// `value` as an expression of type `ty`: a string, an enum of the spec by its wire value, an
/// integer or a boolean, wrapped in `Some` for an optional field.
fn constant(types: &[Item], ty: &Type, value: &Constant) -> Result<TokenStream, String> {
    if let Some(inner) = option_inner(ty) {
        let inner = constant(types, inner, value)?;
        return Ok(quote!(Some(#inner)));
    }
    if let Type::Reference(r) = ty {
        return match value {
            Constant::Str(s) if is_str(&r.elem) => Ok(quote!(#s)),
            _ => constant(types, &r.elem, value).map(|e| quote!(&#e)),
        };
    }
    let Some(ident) = last_ident(ty) else {
        return Err(format!("cannot fix a value of type `{}`", quote!(#ty)));
    };
    let name = ident.to_string();
    const INTEGERS: [&str; 10] = [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "isize", "usize",
    ];
    match value {
        Constant::Str(s) if name == "String" => return Ok(quote!(::std::string::String::from(#s))),
        Constant::Int(i) if INTEGERS.contains(&name.as_str()) => {
            return Ok(Literal::i64_unsuffixed(*i).into_token_stream());
        }
        Constant::Bool(b) if name == "bool" => return Ok(quote!(#b)),
        _ => {}
    }
    if let Constant::Str(wire) = value
        && let Some(variants) = enum_values(types, ident)
    {
        return match variants.iter().find(|(_, w)| w == wire) {
            Some((variant, _)) => Ok(quote!(#ty::#variant)),
            None => Err(format!(
                "'{wire}' is not a value of `{name}` (one of: {})",
                variants
                    .iter()
                    .map(|(_, w)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    Err(format!(
        "`{value}` is not a value of type `{}`",
        quote!(#ty)
    ))
}

/// The variants of the generated enum `ident` with their wire values: from an open enum's
/// `as_str` arms, or a closed one's `#[serde(rename)]`s.
fn enum_values(types: &[Item], ident: &Ident) -> Option<Vec<(Ident, String)>> {
    let e = types.iter().find_map(|i| match i {
        Item::Enum(e) if e.ident == *ident => Some(e),
        _ => None,
    })?;
    let mut out = Vec::new();
    let as_str = types.iter().find_map(|i| match i {
        Item::Impl(block)
            if block.trait_.is_none() && last_ident(&block.self_ty) == Some(ident) =>
        {
            block.items.iter().find_map(|i| match i {
                ImplItem::Fn(f) if f.sig.ident == "as_str" => Some(f),
                _ => None,
            })
        }
        _ => None,
    });
    let arms = as_str.and_then(|f| match f.block.stmts.first() {
        Some(Stmt::Expr(Expr::Match(m), _)) => Some(&m.arms),
        _ => None,
    });
    for arm in arms.into_iter().flatten() {
        if let (Pat::Path(p), Expr::Lit(lit)) = (&arm.pat, arm.body.as_ref())
            && let syn::Lit::Str(s) = &lit.lit
            && let Some(v) = p.path.segments.last()
        {
            out.push((v.ident.clone(), s.value()));
        }
    }
    if out.is_empty() {
        for v in e.variants.iter().filter(|v| v.fields.is_empty()) {
            let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            out.push((v.ident.clone(), wire));
        }
    }
    Some(out)
}

fn types_items(file: &syn::File) -> &[Item] {
    file.items
        .iter()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| &items[..]),
            _ => None,
        })
        .unwrap_or_default()
}

fn last_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

fn last_is(ty: &Type, name: &str) -> bool {
    last_ident(ty).is_some_and(|i| i == name)
}

/// Bare names of generated types get `types::`, at any depth (`Vec<Account>`).
struct Qualify<'a>(&'a [Item]);

impl Pass for Qualify<'_> {
    fn leave_type_path(&mut self, p: &mut syn::TypePath) {
        if p.qself.is_some() || p.path.leading_colon.is_some() || p.path.segments.len() != 1 {
            return;
        }
        let ident = &p.path.segments[0].ident;
        let generated = self.0.iter().any(|i| match i {
            Item::Struct(s) => &s.ident == ident,
            Item::Enum(e) => &e.ident == ident,
            Item::Type(t) => &t.ident == ident,
            _ => false,
        });
        if generated {
            p.path = syn::parse_quote!(types::#p);
        }
    }
}

/// The call lifetime `'c` elided, for an `async fn`'s arguments.
struct Elide;

impl Pass for Elide {
    fn enter_lifetime(&mut self, lifetime: &mut Lifetime) -> Then {
        *lifetime = Lifetime::new("'_", lifetime.apostrophe);
        Then::Skip
    }
}
