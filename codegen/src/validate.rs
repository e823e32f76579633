//! Checks that catch what would otherwise surface as a generator panic or a confusing error:
//! unsupported versions, a missing `paths`, and `$ref`s that point nowhere.

use std::path::Path;

use serde_json::Value;

use super::error::SpecError;

/// Runs every check; the first problem found is returned.
pub fn check(file: &Path, doc: &Value) -> Result<(), SpecError> {
    let Some(root) = doc.as_object() else {
        return Err(SpecError::at(
            file,
            "",
            "the document is not a mapping of OpenAPI fields",
        ));
    };
    match root.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => {}
        Some(Value::String(v)) => {
            return Err(SpecError::at(
                file,
                "/openapi",
                format!(
                    "unsupported OpenAPI version {v}: the generator reads OpenAPI 3.0.x, 3.1.x \
                     and 3.2.x"
                ),
            ));
        }
        Some(other) => {
            return Err(SpecError::at(
                file,
                "/openapi",
                format!("`openapi` must be a version string such as \"3.0.3\", found {other}"),
            ));
        }
        None if root.contains_key("swagger") => {
            return Err(SpecError::at(
                file,
                "/swagger",
                "Swagger 2.0 documents are not supported: convert the spec to OpenAPI 3.0.x",
            ));
        }
        None => {
            return Err(SpecError::at(
                file,
                "",
                "missing `openapi` version field: this does not look like an OpenAPI 3.0 document",
            ));
        }
    }
    match root.get("paths") {
        Some(Value::Object(_)) => {}
        Some(_) => return Err(SpecError::at(file, "/paths", "`paths` must be a mapping")),
        None => {
            return Err(SpecError::at(
                file,
                "",
                "missing `paths`: an OpenAPI 3.0 document must declare its operations under `paths`",
            ));
        }
    }
    check_refs(file, doc)?;
    super::cycles::check(file, doc)
}

/// Every `$ref` in a position the OpenAPI grammar reads as an object must point somewhere in
/// the (bundled) document; references inside examples and other data are not followed.
/// Discriminator mappings are left alone: the generator does not read them.
fn check_refs(file: &Path, doc: &Value) -> Result<(), SpecError> {
    use crate::spec::{Kind, Tree};
    for site in doc.ref_sites("", Kind::Document).unwrap_or_default() {
        if site.mapping {
            continue;
        }
        let here = site.ref_pointer();
        let target = &site.reference;
        if !target.starts_with('#') {
            return Err(SpecError::at(
                file,
                &here,
                format!("$ref '{target}' was not resolved into the document"),
            ));
        }
        if resolve(doc, target).is_none() {
            return Err(SpecError::at(
                file,
                &here,
                format!("dangling $ref '{target}': nothing is defined at that path"),
            ));
        }
    }
    Ok(())
}

/// Resolves a local `$ref` such as `#/components/schemas/x` (percent-encoding decoded).
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    match crate::spec::Reference::parse(reference).ok()? {
        crate::spec::Reference::Local { pointer } => doc.pointer(&pointer),
        _ => None,
    }
}
