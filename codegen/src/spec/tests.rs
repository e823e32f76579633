//! Unit tests of spec input: reference parsing, roots, the file walk and bundling.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::bundle::bundle;
use super::{Error, FileSet, Kind, MemorySource, Reference, Target, Tree, find_root};

fn json_parse(file: &Path, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::in_file(file, e.to_string()))
}

fn target(file: &str, pointer: &str) -> Target {
    Target {
        file: PathBuf::from(file),
        pointer: pointer.to_string(),
    }
}

#[test]
fn references_parse_and_resolve_from_the_referring_file() {
    let from = Path::new("specs/acme/schemas/a.json");
    let cases = [
        (
            "#/components/schemas/X",
            "specs/acme/schemas/a.json",
            "/components/schemas/X",
        ),
        ("./b.json#/X", "specs/acme/schemas/b.json", "/X"),
        ("b.json", "specs/acme/schemas/b.json", ""),
        ("../common.yaml", "specs/acme/common.yaml", ""),
        ("../../shared/c.yaml#/a~1b", "specs/shared/c.yaml", "/a~1b"),
        (
            "./my%20file.json#/My%20Schema",
            "specs/acme/schemas/my file.json",
            "/My Schema",
        ),
        ("#", "specs/acme/schemas/a.json", ""),
        ("./sub/./x.json#/", "specs/acme/schemas/sub/x.json", "/"),
    ];
    for (text, file, pointer) in cases {
        let r = Reference::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(r.resolve(from), Some(target(file, pointer)), "{text}");
    }
}

#[test]
fn remote_and_unsupported_references() {
    assert_eq!(
        Reference::parse("https://example.com/a.json#/X"),
        Ok(Reference::Remote("https://example.com/a.json#/X".into()))
    );
    assert!(matches!(
        Reference::parse("HTTP://example.com/a.json"),
        Ok(Reference::Remote(_))
    ));
    assert!(
        Reference::parse("urn:x:y")
            .unwrap_err()
            .contains("'urn:' scheme")
    );
    assert!(
        Reference::parse("#anchor")
            .unwrap_err()
            .contains("plain-name fragment")
    );
    assert!(
        Reference::parse("./a%zz.json")
            .unwrap_err()
            .contains("percent")
    );
    assert_eq!(
        Reference::parse("https://x")
            .unwrap()
            .resolve(Path::new("a.yaml")),
        None
    );
}

#[test]
fn escaped_pointer_segments_are_found() {
    let doc = json!({"paths": {"/a/{id}": {"x~y": 1}}, "list": [10, 20]});
    let r = Reference::parse("#/paths/~1a~1%7Bid%7D/x~0y").unwrap();
    let Some(t) = r.resolve(Path::new("f.json")) else {
        panic!("local");
    };
    assert_eq!(doc.lookup(&t.pointer), Some(&json!(1)));
    assert_eq!(doc.lookup("/list/1"), Some(&json!(20)));
    assert_eq!(doc.lookup("/list/x"), None);
}

#[test]
fn roots_of_files_and_folders() {
    let source = MemorySource::new()
        .with("specs/a.yaml", "")
        .with("specs/unit/openapi.json", "")
        .with("specs/unit/schemas/x.json", "")
        .with("specs/empty/readme.md", "")
        .with("specs/two/openapi.yaml", "")
        .with("specs/two/openapi.json", "");
    let file = find_root(&source, Path::new("specs/a.yaml")).unwrap();
    assert_eq!((file.name.as_str(), file.folder), ("a", false));
    let folder = find_root(&source, Path::new("specs/unit")).unwrap();
    assert_eq!(folder.file, PathBuf::from("specs/unit/openapi.json"));
    assert_eq!((folder.name.as_str(), folder.folder), ("unit", true));
    let e = find_root(&source, Path::new("specs/empty")).unwrap_err();
    assert!(
        e.problem
            .contains("openapi.yaml, openapi.yml or openapi.json"),
        "{e}"
    );
    let e = find_root(&source, Path::new("specs/two")).unwrap_err();
    assert!(e.problem.contains("several root files"), "{e}");
}

/// Positions are read by the object they sit in: `example` is data in a schema, a schema
/// when it is a property name.
#[test]
fn only_object_positions_hold_references() {
    let doc = json!({
        "paths": {"/a": {"get": {
            "parameters": [{"$ref": "./p.json"}],
            "responses": {"200": {"content": {"application/json": {
                "schema": {"properties": {
                    "example": {"$ref": "./s.json"},
                    "default": {"default": {"$ref": "https://data"}}
                }, "example": {"$ref": "https://data"}, "enum": [{"$ref": "x"}]},
                "examples": {"a": {"$ref": "./e.json"}, "b": {"value": {"$ref": "https://data"}}}
            }}}}
        }}},
        "x-tool": {"$ref": "https://ignored"},
        "components": {"schemas": {"D": {"discriminator": {"mapping": {
            "a": "./a.json#/A", "b": "B"
        }}}}}
    });
    // Sorted: without serde_json's preserve_order (feature `cli` alone) keys come sorted.
    let mut sites = doc.ref_sites("", Kind::Document).unwrap();
    sites.sort_by(|a, b| a.reference.cmp(&b.reference));
    let found: Vec<(&str, Kind)> = sites
        .iter()
        .map(|s| (s.reference.as_str(), s.kind))
        .collect();
    assert_eq!(
        found,
        vec![
            ("./a.json#/A", Kind::Schema),
            ("./e.json", Kind::Example),
            ("./p.json", Kind::Parameter),
            ("./s.json", Kind::Schema),
        ]
    );
    assert_eq!(
        sites[3].ref_pointer(),
        "/paths/~1a/get/responses/200/content/application~1json/schema/properties/example/$ref"
    );
    assert!(sites[0].mapping);
}

#[test]
fn the_file_walk_follows_cycles_and_names_remote_references() {
    let source = MemorySource::new()
        .with(
            "s/openapi.json",
            r#"{"paths": {}, "components": {"schemas": {"A": {"$ref": "./a.json"}}}}"#,
        )
        .with(
            "s/a.json",
            r#"{"properties": {"b": {"$ref": "sub/b.json#/B"}}}"#,
        )
        .with(
            "s/sub/b.json",
            r#"{"B": {"items": {"$ref": "../a.json"}}, "unused": {"$ref": "https://x"}}"#,
        );
    let set = FileSet::load(&source, Path::new("s/openapi.json"), json_parse).unwrap();
    let files: Vec<&Path> = set.files().map(|(p, _)| p).collect();
    assert_eq!(
        files,
        vec![
            Path::new("s/openapi.json"),
            Path::new("s/a.json"),
            Path::new("s/sub/b.json")
        ]
    );
    // Only what is referenced is walked: the remote $ref under `unused` is never reached.
    assert!(set.lookup(&target("s/sub/b.json", "/B/items")).is_some());

    let remote = MemorySource::new().with(
        "s/openapi.json",
        r#"{"paths": {}, "components": {"schemas": {"A": {"$ref": "https://example.com/a.json"}}}}"#,
    );
    let e = FileSet::load(&remote, Path::new("s/openapi.json"), json_parse).unwrap_err();
    assert_eq!(e.file, PathBuf::from("s/openapi.json"));
    assert_eq!(e.pointer.as_deref(), Some("/components/schemas/A/$ref"));
    assert!(
        e.problem
            .contains("remote $ref 'https://example.com/a.json'"),
        "{e}"
    );

    let missing = MemorySource::new()
        .with(
            "s/openapi.json",
            r#"{"components": {"schemas": {"A": {"$ref": "./a.json"}}}}"#,
        )
        .with("s/a.json", r#"{"items": {"$ref": "./gone.json"}}"#);
    let e = FileSet::load(&missing, Path::new("s/openapi.json"), json_parse).unwrap_err();
    assert_eq!(e.file, PathBuf::from("s/a.json"));
    assert_eq!(e.pointer.as_deref(), Some("/items/$ref"));
    assert!(e.problem.contains("cannot read 's/gone.json'"), "{e}");
}

#[test]
fn bundling_names_targets_and_keeps_provenance() {
    let source = MemorySource::new()
        .with(
            "s/openapi.json",
            r##"{"paths": {"/p": {"$ref": "./paths.json#/p", "summary": "mine"}},
                "components": {"schemas": {
                    "Address": {"type": "object"},
                    "Local": {"$ref": "#/components/schemas/Address"},
                    "Mine": {"$ref": "./types.json#/components/schemas/Address"}
                }}}"##,
        )
        .with(
            "s/paths.json",
            r##"{"p": {"get": {"responses": {"200": {"$ref": "#/responses/Ok"}}}}, "responses": {"Ok": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "./types.json#/components/schemas/Thing"}}}
            }}}"##,
        )
        .with(
            "s/types.json",
            r##"{"components": {"schemas": {
                "Address": {"type": "object", "properties": {"city": {"type": "string"}}},
                "Thing": {"properties": {"home": {"$ref": "#/components/schemas/Address"},
                                         "root": {"$ref": "./openapi.json#/components/schemas/Address"}},
                          "discriminator": {"mapping": {"t": "#/components/schemas/Thing"}}}
            }}}"##,
        );
    let set = FileSet::load(&source, Path::new("s/openapi.json"), json_parse).unwrap();
    let b = bundle(&set).unwrap();
    let schemas = &b.doc["components"]["schemas"];
    // The root's own Address keeps its name; the external one gets the file stem in front.
    assert_eq!(
        schemas["Mine"],
        json!({"$ref": "#/components/schemas/types_Address"})
    );
    assert_eq!(
        schemas["Local"],
        json!({"$ref": "#/components/schemas/Address"})
    );
    assert_eq!(
        schemas["types_Address"]["properties"]["city"],
        json!({"type": "string"})
    );
    let thing = &schemas["Thing"];
    assert_eq!(
        thing["properties"]["home"],
        json!({"$ref": "#/components/schemas/types_Address"})
    );
    assert_eq!(
        thing["properties"]["root"],
        json!({"$ref": "#/components/schemas/Address"})
    );
    assert_eq!(
        thing["discriminator"]["mapping"]["t"],
        json!("#/components/schemas/Thing")
    );
    // The path item is copied in place, its sibling summary kept; the response goes to
    // components.
    let item = &b.doc["paths"]["/p"];
    assert_eq!(item["summary"], json!("mine"));
    assert_eq!(
        item["get"]["responses"]["200"],
        json!({"$ref": "#/components/responses/Ok"})
    );
    assert_eq!(
        b.doc["components"]["responses"]["Ok"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Thing"})
    );
    // Provenance: bundled pointers map back to where each part is written.
    let at = |p: &str| {
        let (f, q) = b.provenance.locate(p);
        (f.to_path_buf(), q)
    };
    assert_eq!(
        at("/components/schemas/Thing/properties/home"),
        (
            PathBuf::from("s/types.json"),
            "/components/schemas/Thing/properties/home".into()
        )
    );
    assert_eq!(
        at("/paths/~1p/get/responses"),
        (PathBuf::from("s/paths.json"), "/p/get/responses".into())
    );
    assert_eq!(
        at("/components/responses/Ok/description"),
        (
            PathBuf::from("s/paths.json"),
            "/responses/Ok/description".into()
        )
    );
    assert_eq!(
        at("/components/schemas/Local"),
        (
            PathBuf::from("s/openapi.json"),
            "/components/schemas/Local".into()
        )
    );
    assert_eq!(b.files.len(), 3);
}

#[test]
fn bundling_is_stable_and_reports_dangling_targets() {
    let files = [
        (
            "s/openapi.json",
            r##"{"components": {"schemas": {"A": {"$ref": "./a.json"}, "B": {"$ref": "./b.json#/Nope"}}}}"##,
        ),
        ("s/a.json", r##"{"type": "string"}"##),
        ("s/b.json", r##"{"Other": {}}"##),
    ];
    let source = files
        .iter()
        .fold(MemorySource::new(), |s, (p, t)| s.with(p, *t));
    let set = FileSet::load(&source, Path::new("s/openapi.json"), json_parse).unwrap();
    let e = bundle(&set).unwrap_err();
    assert_eq!(e.file, PathBuf::from("s/openapi.json"));
    assert_eq!(e.pointer.as_deref(), Some("/components/schemas/B/$ref"));
    assert!(e.problem.contains("dangling $ref './b.json#/Nope'"), "{e}");

    let ok = MemorySource::new()
        .with("s/openapi.json", r##"{"components": {"schemas": {"A": {"$ref": "./a.json"}, "B": {"$ref": "./a.json"}}}}"##)
        .with("s/a.json", r##"{"type": "string"}"##);
    let set = FileSet::load(&ok, Path::new("s/openapi.json"), json_parse).unwrap();
    let first = bundle(&set).unwrap().doc;
    let second = bundle(&set).unwrap().doc;
    assert_eq!(first, second);
    // A whole-file target is named after its file, once for both references; `a` would
    // collide with the root's `A` in generated Rust, so it gets the stem in front.
    assert_eq!(
        first["components"]["schemas"]["A"],
        json!({"$ref": "#/components/schemas/a_a"})
    );
    assert_eq!(
        first["components"]["schemas"]["B"],
        json!({"$ref": "#/components/schemas/a_a"})
    );
    assert_eq!(
        first["components"]["schemas"]["a_a"],
        json!({"type": "string"})
    );
}
