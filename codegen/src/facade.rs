//! The facade every spec gets (`paysdk::apis::<module>`): a `Client` with one method per
//! operation that runs it through the runtime's call loop (timeouts, retries, idempotency
//! keys, tracing, typed errors), a `ClientBuilder`, and one call type per operation whose
//! setters take the optional parameters before `.await`.
//!
//! It is read off the generated `<operation>_request` builders (after every other pass), so
//! the facade's parameters are exactly the builders' and always compile against them.
//! Generated code names the runtime `::paysdk::…` only.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use super::walk::{Pass, Then, Walk};
use syn::{
    FnArg, GenericParam, ImplItem, ImplItemFn, Item, Lifetime, Pat, ReturnType, Type,
    TypeParamBound,
};

use super::GeneratedModule;
use super::builders::first_type_argument;
use super::config::{
    CursorSource, DEFAULT_IDEMPOTENCY_MAX_LENGTH, FieldPath, LinkSource, Pagination, Sidecar,
};
use super::facade_auth;
use super::facade_shortcuts;
use super::find;
use super::model::{ApiModel, OperationModel};
use super::names;
use super::template::{const_name, error_enum_name};

/// Facade methods and call setters that a parameter or operation name must not take.
const CLIENT_RESERVED: [&str; 4] = ["builder", "base_url", "raw", "clone"];
const CALL_RESERVED: [&str; 7] = [
    "send",
    "idempotency_key",
    "with_query",
    "into_future",
    "items",
    "pages",
    "client",
];

/// One parameter of a generated builder, as the facade takes it.
pub(super) struct Param {
    /// The builder's argument name.
    pub(super) name: Ident,
    pub(super) kind: ParamKind,
}

pub(super) enum ParamKind {
    /// Positional, borrowed for the call (`&str`, `&T`): passed on as is.
    Borrowed(Type),
    /// Positional, owned (an enum or integer path parameter; a bytes body): cloned per attempt.
    Owned(Type),
    /// A text body: taken as `&str`, made a `String` per attempt.
    Text,
    /// Optional: a setter; the value is kept owned and lent to each attempt.
    OptionalStr,
    OptionalRef(Type),
    OptionalOwned(Type),
    /// The idempotency header: sent by the call loop, so the builder gets none.
    IdempotencyOptional,
    IdempotencyRequired,
    /// A string parameter the sidecar sets on the client (`client_parameters`): the call
    /// holds a per-call override and falls back to the client's value.
    Client {
        required: bool,
    },
}

/// One operation's facade parts.
pub(super) struct Operation<'m> {
    pub(super) op: &'m OperationModel,
    /// The generated raw method name.
    raw: String,
    /// The facade method name.
    pub(super) method: Ident,
    pub(super) params: Vec<Param>,
    pub(super) success: Type,
    pub(super) idempotency: Option<String>,
    /// The spec's summary and description, as the raw method's docs carry them.
    pub(super) docs: Vec<String>,
    /// The operation's security requirement, as scheme indices.
    security: TokenStream,
    /// How it pages, when the sidecar says it does.
    paging: Option<Paging>,
}

/// A paginated operation's `pages()` and `items()`.
struct Paging {
    /// The `::paysdk::runtime::PageStyle` value.
    style: TokenStream,
    /// The item type.
    item: Type,
    /// Which call field a page request sets.
    kind: PagingKind,
}

enum PagingKind {
    Offset { offset: Ident, limit: Ident },
    Cursor { param: Ident },
    Link,
}

/// The idempotency header an operation sends a key in, if any, and the declared header
/// parameter that the call loop fills instead of the caller.
struct Keys {
    header: Option<String>,
    declared: Option<String>,
}

/// Operations that declare an idempotency header get a key, and those the sidecar lists; in
/// the sidecar's header if it names one, else the declared one, else `idempotency-key`.
fn idempotency(op: &OperationModel, sidecar: &Sidecar) -> Keys {
    let configured = sidecar
        .idempotency
        .as_ref()
        .and_then(|i| i.header.as_ref())
        .map(|h| h.0.clone());
    let declared = op
        .header_params
        .iter()
        .find(|h| {
            IDEMPOTENCY_HEADERS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(h))
                || configured
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case(h))
        })
        .map(|h| h.to_ascii_lowercase());
    let wanted = declared.is_some() || sidecar.wants_idempotency_key(&op.operation_id);
    let header = wanted.then(|| {
        configured
            .clone()
            .or_else(|| declared.clone())
            .unwrap_or_else(|| "idempotency-key".to_string())
    });
    Keys { header, declared }
}

/// `::paysdk::runtime::ApiRules` from the sidecar: request reference, retry hints,
/// transient errors.
fn rules(sidecar: &Sidecar) -> TokenStream {
    let request_ref = match &sidecar.request_reference_header {
        Some(h) => {
            let h = &h.0;
            quote! {
                Some({
                    static REQUEST_REF: ::reqwest::header::HeaderName =
                        ::reqwest::header::HeaderName::from_static(#h);
                    &REQUEST_REF
                })
            }
        }
        None => quote!(None),
    };
    let request_ref_field = sidecar
        .request_reference_field
        .as_ref()
        .map(|f| f.0.clone())
        .unwrap_or_default();
    let retry_after = sidecar.retry_after_headers.iter().map(|h| &h.0);
    let transient = sidecar.transient_errors.iter().map(|rule| {
        let status = rule.status;
        let (field, equals) = match &rule.body {
            Some((path, value)) => (path.0.clone(), value.clone()),
            None => (Vec::new(), String::new()),
        };
        quote!(::paysdk::runtime::TransientRule { status: #status, field: &[#(#field),*], equals: #equals })
    });
    quote! {
        ::paysdk::runtime::ApiRules {
            request_ref_header: #request_ref,
            request_ref_field: &[#(#request_ref_field),*],
            retry_after_headers: &[#(#retry_after),*],
            transient: &[#(#transient),*],
        }
    }
}

/// `pub mod facade`, for a generated module `module` (used in errors and logs). `doc` is
/// the normalized spec (for its security), `sidecar` its settings.
pub fn module(
    file: &syn::File,
    model: &ApiModel,
    module: &str,
    doc: &serde_json::Value,
    sidecar: &Sidecar,
) -> Result<TokenStream, String> {
    let names = find::operations(file);
    let schemes = facade_auth::schemes(doc);
    let mut taken = std::collections::HashSet::new();
    let params: Vec<Ident> = (sidecar.client_parameters.iter())
        .map(|p| format_ident!("{}", names::method_name(&p.0)))
        .collect();
    let operations: Vec<Operation> = model
        .operations
        .iter()
        .filter_map(|op| {
            let raw = names.get(&find::key(op))?.clone();
            let builder = builder(file, &format!("{raw}_request"))?;
            let docs = summary(file, &raw);
            let method = sidecar
                .method_name(&op.operation_id)
                .unwrap_or(&raw)
                .to_string();
            let keys = idempotency(op, sidecar);
            let mut operation = read(op, raw, method, keys, builder, &params, &mut taken)?;
            operation.docs = docs;
            operation.security = facade_auth::requirement(doc, op, &schemes);
            Some(operation)
        })
        .collect();
    let mut operations = operations;
    for o in &mut operations {
        if let Some(pagination) = sidecar.pagination_of(&o.op.operation_id) {
            o.paging = Some(paging(file, o, pagination)?);
        }
    }
    let provider = sidecar.provider.as_ref().map_or(module, |p| p.0.as_str());
    let client_params = client_parameters(provider, sidecar, &params, &operations)?;
    let ClientParams {
        fields: param_fields,
        setters: param_setters,
        checks: param_checks,
        copies: param_copies,
    } = client_params;
    // Only a spec with client parameters gets the struct, so others' code stays as it was.
    let (params_field, params_init, params_struct) = if param_fields.is_empty() {
        (None, None, None)
    } else {
        (
            Some(quote!(params: ClientParameters,)),
            Some(quote!(params: self.params,)),
            Some(quote! {
                /// The parameters set once on the client (sidecar `client_parameters`).
                #[derive(Debug, Default, Clone)]
                struct ClientParameters {
                    #(#param_fields)*
                }
            }),
        )
    };
    let (environment, environment_setter) = environments(model, sidecar)?;
    let (scheme_table, scheme_setters) = facade_auth::tokens(&schemes);
    let credentials = facade_auth::credentials(&schemes, sidecar.credentials.as_ref(), provider)?;
    let (credentials_enum, credentials_setter, credentials_check) =
        (credentials.item, credentials.setter, credentials.check);
    let rules = rules(sidecar);
    let max_len = sidecar
        .idempotency
        .as_ref()
        .map_or(DEFAULT_IDEMPOTENCY_MAX_LENGTH, |i| i.max_length());
    // The sidecar's idempotency header, as constants a caller can name (logs, proxies).
    let key_consts = (sidecar.idempotency.as_ref())
        .and_then(|i| i.header.as_ref())
        .map(|h| {
            let h = &h.0;
            quote! {
                /// The header idempotency keys are sent in (sidecar `idempotency.header`).
                pub const IDEMPOTENCY_HEADER: &str = #h;
                /// The longest idempotency key sent (sidecar `idempotency.max_length`).
                pub const IDEMPOTENCY_KEY_MAX_LEN: usize = #max_len;
            }
        });
    let has_responses = file
        .items
        .iter()
        .any(|i| matches!(i, Item::Mod(m) if m.ident == "responses"));
    let responses = has_responses.then(|| {
        quote!(
            pub use super::responses;
        )
    });
    let mut queries = std::collections::HashMap::new();
    for (id, name) in &sidecar.query_structs {
        let o = (operations.iter().find(|o| o.op.operation_id == id.0))
            .ok_or_else(|| format!("query struct of '{}': the operation is not generated", id.0))?;
        queries.insert(
            id.0.clone(),
            facade_shortcuts::query_struct(doc, o, &name.0)?,
        );
    }
    let query_items = queries.values().map(|q| &q.item);
    let Shortcuts {
        methods: shortcuts,
        replaced,
        aliases: shortcut_aliases,
    } = shortcuts(file, sidecar, &operations, &params)?;
    let methods = (operations.iter())
        .filter(|o| !replaced.contains(&o.method.to_string()))
        .map(client_method);
    let calls = (operations.iter()).map(|o| call_type(o, queries.get(&o.op.operation_id)));
    let error_aliases = operations.iter().map(|o| {
        let alias = format_ident!("{}Error", names::type_name(&o.method.to_string()));
        let error = format_ident!("{}", error_enum_name(o.op));
        let doc = format!(" The error of [`Client::{}`].", o.method);
        quote!(#[doc = #doc] pub type #alias = errors::#error;)
    });
    let builder_doc = format!("Builds a [`Client`] of the `{module}` API.");

    Ok(quote! {
        /// The client to use: every operation through paysdk's call loop (timeouts, safe
        /// retries, idempotency keys, tracing, typed errors).
        pub mod facade {
            #[allow(unused_imports)]
            use super::*;
            pub use super::{errors, operations, types};
            #responses

            #[doc = #builder_doc]
            #[derive(Debug, Default, Clone)]
            pub struct ClientBuilder {
                base_url: ::std::option::Option<::std::string::String>,
                config: ::paysdk::ClientConfig,
                http: ::std::option::Option<::reqwest::Client>,
                auth: ::paysdk::runtime::auth::AuthBuilder,
                #params_field
            }

            #params_struct

            #scheme_table

            #credentials_enum

            #environment

            #key_consts

            impl ClientBuilder {
                #environment_setter
                #(#scheme_setters)*
                #credentials_setter
                #(#param_setters)*

                /// The base URL (default: the spec's first server without variables).
                pub fn base_url(mut self, url: impl Into<::std::string::String>) -> Self {
                    self.base_url = Some(url.into());
                    self
                }
                /// Timeouts and retries.
                pub fn config(mut self, config: ::paysdk::ClientConfig) -> Self {
                    self.config = config;
                    self
                }
                /// Uses this `reqwest` client (connection pool, proxies, TLS) instead of
                /// making one.
                pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
                    self.http = Some(http);
                    self
                }
                /// Builds the client.
                pub fn build(self) -> ::std::result::Result<Client, ::paysdk::BuildError> {
                    #credentials_check
                    #(#param_checks)*
                    let settings = ::paysdk::runtime::ApiSettings {
                        api: #provider,
                        base_url: self.base_url,
                        servers: operations::SERVERS,
                        config: self.config,
                        http: self.http,
                        schemes: SECURITY_SCHEMES,
                        auth: self.auth,
                        rules: #rules,
                        idempotency_max_len: #max_len,
                    };
                    let api = ::paysdk::runtime::ApiClient::new(settings, super::Client::new_with_client)?;
                    Ok(Client { api, #params_init })
                }
            }

            /// A client of the API. Cheap to clone; share one per process.
            #[derive(Clone, Debug)]
            pub struct Client {
                api: ::paysdk::runtime::ApiClient<super::Client>,
                #params_field
            }

            impl Client {
                /// Starts building a client.
                pub fn builder() -> ClientBuilder {
                    ClientBuilder::default()
                }
                /// The base URL requests go to.
                pub fn base_url(&self) -> &str {
                    self.api.base_url()
                }
                #(#param_copies)*
                #(#methods)*
                #(#shortcuts)*
            }

            #(#query_items)*

            #(#calls)*

            #(#error_aliases)*
            #(#shortcut_aliases)*
        }
    })
}

/// The sidecar's shortcuts: their methods, the operation methods they replace (a shortcut
/// named like its operation's method takes its place), and an error alias for each other.
#[derive(Default)]
struct Shortcuts {
    methods: Vec<TokenStream>,
    replaced: Vec<String>,
    aliases: Vec<TokenStream>,
}

fn shortcuts(
    file: &syn::File,
    sidecar: &Sidecar,
    operations: &[Operation],
    client_params: &[Ident],
) -> Result<Shortcuts, String> {
    let mut out = Shortcuts::default();
    for (name, shortcut) in &sidecar.shortcuts {
        let name = &name.0;
        let id = &shortcut.operation.0;
        let o = (operations.iter().find(|o| o.op.operation_id == *id))
            .ok_or_else(|| format!("shortcut '{name}': operation '{id}' is not generated"))?;
        let copies = client_params.iter().map(|p| format!("with_{p}"));
        let other = (operations.iter())
            .find(|other| other.op.operation_id != *id && other.method == name.as_str());
        if let Some(other) = other {
            return Err(format!(
                "shortcut '{name}' has the name of operation '{}''s method; rename one",
                other.op.operation_id
            ));
        }
        if CLIENT_RESERVED.contains(&name.as_str()) || copies.into_iter().any(|c| c == *name) {
            return Err(format!(
                "shortcut '{name}': the name is taken by a client method"
            ));
        }
        out.methods
            .push(facade_shortcuts::method(file, name, shortcut, o)?);
        if o.method == name.as_str() {
            out.replaced.push(name.clone());
        } else {
            let alias = format_ident!("{}Error", names::type_name(name));
            let error = format_ident!("{}", error_enum_name(o.op));
            let doc = format!(" The error of [`Client::{name}`].");
            out.aliases
                .push(quote!(#[doc = #doc] pub type #alias = errors::#error;));
        }
    }
    Ok(out)
}

/// The client-level parameters' parts: `ClientParameters` fields, builder setters, the
/// checks `build` makes, and the client's `with_<name>` copies.
struct ClientParams {
    fields: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    checks: Vec<TokenStream>,
    copies: Vec<TokenStream>,
}

fn client_parameters(
    module: &str,
    sidecar: &Sidecar,
    idents: &[Ident],
    operations: &[Operation],
) -> Result<ClientParams, String> {
    let mut parts = ClientParams {
        fields: Vec::new(),
        setters: Vec::new(),
        checks: Vec::new(),
        copies: Vec::new(),
    };
    for (param, name) in sidecar.client_parameters.iter().zip(idents) {
        let kinds: Vec<bool> = (operations.iter().flat_map(|o| &o.params))
            .filter_map(|p| match p.kind {
                ParamKind::Client { required } if p.name == *name => Some(required),
                _ => None,
            })
            .collect();
        if kinds.is_empty() {
            return Err(format!(
                "client parameter '{}' is not a string query or header parameter of any \
                 generated operation",
                param.0
            ));
        }
        let spec_name = &param.0;
        let doc = format!(
            " Sets `{spec_name}`, sent on every call that takes it; a call's `.{name}(..)` \
             overrides it."
        );
        let copy = format_ident!("with_{name}");
        let copy_doc = format!(" The same client sending `{spec_name}` as `value`.");
        parts
            .fields
            .push(quote!(#name: ::std::option::Option<::std::sync::Arc<str>>,));
        parts.setters.push(quote! {
            #[doc = #doc]
            pub fn #name(mut self, value: impl Into<::std::string::String>) -> Self {
                self.params.#name = Some(value.into().into());
                self
            }
        });
        parts.copies.push(quote! {
            #[doc = #copy_doc]
            pub fn #copy(&self, value: impl Into<::std::string::String>) -> Self {
                let mut copy = self.clone();
                copy.params.#name = Some(value.into().into());
                copy
            }
        });
        if kinds.contains(&true) {
            let what = name.to_string().replace('_', " ");
            let hint = format!("ClientBuilder::{name}; operations require `{spec_name}`");
            parts.checks.push(quote! {
                if self.params.#name.is_none() {
                    return Err(::paysdk::BuildError::Missing {
                        provider: #module,
                        what: #what,
                        hint: #hint,
                    });
                }
            });
        }
    }
    Ok(parts)
}

/// `Environment` over the spec's servers, named by the sidecar's `environments`, and the
/// builder's `environment` setter; nothing when the sidecar names none.
fn environments(model: &ApiModel, sidecar: &Sidecar) -> Result<(TokenStream, TokenStream), String> {
    let names = &sidecar.environments;
    if names.is_empty() {
        return Ok((TokenStream::new(), TokenStream::new()));
    }
    if names.len() != model.servers.len() {
        return Err(format!(
            "`environments` names {} servers, but the spec declares {}",
            names.len(),
            model.servers.len()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = names.iter().find(|n| !seen.insert(&n.0)) {
        return Err(format!("environment name '{}' is given twice", twice.0));
    }
    let (mut variants, mut arms, mut constructors) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (name, server)) in names.iter().zip(&model.servers).enumerate() {
        let variant = format_ident!("{}", name.0);
        let doc = match &server.description {
            Some(d) => format!(" {}: `{}`.", d.trim_end_matches('.'), server.url),
            None => format!(" `{}`.", server.url),
        };
        let fields: Vec<Ident> = (server.variables.iter())
            .map(|v| format_ident!("{}", names::method_name(v)))
            .collect();
        if fields.is_empty() {
            variants.push(quote!(#[doc = #doc] #variant,));
            arms.push(quote!(Self::#variant => operations::SERVERS[#i].url.to_string(),));
            continue;
        }
        let vars = &server.variables;
        let field_docs = vars
            .iter()
            .map(|v| format!(" The server's `{v}` variable."));
        variants.push(quote! {
            #[doc = #doc]
            #variant {
                #(#[doc = #field_docs] #fields: ::std::string::String,)*
            },
        });
        arms.push(quote! {
            Self::#variant { #(#fields),* } => operations::SERVERS[#i]
                .render(&[#((#vars, #fields.as_str())),*])
                .unwrap_or_default(),
        });
        let constructor = format_ident!("{}", names::method_name(&name.0));
        let doc = format!(" [`Environment::{}`] with these variables.", name.0);
        constructors.push(quote! {
            #[doc = #doc]
            pub fn #constructor(#(#fields: impl Into<::std::string::String>),*) -> Self {
                Self::#variant { #(#fields: #fields.into()),* }
            }
        });
    }
    let enumeration = quote! {
        /// Where the API lives: the spec's servers (named by the sidecar's `environments`), or
        /// any base URL.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Environment {
            #(#variants)*
            /// Any base URL (a proxy, a simulator, a test server).
            Custom(::std::string::String),
        }

        impl Environment {
            #(#constructors)*

            /// The base URL, from the spec's server list.
            pub fn base_url(&self) -> ::std::string::String {
                match self {
                    #(#arms)*
                    Self::Custom(url) => url.trim_end_matches('/').to_string(),
                }
            }
        }
    };
    let setter = quote! {
        /// Where to send requests: one of the spec's servers, or any base URL.
        pub fn environment(self, environment: Environment) -> Self {
            self.base_url(environment.base_url())
        }
    };
    Ok((enumeration, setter))
}

/// The `<name>` builder of the generated `impl Client`.
fn builder<'f>(file: &'f syn::File, name: &str) -> Option<&'f ImplItemFn> {
    file.items.iter().find_map(|item| {
        let Item::Impl(block) = item else { return None };
        if block.trait_.is_some() {
            return None;
        }
        block.items.iter().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        })
    })
}

fn read<'m>(
    op: &'m OperationModel,
    raw: String,
    mut method: String,
    keys: Keys,
    builder: &ImplItemFn,
    client_params: &[Ident],
    taken: &mut std::collections::HashSet<String>,
) -> Option<Operation<'m>> {
    let success = prepared_type(&builder.sig.output)?;
    let Keys {
        header: idempotency,
        declared,
    } = keys;
    let generic_body = builder.sig.generics.params.iter().find_map(|p| match p {
        GenericParam::Type(t) if t.bounds.iter().any(is_into_body) => Some(t.ident.clone()),
        _ => None,
    });
    let mut params = Vec::new();
    for input in &builder.sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let Pat::Ident(pat) = typed.pat.as_ref() else {
            return None;
        };
        let name = pat.ident.clone();
        let mut ty = (*typed.ty).clone();
        Walk(&mut Relifetime).visit_type_mut(&mut ty);
        let is_idempotency = declared
            .as_deref()
            .is_some_and(|h| name == names::method_name(h));
        let is_client = client_params.contains(&name);
        let kind = if is_client && is_str_ref(&ty) {
            ParamKind::Client { required: true }
        } else if is_client && option_inner(&ty).is_some_and(is_str_ref) {
            ParamKind::Client { required: false }
        } else if is_idempotency {
            if option_inner(&ty).is_some() {
                ParamKind::IdempotencyOptional
            } else {
                ParamKind::IdempotencyRequired
            }
        } else if generic_body
            .as_ref()
            .is_some_and(|g| matches!(&ty, Type::Path(p) if p.path.is_ident(g)))
        {
            ParamKind::Owned(syn::parse_quote!(::bytes::Bytes))
        } else if matches!(&ty, Type::Path(p) if p.path.is_ident("String")) {
            ParamKind::Text
        } else if let Some(inner) = option_inner(&ty) {
            match inner {
                Type::Reference(r) if is_str(&r.elem) => ParamKind::OptionalStr,
                Type::Reference(r) => ParamKind::OptionalRef((*r.elem).clone()),
                other => ParamKind::OptionalOwned(other.clone()),
            }
        } else {
            match &ty {
                Type::Reference(_) => ParamKind::Borrowed(ty),
                other => ParamKind::Owned(other.clone()),
            }
        };
        params.push(Param { name, kind });
    }
    if CLIENT_RESERVED.contains(&method.as_str()) {
        method.push_str("_op");
    }
    if !taken.insert(method.clone()) {
        return None;
    }
    Some(Operation {
        op,
        method: format_ident!("{method}"),
        raw,
        params,
        success,
        idempotency,
        docs: Vec::new(),
        security: TokenStream::new(),
        paging: None,
    })
}

/// The doc lines of the raw method `name` before progenitor's ``Sends a `GET` request``
/// line: the operation's summary and description.
fn summary(file: &syn::File, name: &str) -> Vec<String> {
    let Some(method) = builder(file, name) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for attr in &method.attrs {
        if let syn::Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(lit) = &nv.value
            && let syn::Lit::Str(s) = &lit.lit
        {
            let text = s.value();
            if text.contains("Sends a `") {
                break;
            }
            lines.push(text);
        }
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

/// Declared header parameters that make an operation carry an idempotency key (the same
/// list as `paysdk::runtime::IDEMPOTENCY_HEADERS`; the build script cannot see the runtime).
const IDEMPOTENCY_HEADERS: [&str; 3] = ["idempotency-key", "x-idempotency-key", "idempotency-ref"];

/// `T` of `Result<::paysdk::runtime::Prepared<T>, Error<()>>`.
fn prepared_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = first_type_argument(ty, "Result")?;
    first_type_argument(result, "Prepared").cloned()
}

pub(super) fn option_inner(ty: &Type) -> Option<&Type> {
    first_type_argument(ty, "Option")
}

pub(super) fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident("str"))
}

pub(super) fn is_str_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if is_str(&r.elem))
}

fn is_into_body(bound: &TypeParamBound) -> bool {
    matches!(bound, TypeParamBound::Trait(t)
        if t.path.segments.last().is_some_and(|s| s.ident == "Into"))
}

/// Builder lifetimes (`'a`) become the call's (`'c`).
struct Relifetime;

impl Pass for Relifetime {
    fn enter_lifetime(&mut self, lifetime: &mut Lifetime) -> Then {
        *lifetime = Lifetime::new("'c", lifetime.apostrophe);
        Then::Descend
    }
}

pub(super) fn call_ident(o: &Operation) -> Ident {
    // `type_name` gives a valid type name (`_3ds_authenticate` → `X3dsAuthenticate`).
    format_ident!("{}Call", names::type_name(&o.method.to_string()))
}

fn setter_ident(name: &Ident) -> Ident {
    let text = name.to_string();
    if CALL_RESERVED.contains(&text.as_str()) {
        format_ident!("{text}_param")
    } else {
        name.clone()
    }
}

/// What a call type stores for a parameter, if anything.
pub(super) fn field(p: &Param) -> Option<TokenStream> {
    let name = &p.name;
    let ty = match &p.kind {
        ParamKind::Borrowed(ty) => quote!(#ty),
        ParamKind::Owned(ty) => quote!(#ty),
        ParamKind::Text => quote!(&'c str),
        ParamKind::OptionalStr | ParamKind::Client { .. } => {
            quote!(::std::option::Option<::std::string::String>)
        }
        ParamKind::OptionalRef(ty) | ParamKind::OptionalOwned(ty) => {
            quote!(::std::option::Option<#ty>)
        }
        ParamKind::IdempotencyOptional | ParamKind::IdempotencyRequired => return None,
    };
    Some(quote!(#name: #ty,))
}

pub(super) fn is_positional(p: &Param) -> bool {
    matches!(
        p.kind,
        ParamKind::Borrowed(_) | ParamKind::Owned(_) | ParamKind::Text
    )
}

fn client_method(o: &Operation) -> TokenStream {
    let method = &o.method;
    let call = call_ident(o);
    let args = o.params.iter().filter(|p| is_positional(p)).map(|p| {
        let name = &p.name;
        match &p.kind {
            ParamKind::Borrowed(ty) => quote!(#name: #ty),
            ParamKind::Owned(ty) if is_bytes(ty) => quote!(#name: impl Into<::bytes::Bytes>),
            ParamKind::Owned(ty) => quote!(#name: #ty),
            _ => quote!(#name: &'c str),
        }
    });
    let inits = o.params.iter().filter_map(|p| {
        let name = &p.name;
        match &p.kind {
            ParamKind::Owned(ty) if is_bytes(ty) => Some(quote!(#name: #name.into(),)),
            ParamKind::Borrowed(_) | ParamKind::Owned(_) | ParamKind::Text => Some(quote!(#name,)),
            ParamKind::OptionalStr
            | ParamKind::OptionalRef(_)
            | ParamKind::OptionalOwned(_)
            | ParamKind::Client { .. } => Some(quote!(#name: None,)),
            _ => None,
        }
    });
    let key = o
        .idempotency
        .as_ref()
        .map(|_| quote!(idempotency_key: None,));
    let doc = format!(
        " `{} {}` (`{}`). Optional parameters are set on the returned call; `.await` sends it.",
        o.op.method, o.op.path, o.op.operation_id
    );
    let key_doc = o.idempotency.as_ref().map(|h| {
        let d = format!(
            " Sends an idempotency key in `{h}`, made once per call and the same on every retry."
        );
        quote!(#[doc = ""] #[doc = #d])
    });
    let summary = o.docs.iter().map(|d| quote!(#[doc = #d]));
    let summary = if o.docs.is_empty() {
        quote!()
    } else {
        quote!(#(#summary)* #[doc = ""])
    };
    quote! {
        #summary
        #[doc = #doc]
        #key_doc
        pub fn #method<'c>(&'c self, #(#args),*) -> #call<'c> {
            #call { client: self, #(#inits)* #key }
        }
    }
}

fn is_bytes(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Bytes"))
}

fn call_type(o: &Operation, query: Option<&facade_shortcuts::QueryStruct>) -> TokenStream {
    let call = call_ident(o);
    let query_setter = query.map(facade_shortcuts::query_setter);
    let method = &o.method;
    let builder = format_ident!("{}_request", o.raw);
    let success = &o.success;
    let error = format_ident!("{}", error_enum_name(o.op));
    let spec = format_ident!("{}", const_name(&o.op.operation_id));
    let fields = o.params.iter().filter_map(field);
    let security = &o.security;
    let setters = o.params.iter().filter_map(|p| {
        let name = &p.name;
        let setter = setter_ident(name);
        let doc = format!(" Sets the optional parameter `{name}`.");
        match &p.kind {
            ParamKind::Client { .. } => {
                let doc = format!(
                    " Sets `{name}` for this call, instead of the client's \
                     (`ClientBuilder::{name}`)."
                );
                Some(quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: impl Into<::std::string::String>) -> Self {
                        self.#name = Some(value.into());
                        self
                    }
                })
            }
            ParamKind::OptionalStr => Some(quote! {
                #[doc = #doc]
                pub fn #setter(mut self, value: impl Into<::std::string::String>) -> Self {
                    self.#name = Some(value.into());
                    self
                }
            }),
            ParamKind::OptionalRef(ty) | ParamKind::OptionalOwned(ty) => Some(quote! {
                #[doc = #doc]
                pub fn #setter(mut self, value: #ty) -> Self {
                    self.#name = Some(value);
                    self
                }
            }),
            _ => None,
        }
    });
    let names: Vec<&Ident> = o
        .params
        .iter()
        .filter(|p| field(p).is_some())
        .map(|p| &p.name)
        .collect();
    let pass = o.params.iter().map(|p| {
        let name = &p.name;
        match &p.kind {
            ParamKind::Borrowed(_) => quote!(#name),
            ParamKind::Owned(_) => quote!(#name.clone()),
            ParamKind::Text => quote!(#name.to_string()),
            ParamKind::OptionalStr => quote!(#name.as_deref()),
            ParamKind::OptionalRef(_) => quote!(#name.as_ref()),
            ParamKind::OptionalOwned(_) => quote!(#name.clone()),
            ParamKind::IdempotencyOptional => quote!(None),
            ParamKind::Client { required: false } => {
                quote!(#name.as_deref().or(client.params.#name.as_deref()))
            }
            // `build` refuses a client without it, so the fallback is never sent.
            ParamKind::Client { required: true } => {
                quote!(#name.as_deref().or(client.params.#name.as_deref()).unwrap_or_default())
            }
            // The loop's header replaces this placeholder on every attempt.
            ParamKind::IdempotencyRequired => quote!(""),
        }
    });
    let (key_field, key_setter, key_arg, key_bind) = match &o.idempotency {
        Some(header) => (
            quote!(idempotency_key: ::std::option::Option<::std::string::String>,),
            quote! {
                /// Uses `key` as the idempotency key instead of a generated one: to resume a
                /// call whose outcome is unknown, so the provider replays the first result.
                pub fn idempotency_key(mut self, key: impl Into<::std::string::String>) -> Self {
                    self.idempotency_key = Some(key.into());
                    self
                }
            },
            quote!(#security, Some(#header), idempotency_key),
            quote!(idempotency_key,),
        ),
        None => (quote!(), quote!(), quote!(#security, None, None), quote!()),
    };
    let is_link = matches!(
        &o.paging,
        Some(Paging {
            kind: PagingKind::Link,
            ..
        })
    );
    let send = if is_link {
        quote! {
            /// Sends the call; the same as `.await`.
            pub fn send(self) -> ::paysdk::runtime::BoxCall<'c, #success, errors::#error> {
                self.send_to(None)
            }

            /// Sends the call to `next` (a next-page link) instead of its own URL.
            fn send_to(
                self,
                next: ::std::option::Option<::reqwest::Url>,
            ) -> ::paysdk::runtime::BoxCall<'c, #success, errors::#error> {
                let Self { client, #(#names,)* #key_bind } = self;
                Box::pin(client.api.execute(&operations::#spec, #key_arg, move |raw| {
                    let prepared = raw.#builder(#(#pass),*)?;
                    Ok(match &next {
                        Some(url) => prepared.with_url(url.clone()),
                        None => prepared,
                    })
                }))
            }
        }
    } else {
        quote! {
            /// Sends the call; the same as `.await`.
            pub fn send(self) -> ::paysdk::runtime::BoxCall<'c, #success, errors::#error> {
                let Self { client, #(#names,)* #key_bind } = self;
                Box::pin(client.api.execute(&operations::#spec, #key_arg, move |raw| {
                    raw.#builder(#(#pass),*)
                }))
            }
        }
    };
    let paging = o
        .paging
        .as_ref()
        .map(|p| paging_methods(p, success, &error));
    let derive_clone = o.paging.as_ref().map(|_| quote!(#[derive(Clone)]));
    // A keyed call as `paysdk::Call`, whose `idempotency_key` setter works the same way.
    let into_call = o.idempotency.as_ref().map(|_| {
        quote! {
            impl<'c> ::std::convert::From<#call<'c>> for ::paysdk::Call<'c, #success, errors::#error> {
                fn from(call: #call<'c>) -> Self {
                    ::paysdk::Call::keyed(move |key| {
                        let mut call = call;
                        if key.is_some() {
                            call.idempotency_key = key;
                        }
                        call.send()
                    })
                }
            }
        }
    });
    let doc =
        format!(" A pending [`Client::{method}`] call: set optional parameters, then `.await` it.");
    let output = quote! {
        ::std::result::Result<::paysdk::Response<#success>, ::paysdk::Error<errors::#error>>
    };
    quote! {
        #[doc = #doc]
        #[must_use = "a call does nothing until it is awaited"]
        #derive_clone
        pub struct #call<'c> {
            client: &'c Client,
            #(#fields)*
            #key_field
        }

        impl<'c> #call<'c> {
            #(#setters)*
            #query_setter
            #key_setter

            #send
            #paging
        }

        impl<'c> ::std::future::IntoFuture for #call<'c> {
            type Output = #output;
            type IntoFuture = ::paysdk::runtime::BoxCall<'c, #success, errors::#error>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        impl ::std::fmt::Debug for #call<'_> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // Parameters may carry personal data; the operation says what this is.
                f.write_str(stringify!(#call))
            }
        }

        #into_call
    }
}

/// `facades.rs`: `paysdk::apis::<module>`, the facade of every generated module.
pub fn index(modules: &[GeneratedModule]) -> String {
    let mut out = String::from("// Generated by paysdk's build script from specs/. Do not edit.\n");
    for m in modules {
        out.push_str(&format!(
            "\n/// {}: the client, with retries, idempotency keys and typed errors.\npub mod {} {{\n    #[doc(inline)]\n    pub use crate::raw::{}::facade::*;\n}}\n",
            m.title.replace('\n', " "),
            m.module,
            m.module
        ));
    }
    out
}

/// The paging of operation `o` as the sidecar describes it, checked against the generated
/// code: the items field must be an array of a generated type, the parameters settable.
fn paging(file: &syn::File, o: &Operation, pagination: &Pagination) -> Result<Paging, String> {
    let id = &o.op.operation_id;
    let path = |p: &FieldPath| {
        let names = &p.0;
        quote!(&[#(#names),*])
    };
    let item = items_type(file, &o.success, &pagination.items().0).ok_or_else(|| {
        format!(
            "pagination of '{id}': field '{}' of the response is not an array of a generated type",
            pagination.items()
        )
    })?;
    let items = path(pagination.items());
    let setter = |param: &str, want_str: bool| {
        let ident = names::method_name(param);
        o.params
            .iter()
            .find(|p| {
                p.name == ident
                    && match p.kind {
                        ParamKind::OptionalStr => want_str,
                        ParamKind::OptionalOwned(_) => !want_str,
                        _ => false,
                    }
            })
            .map(|p| p.name.clone())
            .ok_or_else(|| {
                format!(
                    "pagination of '{id}': query parameter '{param}' is not an optional {} \
                     parameter of the operation",
                    if want_str { "string" } else { "integer" }
                )
            })
    };
    let (style, kind) = match pagination {
        Pagination::Offset(p) => {
            let total = p.total.as_ref().map_or(quote!(&[]), path);
            (
                quote!(::paysdk::runtime::PageStyle::Offset { total: #total, items: #items }),
                PagingKind::Offset {
                    offset: setter(&p.offset.0, false)?,
                    limit: setter(&p.limit.0, false)?,
                },
            )
        }
        Pagination::Cursor(p) => {
            let next = match &p.next {
                CursorSource::Field(f) => {
                    let f = path(f);
                    quote!(::paysdk::runtime::CursorFrom::Field(#f))
                }
                CursorSource::LastItem(f) => {
                    let f = path(f);
                    quote!(::paysdk::runtime::CursorFrom::LastItem(#f))
                }
            };
            let has_more = p.has_more.as_ref().map_or(quote!(&[]), path);
            (
                quote!(::paysdk::runtime::PageStyle::Cursor {
                    next: #next,
                    has_more: #has_more,
                    items: #items,
                }),
                PagingKind::Cursor {
                    param: setter(&p.param.0, true)?,
                },
            )
        }
        Pagination::Link(p) => {
            let next = match &p.next {
                LinkSource::Field(f) => path(f),
                LinkSource::Header => quote!(&[]),
            };
            (
                quote!(::paysdk::runtime::PageStyle::Link { next: #next, items: #items }),
                PagingKind::Link,
            )
        }
    };
    Ok(Paging { style, item, kind })
}

fn paging_methods(p: &Paging, success: &Type, error: &Ident) -> TokenStream {
    let style = &p.style;
    let item = &p.item;
    let (start, arm) = match &p.kind {
        PagingKind::Offset { offset, limit } => (
            quote! {
                let offset = self.#offset.as_ref().and_then(::paysdk::runtime::PageNumber::to_u64);
                let limit = self.#limit.as_ref().and_then(::paysdk::runtime::PageNumber::to_u64);
            },
            quote! {
                ::paysdk::runtime::PageRequest::Offset(n) => {
                    call.#offset = ::paysdk::runtime::PageNumber::from_u64(n);
                }
            },
        ),
        PagingKind::Cursor { param } => (
            quote!(let (offset, limit) = (None, None);),
            quote! {
                ::paysdk::runtime::PageRequest::Cursor(cursor) => call.#param = Some(cursor),
            },
        ),
        PagingKind::Link => (
            quote!(let (offset, limit) = (None, None);),
            quote! {
                ::paysdk::runtime::PageRequest::Link(url) => return call.send_to(Some(url)),
            },
        ),
    };
    quote! {
        /// Every page, fetched one at a time as the stream is polled, each through the call
        /// loop; an error ends the stream.
        pub fn pages(self) -> ::paysdk::runtime::Pages<'c, #success, errors::#error> {
            #start
            let base = self.client.base_url().to_string();
            ::paysdk::runtime::Pages::new(#style, offset, limit, &base, move |page| {
                #[allow(unused_mut)]
                let mut call = self.clone();
                #[allow(unreachable_patterns)]
                match page {
                    #arm
                    _ => {}
                }
                call.send()
            })
        }

        /// The items of every page, fetched page by page as the stream is polled.
        pub fn items(self) -> ::paysdk::runtime::Items<'c, #item, #success, errors::#error> {
            self.pages().items()
        }
    }
}

/// The element type of the array at `path` in the generated type `ty`, as the facade
/// names it (`types::Account`).
fn items_type(file: &syn::File, ty: &Type, path: &[String]) -> Option<Type> {
    let types = file.items.iter().find_map(|i| match i {
        Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })?;
    let mut current = ty.clone();
    for (i, name) in path.iter().enumerate() {
        let Type::Path(p) = &current else { return None };
        let ident = &p.path.segments.last()?.ident;
        let fields = types.iter().find_map(|i| match i {
            Item::Struct(s) if &s.ident == ident => Some(&s.fields),
            _ => None,
        })?;
        let field = fields
            .iter()
            .find(|f| json_name(f).as_deref() == Some(name.as_str()))?;
        let mut ty = field.ty.clone();
        if let Some(inner) = option_inner(&ty) {
            ty = inner.clone();
        }
        if i + 1 == path.len() {
            let element = first_type_argument(&ty, "Vec")?;
            return Some(in_types(types, element));
        }
        current = ty;
    }
    None
}

/// A field's JSON name: its `#[serde(rename = "..")]`, else its identifier.
pub(super) fn json_name(field: &syn::Field) -> Option<String> {
    serde_rename(&field.attrs).or_else(|| {
        (field.ident.as_ref()).map(|i| i.to_string().trim_start_matches("r#").to_string())
    })
}

/// The `#[serde(rename = "..")]` among `attrs`.
pub(super) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    for attr in attrs {
        if !attr.path().is_ident("serde") || !super::lenient::may_rename(attr) {
            continue;
        }
        let mut renamed = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        if renamed.is_some() {
            return renamed;
        }
    }
    None
}

/// `ty` as named from the facade module: a bare name of a generated type gets `types::`.
fn in_types(types: &[Item], ty: &Type) -> Type {
    if let Type::Path(p) = ty
        && p.qself.is_none()
        && p.path.leading_colon.is_none()
        && p.path.segments.len() == 1
    {
        let ident = &p.path.segments[0].ident;
        let generated = types.iter().any(|i| match i {
            Item::Struct(s) => &s.ident == ident,
            Item::Enum(e) => &e.ident == ident,
            Item::Type(t) => &t.ident == ident,
            _ => false,
        });
        if generated {
            return syn::parse_quote!(types::#ty);
        }
    }
    ty.clone()
}
