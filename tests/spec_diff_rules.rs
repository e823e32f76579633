//! Per-rule fixtures, registry completeness, request/response symmetry, and
//! the matching normalisations (no false reports on equivalent specs).

use std::path::{Path, PathBuf};

use paysdk::diff::rules::{self, Mirror};
use paysdk::diff::{self, Direction, Finding, Level, RULES, Settings, load};

use Level::{Err, Info, Warn};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spec-diff");

/// `(rule id, level, location, operations)` expected from
/// `tests/fixtures/spec-diff/<rule id>/{base,revision}.yaml`; operations are
/// `(METHOD /path, location of the use)`. A change inside a component schema
/// is located in the component and lists the operations that use it; an
/// inline change lists its one operation at its own location.
type Case = (
    &'static str,
    Level,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const CASES: &[Case] = &[
    (
        "api-removed-without-deprecation",
        Err,
        "path",
        &[("DELETE /pets/{petId}", "path")],
    ),
    (
        "api-path-removed-without-deprecation",
        Err,
        "path",
        &[("POST /pets", "path")],
    ),
    (
        "api-removed-with-deprecation",
        Warn,
        "path",
        &[("DELETE /pets/{petId}", "path")],
    ),
    (
        "api-removed-before-sunset",
        Err,
        "path",
        &[("DELETE /pets/{petId}", "path")],
    ),
    (
        "api-path-changed",
        Err,
        "path",
        &[("POST /animals", "path")],
    ),
    ("endpoint-added", Info, "path", &[("GET /pets", "path")]),
    (
        "request-path-parameter-renamed",
        Info,
        "request.path.id",
        &[("GET /pets/{id}", "request.path.id")],
    ),
    (
        "api-operation-id-changed",
        Err,
        "operationId",
        &[("GET /pets/{petId}", "operationId")],
    ),
    (
        "api-tag-removed",
        Info,
        "tags.pets",
        &[("GET /pets/{petId}", "tags.pets")],
    ),
    (
        "new-required-request-parameter",
        Err,
        "request.query.owner",
        &[("GET /pets/{petId}", "request.query.owner")],
    ),
    (
        "new-request-path-parameter",
        Err,
        "request.path.ownerId",
        &[("GET /owners/{ownerId}/pets/{petId}", "request.path.ownerId")],
    ),
    (
        "new-optional-request-parameter",
        Warn,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-removed",
        Warn,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-became-required",
        Err,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-became-optional",
        Warn,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-type-changed",
        Err,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-enum-value-removed",
        Err,
        "request.query.sort",
        &[("GET /pets/{petId}", "request.query.sort")],
    ),
    (
        "request-parameter-enum-value-added",
        Info,
        "request.query.sort",
        &[("GET /pets/{petId}", "request.query.sort")],
    ),
    (
        "request-parameter-became-enum",
        Err,
        "request.query.sort",
        &[("GET /pets/{petId}", "request.query.sort")],
    ),
    (
        "request-parameter-default-value-changed",
        Warn,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-constraint-tightened",
        Err,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-constraint-set",
        Warn,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-pattern-changed",
        Warn,
        "request.path.petId",
        &[("GET /pets/{petId}", "request.path.petId")],
    ),
    (
        "request-parameter-became-not-nullable",
        Err,
        "request.query.since",
        &[("GET /pets/{petId}", "request.query.since")],
    ),
    (
        "request-parameter-became-nullable",
        Warn,
        "request.query.since",
        &[("GET /pets/{petId}", "request.query.since")],
    ),
    (
        "request-parameter-serialization-changed",
        Err,
        "request.query.tags",
        &[("GET /pets/{petId}", "request.query.tags")],
    ),
    (
        "request-body-added-required",
        Err,
        "request.body",
        &[("POST /pets", "request.body")],
    ),
    (
        "request-body-added-optional",
        Warn,
        "request.body",
        &[("POST /pets", "request.body")],
    ),
    (
        "request-body-became-required",
        Err,
        "request.body",
        &[("POST /pets", "request.body")],
    ),
    (
        "request-body-removed",
        Err,
        "request.body",
        &[("POST /pets", "request.body")],
    ),
    (
        "request-body-media-type-removed",
        Err,
        "request.body[application/xml]",
        &[("POST /pets", "request.body[application/xml]")],
    ),
    (
        "new-required-request-property",
        Err,
        "components.schemas.NewPet.properties.age",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "new-optional-request-property",
        Info,
        "components.schemas.NewPet.properties.age",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-became-required",
        Err,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-became-optional",
        Warn,
        "components.schemas.NewPet.properties.name",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-removed",
        Warn,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-type-changed",
        Err,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-enum-value-removed",
        Err,
        "components.schemas.NewPet.properties.kind",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-enum-value-added",
        Info,
        "components.schemas.NewPet.properties.kind",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-became-enum",
        Err,
        "components.schemas.NewPet.properties.kind",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-became-not-nullable",
        Err,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-became-nullable",
        Warn,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-one-of-removed",
        Err,
        "components.schemas.NewPet.properties.owner",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-one-of-added",
        Info,
        "components.schemas.NewPet.properties.owner",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-one-of-added",
        Err,
        "components.schemas.Pet.properties.owner",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-one-of-removed",
        Warn,
        "components.schemas.Pet.properties.owner",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-any-of-removed",
        Err,
        "components.schemas.NewPet.properties.owner",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-any-of-added",
        Info,
        "components.schemas.NewPet.properties.owner",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-any-of-added",
        Err,
        "components.schemas.Pet.properties.owner",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-any-of-removed",
        Warn,
        "components.schemas.Pet.properties.owner",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-all-of-added",
        Err,
        "components.schemas.NewPet",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-all-of-removed",
        Warn,
        "components.schemas.NewPet",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-all-of-added",
        Warn,
        "components.schemas.Pet",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-all-of-removed",
        Warn,
        "components.schemas.Pet",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-body-wrapped-in-one-of",
        Err,
        "request.body[application/json]",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-body-wrapped-in-one-of",
        Err,
        "response[200].body[application/json]",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-discriminator-changed",
        Err,
        "components.schemas.NewPet",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-discriminator-changed",
        Err,
        "components.schemas.Pet",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-constraint-tightened",
        Err,
        "components.schemas.NewPet.properties.name",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-constraint-set",
        Warn,
        "components.schemas.NewPet.properties.name",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-pattern-changed",
        Warn,
        "components.schemas.NewPet.properties.name",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-became-read-only",
        Warn,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-additional-properties-closed",
        Warn,
        "components.schemas.NewPet",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-default-value-changed",
        Warn,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-success-status-removed",
        Err,
        "response[200]",
        &[("GET /pets/{petId}", "response[200]")],
    ),
    (
        "response-non-success-status-removed",
        Warn,
        "response[404]",
        &[("GET /pets/{petId}", "response[404]")],
    ),
    (
        "response-success-status-added",
        Warn,
        "response[202]",
        &[("GET /pets/{petId}", "response[202]")],
    ),
    (
        "response-non-success-status-added",
        Info,
        "response[404]",
        &[("GET /pets/{petId}", "response[404]")],
    ),
    (
        "response-media-type-removed",
        Err,
        "response[200].body[application/xml]",
        &[("GET /pets/{petId}", "response[200].body[application/xml]")],
    ),
    (
        "response-required-property-removed",
        Err,
        "components.schemas.Pet.properties.name",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-optional-property-removed",
        Warn,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-became-optional",
        Err,
        "components.schemas.Pet.properties.name",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-became-required",
        Warn,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-became-nullable",
        Err,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-became-not-nullable",
        Warn,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-type-changed",
        Err,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-id-became-numeric",
        Warn,
        "components.schemas.Pet.properties.id",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-enum-value-added",
        Warn,
        "components.schemas.Pet.properties.status",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-enum-value-removed",
        Warn,
        "components.schemas.Pet.properties.status",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-became-enum",
        Warn,
        "components.schemas.Pet.properties.status",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-required-property-added",
        Info,
        "components.schemas.Pet.properties.age",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-optional-property-added",
        Info,
        "components.schemas.Pet.properties.age",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-required-header-removed",
        Warn,
        "response[200].header.x-rate-limit",
        &[("GET /pets/{petId}", "response[200].header.x-rate-limit")],
    ),
    (
        "response-optional-header-removed",
        Info,
        "response[200].header.x-rate-limit",
        &[("GET /pets/{petId}", "response[200].header.x-rate-limit")],
    ),
    (
        "response-header-became-optional",
        Warn,
        "response[200].header.x-rate-limit",
        &[("GET /pets/{petId}", "response[200].header.x-rate-limit")],
    ),
    (
        "response-header-type-changed",
        Warn,
        "response[200].header.x-rate-limit",
        &[("GET /pets/{petId}", "response[200].header.x-rate-limit")],
    ),
    (
        "response-property-constraint-loosened",
        Warn,
        "components.schemas.Pet.properties.name",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-pattern-changed",
        Info,
        "components.schemas.Pet.properties.name",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-became-write-only",
        Warn,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-additional-properties-opened",
        Err,
        "components.schemas.Pet",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "api-security-added",
        Err,
        "security",
        &[("GET /pets/{petId}", "security")],
    ),
    (
        "api-security-scheme-changed",
        Err,
        "components.securitySchemes.apiKey",
        &[],
    ),
    ("api-schema-removed", Warn, "components.schemas.Legacy", &[]),
    ("api-schema-renamed", Warn, "components.schemas.Legacy", &[]),
    ("api-server-url-changed", Warn, "servers", &[]),
    ("webhook-removed", Warn, "webhooks.petAdopted", &[]),
    (
        "api-stability-decreased",
        Err,
        "x-stability-level",
        &[("GET /pets/{petId}", "x-stability-level")],
    ),
    (
        "api-sunset-date-changed-too-small",
        Err,
        "x-sunset",
        &[("GET /pets/{petId}", "x-sunset")],
    ),
    (
        "sunset-deleted",
        Err,
        "x-sunset",
        &[("GET /pets/{petId}", "x-sunset")],
    ),
    ("api-major-version-not-bumped", Info, "info.version", &[]),
    (
        "request-property-keyword-constraint-added",
        Err,
        "components.schemas.NewPet",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "request-property-keyword-constraint-changed",
        Warn,
        "components.schemas.NewPet",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-keyword-constraint-removed",
        Warn,
        "components.schemas.Pet",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "response-property-keyword-constraint-changed",
        Info,
        "components.schemas.Pet",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-const-changed",
        Err,
        "components.schemas.NewPet.properties.kind",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-const-changed",
        Warn,
        "components.schemas.Pet.properties.kind",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-content-changed",
        Err,
        "components.schemas.NewPet.properties.photo",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-content-changed",
        Err,
        "components.schemas.Pet.properties.photo",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-body-media-type-schema-added",
        Warn,
        "request.body[application/octet-stream]",
        &[("POST /pets", "request.body[application/octet-stream]")],
    ),
    (
        "response-media-type-schema-added",
        Warn,
        "response[200].body[text/plain]",
        &[("GET /pets/{petId}", "response[200].body[text/plain]")],
    ),
    (
        "request-parameter-deprecated",
        Info,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-removed-before-sunset",
        Err,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-property-deprecated",
        Info,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-deprecated",
        Info,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "api-unstable-removed",
        Warn,
        "path",
        &[("DELETE /pets/{petId}", "path")],
    ),
    (
        "request-parameter-reactivated",
        Info,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-sunset-date-changed-too-small",
        Err,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-parameter-sunset-deleted",
        Err,
        "request.query.limit",
        &[("GET /pets/{petId}", "request.query.limit")],
    ),
    (
        "request-property-removed-before-sunset",
        Err,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-removed-before-sunset",
        Err,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-stability-decreased",
        Err,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-stability-decreased",
        Err,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "request-property-reactivated",
        Info,
        "components.schemas.NewPet.properties.tag",
        &[("POST /pets", "request.body[application/json]")],
    ),
    (
        "response-property-reactivated",
        Info,
        "components.schemas.Pet.properties.tag",
        &[("GET /pets/{petId}", "response[200].body[application/json]")],
    ),
    (
        "api-remote-ref-not-followed",
        Info,
        "components.schemas.Pet.properties.owner",
        &[],
    ),
];

/// Other findings a fixture legitimately triggers (besides the info.version
/// note that accompanies every ERR).
const ALSO: &[(&str, &[&str])] = &[
    ("new-request-path-parameter", &["api-path-changed"]),
    (
        "api-major-version-not-bumped",
        &["api-operation-id-changed"],
    ),
    (
        "response-success-status-removed",
        &["response-success-status-added"],
    ),
    // allOf members are flattened, so their properties show up too.
    (
        "request-property-all-of-added",
        &["new-optional-request-property"],
    ),
    (
        "request-property-all-of-removed",
        &["request-property-removed"],
    ),
    (
        "response-property-all-of-added",
        &["response-optional-property-added"],
    ),
    (
        "response-property-all-of-removed",
        &["response-optional-property-removed"],
    ),
];

/// Directory-mode rules: the fixture holds only the side that exists.
const PRESENCE: &[(&str, Level, &str)] = &[
    ("spec-removed", Err, "base.yaml"),
    ("spec-added", Info, "revision.yaml"),
];

fn settings() -> Settings {
    Settings {
        today: "2026-01-01".into(),
        ..Settings::default()
    }
}

fn fixture(dir: &str, file: &str) -> PathBuf {
    Path::new(FIXTURES).join(dir).join(file)
}

fn diff_files(base: &Path, rev: &Path) -> Vec<Finding> {
    diff_files_with(base, rev, &settings())
}

fn diff_files_with(base: &Path, rev: &Path, settings: &Settings) -> Vec<Finding> {
    let b = load::load(&load::Input::File(base.to_path_buf())).expect("base fixture parses");
    let r = load::load(&load::Input::File(rev.to_path_buf())).expect("revision fixture parses");
    diff::diff_docs("fixture.yaml", &b, &r, settings).expect("fixture diffs")
}

fn diff_case(id: &str) -> Vec<Finding> {
    diff_files(&fixture(id, "base.yaml"), &fixture(id, "revision.yaml"))
}

fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("\n  {} {} {}", f.level, f.id, f.message))
        .collect()
}

#[test]
fn each_rule_reports_its_fixture_with_exact_id_level_operation_and_location() {
    let mut problems = Vec::new();
    for &(id, level, loc, ops) in CASES {
        let findings = diff_case(id);
        let hits: Vec<&Finding> = findings.iter().filter(|f| f.id == id).collect();
        match hits.as_slice() {
            [f] => {
                // Inline changes belong to their one operation; shared ones to none.
                let grouped = loc.starts_with("components.") && !ops.is_empty();
                let op = if grouped {
                    None
                } else {
                    ops.first().map(|o| o.0)
                };
                if f.level != level || f.operation.as_deref() != op || f.location != loc {
                    problems.push(format!(
                        "{id}: got {} {:?} {:?}, want {level} {op:?} {loc:?}",
                        f.level, f.operation, f.location
                    ));
                }
                let got: Vec<(&str, &str)> = f
                    .operations
                    .iter()
                    .map(|u| (u.operation.as_str(), u.location.as_str()))
                    .collect();
                if got != ops {
                    problems.push(format!("{id}: operations {got:?}, want {ops:?}"));
                }
                if f.operations.iter().any(|u| u.id != id || u.level != level) {
                    problems.push(format!("{id}: a use has another rule or level"));
                }
                if f.source.is_none() {
                    problems.push(format!("{id}: no source location"));
                }
                if !f.message.contains(loc) || op.is_some_and(|o| !f.message.contains(o)) {
                    problems.push(format!(
                        "{id}: message does not name operation and location: {}",
                        f.message
                    ));
                }
            }
            _ => problems.push(format!(
                "{id}: expected exactly one finding, got:{}",
                show(&findings)
            )),
        }
        // Anything else a fixture triggers must be a known consequence.
        let also = ALSO.iter().find(|a| a.0 == id).map_or(&[][..], |a| a.1);
        for f in findings.iter().filter(|f| f.id != id) {
            if f.id != "api-major-version-not-bumped" && !also.contains(&f.id) {
                problems.push(format!(
                    "{id}: unexpected extra finding {} {}",
                    f.id, f.message
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn presence_rules_report_their_fixture() {
    for &(id, level, side) in PRESENCE {
        let path = fixture(id, side);
        assert!(path.is_file(), "{id}: missing {}", path.display());
        let doc = load::load(&load::Input::File(path.clone())).expect("fixture parses");
        diff::model::Spec::build(&doc).expect("fixture is a valid spec");
        let name = path.display().to_string();
        let (b, r) = if side == "base.yaml" {
            (Some(name.as_str()), None)
        } else {
            (None, Some(name.as_str()))
        };
        let findings = diff::diff_presence("fixture.yaml", b, r, &settings());
        assert_eq!(findings.len(), 1, "{id}:{}", show(&findings));
        assert_eq!((findings[0].id, findings[0].level), (id, level));
        assert_eq!(findings[0].location, "fixture.yaml");
        assert_eq!(findings[0].operation, None);
    }
}

#[test]
fn level_overrides_replace_a_rules_default_and_the_last_one_wins() {
    let mut levels = diff::LevelOverrides::default();
    for arg in [
        "api-operation-id-changed=info",
        " api-operation-id-changed = WARN ",
        "spec-added=ERR",
    ] {
        let (rule, level) = diff::LevelOverrides::parse_setting(arg).expect("valid setting");
        levels.set(rule, level);
    }
    let settings = Settings {
        levels,
        ..settings()
    };

    let findings = diff_files_with(
        &fixture("api-operation-id-changed", "base.yaml"),
        &fixture("api-operation-id-changed", "revision.yaml"),
        &settings,
    );
    // With no ERR left, the major-version rule (which fires on ERR findings) stays quiet.
    let got: Vec<_> = findings.iter().map(|f| (f.id, f.level)).collect();
    assert_eq!(
        got,
        [("api-operation-id-changed", Warn)],
        "{}",
        show(&findings)
    );

    let added = diff::diff_presence("fixture.yaml", None, Some("new.yaml"), &settings);
    assert_eq!(
        added[0].level, Err,
        "directory-mode findings take overrides too"
    );

    let error = |arg: &str| diff::LevelOverrides::parse_setting(arg).unwrap_err();
    let unknown = error("no-such-rule=ERR");
    assert!(
        unknown.contains("unknown rule id \"no-such-rule\""),
        "{unknown}"
    );
    let bad_level = error("spec-added=FATAL");
    assert!(bad_level.contains("unknown level \"FATAL\""), "{bad_level}");
    let no_level = error("spec-added");
    assert!(no_level.contains("expected RULE=LEVEL"), "{no_level}");
}

#[test]
fn every_registered_rule_has_a_fixture_and_an_expectation() {
    for rule in RULES {
        let expected =
            CASES.iter().any(|c| c.0 == rule.id) || PRESENCE.iter().any(|c| c.0 == rule.id);
        assert!(
            expected,
            "rule {} has no expectation in tests/spec_diff_rules.rs",
            rule.id
        );
        let dir = Path::new(FIXTURES).join(rule.id);
        assert!(
            dir.is_dir(),
            "rule {} has no fixture directory {}",
            rule.id,
            dir.display()
        );
    }
    for id in CASES
        .iter()
        .map(|c| c.0)
        .chain(PRESENCE.iter().map(|c| c.0))
    {
        assert!(
            rules::rule(id).is_some(),
            "expectation for unknown rule {id}"
        );
    }
}

#[test]
fn rule_ids_are_unique_and_well_formed() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate rule ids");
    for r in RULES {
        assert!(
            r.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.id
        );
        assert!(r.row <= 61, "{}: catalogue has 61 rows", r.id);
        assert!(
            !r.title.is_empty() && !r.why.is_empty(),
            "{}: undocumented",
            r.id
        );
    }
}

#[test]
fn every_catalogue_row_is_covered() {
    for row in 1..=61u8 {
        assert!(
            RULES.iter().any(|r| r.row == row),
            "catalogue row {row} has no rule"
        );
    }
}

/// In the spirit of oasdiff's rule_symmetry_test: a request rule needs its
/// response mirror (and vice versa), or a written reason why there is none.
#[test]
fn request_and_response_rules_are_symmetric_or_waived() {
    for r in RULES {
        match (r.direction, r.mirror) {
            (Direction::None, Mirror::NotApplicable) => {}
            (Direction::None, m) => panic!("{}: operation-level rule with mirror {m:?}", r.id),
            (_, Mirror::NotApplicable) => {
                panic!("{}: directional rule needs a mirror or a waiver", r.id)
            }
            (_, Mirror::Waived(why)) => {
                assert!(why.len() > 15, "{}: waiver needs a real reason", r.id)
            }
            (dir, Mirror::Rule(m)) => {
                let other =
                    rules::rule(m).unwrap_or_else(|| panic!("{}: mirror {m} does not exist", r.id));
                let want = if dir == Direction::Request {
                    Direction::Response
                } else {
                    Direction::Request
                };
                assert_eq!(
                    other.direction, want,
                    "{}: mirror {m} has the same direction",
                    r.id
                );
                assert_eq!(
                    other.mirror,
                    Mirror::Rule(r.id),
                    "{}: mirror {m} does not point back",
                    r.id
                );
            }
        }
    }
}

#[test]
fn documentation_lists_every_rule() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/spec-diff.md"))
        .expect("docs/spec-diff.md exists");
    for r in RULES {
        assert!(
            doc.contains(&format!("`{}`", r.id)),
            "docs/spec-diff.md does not list {}",
            r.id
        );
    }
}

// ---- matching: equivalent specs report nothing ----

fn realistic(file: &str) -> PathBuf {
    Path::new(FIXTURES).join("_realistic").join(file)
}

#[test]
fn a_spec_diffed_against_itself_reports_nothing() {
    for f in ["base.yaml", "base.json", "openapi31.yaml"] {
        let findings = diff_files(&realistic(f), &realistic(f));
        assert!(findings.is_empty(), "{f}:{}", show(&findings));
    }
    for &(id, ..) in CASES {
        for side in ["base.yaml", "revision.yaml"] {
            let p = fixture(id, side);
            let mut findings = diff_files(&p, &p);
            // A remote $ref is noted whether or not anything changed.
            findings.retain(|f| f.id != "api-remote-ref-not-followed");
            assert!(findings.is_empty(), "{id}/{side}:{}", show(&findings));
        }
    }
}

#[test]
fn reordered_keys_report_nothing() {
    let findings = diff_files(&realistic("base.yaml"), &realistic("reordered.yaml"));
    assert!(findings.is_empty(), "{}", show(&findings));
}

#[test]
fn yaml_and_json_of_the_same_spec_report_nothing() {
    let findings = diff_files(&realistic("base.yaml"), &realistic("base.json"));
    assert!(findings.is_empty(), "{}", show(&findings));
}

#[test]
fn inline_to_ref_path_level_params_and_header_case_report_nothing() {
    let findings = diff_files(&realistic("base.yaml"), &realistic("refactored.yaml"));
    assert!(findings.is_empty(), "{}", show(&findings));
}

#[test]
fn ref_back_to_inline_only_reports_the_lost_component_types() {
    // progenitor generates a named type per component schema, so inlining one
    // removes a public type: that (and nothing else) is reported.
    let findings = diff_files(&realistic("refactored.yaml"), &realistic("base.yaml"));
    let ids: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.id, f.location.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("api-schema-removed", "components.schemas.Institution"),
            ("api-schema-removed", "components.schemas.Status"),
        ],
        "{}",
        show(&findings)
    );
}

#[test]
fn nullable_spellings_of_3_0_and_3_1_are_equivalent() {
    for f in ["openapi31.yaml", "openapi31-oneof.yaml"] {
        for (a, b) in [("base.yaml", f), (f, "base.yaml")] {
            let findings = diff_files(&realistic(a), &realistic(b));
            assert!(findings.is_empty(), "{a} → {b}:{}", show(&findings));
        }
    }
}

#[test]
fn a_path_parameter_rename_is_only_an_info() {
    let findings = diff_case("request-path-parameter-renamed");
    assert!(
        findings.iter().all(|f| f.level == Info),
        "{}",
        show(&findings)
    );
}

#[test]
fn a_real_change_in_the_refactored_spec_is_still_found() {
    // The refactored copy moved `institution` to components: a change there
    // is reported once, in the component, naming the operation that uses it
    // and where.
    let base = std::fs::read_to_string(realistic("base.yaml")).expect("fixture");
    let rev = std::fs::read_to_string(realistic("refactored.yaml"))
        .expect("fixture")
        .replace(
            "required:\n      - countries\n",
            "required:\n      - countries\n      - displayName\n",
        );
    assert!(rev.contains("- displayName"), "fixture layout changed");
    let findings =
        diff::diff_texts("x.yaml", "base", &base, "rev", &rev, &settings()).expect("diffs");
    let f = findings
        .iter()
        .find(|f| f.id == "response-property-became-required")
        .unwrap_or_else(|| panic!("not found:{}", show(&findings)));
    assert_eq!(
        f.location,
        "components.schemas.Institution.properties.displayName"
    );
    assert_eq!(f.operation, None);
    let uses: Vec<(&str, &str)> = f
        .operations
        .iter()
        .map(|u| (u.operation.as_str(), u.location.as_str()))
        .collect();
    assert!(
        uses.contains(&(
            "POST /v1/linked_accounts/{linked_account_id}/unlink",
            "response[200].body[application/json].institution"
        )),
        "{uses:?}"
    );
}

// ---- circular and deep references ----

const CYCLIC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /nodes:
    get:
      operationId: listNodes
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      type: object
      required: [id]
      properties:
        id: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {$ref: '#/components/schemas/Edge'}
    Edge:
      type: object
      properties:
        from: {$ref: '#/components/schemas/Node'}
        to: {$ref: '#/components/schemas/Node'}
        weight: {type: integer}
"#;

#[test]
fn circular_refs_terminate_and_still_report_changes() {
    let same = diff::diff_texts("c.yaml", "b", CYCLIC, "r", CYCLIC, &settings()).expect("diffs");
    assert!(same.is_empty(), "{}", show(&same));
    let rev = CYCLIC.replace("weight: {type: integer}", "weight: {type: string}");
    let findings = diff::diff_texts("c.yaml", "b", CYCLIC, "r", &rev, &settings()).expect("diffs");
    let f = findings
        .iter()
        .find(|f| f.id == "response-property-type-changed")
        .unwrap_or_else(|| panic!("{}", show(&findings)));
    assert_eq!(f.location, "components.schemas.Edge.properties.weight");
    let uses: Vec<(&str, &str)> = f
        .operations
        .iter()
        .map(|u| (u.operation.as_str(), u.location.as_str()))
        .collect();
    assert_eq!(
        uses,
        [("GET /nodes", "response[200].body[application/json].parent")]
    );
}

#[test]
fn self_referencing_ref_and_long_ref_chains_do_not_overflow() {
    let mut spec = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\ncomponents:\n  schemas:\n    Loop: {$ref: '#/components/schemas/Loop'}\n",
    );
    for i in 0..2000 {
        spec.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        next: {{$ref: '#/components/schemas/S{}'}}\n        loop: {{$ref: '#/components/schemas/Loop'}}\n",
            i + 1
        ));
    }
    spec.push_str("    S2000: {type: string}\n");
    let rev = spec.replace("S2000: {type: string}", "S2000: {type: integer}");
    let findings = diff::diff_texts("d.yaml", "b", &spec, "r", &rev, &settings()).expect("diffs");
    // The change is deeper than the comparison depth limit: no crash is the point.
    assert!(findings.iter().all(|f| f.level <= Err));
}

#[test]
fn yaml_alias_fan_out_is_shared_not_copied() {
    let mut spec = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a0: &a0 [1, 2]\n",
    );
    for i in 1..40 {
        spec.push_str(&format!("x-a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
    }
    let doc = load::parse("bomb.yaml", &spec).expect("parses without expanding aliases");
    assert!(diff::model::Spec::build(&doc).is_ok());
}

/// Found by the `spec_diff` fuzz target: `application/json` and `application/json;
/// charset=utf-8` of one response, matched by position, differed from themselves.
#[test]
fn media_types_equal_once_normalized_match_in_any_order() {
    let found = |f: &str| Path::new(FIXTURES).join("_found").join(f);
    let (one, other) = (
        found("equivalent-media-types.json"),
        found("equivalent-media-types-reordered.json"),
    );
    for (base, rev) in [
        (&one, &one),
        (&other, &other),
        (&one, &other),
        (&other, &one),
    ] {
        let findings = diff_files(base, rev);
        assert!(findings.is_empty(), "{}", show(&findings));
    }
}
