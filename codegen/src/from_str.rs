//! typify's `FromStr` for an untagged enum tries each variant's `FromStr` in turn
//! (`if let Ok(v) = value.parse() { Ok(Self::A(v)) } else if …`). A variant whose type always
//! parses (`String`, or an open string enum: `Err = Infallible`) makes that `if let`
//! irrefutable, which rustc warns about in the user's build, and the branches after it dead.
//! The chain ends there instead: `let Ok(v) = value.parse(); Ok(Self::A(v))`, the same
//! behaviour without the warning. Runs after `lenient`, which opens the enums.

use std::collections::{HashMap, HashSet};

use quote::quote;
use syn::{Expr, ImplItem, Item, Pat, Stmt, Type, parse_quote};

/// Ends every such chain in the `types` module of `file` at its first infallible variant.
pub fn end_infallible_chains(file: &mut syn::File) {
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &mut module.content
        {
            rewrite(items);
        }
    }
}

fn rewrite(items: &mut [Item]) {
    let infallible = infallible_types(items);
    // Each enum's single-field variants, with whether their type always parses.
    let mut variants: HashMap<String, HashMap<String, bool>> = HashMap::new();
    for item in items.iter() {
        let Item::Enum(e) = item else { continue };
        let fields = e.variants.iter().filter_map(|v| match &v.fields {
            syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let always = always_parses(&f.unnamed[0].ty, &infallible);
                Some((v.ident.to_string(), always))
            }
            _ => None,
        });
        variants.insert(e.ident.to_string(), fields.collect());
    }
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else {
            continue;
        };
        if trait_path
            .segments
            .last()
            .is_none_or(|s| s.ident != "FromStr")
        {
            continue;
        }
        let Some(variants) = self_ident(&block.self_ty).and_then(|name| variants.get(&name)) else {
            continue;
        };
        for impl_item in &mut block.items {
            if let ImplItem::Fn(f) = impl_item
                && f.sig.ident == "from_str"
                && let Some(Stmt::Expr(body, None)) = f.block.stmts.last_mut()
            {
                end_chain(body, variants);
                // A chain cut at its first link is the function's whole body.
                if let Expr::Block(block) = body
                    && block.label.is_none()
                    && block.attrs.is_empty()
                {
                    let stmts = std::mem::take(&mut block.block.stmts);
                    f.block.stmts.pop();
                    f.block.stmts.extend(stmts);
                }
            }
        }
    }
}

/// Types whose `FromStr` cannot fail: `String`, and every type of `items` whose `FromStr`
/// has `type Err = ::std::convert::Infallible`: the open string enums, whose `FromStr` is
/// written by `lenient`'s shared-impls macro.
fn infallible_types(items: &[Item]) -> HashSet<String> {
    let mut out = HashSet::new();
    for item in items {
        if let Item::Macro(m) = item
            && m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == super::lenient::SHARED_IMPLS_MACRO)
            && let Ok(name) = syn::parse2::<syn::Ident>(m.mac.tokens.clone())
        {
            out.insert(name.to_string());
            continue;
        }
        let Item::Impl(block) = item else { continue };
        let is_from_str = block
            .trait_
            .as_ref()
            .and_then(|(p, _)| p.segments.last())
            .is_some_and(|s| s.ident == "FromStr");
        let never_fails = block.items.iter().any(|i| {
            matches!(i, ImplItem::Type(t) if t.ident == "Err"
                && type_text(&t.ty) == "::std::convert::Infallible")
        });
        if is_from_str
            && never_fails
            && let Some(name) = self_ident(&block.self_ty)
        {
            out.insert(name);
        }
    }
    out
}

fn always_parses(ty: &Type, infallible: &HashSet<String>) -> bool {
    let text = type_text(ty);
    matches!(text.as_str(), "::std::string::String" | "String")
        || self_ident(ty).is_some_and(|name| infallible.contains(&name) && text == name)
}

fn type_text(ty: &Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

fn self_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Walks `if let Ok(v) = value.parse() { Ok(Self::V(v)) } else …` and replaces the first link
/// whose variant always parses by its irrefutable form.
fn end_chain(expr: &mut Expr, variants: &HashMap<String, bool>) {
    let Expr::If(link) = expr else { return };
    let Some(variant) = parsed_variant(link) else {
        return;
    };
    if variants.get(&variant).copied().unwrap_or(false) {
        let variant = syn::Ident::new(&variant, proc_macro2::Span::call_site());
        *expr = parse_quote!({
            let Ok(v) = value.parse();
            Ok(Self::#variant(v))
        });
        return;
    }
    if let Some((_, otherwise)) = &mut link.else_branch {
        end_chain(otherwise, variants);
    }
}

/// `V` of a link `if let Ok(v) = value.parse() { Ok(Self::V(v)) }`; `None` for another shape.
fn parsed_variant(link: &syn::ExprIf) -> Option<String> {
    let Expr::Let(cond) = link.cond.as_ref() else {
        return None;
    };
    let Pat::TupleStruct(pat) = cond.pat.as_ref() else {
        return None;
    };
    let Expr::MethodCall(call) = cond.expr.as_ref() else {
        return None;
    };
    if !pat.path.is_ident("Ok") || call.method != "parse" || !call.args.is_empty() {
        return None;
    }
    let [Stmt::Expr(Expr::Call(ok), None)] = link.then_branch.stmts.as_slice() else {
        return None;
    };
    let [Expr::Call(construct)] = ok.args.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    let Expr::Path(path) = construct.func.as_ref() else {
        return None;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments.as_slice() {
        [this, variant] if this == "Self" => Some(variant.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(source: &str) -> String {
        let mut file: syn::File = syn::parse_str(source).unwrap();
        end_infallible_chains(&mut file);
        prettyplease::unparse(&file)
    }

    const CHAIN: &str = r#"
        pub mod types {
            pub enum Anchor { UnixTime(i64), Open(Kind), Text(::std::string::String) }
            impl ::std::str::FromStr for Anchor {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    if let Ok(v) = value.parse() {
                        Ok(Self::UnixTime(v))
                    } else if let Ok(v) = value.parse() {
                        Ok(Self::Open(v))
                    } else if let Ok(v) = value.parse() {
                        Ok(Self::Text(v))
                    } else {
                        Err("string conversion failed for all variants".into())
                    }
                }
            }
            pub enum Kind { A, Unknown(::std::string::String) }
            impl ::std::str::FromStr for Kind {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> { Ok(Self::A) }
            }
            pub enum Either { Flag(bool), Number(i64) }
            impl ::std::str::FromStr for Either {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    if let Ok(v) = value.parse() {
                        Ok(Self::Flag(v))
                    } else if let Ok(v) = value.parse() {
                        Ok(Self::Number(v))
                    } else {
                        Err("string conversion failed for all variants".into())
                    }
                }
            }
        }
    "#;

    #[test]
    fn a_chain_ends_at_its_first_variant_that_always_parses() {
        let code = rewritten(CHAIN);
        let anchor = &code[code.find("impl ::std::str::FromStr for Anchor").unwrap()..];
        let anchor = &anchor[..anchor.find("pub enum Kind").unwrap()];
        assert!(
            anchor.contains("if let Ok(v) = value.parse() {\n"),
            "{anchor}"
        );
        assert!(anchor.contains("Ok(Self::UnixTime(v))"), "{anchor}");
        // The open enum parses whatever it gets: the chain ends with it, Text is dead.
        assert!(anchor.contains("let Ok(v) = value.parse();\n"), "{anchor}");
        assert!(anchor.contains("Ok(Self::Open(v))"), "{anchor}");
        assert!(!anchor.contains("Self::Text"), "{anchor}");
        assert!(!anchor.contains("failed for all variants"), "{anchor}");
        // A chain of fallible variants stays as it is.
        let either = &code[code.find("impl ::std::str::FromStr for Either").unwrap()..];
        assert_eq!(either.matches("if let Ok(v) = value.parse()").count(), 2);
        assert!(either.contains("failed for all variants"));
    }

    /// `lenient` writes an open enum's `FromStr` through the runtime's macro.
    #[test]
    fn an_open_enum_by_the_shared_impls_macro_always_parses() {
        let start = CHAIN.find("impl ::std::str::FromStr for Kind").unwrap();
        let end = CHAIN.find("pub enum Either").unwrap();
        let source = format!(
            "{}::paysdk::__private::open_enum_impls!(Kind);\n{}",
            &CHAIN[..start],
            &CHAIN[end..]
        );
        let code = rewritten(&source);
        let anchor = &code[code.find("impl ::std::str::FromStr for Anchor").unwrap()..];
        let anchor = &anchor[..anchor.find("pub enum Kind").unwrap()];
        assert!(anchor.contains("let Ok(v) = value.parse();\n"), "{anchor}");
        assert!(!anchor.contains("Self::Text"), "{anchor}");
    }

    #[test]
    fn a_string_variant_first_makes_the_whole_body_irrefutable() {
        let code = rewritten(
            r#"pub mod types {
                pub enum Id { Text(::std::string::String), Number(i64) }
                impl ::std::str::FromStr for Id {
                    type Err = self::error::ConversionError;
                    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                        if let Ok(v) = value.parse() { Ok(Self::Text(v)) }
                        else if let Ok(v) = value.parse() { Ok(Self::Number(v)) }
                        else { Err("string conversion failed for all variants".into()) }
                    }
                }
            }"#,
        );
        assert!(!code.contains("if let"), "{code}");
        assert!(code.contains("let Ok(v) = value.parse();"), "{code}");
        assert!(!code.contains("Self::Number"), "{code}");
    }
}
