//! The generated facade: its shape, pinned by a snapshot of the facade tests' spec.

use std::path::Path;

use super::generate;

const LEDGER: &str = include_str!("../../tests/fixtures/facade/ledger.yaml");

/// The `pub mod facade { .. }` part of a generated module.
fn facade_part(code: &str) -> &str {
    let at = code.find("pub mod facade {").expect("a facade module");
    &code[at..]
}

#[test]
fn every_operation_gets_a_method_and_a_call_type() {
    let module = generate(
        &crate::repo_root().join("tests/fixtures/facade/ledger.yaml"),
        LEDGER,
    )
    .unwrap();
    let facade = facade_part(&module.code);
    for (method, call) in [
        ("list_accounts", "ListAccountsCall"),
        ("create_account", "CreateAccountCall"),
        ("get_account", "GetAccountCall"),
        ("list_entries", "ListEntriesCall"),
        ("get_entry", "GetEntryCall"),
        ("get_report", "GetReportCall"),
        ("create_transfer", "CreateTransferCall"),
        // Its call takes the sidecar's `query_structs` struct.
        ("search_reports", "SearchReportsCall"),
        // Renamed by the sidecar (`methods`).
        ("health_check", "HealthCheckCall"),
        ("list_events", "ListEventsCall"),
    ] {
        assert!(
            facade.contains(&format!("pub fn {method}<'c>(")),
            "{method}"
        );
        assert!(facade.contains(&format!("pub struct {call}<'c>")), "{call}");
        assert!(
            facade.contains(&format!(
                "impl<'c> ::std::future::IntoFuture for {call}<'c>"
            )),
            "{call}"
        );
    }
    // Only the operation that declares `Idempotency-Key` takes a key.
    assert_eq!(facade.matches("pub fn idempotency_key(").count(), 1);
    assert!(facade.contains("Some(\"idempotency-key\")"));
    // The sidecar's paginated operations, and only those, page.
    assert_eq!(facade.matches("pub fn pages(").count(), 3);
    assert!(facade.contains("::paysdk::runtime::PageStyle::Cursor"));
    // Generated code names paysdk by absolute path only.
    assert!(
        !module.code.contains("crate::"),
        "a `crate::` path in generated code"
    );
}

#[test]
fn a_required_idempotency_header_is_left_to_the_call_loop() {
    let spec = LEDGER.replace(
        "{name: Idempotency-Key, in: header, schema: {type: string}}",
        "{name: Idempotency-Key, in: header, required: true, schema: {type: string}}",
    );
    let module = generate(
        &crate::repo_root().join("tests/fixtures/facade/ledger.yaml"),
        &spec,
    )
    .unwrap();
    let facade = facade_part(&module.code);
    assert!(
        facade.contains("raw.create_account_request(\"\", body)"),
        "{facade}"
    );
    assert!(!facade.contains("idempotency_key: &'c str"));
}

/// `UPDATE_SNAPSHOTS=1 cargo test -p paysdk-codegen --lib` rewrites the file.
#[test]
fn generated_facade_matches_the_snapshot() {
    let module = generate(
        &crate::repo_root().join("tests/fixtures/facade/ledger.yaml"),
        LEDGER,
    )
    .unwrap();
    let generated = facade_part(&module.code);
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/snapshots/facade.rs.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, generated).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            snapshot.display()
        )
    });
    if expected != generated {
        let first = expected
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or(
                expected.lines().count().min(generated.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "generated facade differs from {} from line {first}; review and run with UPDATE_SNAPSHOTS=1",
            snapshot.display()
        );
    }
}
