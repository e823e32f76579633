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
use super::walk::{Pass, Walk};

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
    for attr in attrs
        .iter()
        .filter(|a| a.path().is_ident("serde") && may_rename(a))
    {
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

/// Whether a `#[serde(..)]` attribute can hold a `rename`: `false` only for a list with no
/// `rename` among its top-level tokens, where no rename is found (most of typify's; parsing
/// them is slow unoptimized).
pub(crate) fn may_rename(attr: &Attribute) -> bool {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone().into_iter().any(
            |token| matches!(&token, proc_macro2::TokenTree::Ident(ident) if ident == "rename"),
        ),
        _ => true,
    }
}

/// Whether typify's `item` is a plain string enum, which this pass opens.
pub(crate) fn is_string_enum(item: &ItemEnum) -> bool {
    !item.variants.is_empty()
        && is_serde_deserialize(&item.attrs)
        && item.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
        // Untagged or internally tagged unit enums are not plain string enums.
        && !item.attrs.iter().any(|a| a.path().is_ident("serde"))
}

fn as_string_enum(item: &ItemEnum) -> Option<StringEnum> {
    if !is_string_enum(item) {
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
    trait_path
        .segments
        .last()
        .is_some_and(|last| is_replaced_trait(&last.ident))
}

/// The traits whose impls typify writes for a string enum and the open version replaces.
pub(crate) fn is_replaced_trait(name: &Ident) -> bool {
    // TryFrom<&str>, TryFrom<&String>, TryFrom<String>; not From<&Self>.
    name == "Display" || name == "FromStr" || name == "TryFrom"
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
    let template = OpenEnumTemplate::new();
    let mut shared = shared_impls();
    for e in &enums {
        match &template {
            Some(template) => items.extend(template.instantiate(e)),
            None => match syn::parse2::<syn::File>(open_enum_tokens(e, &unknown_ident(e))) {
                Ok(parsed) => items.extend(parsed.items),
                Err(err) => items.push(Item::Verbatim(err.to_compile_error())),
            },
        }
        let ident = &e.ident;
        shared.mac.tokens = quote!(#ident);
        items.push(Item::Macro(shared.clone()));
    }
}

/// The name of the variant that keeps a value the spec does not list.
fn unknown_ident(e: &StringEnum) -> Ident {
    if e.variants.iter().any(|(_, v, _)| v == "Unknown") {
        format_ident!("UnknownValue")
    } else {
        format_ident!("Unknown")
    }
}

/// Placeholders of [`OpenEnumTemplate`]: the enum, its unknown variant, the one known variant
/// and its wire value.
const ENUM: &str = "__PaysdkOpenEnum";
const UNKNOWN: &str = "__PaysdkUnknown";
const VARIANT: &str = "__PaysdkVariant";
const RAW: &str = "__paysdk_raw";

/// [`open_enum_tokens`] for a one-variant enum of placeholders, parsed once; each open enum
/// is a copy with the names filled in and the variant and its match arms repeated per value.
/// Parsing those tokens once per enum was most of this pass's time on Stripe.
struct OpenEnumTemplate {
    items: Vec<Item>,
}

impl OpenEnumTemplate {
    fn new() -> Option<Self> {
        let placeholder = StringEnum {
            ident: format_ident!("{ENUM}"),
            docs: Vec::new(),
            variants: vec![(Vec::new(), format_ident!("{VARIANT}"), RAW.to_string())],
        };
        let tokens = open_enum_tokens(&placeholder, &format_ident!("{UNKNOWN}"));
        syn::parse2::<syn::File>(tokens)
            .ok()
            .map(|file| Self { items: file.items })
    }

    fn instantiate(&self, e: &StringEnum) -> Vec<Item> {
        let unknown = unknown_ident(e);
        let mut fill = Instantiate {
            e,
            unknown: &unknown,
        };
        self.items
            .iter()
            .map(|item| {
                let mut item = item.clone();
                Walk(&mut fill).visit_item_mut(&mut item);
                item
            })
            .collect()
    }
}

/// Fills a copy of the template with one enum: names replaced, the placeholder variant and
/// the match arms that name it repeated for each of the enum's values.
struct Instantiate<'a> {
    e: &'a StringEnum,
    unknown: &'a Ident,
}

impl Instantiate<'_> {
    fn rename(&self, ident: &Ident) -> Option<Ident> {
        if ident == ENUM {
            Some(self.e.ident.clone())
        } else if ident == UNKNOWN {
            Some(self.unknown.clone())
        } else {
            None
        }
    }

    /// `tokens` with the placeholder names replaced: macro arguments (`matches!`, `concat!`)
    /// are tokens, not syntax the visitor walks.
    fn rename_tokens(&self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|tree| match tree {
                proc_macro2::TokenTree::Ident(i) => {
                    proc_macro2::TokenTree::Ident(self.rename(&i).unwrap_or(i))
                }
                proc_macro2::TokenTree::Group(g) => {
                    let mut group =
                        proc_macro2::Group::new(g.delimiter(), self.rename_tokens(g.stream()));
                    group.set_span(g.span());
                    proc_macro2::TokenTree::Group(group)
                }
                other => other,
            })
            .collect()
    }
}

impl Pass for Instantiate<'_> {
    fn enter_ident(&mut self, ident: &mut Ident) {
        if let Some(renamed) = self.rename(ident) {
            *ident = renamed;
        }
    }

    fn leave_macro(&mut self, mac: &mut syn::Macro) {
        mac.tokens = self.rename_tokens(std::mem::take(&mut mac.tokens));
    }

    fn leave_item_enum(&mut self, item: &mut ItemEnum) {
        // The template's own doc lines follow the enum's.
        item.attrs.splice(0..0, self.e.docs.iter().cloned());
        let template = std::mem::take(&mut item.variants);
        for variant in template {
            if variant.ident == VARIANT {
                for (docs, ident, _) in &self.e.variants {
                    item.variants.push(syn::Variant {
                        attrs: docs.clone(),
                        ident: ident.clone(),
                        fields: Fields::Unit,
                        discriminant: None,
                    });
                }
            } else {
                item.variants.push(variant);
            }
        }
    }

    fn leave_expr_match(&mut self, node: &mut syn::ExprMatch) {
        let template = std::mem::take(&mut node.arms);
        for arm in template {
            let mut mentions = Mentions(false);
            Walk(&mut mentions).visit_arm_mut(&mut arm.clone());
            if !mentions.0 {
                node.arms.push(arm);
                continue;
            }
            for (_, ident, raw) in &self.e.variants {
                let mut arm = arm.clone();
                Walk(&mut FillVariant { ident, raw }).visit_arm_mut(&mut arm);
                node.arms.push(arm);
            }
        }
    }
}

/// Whether a template node names the placeholder variant.
struct Mentions(bool);

impl Pass for Mentions {
    fn enter_ident(&mut self, ident: &mut Ident) {
        self.0 |= ident == VARIANT;
    }
}

/// A template match arm made one variant's: its name and wire value.
struct FillVariant<'a> {
    ident: &'a Ident,
    raw: &'a str,
}

impl Pass for FillVariant<'_> {
    fn enter_ident(&mut self, ident: &mut Ident) {
        if ident == VARIANT {
            *ident = self.ident.clone();
        }
    }

    fn enter_lit_str(&mut self, lit: &mut LitStr) {
        if lit.value() == RAW {
            *lit = LitStr::new(self.raw, lit.span());
        }
    }
}

/// The macro (`paysdk::__private::open_enum_impls!`) that writes the impls every open enum
/// shares, named here for `from_str`, which reads it as a `FromStr` that cannot fail.
pub(crate) const SHARED_IMPLS_MACRO: &str = "open_enum_impls";

/// `::paysdk::__private::open_enum_impls!(Name);`: the impls of an open enum that do not
/// depend on its values, written once in paysdk's runtime; parsing and printing them per enum
/// cost Stripe's build script over a second.
fn shared_impls() -> syn::ItemMacro {
    let name = format_ident!("{SHARED_IMPLS_MACRO}");
    syn::parse_quote! {
        ::paysdk::__private::#name!(Placeholder);
    }
}

fn open_enum_tokens(e: &StringEnum, unknown: &Ident) -> TokenStream {
    let ident = &e.ident;
    let docs = &e.docs;
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

/// Whether `ty` can be `String` or `Option<String>` by its [`type_string`] (a path ending in
/// either name, or a type in parentheses or an invisible group).
fn may_be_string(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "String" || s.ident == "Option"),
        Type::Group(_) | Type::Paren(_) => true,
        _ => false,
    }
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
            // Any other type is left alone below; its text is not worth writing out.
            if !may_be_string(&field.ty) {
                continue;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unparsed(items: Vec<Item>) -> String {
        prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: Vec::new(),
            items,
        })
    }

    /// The template's copy is the same code as the open enum's tokens parsed, for values that
    /// need escaping, documented variants, and a variant already named `Unknown`.
    #[test]
    fn an_open_enum_from_the_template_equals_its_tokens_parsed() {
        let item: ItemEnum = syn::parse_quote! {
            /// Where a "card" is.
            /// Second line.
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            pub enum CardState {
                /// Active, really.
                #[serde(rename = "active")]
                Active,
                #[serde(rename = "say \"hi\"\\n’")]
                SayHi,
                #[serde(rename = "unknown")]
                Unknown,
            }
        };
        let e = as_string_enum(&item).unwrap();
        let template = OpenEnumTemplate::new().unwrap();
        let copied = unparsed(template.instantiate(&e));
        let parsed: syn::File = syn::parse2(open_enum_tokens(&e, &unknown_ident(&e))).unwrap();
        assert_eq!(copied, unparsed(parsed.items));
        assert!(
            copied.contains("UnknownValue(::std::string::String)"),
            "{copied}"
        );
        assert!(
            copied.contains(r#""say \"hi\"\\n’" => Self::SayHi"#),
            "{copied}"
        );
        assert!(!copied.contains("__Paysdk"), "{copied}");
    }
}
