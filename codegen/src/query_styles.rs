//! Query parameters of every OpenAPI style. progenitor writes only `form` (and refuses
//! `deepObject`, `spaceDelimited`, `pipeDelimited`); for arrays without explode and for
//! objects its `form` encoding is wrong or fails at run time. So:
//!
//! - [`route`] (a normalize pass) records each such parameter and shows progenitor a plain
//!   `form` parameter with the same schema, which gives the method its argument and type;
//! - [`encode`] (a pass over the generated code) takes those parameters out of progenitor's
//!   `.query(...)` chain and appends them to the URL through `::paysdk::runtime::append_query`
//!   in their declared style.
//!
//! Scalars in the `form` style, and `form` arrays with explode (progenitor's `a=1&a=2`), stay
//! with progenitor.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, Lit, Pat, Stmt, parse_quote};

use super::error::{SpecError, pointer};
use super::model::{QueryStyle, StyledQueryParam};
use super::names::method_name;
use super::normalize::METHODS;
use super::validate::resolve;
use super::walk::{Pass, Walk};

/// Follows `$ref`s to the node and its pointer (cycle-safe).
fn deref_at<'a>(doc: &'a Value, mut node: &'a Value, mut at: String) -> (&'a Value, String) {
    for _ in 0..32 {
        let Some(r) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match resolve(doc, r) {
            Some(target) => {
                node = target;
                at = r.trim_start_matches('#').to_string();
            }
            None => break,
        }
    }
    (node, at)
}

/// Whether the schema is a single scalar (no array, object or combinator).
fn is_scalar(doc: &Value, schema: &Value) -> bool {
    let (schema, _) = deref_at(doc, schema, String::new());
    let Some(map) = schema.as_object() else {
        return true;
    };
    if [
        "properties",
        "additionalProperties",
        "items",
        "oneOf",
        "anyOf",
        "allOf",
    ]
    .iter()
    .any(|k| map.contains_key(*k))
    {
        return false;
    }
    !matches!(
        map.get("type").and_then(Value::as_str),
        Some("array" | "object")
    )
}

fn is_exploded_array(doc: &Value, schema: &Value) -> bool {
    let (schema, _) = deref_at(doc, schema, String::new());
    schema.get("type").and_then(Value::as_str) == Some("array")
        && schema
            .get("items")
            .is_some_and(|items| is_scalar(doc, items))
}

/// Records every query parameter progenitor would refuse or encode wrongly and rewrites it
/// (where it is defined, which may be `components/parameters`) as a plain `form` parameter.
pub fn route(file: &Path, doc: &mut Value) -> Result<Vec<StyledQueryParam>, SpecError> {
    let mut out = Vec::new();
    let mut rewrite: Vec<String> = Vec::new();
    let paths: Vec<(String, Value)> = match doc.get("paths").and_then(Value::as_object) {
        Some(paths) => paths.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        None => return Ok(out),
    };
    for (path, item) in &paths {
        for method in METHODS {
            let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            // Operation parameters override path-item ones with the same name and location.
            let mut params: Vec<(String, &Value, String)> = Vec::new();
            let lists = [
                (
                    item.get("parameters"),
                    pointer("/paths", &[path, "parameters"]),
                ),
                (
                    op.get("parameters"),
                    pointer("/paths", &[path, method, "parameters"]),
                ),
            ];
            for (list, base) in lists {
                for (i, p) in list
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let (p, at) = deref_at(doc, p, format!("{base}/{i}"));
                    if p.get("in").and_then(Value::as_str) != Some("query") {
                        continue;
                    }
                    let Some(name) = p.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    params.retain(|(n, _, _)| n != name);
                    params.push((name.to_string(), p, at));
                }
            }
            for (name, p, at) in params {
                let style = match p.get("style").and_then(Value::as_str) {
                    None | Some("form") => QueryStyle::Form,
                    Some("spaceDelimited") => QueryStyle::SpaceDelimited,
                    Some("pipeDelimited") => QueryStyle::PipeDelimited,
                    Some("deepObject") => QueryStyle::DeepObject,
                    Some(other) => {
                        return Err(SpecError::at(
                            file,
                            &pointer(&at, &["style"]),
                            format!(
                                "query parameter '{name}' of operation '{operation_id}' has \
                                 style '{other}'; a query parameter takes form, \
                                 spaceDelimited, pipeDelimited or deepObject"
                            ),
                        ));
                    }
                };
                let explode = p
                    .get("explode")
                    .and_then(Value::as_bool)
                    .unwrap_or(style == QueryStyle::Form);
                let Some(schema) = p.get("schema") else {
                    continue;
                };
                let progenitor_right = style == QueryStyle::Form
                    && (is_scalar(doc, schema) || (explode && is_exploded_array(doc, schema)));
                if progenitor_right {
                    continue;
                }
                out.push(StyledQueryParam {
                    operation_id: operation_id.clone(),
                    name,
                    style,
                    explode,
                });
                if !rewrite.contains(&at) {
                    rewrite.push(at);
                }
            }
        }
    }
    for at in rewrite {
        if let Some(Value::Object(p)) = doc.pointer_mut(&at) {
            p.insert("style".into(), Value::String("form".into()));
            p.insert("explode".into(), Value::Bool(true));
        }
    }
    Ok(out)
}

/// Replaces progenitor's encoding of every routed parameter in the generated client.
pub fn encode(file: &mut syn::File, params: &[StyledQueryParam]) {
    if params.is_empty() {
        return;
    }
    let mut by_method: HashMap<String, Vec<&StyledQueryParam>> = HashMap::new();
    for p in params {
        by_method
            .entry(method_name(&p.operation_id))
            .or_default()
            .push(p);
    }
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for item in &mut block.items {
            if let ImplItem::Fn(method) = item
                && let Some(params) = by_method.get(&method.sig.ident.to_string())
            {
                rewrite_method(&mut method.block.stmts, params);
            }
        }
    }
}

/// In one method: drop the routed `.query(...)` calls from the request chain and append the
/// parameters to the URL before the request is built.
fn rewrite_method(stmts: &mut Vec<Stmt>, params: &[&StyledQueryParam]) {
    let Some(at) = stmts.iter().position(|s| binds(s, "request")) else {
        return;
    };
    let Some(url) = stmts[..at].iter().rev().find_map(url_binding) else {
        return;
    };
    let mut strip = StripQuery {
        names: params.iter().map(|p| p.name.as_str()).collect(),
        found: Vec::new(),
    };
    Walk(&mut strip).visit_stmt_mut(&mut stmts[at]);
    let mut added: Vec<Stmt> = Vec::new();
    for (name, value) in strip.found {
        let Some(p) = params.iter().find(|p| p.name == name) else {
            continue;
        };
        let style = match p.style {
            QueryStyle::Form => quote::quote!(Form),
            QueryStyle::SpaceDelimited => quote::quote!(SpaceDelimited),
            QueryStyle::PipeDelimited => quote::quote!(PipeDelimited),
            QueryStyle::DeepObject => quote::quote!(DeepObject),
        };
        let explode = p.explode;
        added.push(parse_quote! {
            let #url = ::paysdk::runtime::append_query(
                #url,
                #name,
                ::paysdk::runtime::QueryStyle::#style,
                #explode,
                #value,
            )
            .map_err(Error::InvalidRequest)?;
        });
    }
    stmts.splice(at..at, added);
}

fn binds(stmt: &Stmt, name: &str) -> bool {
    matches!(stmt, Stmt::Local(local) if matches!(&local.pat, Pat::Ident(p) if p.ident == name))
}

/// `let url = format!(...);`: the ident progenitor binds the URL to.
fn url_binding(stmt: &Stmt) -> Option<syn::Ident> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let Pat::Ident(p) = &local.pat else {
        return None;
    };
    let init = local.init.as_ref()?;
    match init.expr.as_ref() {
        Expr::Macro(m) if m.mac.path.is_ident("format") => Some(p.ident.clone()),
        _ => None,
    }
}

/// Removes `.query(&progenitor_client::QueryParam::new("name", &value))` for routed names,
/// keeping the value expressions.
struct StripQuery<'a> {
    names: Vec<&'a str>,
    found: Vec<(String, Expr)>,
}

impl StripQuery<'_> {
    /// `("name", value)` of `&...QueryParam::new("name", value)`.
    fn routed(&self, arg: &Expr) -> Option<(String, Expr)> {
        let Expr::Reference(reference) = arg else {
            return None;
        };
        let Expr::Call(call) = reference.expr.as_ref() else {
            return None;
        };
        let Expr::Path(function) = call.func.as_ref() else {
            return None;
        };
        let segments: Vec<String> = function
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if !segments.ends_with(&["QueryParam".to_string(), "new".to_string()])
            || call.args.len() != 2
        {
            return None;
        }
        let Some(Expr::Lit(lit)) = call.args.first() else {
            return None;
        };
        let Lit::Str(name) = &lit.lit else {
            return None;
        };
        let name = name.value();
        if !self.names.contains(&name.as_str()) {
            return None;
        }
        Some((name, call.args[1].clone()))
    }
}

impl Pass for StripQuery<'_> {
    fn leave_expr(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "query"
            && call.args.len() == 1
            && let Some(found) = self.routed(&call.args[0])
        {
            self.found.push(found);
            *expr = (*call.receiver).clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::generate;
    use crate::model::QueryStyle;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Query styles, version: '1'}
components:
  parameters:
    Created:
      name: created
      in: query
      style: deepObject
      explode: true
      schema:
        type: object
        properties:
          gte: {type: integer}
          lt: {type: integer}
  schemas:
    Ids: {type: array, items: {type: string}}
paths:
  /charges:
    get:
      operationId: listCharges
      parameters:
        - $ref: '#/components/parameters/Created'
        - {name: limit, in: query, schema: {type: integer}}
        - {name: status, in: query, schema: {type: array, items: {type: string}}}
        - {name: ids, in: query, explode: false, schema: {$ref: '#/components/schemas/Ids'}}
        - {name: tags, in: query, style: spaceDelimited, schema: {type: array, items: {type: string}}}
        - {name: codes, in: query, style: pipeDelimited, required: true, schema: {type: array, items: {type: integer}}}
        - name: filter
          in: query
          schema: {type: object, properties: {name: {type: string}, nested: {type: object, properties: {x: {type: string}}}}}
        - {name: point, in: query, explode: false, schema: {type: object, properties: {x: {type: number}, y: {type: number}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
  /charges/{id}/refunds:
    parameters:
      - {name: expand, in: query, style: deepObject, schema: {type: array, items: {type: string}}}
    get:
      operationId: listRefunds
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
"##;

    fn routed() -> Vec<(String, String, QueryStyle, bool)> {
        let mut doc = crate::load::parse(Path::new("q.yaml"), SPEC).unwrap();
        super::route(Path::new("q.yaml"), &mut doc)
            .unwrap()
            .into_iter()
            .map(|p| (p.operation_id, p.name, p.style, p.explode))
            .collect()
    }

    #[test]
    fn every_style_progenitor_cannot_write_is_routed() {
        use QueryStyle::*;
        let s = |a: &str, b: &str, c, d| (a.to_string(), b.to_string(), c, d);
        assert_eq!(
            routed(),
            vec![
                s("listCharges", "created", DeepObject, true),
                s("listCharges", "ids", Form, false),
                s("listCharges", "tags", SpaceDelimited, false),
                s("listCharges", "codes", PipeDelimited, false),
                s("listCharges", "filter", Form, true),
                s("listCharges", "point", Form, false),
                s("listRefunds", "expand", DeepObject, false),
            ]
        );
    }

    #[test]
    fn routed_parameters_are_appended_in_their_style() {
        let module = generate(Path::new("specs/q.yaml"), SPEC).unwrap();
        let code = module.code.replace(char::is_whitespace, "");
        for (name, style, explode) in [
            ("created", "DeepObject", true),
            ("ids", "Form", false),
            ("tags", "SpaceDelimited", false),
            ("codes", "PipeDelimited", false),
            ("filter", "Form", true),
            ("point", "Form", false),
            ("expand", "DeepObject", false),
        ] {
            let call = format!(
                "::paysdk::runtime::append_query(url,\"{name}\",::paysdk::runtime::QueryStyle::{style},{explode},"
            );
            assert!(code.contains(&call), "{name}: {call} missing");
            let progenitor = format!("QueryParam::new(\"{name}\"");
            assert!(
                !code.contains(&progenitor),
                "{name} still encoded by progenitor"
            );
        }
        // Scalars and exploded form arrays stay with progenitor.
        assert!(code.contains("QueryParam::new(\"limit\",&limit)"));
        assert!(code.contains("QueryParam::new(\"status\",&status)"));
        // The URL is complete in the request builder the facade uses.
        let builder = code
            .split("pubfnlist_charges_request")
            .nth(1)
            .expect("a request builder");
        assert!(builder.contains("append_query(url,\"created\""));
        assert!(syn::parse_file(&module.code).is_ok());
    }

    #[test]
    fn an_unknown_style_names_the_parameter_and_where() {
        let spec = SPEC.replace("style: spaceDelimited", "style: matrix");
        let e = generate(Path::new("specs/q.yaml"), &spec).unwrap_err();
        assert!(
            e.problem.contains("'tags'") && e.problem.contains("matrix"),
            "{e}"
        );
        assert_eq!(
            e.location,
            crate::Location::Pointer("/paths/~1charges/get/parameters/4/style".to_string())
        );
    }
}
