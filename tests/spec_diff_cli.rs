//! The `spec-diff` binary: exit codes, formats, git inputs, directory mode,
//! ignore file and semver gate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_spec-diff");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spec-diff");

fn fixture(case: &str, side: &str) -> String {
    format!("{FIXTURES}/{case}/{side}.yaml")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("spec-diff runs")
}

fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

/// A fresh scratch directory (removed on drop).
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "spec-diff-test-{}-{tag}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn commit_all(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(p: &str) -> String {
    std::fs::read_to_string(p).expect("fixture")
}

// ---- exit codes ----

#[test]
fn identical_specs_exit_0() {
    let f = fixture("_realistic", "base");
    let o = run(&[&f, &f]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("no changes found"), "{}", stdout(&o));
}

#[test]
fn an_err_finding_exits_1_and_names_rule_operation_and_location() {
    let o = run(&[
        &fixture("api-operation-id-changed", "base"),
        &fixture("api-operation-id-changed", "revision"),
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("ERR   api-operation-id-changed  GET /pets/{petId}: operationId:"),
        "{out}"
    );
    assert!(
        out.contains("revision.yaml:"),
        "source location missing: {out}"
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    let (b, r) = (
        fixture("request-parameter-removed", "base"),
        fixture("request-parameter-removed", "revision"),
    );
    assert_eq!(
        code(&run(&[&b, &r])),
        0,
        "WARN does not reach the default ERR"
    );
    assert_eq!(code(&run(&["--fail-on", "WARN", &b, &r])), 1);
    assert_eq!(code(&run(&["--fail-on", "warn", &b, &r])), 1);
    let (b, r) = (
        fixture("api-operation-id-changed", "base"),
        fixture("api-operation-id-changed", "revision"),
    );
    assert_eq!(code(&run(&["--fail-on", "NONE", &b, &r])), 0);
}

#[test]
fn level_sets_a_rules_level_for_the_report_and_the_exit_code() {
    let (b, r) = (
        fixture("api-operation-id-changed", "base"),
        fixture("api-operation-id-changed", "revision"),
    );
    let o = run(&["--level", "api-operation-id-changed=WARN", &b, &r]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("WARN  api-operation-id-changed"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "--format",
        "json",
        "--level",
        "api-operation-id-changed=info",
        &b,
        &r,
    ]);
    assert!(stdout(&o).contains(r#""level": "INFO""#), "{}", stdout(&o));

    let (b, r) = (
        fixture("request-parameter-removed", "base"),
        fixture("request-parameter-removed", "revision"),
    );
    let o = run(&["--level", "request-parameter-removed=ERR", &b, &r]);
    assert_eq!(
        code(&o),
        1,
        "a WARN rule raised to ERR fails the default gate"
    );
    assert!(
        stdout(&o).contains("ERR   request-parameter-removed"),
        "{}",
        stdout(&o)
    );

    for (bad, says) in [
        ("no-such-rule=ERR", "unknown rule id \"no-such-rule\""),
        ("request-parameter-removed=FATAL", "unknown level \"FATAL\""),
        ("request-parameter-removed", "expected RULE=LEVEL"),
    ] {
        let o = run(&["--level", bad, &b, &r]);
        assert_eq!(code(&o), 2, "{bad}");
        assert!(stderr(&o).contains(says), "{bad}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("--level <RULE=LEVEL>"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn invalid_yaml_exits_2_naming_file_line_and_column() {
    let s = Scratch::new("badyaml");
    let bad = s.write(
        "bad.yaml",
        "openapi: 3.0.3\ninfo:\n  title: x\n   version: 1\npaths: {}\n",
    );
    let good = fixture("_realistic", "base");
    let o = run(&[&good, bad.to_str().expect("utf-8 path")]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:4:", bad.display())), "{err}");
}

#[test]
fn invalid_spec_exits_2_with_position() {
    let s = Scratch::new("badspec");
    let swagger = s.write(
        "swagger.yaml",
        "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n",
    );
    let dangling = s.write(
        "dangling.yaml",
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/missing'\n      responses: {}\n",
    );
    let good = fixture("_realistic", "base");
    let o = run(&[&good, swagger.to_str().expect("utf-8")]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("swagger.yaml:1:1: Swagger 2.0"),
        "{}",
        stderr(&o)
    );
    let o = run(&[dangling.to_str().expect("utf-8"), &good]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("dangling.yaml:7:11: unresolved $ref"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_dangling_schema_ref_in_either_spec_exits_2_with_its_position() {
    let s = Scratch::new("dangling-schema");
    let spec = |target: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: x, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{target}'}}\n              example: {{$ref: '#/not/a/reference'}}\ncomponents:\n  schemas:\n    Card: {{type: object}}\n"
        )
    };
    let good = s.write("good.yaml", &spec("Card"));
    let bad = s.write("bad.yaml", &spec("Crad"));
    let (good, bad) = (good.to_str().expect("utf-8"), bad.to_str().expect("utf-8"));
    // `$ref` inside an example is data, not a reference.
    assert_eq!(code(&run(&[good, good])), 0);
    for args in [[good, bad], [bad, good]] {
        let o = run(&args);
        assert_eq!(code(&o), 2, "{}", stdout(&o));
        assert!(
            stderr(&o).contains("bad.yaml:11:24: unresolved $ref \"#/components/schemas/Crad\""),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn multi_file_specs_follow_relative_refs_as_folders_files_and_git_revisions() {
    let s = Scratch::new("multifile");
    let src = Path::new(FIXTURES).join("../folder-spec/specs/acme-folder");
    let copy = |side: &str| {
        for rel in [
            "openapi.yaml",
            "common.yaml",
            "paths/widgets.yaml",
            "schemas/order.json",
            "schemas/widget.yaml",
        ] {
            let text = std::fs::read_to_string(src.join(rel)).expect("fixture");
            let text = if side == "rev" && rel == "schemas/widget.yaml" {
                assert!(text.contains("id: {type: string}"), "fixture changed");
                text.replace("id: {type: string}", "id: {type: boolean}")
            } else {
                text
            };
            s.write(&format!("{side}/{rel}"), &text);
        }
    };
    copy("base");
    copy("rev");
    let want = "ERR   response-property-type-changed  components.schemas.widget.properties.id: type changed from string to boolean";
    for (b, r) in [("base", "rev"), ("base/openapi.yaml", "rev/openapi.yaml")] {
        let o = run_in(&s.0, &["--color", "never", b, r]);
        assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains(want), "{}", stdout(&o));
        assert!(
            stdout(&o).contains("affects 2 operations"),
            "{}",
            stdout(&o)
        );
    }
    s.git(&["init", "-q"]);
    s.commit_all("base");
    let o = run_in(&s.0, &["--color", "never", "HEAD:base", "rev"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(want), "{}", stdout(&o));
    // --base REV FOLDER: the folder at REV against the working tree's.
    let changed = std::fs::read_to_string(s.0.join("rev/schemas/widget.yaml")).expect("rev");
    s.write("base/schemas/widget.yaml", &changed);
    let o = run_in(&s.0, &["--color", "never", "--base", "HEAD", "base"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(want), "{}", stdout(&o));
    // A remote reference in a multi-file spec is reported, not followed, not an error.
    let widget = std::fs::read_to_string(s.0.join("rev/schemas/widget.yaml")).expect("rev");
    assert!(widget.contains("properties:\n"), "fixture changed");
    let widget = widget.replacen(
        "properties:\n",
        "properties:\n  maker: {$ref: 'https://schemas.example.com/maker.yaml'}\n",
        1,
    );
    s.write("rev/schemas/widget.yaml", &widget);
    let o = run_in(&s.0, &["--color", "never", "-f", "json", "base", "rev"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let remote: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "api-remote-ref-not-followed")
        .collect();
    assert_eq!(remote.len(), 1, "{}", stdout(&o));
    assert!(
        remote[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("https://schemas.example.com/maker.yaml")),
        "{}",
        remote[0]
    );
}

#[test]
fn a_remote_ref_is_reported_once_per_url_and_not_followed() {
    let s = Scratch::new("remote");
    // The same URL twice (a schema and a parameter), another one in a response,
    // and one inside an example (data: never reported).
    let spec = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: 'https://example.com/common.yaml#/P'\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'https://example.com/common.yaml#/P'}\n              example: {$ref: 'https://example.com/example-only.yaml'}\n        '404': {$ref: 'https://example.com/errors.yaml#/NotFound'}\n";
    let path = s.write("remote.yaml", spec);
    let path = path.to_str().expect("utf-8");
    let o = run_in(&s.0, &["-f", "json", path, path]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let found: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            assert_eq!(f["id"], "api-remote-ref-not-followed", "{f}");
            assert_eq!(f["level"], "INFO", "{f}");
            (
                f["location"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
                f["source"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|(loc, m, line)| loc == "paths./a.get.parameters.0"
                && m.contains("common.yaml#/P")
                && *line == 7)
    );
    assert!(
        found
            .iter()
            .any(|(loc, m, line)| loc == "paths./a.get.responses.404"
                && m.contains("errors.yaml#/NotFound")
                && *line == 15)
    );
    assert!(!stdout(&o).contains("example-only"), "{}", stdout(&o));
}

#[test]
fn unreadable_file_and_bad_usage_exit_2() {
    let good = fixture("_realistic", "base");
    let o = run(&[&good, "/nonexistent/spec.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("/nonexistent/spec.yaml"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&run(&[])), 2, "no inputs");
    assert_eq!(code(&run(&[&good])), 2, "one input without --base");
    assert_eq!(
        code(&run(&["--format", "yaml", &good, &good])),
        2,
        "unknown format"
    );
    assert_eq!(code(&run(&["--bogus", &good, &good])), 2, "unknown flag");
    // Every bad argument comes with a usage line.
    for args in [
        vec![good.as_str()],
        vec!["--format", "yaml", &good, &good],
        vec!["--fail-on", "BOGUS", &good, &good],
        vec!["--bogus", &good, &good],
    ] {
        let o = run(&args);
        assert!(
            stderr(&o).contains("Usage: spec-diff"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0, "--help is not an error");
    assert!(
        stdout(&o).contains("--level <RULE=LEVEL>"),
        "{}",
        stdout(&o)
    );
}

// ---- formats ----

#[test]
fn json_has_fingerprints_sources_and_summary() {
    let (b, r) = (
        fixture("response-property-enum-value-added", "base"),
        fixture("response-property-enum-value-added", "revision"),
    );
    let o = run(&["--format", "json", &b, &r]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let f = &v["findings"][0];
    assert_eq!(f["id"], "response-property-enum-value-added");
    assert_eq!(f["level"], "WARN");
    assert_eq!(f["direction"], "response");
    // The enum lives in a component: reported there, with the operation using it.
    assert_eq!(f["operation"], serde_json::Value::Null);
    assert_eq!(f["location"], "components.schemas.Pet.properties.status");
    assert_eq!(f["operations_count"], 1);
    assert_eq!(f["operations"][0]["operation"], "GET /pets/{petId}");
    assert_eq!(
        f["operations"][0]["location"],
        "response[200].body[application/json]"
    );
    let fp = f["fingerprint"].as_str().expect("fingerprint");
    assert!(
        fp.len() == 12 && fp.chars().all(|c| c.is_ascii_hexdigit()),
        "{fp}"
    );
    assert!(f["source"]["line"].as_u64().expect("line") > 0);
    assert!(
        f["source"]["file"]
            .as_str()
            .expect("file")
            .ends_with("revision.yaml")
    );
    assert_eq!(v["summary"]["warn"], 1);
    assert_eq!(v["failed"], false);
    // Stable across runs and independent of where the file lives.
    let copy = Scratch::new("fp");
    let moved = copy.write("revision.yaml", &read(&r));
    let o2 = run(&["--format", "json", &b, moved.to_str().expect("utf-8")]);
    let v2: serde_json::Value = serde_json::from_slice(&o2.stdout).expect("valid JSON");
    assert_eq!(v2["findings"][0]["fingerprint"], f["fingerprint"]);
}

#[test]
fn markdown_githubactions_and_junit() {
    let (b, r) = (
        fixture("api-operation-id-changed", "base"),
        fixture("api-operation-id-changed", "revision"),
    );
    let md = stdout(&run(&["-f", "markdown", &b, &r]));
    assert!(
        md.contains("| level | rule | spec | operation | location | message |"),
        "{md}"
    );
    assert!(md.contains("| ERR | `api-operation-id-changed` |"), "{md}");
    let gh = stdout(&run(&["-f", "githubactions", &b, &r]));
    let line = gh
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("{gh}"));
    assert!(line.contains(&format!("file={r},line=")), "{line}");
    assert!(
        line.contains("title=api-operation-id-changed (ERR)::GET /pets/{petId}%3A")
            || line.contains("::GET /pets/{petId}: operationId"),
        "{line}"
    );
    let xml = stdout(&run(&["-f", "junit", &b, &r]));
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuites name=\"spec-diff\" tests=\"2\" failures=\"1\">"),
        "{xml}"
    );
    assert!(xml.contains("<failure type=\"ERR\""), "{xml}");
}

#[test]
fn colour_only_on_request_or_terminal() {
    let (b, r) = (
        fixture("api-operation-id-changed", "base"),
        fixture("api-operation-id-changed", "revision"),
    );
    assert!(
        !stdout(&run(&[&b, &r])).contains('\x1b'),
        "piped output is plain"
    );
    assert!(stdout(&run(&["--color", "always", &b, &r])).contains("\x1b["));
}

// ---- git inputs ----

fn git_repo(tag: &str) -> Scratch {
    let s = Scratch::new(tag);
    s.git(&["init", "-q"]);
    s
}

#[test]
fn git_revision_inputs() {
    let s = git_repo("gitrev");
    s.write(
        "specs/pets.yaml",
        &read(&fixture("api-operation-id-changed", "base")),
    );
    s.commit_all("v1");
    s.write(
        "specs/pets.yaml",
        &read(&fixture("api-operation-id-changed", "revision")),
    );
    let o = run_in(&s.0, &["HEAD:specs/pets.yaml", "specs/pets.yaml"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("api-operation-id-changed"),
        "{}",
        stdout(&o)
    );
    let o = run_in(&s.0, &["--base", "HEAD", "specs/pets.yaml"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let o = run_in(&s.0, &["nosuchrev:specs/pets.yaml", "specs/pets.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("nosuchrev:specs/pets.yaml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn directory_mode_compares_folder_specs_and_points_into_the_file_that_changed() {
    let s = git_repo("dir-folders");
    let src = Path::new(FIXTURES).join("../folder-spec/specs/acme-folder");
    let copy = |to: &str, change: bool| {
        for rel in [
            "openapi.yaml",
            "common.yaml",
            "paths/widgets.yaml",
            "schemas/order.json",
            "schemas/widget.yaml",
        ] {
            let text = std::fs::read_to_string(src.join(rel)).expect("fixture");
            let text = if change && rel == "schemas/widget.yaml" {
                text.replace("id: {type: string}", "id: {type: boolean}")
            } else {
                text
            };
            s.write(&format!("specs/{to}/{rel}"), &text);
        }
    };
    copy("acme", false);
    copy("gone", false);
    s.write("specs/assets/logo.yaml", "not: a spec folder\n");
    s.commit_all("v1");
    copy("acme", true);
    std::fs::remove_dir_all(s.0.join("specs/gone")).expect("rm");
    copy("fresh", false);
    let o = run_in(&s.0, &["--base", "HEAD", "specs/", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let specs: Vec<(&str, &str)> = v["specs"]
        .as_array()
        .expect("specs")
        .iter()
        .map(|s| {
            (
                s["spec"].as_str().unwrap_or(""),
                s["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        specs,
        [
            ("acme", "compared"),
            ("fresh", "added"),
            ("gone", "removed")
        ]
    );
    let findings = v["findings"].as_array().expect("findings");
    let changed = findings
        .iter()
        .find(|f| f["id"] == "response-property-type-changed")
        .unwrap_or_else(|| panic!("{}", stdout(&o)));
    assert_eq!(changed["spec"], "acme");
    assert_eq!(
        changed["location"],
        "components.schemas.widget.properties.id"
    );
    // The line is in the file where the schema is written, not the root.
    assert_eq!(
        changed["source"]["file"], "specs/acme/schemas/widget.yaml",
        "{changed}"
    );
    assert_eq!(changed["source"]["line"], 4, "{changed}");
    // REV:PATH names a folder spec too.
    let o = run_in(&s.0, &["-f", "json", "HEAD:specs/acme", "specs/acme"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("response-property-type-changed"),
        "{}",
        stdout(&o)
    );
    // An invalid part names the file and line where it is written.
    let common = std::fs::read_to_string(s.0.join("specs/acme/common.yaml")).expect("common");
    assert!(common.contains("in: path"), "fixture changed");
    s.write(
        "specs/acme/common.yaml",
        &common.replace("in: path", "in: body2"),
    );
    let o = run_in(&s.0, &["--base", "HEAD", "specs/acme"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("specs/acme/common.yaml:2:") && stderr(&o).contains("body2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn directory_mode_reports_added_removed_and_changed_specs() {
    let s = git_repo("dir");
    let same = read(&fixture("_realistic", "base"));
    s.write(
        "specs/changed.yaml",
        &read(&fixture("api-operation-id-changed", "base")),
    );
    s.write("specs/removed.yaml", &same);
    s.write(
        "specs/same.json",
        &read(&format!("{FIXTURES}/_realistic/base.json")),
    );
    s.write("specs/notes.txt", "not a spec");
    s.commit_all("v1");
    s.write(
        "specs/changed.yaml",
        &read(&fixture("api-operation-id-changed", "revision")),
    );
    std::fs::remove_file(s.0.join("specs/removed.yaml")).expect("rm");
    s.write("specs/added.yaml", &same);
    let o = run_in(&s.0, &["--base", "HEAD", "specs/", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let got: Vec<(String, String)> = v["findings"]
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["spec"].as_str().unwrap_or("").to_string(),
                f["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let has = |spec: &str, id: &str| got.iter().any(|(s, i)| s == spec && i == id);
    assert!(has("added.yaml", "spec-added"), "{got:?}");
    assert!(has("removed.yaml", "spec-removed"), "{got:?}");
    assert!(has("changed.yaml", "api-operation-id-changed"), "{got:?}");
    assert!(!got.iter().any(|(s, _)| s == "same.json"), "{got:?}");
    let specs: Vec<(&str, &str)> = v["specs"]
        .as_array()
        .expect("specs")
        .iter()
        .map(|s| {
            (
                s["spec"].as_str().unwrap_or(""),
                s["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        specs,
        [
            ("added.yaml", "added"),
            ("changed.yaml", "compared"),
            ("removed.yaml", "removed"),
            ("same.json", "compared")
        ]
    );
    let o = run_in(&s.0, &["--base", "HEAD~5", "specs/"]);
    assert_eq!(code(&o), 2, "unknown base revision");
}

// ---- ignore file ----

#[test]
fn ignore_file_suppresses_by_rule_and_operation_and_reports_unused_entries() {
    let s = Scratch::new("ignore");
    let (b, r) = (
        fixture("api-operation-id-changed", "base"),
        fixture("api-operation-id-changed", "revision"),
    );
    let ig = s.write(
        "ignore.yaml",
        "- id: api-operation-id-changed\n  operation: get /pets/{petId}\n  reason: renamed on purpose, facade keeps the old name\n- id: api-major-version-not-bumped\n  operation: '*'\n  reason: provider does not version its spec\n- id: request-parameter-removed\n  operation: GET /pets/{petId}\n  reason: stale entry\n",
    );
    let o = run(&["--ignore", ig.to_str().expect("utf-8"), &b, &r]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ignored: api-operation-id-changed"), "{out}");
    assert!(
        out.contains("ignore.yaml:7:3: ignore entry for request-parameter-removed"),
        "{out}"
    );

    let fp_only = s.write(
        "fp.yaml",
        "- id: api-operation-id-changed\n  operation: GET /pets/{petId}\n  fingerprint: '000000000000'\n  reason: wrong fingerprint does not match\n",
    );
    assert_eq!(
        code(&run(&[
            "--ignore",
            fp_only.to_str().expect("utf-8"),
            &b,
            &r
        ])),
        1
    );

    let no_reason = s.write(
        "noreason.yaml",
        "- id: api-operation-id-changed\n  operation: GET /pets/{petId}\n",
    );
    let o = run(&["--ignore", no_reason.to_str().expect("utf-8"), &b, &r]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("noreason.yaml:1:3: entry needs a non-empty `reason`"),
        "{}",
        stderr(&o)
    );
    let bad_id = s.write(
        "badid.yaml",
        "- id: no-such-rule\n  operation: '*'\n  reason: x\n",
    );
    let o = run(&["--ignore", bad_id.to_str().expect("utf-8"), &b, &r]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("badid.yaml:1:7: unknown rule id"),
        "{}",
        stderr(&o)
    );
}

// ---- semver gate ----

const MANIFEST: &str = "[package]\nname = \"x\"\nversion = \"VERSION\"\nedition = \"2024\"\n";

#[test]
fn semver_gate_requires_a_major_bump_for_err_findings() {
    let s = git_repo("semver");
    s.write("Cargo.toml", &MANIFEST.replace("VERSION", "1.2.3"));
    s.write(
        "specs/pets.yaml",
        &read(&fixture("api-operation-id-changed", "base")),
    );
    s.commit_all("v1");
    s.write(
        "specs/pets.yaml",
        &read(&fixture("api-operation-id-changed", "revision")),
    );
    let args = ["--base", "HEAD", "specs/", "--require-major-bump"];

    s.write("Cargo.toml", &MANIFEST.replace("VERSION", "1.3.0"));
    let o = run_in(&s.0, &args);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("crate version 1.2.3 → 1.3.0: ERR findings need a major version bump"),
        "{}",
        stdout(&o)
    );

    s.write("Cargo.toml", &MANIFEST.replace("VERSION", "2.0.0"));
    let o = run_in(&s.0, &args);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("breaking bump present"),
        "{}",
        stdout(&o)
    );

    // Without ERR findings the gate does not apply.
    s.write(
        "specs/pets.yaml",
        &read(&fixture("api-operation-id-changed", "base")),
    );
    s.write("Cargo.toml", &MANIFEST.replace("VERSION", "1.2.4"));
    assert_eq!(code(&run_in(&s.0, &args)), 0);

    // Two files without a revision: the gate has no base.
    let f = fixture("api-operation-id-changed", "base");
    let r = fixture("api-operation-id-changed", "revision");
    let o = run_in(&s.0, &["--require-major-bump", &f, &r]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("needs a base revision"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn zero_major_versions_bump_on_minor() {
    let s = git_repo("semver0");
    s.write("Cargo.toml", &MANIFEST.replace("VERSION", "0.1.0"));
    s.write(
        "specs/pets.yaml",
        &read(&fixture("api-operation-id-changed", "base")),
    );
    s.commit_all("v1");
    s.write(
        "specs/pets.yaml",
        &read(&fixture("api-operation-id-changed", "revision")),
    );
    s.write("Cargo.toml", &MANIFEST.replace("VERSION", "0.2.0"));
    let o = run_in(&s.0, &["--base", "HEAD", "specs/", "--require-major-bump"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn list_rules_prints_the_registry() {
    let o = run(&["--list-rules"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("| `response-property-enum-value-added` | WARN | response | 44 |"),
        "{out}"
    );
}
