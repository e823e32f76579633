//! progenitor's tokens into a `syn::File`, without parsing what `lenient` would throw away:
//! the `Display`, `FromStr` and `TryFrom` impls typify writes after each string enum, which
//! `lenient` replaces by the open enum's. On Stripe they are a fifth of the tokens, and
//! parsing is what an unoptimized build script spends most of its time on.
//!
//! The result is the file a plain `syn::parse2` gives minus those impls; an impl this cannot
//! tell for certain is parsed and left to `lenient`, which removes the rest.

use std::collections::HashSet;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::buffer::Cursor;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Item};

use super::lenient;

/// Parses progenitor's output, the items of its `types` module one by one.
pub fn generated_file(tokens: TokenStream) -> syn::Result<syn::File> {
    let (outer, types) = take_types_module(tokens);
    let mut file: syn::File = syn::parse2(outer)?;
    let Some(types) = types else {
        return Ok(file);
    };
    let (inner_attrs, items) = types_items.parse2(types)?;
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, content)) = &mut module.content
        {
            module.attrs.extend(inner_attrs);
            *content = items;
            break;
        }
    }
    Ok(file)
}

/// The tokens with the body of the first top-level `mod types { ... }` emptied, and that body.
fn take_types_module(tokens: TokenStream) -> (TokenStream, Option<TokenStream>) {
    let mut out = Vec::new();
    let mut body = None;
    // The last two tokens seen: `mod` then `types` before the brace group.
    let (mut before, mut last) = (false, false);
    for tree in tokens {
        match &tree {
            TokenTree::Group(g) if body.is_none() && last && g.delimiter() == Delimiter::Brace => {
                body = Some(g.stream());
                let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
                empty.set_span(g.span());
                out.push(TokenTree::Group(empty));
                (before, last) = (false, false);
                continue;
            }
            TokenTree::Ident(i) => {
                (before, last) = (i == "mod", before && i == "types");
            }
            _ => (before, last) = (false, false),
        }
        out.push(tree);
    }
    (out.into_iter().collect(), body)
}

/// The `types` module's inner attributes and items, skipping each replaced impl of a string
/// enum declared before it (typify writes an enum's impls right after it).
fn types_items(input: ParseStream) -> syn::Result<(Vec<Attribute>, Vec<Item>)> {
    let inner_attrs = input.call(Attribute::parse_inner)?;
    let mut items = Vec::new();
    let mut enums = HashSet::new();
    while !input.is_empty() {
        let skipped = input.step(|cursor| match replaced_impl_end(*cursor, &enums) {
            Some(rest) => Ok((true, rest)),
            None => Ok((false, *cursor)),
        })?;
        if skipped {
            continue;
        }
        let item: Item = input.parse()?;
        if let Item::Enum(e) = &item
            && lenient::is_string_enum(e)
        {
            enums.insert(e.ident.to_string());
        }
        items.push(item);
    }
    Ok((inner_attrs, items))
}

/// Where the impl at `cursor` ends, if it is `impl <path::Trait<..>> for <path::Enum> { .. }`
/// with a trait `lenient` replaces and one of `enums`; `None` for anything else, or anything
/// shaped otherwise (attributes, generics on the type, a `where` clause).
fn replaced_impl_end<'a>(cursor: Cursor<'a>, enums: &HashSet<String>) -> Option<Cursor<'a>> {
    let (keyword, mut c) = cursor.ident()?;
    if keyword != "impl" {
        return None;
    }
    // The trait: its name is the last identifier outside angle brackets.
    let mut depth = 0usize;
    let mut trait_name = None;
    loop {
        if let Some((ident, next)) = c.ident() {
            c = next;
            if depth == 0 {
                if ident == "for" {
                    break;
                }
                trait_name = Some(ident);
            }
        } else if let Some((punct, next)) = c.punct() {
            c = next;
            match punct.as_char() {
                '<' => depth += 1,
                '>' => depth = depth.checked_sub(1)?,
                ':' => {}
                '&' if depth > 0 => {}
                _ => return None,
            }
        } else if let Some((_, next)) = c.lifetime() {
            c = next;
        } else {
            // A group or a literal: an inherent impl's body, or a shape not known here.
            return None;
        }
    }
    // The type: a plain path, then the body.
    let mut self_name = None;
    loop {
        if let Some((ident, next)) = c.ident() {
            if ident == "where" {
                return None;
            }
            self_name = Some(ident);
            c = next;
        } else if let Some((punct, next)) = c.punct() {
            if punct.as_char() != ':' {
                return None;
            }
            c = next;
        } else {
            break;
        }
    }
    let (_, _, end) = c.group(Delimiter::Brace)?;
    let replaced = trait_name.is_some_and(|t| lenient::is_replaced_trait(&t))
        && self_name.is_some_and(|s| enums.contains(&s.to_string()));
    replaced.then_some(end)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::generated_file;

    fn item_count(tokens: proc_macro2::TokenStream) -> (usize, String) {
        let file = generated_file(tokens).unwrap();
        let syn::Item::Mod(types) = &file.items[1] else {
            panic!("no types module")
        };
        let items = &types.content.as_ref().unwrap().1;
        (items.len(), prettyplease::unparse(&file))
    }

    #[test]
    fn only_the_replaced_impls_of_a_string_enum_are_left_out() {
        let (count, code) = item_count(quote! {
            use x::y;
            #[allow(clippy::all)]
            pub mod types {
                #![allow(dead_code)]
                #[derive(::serde::Deserialize)]
                pub enum Kind { #[serde(rename = "a")] A }
                impl ::std::convert::From<&Self> for Kind { fn from(v: &Kind) -> Self { v.clone() } }
                impl ::std::fmt::Display for Kind { fn fmt(&self) {} }
                impl ::std::str::FromStr for Kind { type Err = (); }
                impl ::std::convert::TryFrom<&str> for Kind { type Error = (); }
                impl<'a> ::std::convert::TryFrom<&'a ::std::string::String> for Kind { type Error = (); }
                impl ::std::convert::TryFrom<::std::string::String> for Kind { type Error = (); }
                impl Kind { fn inherent(&self) {} }
                impl ::std::fmt::Display for &Kind { fn fmt(&self) {} }
                impl ::std::fmt::Display for Kind<T> { fn fmt(&self) {} }
                // Not a string enum: its impls stay.
                #[derive(::serde::Deserialize)]
                pub enum Shape { Circle(f64) }
                impl ::std::fmt::Display for Shape { fn fmt(&self) {} }
                pub struct After;
            }
            pub struct Client;
        });
        // Kind, From<&Self>, the inherent impl, the two impls of other shapes, Shape, its
        // Display, After.
        assert_eq!(count, 8, "{code}");
        assert!(code.contains("#![allow(dead_code)]"), "{code}");
        assert!(code.contains("From<&Self> for Kind"), "{code}");
        assert!(!code.contains("FromStr"), "{code}");
        assert!(!code.contains("TryFrom"), "{code}");
        assert!(!code.contains("Display for Kind {"), "{code}");
        assert!(code.contains("Display for &Kind"), "{code}");
        assert!(code.contains("Display for Shape"), "{code}");
        assert!(code.contains("pub struct Client"), "{code}");
    }
}
