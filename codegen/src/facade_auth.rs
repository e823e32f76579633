//! The facade's auth, from the spec's `securitySchemes` and `security`: one `ClientBuilder`
//! setter per scheme, the schemes as `::paysdk::runtime::auth::SecurityScheme` data, and each
//! operation's requirement as alternatives of scheme indices.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::config::CredentialSettings;
use super::model::OperationModel;
use super::names;

/// Builder methods a scheme's setter must not take.
const BUILDER_RESERVED: [&str; 6] = [
    "base_url",
    "config",
    "http_client",
    "build",
    "default",
    "credentials",
];

/// One scheme of `components/securitySchemes`.
pub struct Scheme {
    /// The name in the spec.
    pub name: String,
    /// The builder setter.
    pub setter: String,
    pub kind: Kind,
}

pub enum Kind {
    ApiKey {
        location: &'static str,
        name: String,
    },
    Basic,
    Bearer {
        doc: &'static str,
    },
    ClientCredentials {
        token_url: String,
        scopes: Vec<String>,
    },
    /// A scheme paysdk cannot send (HTTP digest, say): no setter; operations that need it
    /// fail before sending, naming it.
    Unsupported(String),
}

/// The schemes, in spec order.
pub fn schemes(doc: &Value) -> Vec<Scheme> {
    let Some(map) = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut taken = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (name, scheme) in map {
        let text = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or_default();
        let kind = match text("type") {
            "apiKey" => match text("in") {
                location @ ("header" | "query" | "cookie") => Kind::ApiKey {
                    location: match location {
                        "header" => "Header",
                        "query" => "Query",
                        _ => "Cookie",
                    },
                    name: text("name").to_string(),
                },
                other => Kind::Unsupported(format!("an API key in '{other}'")),
            },
            "http" if text("scheme").eq_ignore_ascii_case("basic") => Kind::Basic,
            "http" if text("scheme").eq_ignore_ascii_case("bearer") => Kind::Bearer {
                doc: "a bearer token",
            },
            "http" => Kind::Unsupported(format!("HTTP '{}' authentication", text("scheme"))),
            "oauth2" => match scheme
                .pointer("/flows/clientCredentials/tokenUrl")
                .and_then(Value::as_str)
            {
                Some(url) => Kind::ClientCredentials {
                    token_url: url.to_string(),
                    scopes: Vec::new(),
                },
                None => Kind::Bearer {
                    doc: "an OAuth2 access token obtained elsewhere",
                },
            },
            "openIdConnect" => Kind::Bearer {
                doc: "an OpenID Connect access token",
            },
            other => Kind::Unsupported(format!("security scheme type '{other}'")),
        };
        let mut setter = names::method_name(name);
        if BUILDER_RESERVED.contains(&setter.as_str()) {
            setter.push_str("_credentials");
        }
        while !taken.insert(setter.clone()) {
            setter.push('_');
        }
        out.push(Scheme {
            name: name.clone(),
            setter,
            kind,
        });
    }
    // The scopes each OAuth2 scheme is asked for anywhere, requested in one token.
    let mut requirements: Vec<&Value> = doc.get("security").into_iter().collect();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            requirements.extend(item.values().filter_map(|op| op.get("security")));
        }
    }
    for requirement in requirements.iter().filter_map(|r| r.as_array()) {
        for alternative in requirement.iter().filter_map(Value::as_object) {
            for (name, scopes) in alternative {
                let Some(scheme) = out.iter_mut().find(|s| &s.name == name) else {
                    continue;
                };
                if let Kind::ClientCredentials { scopes: all, .. } = &mut scheme.kind {
                    for scope in scopes.as_array().into_iter().flatten() {
                        if let Some(s) = scope.as_str()
                            && !all.iter().any(|a| a == s)
                        {
                            all.push(s.to_string());
                        }
                    }
                }
            }
        }
    }
    out
}

/// The operation's requirement (its own `security`, else the spec's), as scheme indices;
/// an unknown scheme name becomes an index no credential has.
pub fn requirement(doc: &Value, op: &OperationModel, schemes: &[Scheme]) -> TokenStream {
    let declared = doc
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|item| item.get(op.method.to_ascii_lowercase()))
        .and_then(|o| o.get("security"))
        .or_else(|| doc.get("security"));
    let alternatives = declared
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|alternative| {
            let indices = alternative.keys().map(|name| {
                let index = schemes
                    .iter()
                    .position(|s| &s.name == name)
                    .unwrap_or(usize::MAX);
                quote!(#index)
            });
            quote!(&[#(#indices),*])
        });
    quote!(&[#(#alternatives),*])
}

/// `const SECURITY_SCHEMES`, the builder's setters.
pub fn tokens(schemes: &[Scheme]) -> (TokenStream, Vec<TokenStream>) {
    let specs = schemes.iter().map(|s| {
        let name = &s.name;
        let kind = match &s.kind {
            Kind::ApiKey { location, name } => {
                let location = format_ident!("{location}");
                quote!(::paysdk::runtime::auth::SchemeKind::ApiKey {
                    location: ::paysdk::runtime::auth::ApiKeyIn::#location,
                    name: #name,
                })
            }
            Kind::Basic => quote!(::paysdk::runtime::auth::SchemeKind::Basic),
            Kind::Bearer { .. } => quote!(::paysdk::runtime::auth::SchemeKind::Bearer),
            Kind::ClientCredentials { token_url, scopes } => {
                quote!(::paysdk::runtime::auth::SchemeKind::ClientCredentials {
                    token_url: #token_url,
                    scopes: &[#(#scopes),*],
                })
            }
            Kind::Unsupported(what) => {
                let why = format!("paysdk cannot send {what}");
                quote!(::paysdk::runtime::auth::SchemeKind::Unsupported(#why))
            }
        };
        quote!(::paysdk::runtime::auth::SecurityScheme { name: #name, kind: #kind })
    });
    let table = quote! {
        /// The spec's security schemes, in spec order; requirements index them.
        pub const SECURITY_SCHEMES: &[::paysdk::runtime::auth::SecurityScheme] = &[#(#specs),*];
    };
    let setters = schemes
        .iter()
        .enumerate()
        .filter_map(|(index, s)| {
            let setter = format_ident!("{}", s.setter);
            let name = &s.name;
            Some(match &s.kind {
                Kind::ApiKey { location, name: key } => {
                    let doc = format!(
                        " Credentials of security scheme `{name}`: the API key sent in the {} `{key}`.",
                        match *location {
                            "Header" => "header",
                            "Query" => "query parameter",
                            _ => "cookie",
                        }
                    );
                    let source = (*location == "Header").then(|| source_setter(s, index));
                    quote! {
                        #[doc = #doc]
                        pub fn #setter(mut self, key: ::paysdk::Secret) -> Self {
                            self.auth.set(#index, ::paysdk::runtime::auth::Credential::Secret(key));
                            self
                        }
                        #source
                    }
                }
                Kind::Bearer { doc } => {
                    let doc = format!(
                        " Credentials of security scheme `{name}`: {doc}, sent as `Authorization: Bearer`."
                    );
                    let source = source_setter(s, index);
                    quote! {
                        #[doc = #doc]
                        pub fn #setter(mut self, token: ::paysdk::Secret) -> Self {
                            self.auth.set(#index, ::paysdk::runtime::auth::Credential::Secret(token));
                            self
                        }
                        #source
                    }
                }
                Kind::Basic => {
                    let doc = format!(" Credentials of security scheme `{name}`: HTTP basic.");
                    quote! {
                        #[doc = #doc]
                        pub fn #setter(
                            mut self,
                            user: impl Into<::std::string::String>,
                            password: ::paysdk::Secret,
                        ) -> Self {
                            self.auth.set(
                                #index,
                                ::paysdk::runtime::auth::Credential::Basic(user.into(), password),
                            );
                            self
                        }
                    }
                }
                Kind::ClientCredentials { token_url, .. } => {
                    let doc = format!(
                        " Credentials of security scheme `{name}`: an OAuth2 client, whose \
                         token is fetched from `{token_url}` (relative to the base URL), kept \
                         until it expires and fetched again once when a call is answered 401."
                    );
                    let url_setter = format_ident!("{}_token_url", s.setter);
                    let url_doc =
                        format!(" The token URL of security scheme `{name}`, instead of the spec's.");
                    quote! {
                        #[doc = #doc]
                        pub fn #setter(
                            mut self,
                            client_id: impl Into<::std::string::String>,
                            client_secret: ::paysdk::Secret,
                        ) -> Self {
                            self.auth.set(
                                #index,
                                ::paysdk::runtime::auth::Credential::Client {
                                    id: client_id.into(),
                                    secret: client_secret,
                                },
                            );
                            self
                        }
                        #[doc = #url_doc]
                        pub fn #url_setter(mut self, url: impl Into<::std::string::String>) -> Self {
                            self.auth.token_url(#index, url.into());
                            self
                        }
                    }
                }
                Kind::Unsupported(_) => return None,
            })
        })
        .collect();
    (table, setters)
}

/// `<scheme>_source`: the scheme's token from a `paysdk::runtime::auth::CredentialSource`
/// that changes it while the client lives (a login session), instead of a fixed one.
fn source_setter(s: &Scheme, index: usize) -> TokenStream {
    let setter = format_ident!("{}_source", s.setter);
    let doc = format!(
        " Credentials of security scheme `{}` from a source that changes them while the \
         client lives (a login session): sent as it holds them on each attempt, renewed \
         before the first when it holds none and once more on a 401.",
        s.name
    );
    quote! {
        #[doc = #doc]
        pub fn #setter(
            mut self,
            source: ::std::sync::Arc<dyn ::paysdk::runtime::auth::CredentialSource>,
        ) -> Self {
            self.auth.set(#index, ::paysdk::runtime::auth::Credential::Source(source));
            self
        }
    }
}

/// `Credentials`, one variant per scheme paysdk can send, with a constructor each (named by
/// the sidecar's `credentials.names`, else like the scheme's setter); the builder's
/// `credentials(..)`; and, when the sidecar requires credentials, the check `build` makes.
pub struct CredentialsEnum {
    pub item: TokenStream,
    pub setter: TokenStream,
    pub check: TokenStream,
}

pub fn credentials(
    schemes: &[Scheme],
    settings: Option<&CredentialSettings>,
    provider: &str,
) -> Result<CredentialsEnum, String> {
    let given = |s: &Scheme| {
        let given = settings.and_then(|c| c.names.iter().find(|(k, _)| k.0 == s.name));
        given.map(|(_, v)| v.0.clone())
    };
    let (mut variants, mut constructors, mut arms, mut hints) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut taken = std::collections::HashSet::new();
    for s in schemes {
        let (name, setter) = (&s.name, format_ident!("{}", s.setter));
        let named = given(s);
        let constructor = named.clone().unwrap_or_else(|| s.setter.clone());
        if let Kind::Unsupported(what) = &s.kind {
            if settings.is_some_and(|c| c.names.iter().any(|(k, _)| k.0 == *name)) {
                return Err(format!(
                    "credentials: scheme '{name}' cannot be sent by paysdk ({what})"
                ));
            }
            continue;
        }
        let mut variant = names::type_name(&constructor);
        if taken.contains(&variant) && named.is_some() {
            return Err(format!(
                "credentials: two schemes make the variant `Credentials::{variant}`; name them \
                 apart in `credentials.names`"
            ));
        }
        // Setters are distinct, their type names may not be (`api_key`, `api_key_`).
        let base = variant.clone();
        for n in 2.. {
            if taken.insert(variant.clone()) {
                break;
            }
            variant = format!("{base}{n}");
        }
        let variant = format_ident!("{variant}");
        let make = format_ident!("{constructor}");
        let (doc, fields, args, build, arm) = match &s.kind {
            Kind::Basic => (
                "HTTP basic (RFC 7617)".to_string(),
                quote!({
                    /// The user name.
                    username: ::std::string::String,
                    /// The password.
                    password: ::paysdk::Secret,
                }),
                quote!(username: impl Into<::std::string::String>, password: ::paysdk::Secret),
                quote!(Self::#variant { username: username.into(), password }),
                quote!(Credentials::#variant { username, password } => self.#setter(username, password),),
            ),
            Kind::ClientCredentials { .. } => (
                "an OAuth2 client, whose token is fetched and kept".to_string(),
                quote!({
                    /// The client id.
                    client_id: ::std::string::String,
                    /// The client secret.
                    client_secret: ::paysdk::Secret,
                }),
                quote!(
                    client_id: impl Into<::std::string::String>,
                    client_secret: ::paysdk::Secret
                ),
                quote!(Self::#variant { client_id: client_id.into(), client_secret }),
                quote!(Credentials::#variant { client_id, client_secret } => {
                    self.#setter(client_id, client_secret)
                }),
            ),
            Kind::ApiKey { name: key, .. } => (
                format!("the API key `{key}`"),
                quote!((::paysdk::Secret)),
                quote!(key: ::paysdk::Secret),
                quote!(Self::#variant(key)),
                quote!(Credentials::#variant(key) => self.#setter(key),),
            ),
            Kind::Bearer { doc } => (
                format!("{doc}, sent as `Authorization: Bearer`"),
                quote!((::paysdk::Secret)),
                quote!(token: ::paysdk::Secret),
                quote!(Self::#variant(token)),
                quote!(Credentials::#variant(token) => self.#setter(token),),
            ),
            Kind::Unsupported(_) => continue,
        };
        let doc = format!(" Security scheme `{name}`: {doc}.");
        variants.push(quote!(#[doc = #doc] #variant #fields,));
        let make_doc = format!(" [`Credentials::{variant}`].");
        constructors.push(quote! {
            #[doc = #make_doc]
            pub fn #make(#args) -> Self {
                #build
            }
        });
        arms.push(arm);
        hints.push(format!("Credentials::{constructor}"));
    }
    if variants.is_empty() {
        if settings.is_some_and(|c| c.required) {
            return Err("credentials: required, but the spec has no scheme paysdk can send".into());
        }
        return Ok(CredentialsEnum {
            item: TokenStream::new(),
            setter: TokenStream::new(),
            check: TokenStream::new(),
        });
    }
    let item = quote! {
        /// Credentials for one of the spec's security schemes, for
        /// [`ClientBuilder::credentials`].
        #[derive(Clone, PartialEq, Eq, Debug)]
        pub enum Credentials {
            #(#variants)*
        }

        impl Credentials {
            #(#constructors)*
        }
    };
    let setter = quote! {
        /// Credentials for one security scheme; the same as that scheme's own setter.
        pub fn credentials(self, credentials: Credentials) -> Self {
            match credentials {
                #(#arms)*
            }
        }
    };
    let check = settings.filter(|c| c.required).map(|_| {
        let hint = match hints.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        quote! {
            if self.auth.is_empty() {
                return Err(::paysdk::BuildError::Missing {
                    provider: #provider,
                    what: "credentials",
                    hint: #hint,
                });
            }
        }
    });
    Ok(CredentialsEnum {
        item,
        setter,
        check: check.unwrap_or_default(),
    })
}
