//! Field names unique within each generated struct. typify names a field after its property
//! in snake case, so two properties that differ only in case or punctuation (Paystack's
//! `createdAt` and `created_at` side by side) give two fields of one name, which does not
//! compile. The later ones become `created_at_2`, … and keep their wire name.

use std::collections::{HashMap, HashSet};

use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Fields, Ident, Item, Member, parse_quote};

use super::walk::{Pass, Walk};

/// Renames repeated field names in the structs of the `types` module and in the struct
/// expressions that build them (typify's `Default` impls).
pub fn unique(file: &mut syn::File) {
    for item in &mut file.items {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut m.content else {
            continue;
        };
        for item in items.iter_mut() {
            if let Item::Struct(s) = item
                && let Fields::Named(fields) = &mut s.fields
            {
                let names: Vec<Ident> = fields
                    .named
                    .iter()
                    .filter_map(|f| f.ident.clone())
                    .collect();
                let renamed = renames(&names);
                for (field, new) in fields.named.iter_mut().zip(renamed) {
                    let (Some(ident), Some(new)) = (&mut field.ident, new) else {
                        continue;
                    };
                    if wire_rename(&field.attrs).is_none() {
                        let wire = ident.to_string();
                        let wire = wire.trim_start_matches("r#");
                        field
                            .attrs
                            .insert(0, parse_quote!(#[serde(rename = #wire)]));
                    }
                    *ident = new;
                }
            }
        }
        Walk(&mut StructExprs).visit_item_mod_mut(m);
    }
}

/// For each name, its replacement when it repeats an earlier one.
fn renames(names: &[Ident]) -> Vec<Option<Ident>> {
    let taken: HashSet<String> = names.iter().map(Ident::to_string).collect();
    let mut taken = taken;
    let mut seen: HashMap<String, usize> = HashMap::new();
    names
        .iter()
        .map(|name| {
            let base = name.to_string();
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                return None;
            }
            let mut n = *count;
            loop {
                let candidate = format!("{}_{n}", base.trim_end_matches('_'));
                if taken.insert(candidate.clone()) {
                    return Some(format_ident!("{candidate}"));
                }
                n += 1;
            }
        })
        .collect()
}

/// The `rename = "..."` of a field's serde attributes, if any.
fn wire_rename(attrs: &[Attribute]) -> Option<()> {
    attrs
        .iter()
        .any(|a| {
            a.path().is_ident("serde") && {
                let text = quote::quote!(#a).to_string();
                text.contains("rename =") || text.contains("rename=")
            }
        })
        .then_some(())
}

/// Renames repeated members of struct expressions the same way as the fields.
struct StructExprs;

impl Pass for StructExprs {
    fn enter_expr_struct(&mut self, expr: &mut syn::ExprStruct) {
        let names: Vec<Ident> = expr
            .fields
            .iter()
            .filter_map(|f| match &f.member {
                Member::Named(ident) => Some(ident.clone()),
                Member::Unnamed(_) => None,
            })
            .collect();
        if names.len() == expr.fields.len() {
            for (field, new) in expr.fields.iter_mut().zip(renames(&names)) {
                if let Some(new) = new {
                    field.member = Member::Named(new);
                    field.colon_token.get_or_insert_with(Default::default);
                }
            }
        }
    }
}
