//! paysdk's code generator: every OpenAPI spec in a directory becomes one Rust module of
//! typed clients that call through paysdk's runtime, from a build script, the way
//! `tonic-build` and `prost-build` work. Generated code names only `::std` and `::paysdk`, so
//! it compiles in any crate that depends on paysdk.
//!
//! ```no_run
//! // build.rs (with `paysdk-codegen` under [build-dependencies])
//! fn main() -> Result<(), paysdk_codegen::SpecError> {
//!     paysdk_codegen::compile_specs("specs")
//! }
//! ```
//!
//! and in the crate (`specs/ledger.yaml` becomes the module `ledger`):
//!
//! ```ignore
//! paysdk::include_api!(pub ledger);
//!
//! let client = ledger::Client::builder().bearer(token).build()?;
//! ```
//!
//! [`Builder`] sets the specs and output directories; [`generate`] turns one spec into the
//! module's text (what `cargo run -p paysdk-codegen -- print <spec>` prints). A spec that
//! cannot become a client is a [`SpecError`] naming the file and where in it. More in
//! `docs/generator.md`.
//!
//! # Pipeline
//!
//! paysdk's `build.rs` calls [`Builder`]; spec-diff reads specs through the `spec` module.
//! The pipeline for one spec (see [`generate`]):
//!
//! 1. [`load`]: YAML or JSON text into a JSON value (syntax errors with line and column);
//!    `crate::spec` walks the files a folder spec or a `$ref` reaches and bundles them into
//!    one document, keeping where each part is written so later errors name that file;
//!    [`overlay`]: the spec's OpenAPI Overlay (`specs/<name>.overlay.yaml`) applied;
//!    [`config`]: the spec's sidecar settings (`specs/<name>.paysdk.yaml`, `docs/sidecar.md`),
//!    whose operation filter (`filter`) drops the operations and components not asked for;
//!    [`downgrade`]: OpenAPI 3.1 and 3.2 converted to 3.0 (`docs/openapi-3.1.md`);
//! 2. [`validate`]: version, `paths`, `$ref` targets (errors with a JSON pointer); `defaults`:
//!    a schema `default` that contradicts its type coerced (`"false"` → `false`) or dropped;
//! 3. [`normalize`]: rewrite into what progenitor accepts, recording error responses and
//!    servers in a [`model::ApiModel`]; then [`webhooks`]: webhook bodies lifted into
//!    `components/schemas` (after the operations' schemas are named, so they keep their names),
//!    the webhook keys removed;
//! 4. progenitor generates the client and typify the types; `parse` reads its tokens,
//!    leaving out the impls of string enums that `lenient` replaces;
//! 5. `lenient`: open string enums, string fields that accept numbers; `from_str`: an
//!    untagged enum's `FromStr` ends at a variant that always parses; `api_version`: drop
//!    the undocumented `api-version` header progenitor adds to every request; `decode`:
//!    success bodies decoded by `::paysdk::runtime`, which moves headers instead of cloning;
//!    `hooks`: progenitor's async hook calls replaced by direct code;
//!    `path_params`: path parameters percent-encoded as the URL is formatted;
//!    `query_styles`: query parameters in styles progenitor cannot write; `builders`:
//!    each operation split into a request builder, which the facade uses, and the send;
//! 6. `template`: the status hook, operation metadata and per-operation error enums, made
//!    from the model alone and formatted on a second thread while steps 4 and 5 run;
//!    [`webhooks`]: the `Event` enum over the webhook bodies;
//! 7. prettyplease formats the file; `portable`: the crates it names reached through
//!    `::paysdk::__private`, so the module compiles in a crate without them; into `OUT_DIR`.

mod api_version;
#[cfg(feature = "arbitrary")]
pub mod arbitrary;
mod bodies;
mod builder;
mod builders;
#[doc(hidden)]
pub mod config;
mod culprit;
#[doc(hidden)]
pub mod cycles;
mod decode;
mod defaults;
#[doc(hidden)]
pub mod downgrade;
pub mod error;
#[doc(hidden)]
pub mod examples;
mod facade;
mod facade_auth;
mod facade_shortcuts;
mod fields;
mod filter;
mod find;
#[doc(hidden)]
pub mod fixtures;
mod from_str;
mod hooks;
mod lenient;
#[doc(hidden)]
pub mod limits;
#[doc(hidden)]
pub mod load;
mod media;
#[doc(hidden)]
pub mod model;
mod names;
#[doc(hidden)]
pub mod normalize;
#[doc(hidden)]
pub mod overlay;
mod parse;
mod path_params;
mod portable;
mod position;
mod print;
mod query_styles;
#[doc(hidden)]
pub mod spec;
mod successes;
mod template;
mod timing;
#[doc(hidden)]
pub mod validate;
mod walk;
#[doc(hidden)]
pub mod webhooks;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use timing::stage;

pub use builder::{Builder, compile_specs};
pub use error::{Location, SpecError};
pub use print::print_module;

/// File endings read as specs.
pub const SPEC_EXTENSIONS: [&str; 3] = crate::spec::SPEC_EXTENSIONS;

/// One generated module.
#[derive(Debug, Clone)]
pub struct GeneratedModule {
    /// The Rust module name, from the file name (`weavr-payment-run.yaml` → `weavr_payment_run`)
    /// or the folder name of a multi-file spec (`specs/unit/` → `unit`).
    pub module: String,
    /// The spec it came from: the file, or the folder.
    pub spec: PathBuf,
    /// The API title and version, for the module's doc comment.
    pub title: String,
    /// The formatted Rust source. From [`build`] and [`Builder::compile`] it is the text
    /// written, whose paths to the crates generated code uses go through
    /// `::paysdk::__private`; from [`generate`], the text before that last step.
    pub code: String,
    /// Every file the module is generated from: the spec's files, the root first (one for a
    /// single-file spec), then its overlay and sidecar if it has them.
    pub files: Vec<PathBuf>,
    /// Problems that do not stop the build (an overlay action that selects nothing), one
    /// line each, for `cargo::warning`.
    pub warnings: Vec<String>,
}

/// The specs of a directory, sorted by name: every spec file, and every folder (a multi-file
/// spec whose root is `openapi.yaml`, `openapi.yml` or `openapi.json`). Hidden entries
/// (`.name`) are skipped, and so are sidecar and overlay files (`x.paysdk.yaml`,
/// `x.overlay.yaml`), each of which must belong to a spec of the directory.
pub fn discover(specs_dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let entries = fs::read_dir(specs_dir).map_err(|e| {
        SpecError::new(
            specs_dir,
            Location::File,
            format!("cannot read the specs directory: {e}"),
        )
    })?;
    let mut specs = Vec::new();
    let mut companions = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            SpecError::new(
                specs_dir,
                Location::File,
                format!("cannot list the specs directory: {e}"),
            )
        })?;
        let path = entry.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_file() && config::is_companion(&path)? {
            companions.push(path);
            continue;
        }
        if path.is_dir() || (path.is_file() && crate::spec::is_spec_file(&path)) {
            specs.push(path);
        }
    }
    specs.sort();
    config::check_companions(&companions, &specs)?;
    Ok(specs)
}

/// The module name for a spec file or folder: its stem (a folder's whole name) in snake
/// case, a valid Rust identifier.
pub fn module_name(spec: &Path) -> Result<String, SpecError> {
    let stem = if crate::spec::is_spec_file(spec) {
        spec.file_stem()
    } else {
        spec.file_name()
    }
    .and_then(|s| s.to_str())
    .unwrap_or_default();
    let name = normalize::snake_case(stem);
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && syn::parse_str::<syn::Ident>(&name).is_ok();
    if !valid {
        return Err(SpecError::new(
            spec,
            Location::File,
            format!(
                "the file name must start with a letter and make a Rust module name; \
                 '{stem}' gives '{name}'"
            ),
        ));
    }
    Ok(name)
}

/// Generates every spec of `specs_dir` into `out_dir`, plus `apis.rs`, which declares one
/// module per spec. Returns the modules generated.
pub fn build(specs_dir: &Path, out_dir: &Path) -> Result<Vec<GeneratedModule>, SpecError> {
    let mut modules = Vec::new();
    let mut names = HashSet::new();
    for spec in discover(specs_dir)? {
        let mut module = generate_from(&crate::spec::WorkingTree, &spec)?;
        module.code = stage("portable", || portable::portable(&module.code));
        if !names.insert(module.module.clone()) {
            return Err(SpecError::new(
                &spec,
                Location::File,
                format!(
                    "another spec in {} also makes module '{}': rename one of them",
                    specs_dir.display(),
                    module.module
                ),
            ));
        }
        let out = out_dir.join(format!("{}.rs", module.module));
        write_if_changed(&out, &module.code).map_err(|e| {
            SpecError::new(
                &spec,
                Location::File,
                format!("cannot write {}: {e}", out.display()),
            )
        })?;
        modules.push(module);
    }
    for (file, index) in [
        ("apis.rs", apis_index(&modules)),
        ("facades.rs", facade::index(&modules)),
    ] {
        let out = out_dir.join(file);
        write_if_changed(&out, &index).map_err(|e| {
            SpecError::new(
                specs_dir,
                Location::File,
                format!("cannot write {}: {e}", out.display()),
            )
        })?;
    }
    Ok(modules)
}

/// Skips the write when nothing changed, so touching a spec does not force a recompile of
/// an identical module's dependents beyond what cargo already does.
fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    fs::write(path, contents)
}

fn apis_index(modules: &[GeneratedModule]) -> String {
    let mut out = String::from("// Generated by paysdk's build script from specs/. Do not edit.\n");
    for m in modules {
        let spec = m
            .spec
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        out.push_str(&format!(
            "\n/// {}: generated at build time from `specs/{spec}`.\npub mod {} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{}.rs\"));\n}}\n",
            m.title.replace('\n', " "),
            m.module,
            m.module
        ));
    }
    out
}

/// Generates one module from one spec's text. `$ref`s to other files are read from the
/// working tree, relative to `spec`.
pub fn generate(spec: &Path, text: &str) -> Result<GeneratedModule, SpecError> {
    let source = crate::spec::MemorySource::over(&crate::spec::WorkingTree).with(spec, text);
    generate_from(&source, spec)
}

/// Generates one module from the spec file or folder at `spec`, reading its files from
/// `source`. Errors name the file where the construct is written, also for multi-file specs,
/// and a JSON pointer there also gets its line and column.
pub fn generate_from(
    source: &dyn crate::spec::Source,
    spec: &Path,
) -> Result<GeneratedModule, SpecError> {
    generate_parts(source, spec, |_| ())
        .map(|(module, _, _)| module)
        .map_err(|e| e.placed(source))
}

/// [`generate_from`], also giving the model and `keep` of the document (after the overlay,
/// before any rewrite), for checks that compare the generated code with what the spec says.
pub(crate) fn generate_parts<T>(
    source: &dyn crate::spec::Source,
    spec: &Path,
    keep: impl FnOnce(&serde_json::Value) -> T,
) -> Result<(GeneratedModule, model::ApiModel, T), SpecError> {
    let root = crate::spec::find_root(source, spec)?;
    let module = module_name(&root.path)?;
    let files = stage("load", || {
        crate::spec::FileSet::load(source, &root.file, load::parse)
    })?;
    let bundle = stage("bundle", || crate::spec::bundle::bundle(&files))?;
    drop(files);
    let provenance = bundle.provenance;
    stage("limits", || limits::check(&root.file, &bundle.doc))
        .map_err(|e| e.relocated(&provenance))?;
    let mut files = bundle.files;
    let mut doc = bundle.doc;
    let mut warnings = Vec::new();
    if let Some(overlay) = overlay::Overlay::load(source, &root.path)? {
        warnings = overlay.apply(&mut doc)?;
        files.push(overlay.file);
    }
    let sidecar = stage("sidecar", || {
        config::Sidecar::load(source, &root.path, &doc)
    })?;
    files.extend(sidecar.file.clone());
    let kept = keep(&doc);
    let (title, code, model) = on_a_deep_stack(|| generate_doc(&root.file, &module, doc, &sidecar))
        .map_err(|e| e.relocated(&provenance))?;
    let code = format!(
        "// Generated by paysdk from {}. Do not edit.\n{code}",
        root.path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default(),
    );
    let generated = GeneratedModule {
        module,
        spec: root.path,
        title,
        code,
        files,
        warnings,
    };
    Ok((generated, model, kept))
}

/// Stack for the pipeline after loading. typify and the passes here recurse once or more per
/// schema level; a debug build needs tens of KB a level, and callers' threads can be small
/// (2 MB for a test). The pages are only reserved; what is used is what the spec needs.
const GENERATOR_STACK: usize = 256 * 1024 * 1024;

/// Runs `f` on a thread with [`GENERATOR_STACK`], so that nesting up to
/// [`limits::MAX_DEPTH`] cannot overflow the caller's stack; on the calling thread if no
/// such thread can be started.
fn on_a_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let mut f = Some(f);
    let result = std::thread::scope(|scope| {
        let job = &mut f;
        std::thread::Builder::new()
            .name("paysdk-codegen".into())
            .stack_size(GENERATOR_STACK)
            .spawn_scoped(scope, move || job.take().map(|f| f()))
            .ok()
            .map(|handle| handle.join())
    });
    match result {
        Some(Ok(Some(value))) => value,
        // The thread panicked: let the panic continue here, as it would have inline.
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread could be started: run here.
        _ => match f.take() {
            Some(f) => f(),
            None => unreachable!("the job runs at most once"),
        },
    }
}

/// The pipeline after loading: title, formatted code and the model. Errors point into `doc`;
/// the caller moves them to the file where the construct is written. `sidecar` holds the
/// spec's settings (`specs/<name>.paysdk.yaml`, checked against `doc`).
fn generate_doc(
    spec: &Path,
    module: &str,
    mut doc: serde_json::Value,
    sidecar: &config::Sidecar,
) -> Result<(String, String, model::ApiModel), SpecError> {
    if let Some(filter) = &sidecar.operations {
        stage("filter", || filter::apply(filter, &mut doc));
    }
    stage("downgrade", || downgrade::downgrade(spec, &mut doc))?;
    stage("cycles", || cycles::drop_empty_members(&mut doc));
    stage("validate", || validate::check(spec, &doc))?;
    stage("defaults", || defaults::repair(&mut doc));
    let model = stage("normalize", || normalize::normalize(spec, &mut doc))?;
    let hooks = stage("webhooks", || webhooks::lift(spec, &mut doc))?;
    let title = format!(
        "{} (version {})",
        doc.pointer("/info/title")
            .and_then(|v| v.as_str())
            .unwrap_or(module),
        doc.pointer("/info/version")
            .and_then(|v| v.as_str())
            .unwrap_or("unversioned")
    );
    let openapi = stage("to_openapi", || to_openapi(spec, &doc))?;

    let signature = sidecar.webhook_signature.as_ref();
    let code = std::thread::scope(|scope| {
        // The templates need only the model: they are generated and formatted on the other
        // core while progenitor and the passes run here (wall time of a large spec's build).
        let templates = std::thread::Builder::new()
            .name("paysdk-codegen-templates".into())
            .stack_size(GENERATOR_STACK)
            .spawn_scoped(scope, || templates_text(spec, &model, &hooks, signature))
            .ok();
        let client = client_text(spec, module, &doc, &openapi, &model, &hooks, sidecar);
        let templates = match templates {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => templates_text(spec, &model, &hooks, signature),
        };
        let (file, facade) = client?;
        let facade = std::sync::Arc::new(facade);
        let text = facade.clone();
        // The facade is parsed and formatted from its text on the other core while this one
        // formats the client (syn's trees cannot move between threads; text can).
        let facade_thread = std::thread::Builder::new()
            .name("paysdk-codegen-facade".into())
            .stack_size(GENERATOR_STACK)
            .spawn_scoped(scope, move || facade_text(spec, &text))
            .ok();
        let mut code = stage("prettyplease", || prettyplease::unparse(&file));
        drop(file);
        let facade = match facade_thread {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => facade_text(spec, &facade),
        };
        // prettyplease prints a file item by item, so the parts' texts concatenate to the
        // text of the whole file.
        code.push_str(&templates?);
        code.push_str(&facade?);
        Ok::<_, SpecError>(code)
    })?;
    Ok((title, code, model))
}

/// Generated code that does not parse: a bug here, not in the spec.
fn internal_parse_error(spec: &Path, e: syn::Error) -> SpecError {
    SpecError::new(
        spec,
        Location::File,
        format!("internal: generated error types do not parse: {e}"),
    )
}

/// The formatted code paysdk adds from the model alone: the status hook, operation metadata,
/// success and error enums, webhook events.
fn templates_text(
    spec: &Path,
    model: &model::ApiModel,
    hooks: &webhooks::Webhooks,
    signature: Option<&config::WebhookSignature>,
) -> Result<String, SpecError> {
    let body_type = |schema: &str| Some(names::type_name(schema));
    let additions = stage("templates", || {
        let mut additions = template::hooks();
        additions.extend(template::operations(model));
        additions.extend(successes::module(model, &body_type));
        additions.extend(template::errors(model, &body_type));
        additions.extend(webhooks::tokens(hooks, signature));
        additions
    });
    let additions: syn::File = stage("templates parse", || syn::parse2(additions))
        .map_err(|e| internal_parse_error(spec, e))?;
    Ok(stage("templates prettyplease", || {
        prettyplease::unparse(&additions)
    }))
}

/// progenitor's client through paysdk's passes, and the facade over it as the text of its
/// tokens.
fn client_text(
    spec: &Path,
    module: &str,
    doc: &serde_json::Value,
    openapi: &openapiv3::OpenAPI,
    model: &model::ApiModel,
    hooks: &webhooks::Webhooks,
    sidecar: &config::Sidecar,
) -> Result<(syn::File, String), SpecError> {
    let tokens = stage("progenitor", || run_progenitor(spec, doc, openapi))?;
    let mut file: syn::File =
        stage("syn parse", || parse::generated_file(tokens)).map_err(|e| {
            SpecError::new(
                spec,
                Location::File,
                format!("the generator produced code that does not parse: {e}"),
            )
        })?;
    stage("fields", || fields::unique(&mut file));
    stage("lenient", || lenient::apply(&mut file, &sidecar.secrets));
    stage("from_str", || from_str::end_infallible_chains(&mut file));
    stage("api_version", || api_version::strip(&mut file));
    stage("decode", || decode::route(&mut file));
    stage("hooks", || hooks::inline(&mut file));
    stage("path_params", || path_params::stream(&mut file));
    stage("query_styles", || {
        query_styles::encode(&mut file, &model.query_params)
    });
    stage("builders", || builders::split(&mut file));
    stage("successes", || successes::retype(spec, &mut file, model))?;
    stage("bodies", || bodies::encode(&mut file, model));
    stage("identical copies", || {
        names::drop_identical_copies(&mut file)
    });
    if let Some(name) = stage("duplicate types", || names::duplicate_type(&file)) {
        // The schema that gives the name, where there is one (an enum with a null member,
        // for example, becomes a type of its own name plus an optional wrapper).
        let location = doc
            .pointer("/components/schemas")
            .and_then(|v| v.as_object())
            .and_then(|schemas| schemas.keys().find(|k| names::type_name(k) == name))
            .map_or(Location::File, |schema| {
                Location::Pointer(error::pointer("/components/schemas", &[schema]))
            });
        return Err(SpecError::new(
            spec,
            location,
            format!(
                "two generated types are both named '{name}' (two schemas that give the same \
                 Rust name): give one of them a different title"
            ),
        ));
    }

    let type_names = stage("type names", || generated_type_names(&file));
    for op in &model.operations {
        let error_bodies = op.errors.iter().filter_map(|e| e.body_schema.as_deref());
        let success_bodies = match &op.success {
            model::SuccessModel::Enum(responses) => responses.as_slice(),
            _ => &[],
        }
        .iter()
        .filter_map(|r| match &r.body {
            Some(model::SuccessBody::Json(schema)) => Some(schema.as_str()),
            _ => None,
        });
        for (schema, role) in error_bodies
            .map(|s| (s, "error"))
            .chain(success_bodies.map(|s| (s, "success")))
        {
            if !type_names.contains(&names::type_name(schema)) {
                return Err(SpecError::at(
                    spec,
                    &error::pointer("/components/schemas", &[schema]),
                    format!(
                        "no Rust type was generated for schema '{schema}', the {role} body of \
                         operation '{}'",
                        op.operation_id
                    ),
                ));
            }
        }
    }
    webhooks::check_types(spec, hooks, &type_names)?;
    let facade = stage("facade", || {
        facade::module(&file, model, module, doc, sidecar)
    })
    .map_err(|problem| {
        let file = sidecar.file.as_deref().unwrap_or(spec);
        SpecError::new(file, Location::File, problem)
    })?;
    Ok((file, stage("facade text", || facade.to_string())))
}

/// The facade's tokens, as text, parsed and formatted.
fn facade_text(spec: &Path, tokens: &str) -> Result<String, SpecError> {
    let facade: syn::File = stage("facade parse", || syn::parse_str(tokens))
        .map_err(|e| internal_parse_error(spec, e))?;
    Ok(stage("facade prettyplease", || {
        prettyplease::unparse(&facade)
    }))
}

/// The typed document progenitor reads. openapiv3 flattens the path map, which hides where
/// in `paths` a structural error sits, so path items are re-read one by one to find it.
fn to_openapi(spec: &Path, doc: &serde_json::Value) -> Result<openapiv3::OpenAPI, SpecError> {
    fn located<T: serde::de::DeserializeOwned>(
        value: &serde_json::Value,
        base: &str,
    ) -> Result<T, (String, String)> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let mut at = base.to_string();
            for segment in e.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Map { key } => at = error::pointer(&at, &[key]),
                    serde_path_to_error::Segment::Seq { index } => at = format!("{at}/{index}"),
                    _ => {}
                }
            }
            (at, e.inner().to_string())
        })
    }
    let whole = located::<openapiv3::OpenAPI>(doc, "");
    let (mut at, mut problem) = match whole {
        Ok(openapi) => return Ok(openapi),
        Err(e) => e,
    };
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            let base = error::pointer("/paths", &[path]);
            if let Err(e) = located::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item, &base) {
                (at, problem) = e;
                break;
            }
        }
    }
    Err(SpecError::at(
        spec,
        &at,
        format!("not a valid OpenAPI 3.0 document: {problem}"),
    ))
}

/// Names of the types typify generated.
fn generated_type_names(file: &syn::File) -> HashSet<String> {
    let mut names = HashSet::new();
    for item in &file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &m.content
        {
            for item in items {
                match item {
                    syn::Item::Struct(s) => names.insert(s.ident.to_string()),
                    syn::Item::Enum(e) => names.insert(e.ident.to_string()),
                    syn::Item::Type(t) => names.insert(t.ident.to_string()),
                    _ => false,
                };
            }
        }
    }
    names
}

/// Runs progenitor. Its errors and panics (assertions with no operation named) name no place,
/// so on a failure the spec is cut down until the operation or schema that fails is found
/// (`culprit`), and the error points there.
fn run_progenitor(
    spec: &Path,
    doc: &serde_json::Value,
    openapi: &openapiv3::OpenAPI,
) -> Result<proc_macro2::TokenStream, SpecError> {
    let problem = match progenitor_tokens(openapi) {
        Ok(tokens) => return Ok(tokens),
        Err(problem) => problem,
    };
    let mut fails = |part: &serde_json::Value| {
        to_openapi(spec, part).is_ok_and(|openapi| progenitor_tokens(&openapi).is_err())
    };
    match culprit::locate(doc, &mut fails) {
        Some(at) => {
            let what = culprit::describe(doc, &at);
            Err(SpecError::at(spec, &at, format!("{problem}, in {what}")))
        }
        None => Err(SpecError::new(spec, Location::File, problem)),
    }
}

/// progenitor's output for `openapi`, or what went wrong (its error, or a panic caught and
/// reworded, never a backtrace).
fn progenitor_tokens(openapi: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote::quote!(::paysdk::runtime::CallCtx))
        .with_hooks(progenitor::HooksMode::Expected);

    let previous_hook = std::panic::take_hook();
    let message = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = message.clone();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut m) = sink.lock() {
            *m = info.to_string();
        }
    }));
    let result = std::panic::catch_unwind(|| {
        let mut generator = progenitor::Generator::new(&settings);
        generator.generate_tokens(openapi)
    });
    std::panic::set_hook(previous_hook);

    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(format!("the generator cannot handle this spec: {e}")),
        Err(_) => {
            let detail = message.lock().map(|m| m.clone()).unwrap_or_default();
            Err(format!(
                "the generator failed on a construct it does not support ({detail})"
            ))
        }
    }
}

/// The repository root, which holds the specs and fixtures the unit tests read.
#[cfg(test)]
fn repo_root() -> &'static Path {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest)
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod facade_tests;
#[cfg(test)]
mod input_tests;
#[cfg(test)]
mod media_tests;
#[cfg(test)]
mod tests;
