//! One finding per cause: a change inside a shared schema is reported once,
//! at the schema's own location, listing the operations that use it, in
//! every output format; ignore entries by operation suppress one use.

#[path = "../benches/support/shared_schema.rs"]
mod shared_schema;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use paysdk::diff::{self, Direction, Finding, Level, MAX_LISTED_OPERATIONS, Settings};

const BIN: &str = env!("CARGO_BIN_EXE_spec-diff");

fn settings() -> Settings {
    Settings {
        today: "2026-01-01".into(),
        ..Settings::default()
    }
}

fn diff(base: &str, rev: &str) -> Vec<Finding> {
    diff::diff_texts("s.yaml", "base.yaml", base, "rev.yaml", rev, &settings()).expect("diffs")
}

fn schema_findings(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.id != "api-major-version-not-bumped")
        .collect()
}

/// The criterion bench's synthetic case: one schema reached through 500
/// operations, changed in 50 places, gives 50 findings, not 50 × 500 × paths.
#[test]
fn a_schema_reached_through_500_operations_changed_in_50_places_gives_50_findings() {
    let (base, rev) = shared_schema::shared_schema_pair(500, 50);
    let findings = diff(&base, &rev);
    let causes = schema_findings(&findings);
    assert_eq!(causes.len(), 50, "{:#?}", &causes[..causes.len().min(3)]);
    for f in &causes {
        assert!(f.is_grouped());
        assert_eq!(f.operation, None);
        assert!(
            f.location
                .starts_with("components.schemas.Shared.properties.p"),
            "{}",
            f.location
        );
        assert_eq!(f.operations.len(), 500, "{}", f.location);
        assert_eq!(f.level, Level::Err);
        let requests = f
            .operations
            .iter()
            .filter(|u| u.direction == Direction::Request)
            .count();
        assert_eq!(requests, 50, "every tenth operation sends it");
        for u in &f.operations {
            let want = match u.direction {
                Direction::Request => "request-property-type-changed",
                _ => "response-property-type-changed",
            };
            assert_eq!(u.id, want, "{u:?}");
        }
        // The nearest use: through Envelope it is reached at `data` (and
        // `items[]`), and `data` is listed.
        let via_envelope = f
            .operations
            .iter()
            .find(|u| u.operation == "GET /things1/{id}")
            .expect("op 1 uses it");
        assert_eq!(
            via_envelope.location,
            "response[200].body[application/json].data"
        );
        let direct = f
            .operations
            .iter()
            .find(|u| u.operation == "GET /things2/{id}")
            .expect("op 2 uses it");
        assert_eq!(direct.location, "response[200].body[application/json]");
    }
}

#[test]
fn a_change_used_in_requests_and_responses_is_one_finding_at_the_worst_level() {
    let base = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        kind: {type: string, enum: [cat, dog]}
        secret: {type: string, writeOnly: true, enum: [a]}
"#;
    let rev = base
        .replace("[cat, dog]", "[cat, dog, bird]")
        .replace("[a]", "[a, b]");
    let findings = diff(base, &rev);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let kind = findings
        .iter()
        .find(|f| f.location == "components.schemas.Pet.properties.kind")
        .expect("kind");
    // INFO in the request, WARN in the response: the finding is WARN.
    assert_eq!(kind.id, "response-property-enum-value-added");
    assert_eq!(kind.level, Level::Warn);
    let uses: Vec<_> = kind
        .operations
        .iter()
        .map(|u| (u.operation.as_str(), u.direction, u.id, u.level))
        .collect();
    assert_eq!(
        uses,
        [
            (
                "POST /pets",
                Direction::Request,
                "request-property-enum-value-added",
                Level::Info
            ),
            (
                "POST /pets",
                Direction::Response,
                "response-property-enum-value-added",
                Level::Warn
            ),
        ]
    );
    // writeOnly: not part of the response, so only the request use is listed.
    let secret = findings
        .iter()
        .find(|f| f.location == "components.schemas.Pet.properties.secret")
        .expect("secret");
    assert_eq!(secret.id, "request-property-enum-value-added");
    assert_eq!(secret.operations.len(), 1);
}

#[test]
fn inline_changes_stay_per_operation() {
    let base = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: string}}}
  /b:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: string}}}
"#;
    let rev = base.replace("{type: string}", "{type: integer}");
    let findings = schema_findings(&diff(base, &rev))
        .into_iter()
        .map(|f| (f.operation.clone(), f.location.clone(), f.operations.len()))
        .collect::<Vec<_>>();
    let loc = "response[200].body[application/json].n".to_string();
    assert_eq!(
        findings,
        [
            (Some("GET /a".to_string()), loc.clone(), 1),
            (Some("GET /b".to_string()), loc, 1)
        ]
    );
}

#[test]
fn grouped_fingerprints_do_not_depend_on_how_many_operations_use_the_schema() {
    let (base, rev) = shared_schema::shared_schema_pair(20, 2);
    let (base2, rev2) = shared_schema::shared_schema_pair(30, 2);
    let fps = |b: &str, r: &str| {
        let mut v: Vec<(String, String)> = schema_findings(&diff(b, r))
            .iter()
            .map(|f| (f.location.clone(), f.fingerprint.clone()))
            .collect();
        v.sort();
        v
    };
    let a = fps(&base, &rev);
    assert_eq!(a.len(), 2);
    assert_eq!(a, fps(&base2, &rev2));
}

#[test]
fn a_nullable_or_default_change_of_a_component_is_reported_in_the_component() {
    let base = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Amount'}
  /b:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {total: {$ref: '#/components/schemas/Amount'}}}
components:
  schemas:
    Amount: {type: integer}
"#;
    let rev = base.replace(
        "Amount: {type: integer}",
        "Amount: {type: integer, nullable: true}",
    );
    let findings = diff(base, &rev);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.id, "response-property-became-nullable");
    assert_eq!(f.location, "components.schemas.Amount");
    let uses: Vec<_> = f
        .operations
        .iter()
        .map(|u| (u.operation.as_str(), u.location.as_str()))
        .collect();
    assert_eq!(
        uses,
        [
            ("GET /a", "response[200].body[application/json]"),
            ("GET /b", "response[200].body[application/json].total")
        ]
    );
}

// ---- the five formats and the ignore file, through the binary ----

struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "spec-diff-grouping-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("spec-diff runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// 8 operations, 2 changed properties: 2 findings, each affecting 8.
fn small_pair(s: &Scratch) -> (String, String) {
    let (b, r) = shared_schema::shared_schema_pair(8, 2);
    (s.write("base.yaml", &b), s.write("shared.yaml", &r))
}

#[test]
fn text_prints_each_cause_once_with_the_first_few_operations() {
    let s = Scratch::new("text");
    let (b, r) = small_pair(&s);
    let text = out(&run(
        &s.0,
        &["--color", "never", "--fail-on", "NONE", &b, &r],
    ));
    // Both directions are ERR: the finding takes the first operation's rule.
    assert_eq!(
        text.matches("request-property-type-changed").count(),
        2,
        "{text}"
    );
    assert!(
        text.contains(
            "components.schemas.Shared.properties.p0: type changed from string to integer"
        ),
        "{text}"
    );
    assert!(
        text.contains("affects 8 operations: PUT /things0/{id}, GET /things1/{id}, GET /things2/{id}, GET /things3/{id}, GET /things4/{id} and 3 more"),
        "{text}"
    );
}

#[test]
fn json_lists_operations_capped_and_counted() {
    let s = Scratch::new("json");
    let (b, r) = shared_schema::shared_schema_pair(150, 1);
    let (b, r) = (s.write("base.yaml", &b), s.write("shared.yaml", &r));
    let o = run(&s.0, &["-f", "json", "--fail-on", "NONE", &b, &r]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "request-property-type-changed")
        .expect("finding");
    assert_eq!(f["operation"], serde_json::Value::Null);
    assert_eq!(f["location"], "components.schemas.Shared.properties.p0");
    assert_eq!(f["operations_count"], 150);
    assert_eq!(f["operations_truncated"], true);
    let ops = f["operations"].as_array().expect("operations");
    assert_eq!(ops.len(), MAX_LISTED_OPERATIONS);
    assert_eq!(ops[0]["operation"], "PUT /things0/{id}");
    assert_eq!(ops[0]["direction"], "request");
    assert_eq!(ops[0]["id"], "request-property-type-changed");
    assert_eq!(ops[0]["level"], "ERR");
    assert_eq!(ops[0]["location"], "request.body[application/json]");
    assert_eq!(
        ops[1]["location"],
        "response[200].body[application/json].data"
    );
}

#[test]
fn markdown_githubactions_and_junit_report_each_cause_once() {
    let s = Scratch::new("formats");
    let (b, r) = small_pair(&s);
    let md = out(&run(&s.0, &["-f", "markdown", "--fail-on", "NONE", &b, &r]));
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.contains("`request-property-type-changed`"))
        .collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert!(
        rows[0].contains("affects 8 operations: PUT /things0/{id}"),
        "{md}"
    );
    assert!(rows[0].contains("and 3 more"), "{md}");

    let gh = out(&run(
        &s.0,
        &["-f", "githubactions", "--fail-on", "NONE", &b, &r],
    ));
    let notes: Vec<&str> = gh
        .lines()
        .filter(|l| l.contains("request-property-type-changed"))
        .collect();
    assert_eq!(notes.len(), 2, "{gh}");
    // One annotation per cause, on the changed line of the schema.
    let line_of = |prop: &str| {
        let text = std::fs::read_to_string(&r).expect("spec");
        text.lines()
            .position(|l| l.trim_start().starts_with(prop))
            .expect("property line")
            + 1
    };
    assert!(
        notes[0].contains(&format!("file={r},line={},", line_of("p0:"))),
        "{}",
        notes[0]
    );
    assert!(notes[0].contains("affects 8 operations"), "{}", notes[0]);

    let junit = out(&run(&s.0, &["-f", "junit", &b, &r]));
    assert_eq!(
        junit.matches("<testcase").count(),
        3,
        "two causes and the version note: {junit}"
    );
    assert!(
        junit.contains(
            "name=\"request-property-type-changed components.schemas.Shared.properties.p0 (affects 8 operations)\""
        ),
        "{junit}"
    );
    assert!(
        junit.contains(
            "ERR request-property-type-changed PUT /things0/{id} at request.body[application/json]"
        ),
        "{junit}"
    );
}

#[test]
fn an_ignore_entry_for_one_operation_suppresses_that_use_only() {
    let s = Scratch::new("ignore");
    let (b, r) = small_pair(&s);
    let ignore = s.write(
        "ignore.yaml",
        "- id: response-property-type-changed\n  operation: GET /things1/{id}\n  reason: this caller reads it as a string anyway\n- id: request-property-type-changed\n  operation: PUT /things0/{id}\n  reason: the facade converts\n",
    );
    let o = run(
        &s.0,
        &[
            "-f",
            "json",
            "--fail-on",
            "NONE",
            "--ignore",
            &ignore,
            &b,
            &r,
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let findings = v["findings"].as_array().expect("findings");
    let p0 = findings
        .iter()
        .find(|f| f["location"] == "components.schemas.Shared.properties.p0")
        .expect("p0 still reported");
    assert_eq!(p0["operations_count"], 6);
    let ops: Vec<&str> = p0["operations"]
        .as_array()
        .expect("ops")
        .iter()
        .map(|u| u["operation"].as_str().expect("op"))
        .collect();
    assert!(!ops.contains(&"GET /things1/{id}") && !ops.contains(&"PUT /things0/{id}"));
    // Both entries matched (twice each: p0 and p1), so none is unused.
    assert_eq!(v["unused_ignores"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["summary"]["ignored"], 4);
    let ignored = v["ignored"].as_array().expect("ignored");
    assert!(
        ignored
            .iter()
            .all(|i| i["finding"]["operations_count"] == 1)
    );
}

#[test]
fn json_schema_2020_bounds_and_subschemas_are_compared() {
    let base = r#"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                lines:
                  type: array
                  contains: {type: object, properties: {sku: {type: string}}}
                  maxContains: 5
                tags: {type: object, maxProperties: 10}
      responses:
        '204': {description: ok}
"#;
    let rev = base
        .replace("maxContains: 5", "maxContains: 3")
        .replace("maxProperties: 10", "maxProperties: 4")
        .replace("sku: {type: string}", "sku: {type: integer}");
    let got: Vec<(&str, String)> = diff(base, &rev)
        .iter()
        .filter(|f| f.id != "api-major-version-not-bumped")
        .map(|f| (f.id, f.location.clone()))
        .collect();
    let body = "request.body[application/json]";
    assert_eq!(
        got,
        [
            (
                "request-property-constraint-tightened",
                format!("{body}.lines")
            ),
            (
                "request-property-type-changed",
                format!("{body}.lines<contains>.sku")
            ),
            (
                "request-property-constraint-tightened",
                format!("{body}.tags")
            ),
        ]
    );
}
