//! Post-processes progenitor's output: string enums keep values they do not know, string
//! fields accept JSON numbers (where these vendors drift), and credential fields become
//! `Secret` so that `Debug` never prints them.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Attribute, Fields, Ident, Item, ItemEnum, ItemImpl, LitStr, Type};

use super::config::SecretField;
use super::facade::json_name;
use super::names;

/// Rewrites the `types` module of a generated file in place; `secrets` are the fields the
/// sidecar marks secret, besides those whose names mark them as credentials.
pub fn apply(file: &mut syn::File, secrets: &[SecretField]) {
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &mut module.content
        {
            open_string_enums(items);
            wrap_secret_fields(items, secrets);
            accept_numbers_as_strings(items);
        }
    }
}

/// A string enum as typify emits it: unit variants, each with its wire value.
struct StringEnum {
    ident: Ident,
    docs: Vec<Attribute>,
    variants: Vec<(Vec<Attribute>, Ident, String)>,
}

fn is_serde_deserialize(attrs: &[Attribute]) -> bool {
    // The derive's tokens, not their text: Stripe has thousands of derives.
    fn names_deserialize(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "Deserialize",
            proc_macro2::TokenTree::Group(g) => names_deserialize(g.stream()),
            _ => false,
        })
    }
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && matches!(&a.meta, syn::Meta::List(list) if names_deserialize(list.tokens.clone()))
    })
}

fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut renamed = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: LitStr = meta.value()?.parse()?;
                renamed = Some(value.value());
            }
            Ok(())
        });
    }
    renamed
}

fn as_string_enum(item: &ItemEnum) -> Option<StringEnum> {
    if item.variants.is_empty()
        || !is_serde_deserialize(&item.attrs)
        || item.variants.iter().any(|v| !matches!(v.fields, Fields::Unit))
        // Untagged or internally tagged unit enums are not plain string enums.
        || item.attrs.iter().any(|a| a.path().is_ident("serde"))
    {
        return None;
    }
    let variants = item
        .variants
        .iter()
        .map(|v| {
            let docs = v
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            let raw = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            (docs, v.ident.clone(), raw)
        })
        .collect();
    Some(StringEnum {
        ident: item.ident.clone(),
        docs: item
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect(),
        variants,
    })
}

/// The impls typify writes for a string enum (one of `enums`) that the open version replaces.
fn is_replaced_impl(item: &ItemImpl, enums: &HashSet<String>) -> bool {
    // The trait first: it rules out most impls without making a string.
    let Some((trait_path, _)) = &item.trait_ else {
        return false;
    };
    let Type::Path(self_ty) = item.self_ty.as_ref() else {
        return false;
    };
    let Some(self_ident) = self_ty.path.segments.last().map(|s| &s.ident) else {
        return false;
    };
    if !enums.contains(&self_ident.to_string()) {
        return false;
    }
    let Some(last) = trait_path.segments.last() else {
        return false;
    };
    match last.ident.to_string().as_str() {
        "Display" | "FromStr" => true,
        // TryFrom<&str>, TryFrom<&String>, TryFrom<String>; not From<&Self>.
        "TryFrom" => true,
        _ => false,
    }
}

fn open_string_enums(items: &mut Vec<Item>) {
    let enums: Vec<StringEnum> = items
        .iter()
        .filter_map(|i| match i {
            Item::Enum(e) => as_string_enum(e),
            _ => None,
        })
        .collect();
    if enums.is_empty() {
        return;
    }
    // A set: Stripe has thousands of enums among tens of thousands of items.
    let names: HashSet<String> = enums.iter().map(|e| e.ident.to_string()).collect();
    items.retain(|item| match item {
        Item::Enum(e) => !names.contains(&e.ident.to_string()),
        Item::Impl(i) => !is_replaced_impl(i, &names),
        _ => true,
    });
    let shared = shared_impls();
    for e in &enums {
        match syn::parse2::<syn::File>(open_enum_tokens(e)) {
            Ok(parsed) => items.extend(parsed.items),
            Err(err) => items.push(Item::Verbatim(err.to_compile_error())),
        }
        items.extend(shared.iter().map(|item| {
            let mut item = item.clone();
            RenamePlaceholder(&e.ident).visit_item_mut(&mut item);
            item
        }));
    }
}

/// The name [`shared_impls`] are written for.
const PLACEHOLDER: &str = "__PaysdkOpenEnum";

struct RenamePlaceholder<'a>(&'a Ident);

impl VisitMut for RenamePlaceholder<'_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if ident == PLACEHOLDER {
            *ident = self.0.clone();
        }
    }
}

/// The impls of an open enum that do not depend on its values, parsed once and copied for
/// each enum: parsing them once per enum cost Stripe's build script a second.
fn shared_impls() -> Vec<Item> {
    let ident = format_ident!("{PLACEHOLDER}");
    let tokens = quote! {
        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::paysdk::runtime::lenient::deserialize_open_enum(deserializer)
            }
        }
    };
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => file.items,
        Err(err) => vec![Item::Verbatim(err.to_compile_error())],
    }
}

fn open_enum_tokens(e: &StringEnum) -> TokenStream {
    let ident = &e.ident;
    let docs = &e.docs;
    let taken = |name: &str| e.variants.iter().any(|(_, v, _)| v == name);
    let unknown = if taken("Unknown") {
        format_ident!("UnknownValue")
    } else {
        format_ident!("Unknown")
    };
    let variant_decls = e
        .variants
        .iter()
        .map(|(docs, v, _)| quote! { #(#docs)* #v, });
    let to_str = e
        .variants
        .iter()
        .map(|(_, v, raw)| quote! { Self::#v => #raw, });
    let from_str = e
        .variants
        .iter()
        .map(|(_, v, raw)| quote! { #raw => Self::#v, });
    quote! {
        #(#docs)*
        ///
        /// Open: a value this version of the spec does not list decodes as
        #[doc = concat!("[`", stringify!(#ident), "::", stringify!(#unknown), "`], keeping the raw value.")]
        #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        pub enum #ident {
            #(#variant_decls)*
            /// A value the spec does not list; the raw value, as received.
            #unknown(::std::string::String),
        }

        impl #ident {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#unknown(raw) => raw.as_str(),
                }
            }

            /// Whether the value is one the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#unknown(other.to_string()),
                }
            }
        }
    }
}

fn type_string(ty: &Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

/// Enfuce documents ids as strings and sends them as JSON numbers (`"id": 151077912`);
/// every plain string field of a decoded struct accepts either.
fn accept_numbers_as_strings(items: &mut [Item]) {
    for item in items {
        let Item::Struct(s) = item else { continue };
        if !is_serde_deserialize(&s.attrs) {
            continue;
        }
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in &mut fields.named {
            let ty = type_string(&field.ty);
            // Once per field: serde refuses a second `deserialize_with`. typify gives a
            // required nullable field `Option::deserialize`, which the lenient one replaces.
            if let Some(existing) = field.attrs.iter_mut().find(|a| {
                a.path().is_ident("serde") && quote!(#a).to_string().contains("deserialize_with")
            }) {
                let is_option_string = matches!(
                    ty.as_str(),
                    "::std::option::Option<::std::string::String>" | "Option<String>"
                );
                let text = quote!(#existing).to_string();
                if is_option_string && text.contains("\"::std::option::Option::deserialize\"") {
                    let text = text.replace(
                        "\"::std::option::Option::deserialize\"",
                        "\"::paysdk::runtime::lenient::option_string_or_number\"",
                    );
                    if let Ok(mut parsed) =
                        syn::parse::Parser::parse_str(Attribute::parse_outer, &text)
                        && parsed.len() == 1
                    {
                        *existing = parsed.remove(0);
                    }
                }
                continue;
            }
            let attr: Attribute = match ty.as_str() {
                "::std::string::String" | "String" => syn::parse_quote! {
                    #[serde(deserialize_with = "::paysdk::runtime::lenient::string_or_number")]
                },
                "::std::option::Option<::std::string::String>" | "Option<String>" => {
                    syn::parse_quote! {
                        #[serde(default, deserialize_with = "::paysdk::runtime::lenient::option_string_or_number")]
                    }
                }
                _ => continue,
            };
            // typify marks optional fields `#[serde(default, ...)]` already; a second
            // `default` would be rejected by serde. A `String` with a spec default keeps its
            // type (`default = "defaults::..."`) and its deserializer.
            let has_default = field
                .attrs
                .iter()
                .any(|a| a.path().is_ident("serde") && quote!(#a).to_string().contains("default"));
            let attr = if has_default && ty.contains("Option<") {
                syn::parse_quote! {
                    #[serde(deserialize_with = "::paysdk::runtime::lenient::option_string_or_number")]
                }
            } else {
                attr
            };
            field.attrs.push(attr);
        }
    }
}

/// Whether a field holds a credential, by its name or its struct's (`password.value`).
fn is_secret_field(struct_name: &str, field_name: &str) -> bool {
    let field = field_name.to_ascii_lowercase();
    let marks = ["token", "password", "secret", "api_key", "apikey"];
    marks.iter().any(|m| field.contains(m))
        || struct_name.to_ascii_lowercase().ends_with("password")
}

/// String fields that hold credentials, and those the sidecar lists, become
/// `::paysdk::runtime::Secret` (same wire form). A listed field of another type (an object, a
/// number) keeps its type; its struct's `Debug` prints `[redacted]` for it instead.
fn wrap_secret_fields(items: &mut Vec<Item>, listed: &[SecretField]) {
    let mut redacted: Vec<(Ident, Vec<(Ident, bool)>)> = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let struct_name = s.ident.to_string();
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        let mut hidden = Vec::new();
        for field in &mut fields.named {
            let Some(ident) = field.ident.clone() else {
                continue;
            };
            let json = json_name(field).unwrap_or_default();
            let is_listed = listed.iter().any(|l| {
                l.property == json
                    && l.schema
                        .as_deref()
                        .is_none_or(|schema| names::type_name(schema) == struct_name)
            });
            let mut redact = false;
            if is_listed || is_secret_field(&struct_name, &ident.to_string()) {
                match type_string(&field.ty).as_str() {
                    "::std::string::String" | "String" => {
                        field.ty = syn::parse_quote!(::paysdk::runtime::Secret);
                    }
                    "::std::option::Option<::std::string::String>" | "Option<String>" => {
                        field.ty =
                            syn::parse_quote!(::std::option::Option<::paysdk::runtime::Secret>);
                    }
                    ty => redact = is_listed && !ty.contains("Secret"),
                }
            }
            hidden.push((ident, redact));
        }
        if hidden.iter().any(|(_, r)| *r) && drop_derived_debug(&mut s.attrs) {
            redacted.push((s.ident.clone(), hidden));
        }
    }
    for (ident, fields) in redacted {
        let name = ident.to_string();
        let fields = fields.iter().map(|(field, redact)| {
            let label = field.to_string().trim_start_matches("r#").to_string();
            if *redact {
                quote!(.field(#label, &"[redacted]"))
            } else {
                quote!(.field(#label, &self.#field))
            }
        });
        items.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#name) #(#fields)* .finish()
                }
            }
        });
    }
}

/// Removes `Debug` from a `#[derive(..)]`; whether it was there.
fn drop_derived_debug(attrs: &mut [Attribute]) -> bool {
    use syn::punctuated::Punctuated;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let is_debug = |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == "Debug");
        if !paths.iter().any(is_debug) {
            continue;
        }
        let kept = paths.iter().filter(|p| !is_debug(p));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        return true;
    }
    false
}
