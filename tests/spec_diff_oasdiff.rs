//! spec-diff against oasdiff's own checker tests: the sampled cases in
//! `tests/fixtures/oasdiff/cases.tsv` (fixtures copied from
//! github:oasdiff/oasdiff, see its NOTICE). Each row records the level
//! oasdiff's test expects, the level spec-diff gives, and, where they differ,
//! the judgement behind it; this test holds spec-diff to the recorded level,
//! so a difference can only appear with a written reason.
//! `scripts/oasdiff-agreement` prints the agreement figures.

use std::path::Path;

use paysdk::diff::load::{self, Input};
use paysdk::diff::{self, Direction, Level, Settings};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/oasdiff");

struct Case {
    name: String,
    base: String,
    revision: String,
    direction: Direction,
    oasdiff: Option<Level>,
    ours: Option<Level>,
    why: String,
}

fn level(s: &str) -> Option<Level> {
    match s {
        "NONE" => None,
        other => Some(Level::parse(other).unwrap_or_else(|| panic!("bad level {other:?}"))),
    }
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(Path::new(DIR).join("cases.tsv")).expect("cases.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert!(c.len() >= 8, "short row: {l}");
            Case {
                name: c[0].into(),
                base: c[1].into(),
                revision: c[2].into(),
                direction: match c[3] {
                    "request" => Direction::Request,
                    "response" => Direction::Response,
                    _ => Direction::None,
                },
                oasdiff: level(c[4]),
                ours: level(c[7]),
                why: c.get(8).copied().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

fn worst(c: &Case) -> Option<Level> {
    let read = |rel: &str| {
        load::load_spec(&Input::File(Path::new(DIR).join(rel)))
            .unwrap_or_else(|e| panic!("{}: {e}", c.name))
    };
    let (b, r) = (read(&c.base), read(&c.revision));
    let findings = diff::diff_docs("oasdiff", &b, &r, &Settings::default())
        .unwrap_or_else(|e| panic!("{}: {e}", c.name));
    findings
        .iter()
        .filter(|f| f.direction == c.direction)
        .map(|f| f.level)
        .max()
}

#[test]
fn every_sampled_oasdiff_case_gives_its_recorded_level_and_differences_are_explained() {
    let cases = cases();
    assert!(cases.len() >= 40, "the sample shrank to {}", cases.len());
    let mut problems = Vec::new();
    for c in &cases {
        let got = worst(c);
        if got != c.ours {
            problems.push(format!(
                "{} ({:?}): spec-diff gives {got:?}, cases.tsv records {:?}",
                c.name, c.direction, c.ours
            ));
        }
        if c.ours != c.oasdiff && c.why.len() < 20 {
            problems.push(format!(
                "{} ({:?}): differs from oasdiff ({:?}) without a written reason",
                c.name, c.direction, c.oasdiff
            ));
        }
        if c.ours == c.oasdiff && !c.why.is_empty() {
            problems.push(format!("{}: agrees, but a difference is explained", c.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
