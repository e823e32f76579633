//! Constructs from the vendor corpus (`scripts/corpus-check`, docs/corpus.md) that broke the
//! generated code, each in a small spec. `tests/fixtures/codegen/corpus-shapes.yaml` holds the
//! ones that must also compile: paysdk's unit tests build it and decode with it
//! (`src/fixture_clients.rs`).

use std::path::Path;

fn generated(text: &str) -> String {
    super::generate(Path::new("corpus.yaml"), text)
        .unwrap_or_else(|e| panic!("{e}"))
        .code
}

fn fixture() -> String {
    let path = crate::repo_root().join("tests/fixtures/codegen/corpus-shapes.yaml");
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
    // paysdk's unit tests compile the fixture (`src/fixture_clients.rs`), where a clash
    // would not compile.
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
