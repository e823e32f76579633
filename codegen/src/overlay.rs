//! OpenAPI Overlay 1.0 (`specs/<name>.overlay.yaml`): fixes to a vendor's spec, applied to
//! it in memory before anything else reads it, so the vendor's file stays as published.
//!
//! Each action selects nodes with an RFC 9535 JSONPath `target` (`serde_json_path`) and either
//! merges `update` into them (objects recursively; a selected array gets `update` appended)
//! or, with `remove: true`, deletes them. Actions apply in order, each to the result of the
//! ones before. A target that selects nothing is allowed by the Overlay spec ("zero or more
//! objects or arrays"): it is a build warning naming the file and the action, since it most
//! often means the vendor's file changed under the fix. A malformed overlay, an invalid
//! JSONPath, or an `update` that cannot merge into what it selects fails the build naming the
//! file and the action (`/actions/2/target`).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use super::error::{Location, SpecError, pointer};

/// Ending of an overlay file name: `stripe.yaml` → `stripe.overlay.yaml`.
pub const OVERLAY_SUFFIX: &str = ".overlay.yaml";

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The file it was read from.
    pub file: PathBuf,
    /// `info.title`.
    pub title: String,
    /// The actions, in document order.
    pub actions: Vec<Action>,
}

/// One overlay action.
#[derive(Debug, Clone)]
pub struct Action {
    /// The JSONPath expression, as written.
    pub target: String,
    path: JsonPath,
    /// What to do with the selected nodes.
    pub kind: ActionKind,
}

/// What an action does.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Merge this value into every selected node.
    Update(Value),
    /// Delete every selected node from the object or array that holds it.
    Remove,
}

impl Overlay {
    /// The overlay file of a spec file or folder: `specs/x.yaml` and `specs/x/` both give
    /// `specs/x.overlay.yaml`.
    pub fn path_for(spec: &Path) -> PathBuf {
        super::config::companion(spec, OVERLAY_SUFFIX)
    }

    /// Reads the overlay of `spec` from `source`, if it has one.
    pub fn load(
        source: &dyn crate::spec::Source,
        spec: &Path,
    ) -> Result<Option<Overlay>, SpecError> {
        let file = Self::path_for(spec);
        if !source.is_file(&file) {
            return Ok(None);
        }
        let text = source.read(&file).map_err(|e| {
            SpecError::new(
                &file,
                Location::File,
                format!("cannot read the overlay: {e}"),
            )
        })?;
        Self::parse(&file, &text).map(Some)
    }

    /// Parses overlay text (YAML or JSON).
    pub fn parse(file: &Path, text: &str) -> Result<Overlay, SpecError> {
        let doc = super::load::parse(file, text)?;
        let err = |at: &str, problem: String| {
            SpecError::at(file, at, format!("invalid overlay: {problem}"))
        };
        let root = doc
            .as_object()
            .ok_or_else(|| err("", "an overlay is a mapping".into()))?;
        known_keys(root, "", &["overlay", "info", "extends", "actions"])
            .map_err(|(at, p)| err(&at, p))?;
        match root.get("overlay").and_then(Value::as_str) {
            Some(v) if v == "1.0" || v.starts_with("1.0.") => {}
            Some(v) => {
                return Err(err(
                    "/overlay",
                    format!("version '{v}' is not supported: paysdk applies Overlay 1.0.x"),
                ));
            }
            None => {
                return Err(err(
                    "",
                    "`overlay: 1.0.0` (the Overlay version, a string) is required".into(),
                ));
            }
        }
        let info = root
            .get("info")
            .and_then(Value::as_object)
            .ok_or_else(|| err("", "`info` with `title` and `version` is required".into()))?;
        known_keys(info, "/info", &["title", "version"]).map_err(|(at, p)| err(&at, p))?;
        let title = info.get("title").and_then(Value::as_str);
        let (Some(title), Some(_)) = (title, info.get("version").and_then(Value::as_str)) else {
            return Err(err(
                "/info",
                "`info.title` and `info.version` are required strings".into(),
            ));
        };
        let actions = match root.get("actions") {
            Some(Value::Array(a)) if !a.is_empty() => a,
            _ => {
                return Err(err(
                    "",
                    "`actions` is required: a list of at least one action".into(),
                ));
            }
        };
        let actions: Vec<Action> = actions
            .iter()
            .enumerate()
            .map(|(i, a)| Action::parse(a, &format!("/actions/{i}")))
            .collect::<Result<_, _>>()
            .map_err(|(at, p)| err(&at, p))?;
        Ok(Overlay {
            file: file.to_path_buf(),
            title: title.to_string(),
            actions,
        })
    }

    /// Applies every action to `doc`, in order. Returns a warning for each action whose
    /// target selects nothing.
    pub fn apply(&self, doc: &mut Value) -> Result<Vec<String>, SpecError> {
        let mut warnings = Vec::new();
        for (i, action) in self.actions.iter().enumerate() {
            let selected: Vec<String> = action
                .path
                .query_located(&*doc)
                .locations()
                .map(|l| l.to_json_pointer())
                .collect();
            if selected.is_empty() {
                warnings.push(format!(
                    "{}: overlay action /actions/{i} (target `{}`) selects nothing in the spec; \
                     it changed nothing",
                    self.file.display(),
                    action.target
                ));
                continue;
            }
            match &action.kind {
                ActionKind::Remove => remove_all(doc, selected),
                ActionKind::Update(update) => {
                    for at in &selected {
                        let Some(node) = doc.pointer_mut(at) else {
                            continue;
                        };
                        merge_into(node, update).map_err(|problem| {
                            SpecError::at(
                                &self.file,
                                &format!("/actions/{i}/update"),
                                format!(
                                    "overlay action /actions/{i} (target `{}`) cannot update \
                                     the node at {}: {problem}",
                                    action.target,
                                    if at.is_empty() {
                                        "the document root"
                                    } else {
                                        at
                                    }
                                ),
                            )
                        })?;
                    }
                }
            }
        }
        Ok(warnings)
    }
}

impl Action {
    fn parse(value: &Value, at: &str) -> Result<Action, (String, String)> {
        let map = value
            .as_object()
            .ok_or_else(|| (at.to_string(), "an action is a mapping".to_string()))?;
        known_keys(map, at, &["target", "description", "update", "remove"])?;
        let target = map.get("target").and_then(Value::as_str).ok_or_else(|| {
            (
                at.to_string(),
                "`target` (a JSONPath expression, a string) is required".to_string(),
            )
        })?;
        let path = JsonPath::parse(target).map_err(|e| {
            (
                pointer(at, &["target"]),
                format!("`{target}` is not a JSONPath expression (RFC 9535): {e}"),
            )
        })?;
        let remove = match map.get("remove") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err((pointer(at, &["remove"]), "`remove` is true or false".into()));
            }
        };
        // "This field has no impact if the remove field of this action object is true."
        let kind = match (remove, map.get("update")) {
            (true, _) => ActionKind::Remove,
            (false, Some(update)) => ActionKind::Update(update.clone()),
            (false, None) => {
                return Err((
                    at.to_string(),
                    "an action needs `update` or `remove: true`".into(),
                ));
            }
        };
        Ok(Action {
            target: target.to_string(),
            path,
            kind,
        })
    }
}

/// The keys of an overlay object are the ones the spec defines, or `x-` extensions.
fn known_keys(map: &Map<String, Value>, at: &str, known: &[&str]) -> Result<(), (String, String)> {
    match map
        .keys()
        .find(|k| !known.contains(&k.as_str()) && !k.starts_with("x-"))
    {
        Some(k) => Err((
            pointer(at, &[k]),
            format!(
                "unknown key `{k}` (expected {} or an `x-` extension)",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// Overlay 1.0 `update`: into an object, an object merges key by key (objects in both merge
/// recursively, anything else is replaced); into an array, the value is appended.
fn merge_into(node: &mut Value, update: &Value) -> Result<(), String> {
    match (node, update) {
        (Value::Object(target), Value::Object(update)) => {
            merge_objects(target, update);
            Ok(())
        }
        (Value::Array(items), value) => {
            items.push(value.clone());
            Ok(())
        }
        (Value::Object(_), other) => Err(format!(
            "an object takes an object to merge, and `update` is {}",
            kind_of(other)
        )),
        (other, _) => Err(format!(
            "the target is {}; only objects and arrays can be updated (select its parent \
             and update the key)",
            kind_of(other)
        )),
    }
}

fn merge_objects(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(incoming)) => {
                merge_objects(existing, incoming)
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Deletes the nodes at `pointers` from their parents. The deepest go first, and within one
/// array the highest index first, so that each pointer still means what it selected.
fn remove_all(doc: &mut Value, mut pointers: Vec<String>) {
    fn split(p: &str) -> (&str, &str) {
        // `/` inside a name is escaped (`~1`), so the last `/` separates parent and key.
        p.rsplit_once('/').unwrap_or(("", p))
    }
    pointers.sort_by(|a, b| {
        let depth = |p: &str| p.matches('/').count();
        let (pa, ka) = split(a);
        let (pb, kb) = split(b);
        depth(b)
            .cmp(&depth(a))
            .then_with(|| pa.cmp(pb))
            .then_with(|| match (ka.parse::<usize>(), kb.parse::<usize>()) {
                (Ok(x), Ok(y)) => y.cmp(&x),
                _ => kb.cmp(ka),
            })
    });
    for at in pointers {
        if at.is_empty() {
            // `$` itself: an overlay cannot remove the whole document; leave it empty.
            *doc = Value::Object(Map::new());
            continue;
        }
        let (parent, key) = split(&at);
        let key = key.replace("~1", "/").replace("~0", "~");
        match doc.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.shift_remove(&key);
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = key.parse::<usize>()
                    && i < items.len()
                {
                    items.remove(i);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
