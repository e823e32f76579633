//! Constructs from the vendor corpus (`scripts/corpus-check`, docs/corpus.md) that broke the
//! generated code, each in a small spec. `tests/fixtures/codegen/corpus-shapes.yaml` holds the
//! ones that must also compile: the library's unit tests build it.

use std::path::Path;

use crate::fixture_clients::corpus_shapes::{Client, types};

fn generated(text: &str) -> String {
    super::generate(Path::new("corpus.yaml"), text)
        .unwrap_or_else(|e| panic!("{e}"))
        .code
}

fn fixture() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codegen/corpus-shapes.yaml");
    generated(&std::fs::read_to_string(path).unwrap())
}

/// Unit: `getAuthorizationRequest` is named like the builder of `getAuthorization`; it
/// becomes `get_authorization_request_op`, and both operations keep a builder.
#[test]
fn an_operation_named_like_a_builder_is_renamed() {
    let code = fixture();
    for method in [
        "pub async fn get_authorization<'a>(",
        "pub fn get_authorization_request<'a>(",
        "pub async fn get_authorization_request_op<'a>(",
        "pub fn get_authorization_request_op_request<'a>(",
    ] {
        assert!(code.contains(method), "missing {method}");
    }
    // The compiled client has both (a clash would not compile).
    let _ = Client::get_authorization;
    let _ = Client::get_authorization_request_op;
}

/// Unit: an optional string with a default keeps `String` and still accepts a number.
#[test]
fn a_string_with_a_default_accepts_numbers_and_defaults() {
    let r: types::Relationship = serde_json::from_str(r#"{"type": 7}"#).unwrap();
    assert_eq!(r.type_, "7");
    let r: types::Relationship = serde_json::from_str("{}").unwrap();
    assert_eq!(r.type_, "customer");
}

/// Paystack: `createdAt` and `created_at` in one object are two fields, each decoded from its
/// own key (also when optional, where typify writes a `Default` impl naming both).
#[test]
fn properties_that_give_one_field_name_stay_apart() {
    let c: types::Charge = serde_json::from_str(
        r#"{"createdAt": "a", "created_at": "b", "paid_at": "c", "paidAt": "d"}"#,
    )
    .unwrap();
    // typify orders fields by property name: `createdAt` before `created_at`.
    assert_eq!((c.created_at.as_str(), c.created_at_2.as_str()), ("a", "b"));
    assert_eq!(
        (c.paid_at.as_deref(), c.paid_at_2.as_deref()),
        (Some("d"), Some("c"))
    );
    let back = serde_json::to_value(&c).unwrap();
    assert_eq!(back["created_at"], "b");
    assert_eq!(back["paidAt"], "d");
}

/// Plaid: nullable components whose inner type typify would name like the component itself
/// generate once each, and decode `null` and a value.
#[test]
fn nullable_components_are_named_once() {
    let pay: types::Pay = serde_json::from_str(
        r#"{"insights": {"risk": "low"}, "base": {"data": true}, "frequency": "weekly"}"#,
    )
    .unwrap();
    assert!(pay.insights.is_some_and(|i| i.0.is_some()));
    assert!(pay.frequency.is_some_and(|f| f.0.is_some()));
    let pay: types::Pay =
        serde_json::from_str(r#"{"insights": null, "base": null, "frequency": null}"#).unwrap();
    assert!(pay.frequency.and_then(|f| f.0).is_none());
    assert!(pay.insights.and_then(|i| i.0).is_none());
}

/// Weavr Multi: typify emits a type twice, token for token; the copy is dropped, while two
/// different items of one name are still reported.
#[test]
fn identical_copies_of_a_type_are_dropped() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod types {
            pub struct Root { pub a: bool }
            impl Root { pub fn a(&self) -> bool { self.a } }
            pub struct Root { pub a: bool }
            impl Root { pub fn a(&self) -> bool { self.a } }
            pub struct Other;
        }
    };
    super::names::drop_identical_copies(&mut file);
    assert_eq!(super::names::duplicate_type(&file), None);
    let syn::Item::Mod(m) = &file.items[0] else {
        panic!()
    };
    assert_eq!(m.content.as_ref().unwrap().1.len(), 3);

    let mut different: syn::File = syn::parse_quote! {
        pub mod types { pub struct Root { pub a: bool } pub struct Root { pub b: bool } }
    };
    super::names::drop_identical_copies(&mut different);
    assert_eq!(
        super::names::duplicate_type(&different).as_deref(),
        Some("Root")
    );
}
