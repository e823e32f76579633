//! Code paysdk adds to each generated module: the hook that records each response's status,
//! operation metadata, and one typed error enum per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::model::{ApiModel, ErrorModel, OperationModel, StatusKey};
use super::normalize::{snake_case, status_name};

/// `impl ClientHooks for Client`: the runtime's call context records each response's status.
pub fn hooks() -> TokenStream {
    quote! {
        impl ::progenitor_client::ClientHooks<::paysdk::runtime::CallCtx> for Client {
            async fn post<E>(
                &self,
                result: &::reqwest::Result<::reqwest::Response>,
                _info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                self.inner.after_receive(result);
                Ok(())
            }
        }
    }
}

/// `pub mod operations`: servers and one `OperationSpec` constant per operation.
pub fn operations(model: &ApiModel) -> TokenStream {
    let servers = model.servers.iter().map(|s| {
        let url = &s.url;
        let description = match &s.description {
            Some(d) => quote!(Some(#d)),
            None => quote!(None),
        };
        let variables = &s.variables;
        quote! {
            ::paysdk::runtime::ServerTemplate {
                url: #url,
                description: #description,
                variables: &[#(#variables),*],
            }
        }
    });
    let specs = model.operations.iter().map(|op| {
        let name = format_ident!("{}", const_name(&op.operation_id));
        let id = &op.operation_id;
        let method = &op.method;
        let path = &op.path;
        let headers = &op.header_params;
        let success = &op.success_statuses;
        let doc = format!("`{method} {path}` (`{id}`).");
        quote! {
            #[doc = #doc]
            pub const #name: ::paysdk::runtime::OperationSpec = ::paysdk::runtime::OperationSpec {
                operation_id: #id,
                method: #method,
                path: #path,
                header_params: &[#(#headers),*],
                success_statuses: &[#(#success),*],
            };
        }
    });
    quote! {
        /// Servers and operations as the spec declares them.
        pub mod operations {
            /// The servers the spec declares, with `{name}` placeholders.
            pub const SERVERS: &[::paysdk::runtime::ServerTemplate] = &[#(#servers),*];
            #(#specs)*
        }
    }
}

/// The name of an operation's error enum: `unlinkLinkedAccountsId` → `UnlinkLinkedAccountsIdError`.
pub fn error_enum_name(op: &OperationModel) -> String {
    super::normalize::operation_type_name(&op.operation_id, "Error")
}

/// The operation's constant in `operations`: `getThing` → `GET_THING`, `3ds` → `_3DS`.
pub fn const_name(operation_id: &str) -> String {
    let name = snake_case(operation_id).to_ascii_uppercase();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// `pub mod errors`: for each operation, an enum with one variant per documented error status.
pub fn errors(model: &ApiModel, body_type: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    let enums = model.operations.iter().map(|op| error_enum(op, body_type));
    quote! {
        /// One error type per operation: a variant per documented status, carrying the
        /// documented body, plus what can go wrong outside the spec.
        pub mod errors {
            #[allow(unused_imports)]
            use super::types;
            #(#enums)*
        }
    }
}

fn variant_ident(e: &ErrorModel) -> proc_macro2::Ident {
    format_ident!("{}", status_name(e.status))
}

fn status_doc(e: &ErrorModel) -> String {
    let status = match e.status {
        StatusKey::Code(c) => c.to_string(),
        StatusKey::Range(d) => format!("{d}XX"),
        StatusKey::Default => "Any other status (`default`)".to_string(),
    };
    if e.description.is_empty() {
        status
    } else {
        format!(
            "{status}: {}",
            e.description.lines().next().unwrap_or_default()
        )
    }
}

fn error_enum(op: &OperationModel, body_type: &dyn Fn(&str) -> Option<String>) -> TokenStream {
    let name = format_ident!("{}", error_enum_name(op));
    let op_id = &op.operation_id;
    let enum_doc = format!("Errors of `{op_id}` (`{} {}`).", op.method, op.path);

    let mut variants = Vec::new();
    let mut decode_arms = Vec::new();
    let mut status_arms = Vec::new();
    let mut is_fns = Vec::new();
    let mut fallback = quote! { _ => Self::Undeclared(response.undeclared()), };
    // Specific codes must come before ranges, ranges before `default`.
    let mut ordered: Vec<&ErrorModel> = op.errors.iter().collect();
    ordered.sort_by_key(|e| e.status);

    for e in ordered {
        let v = variant_ident(e);
        let doc = status_doc(e);
        let body = e.body_schema.as_deref().and_then(body_type).map(|t| {
            let t = format_ident!("{t}");
            quote!(types::#t)
        });
        let is_fn = format_ident!("is_{}", snake_case(&status_name(e.status)));
        let is_doc = format!("Whether this is the `{}` variant.", status_name(e.status));
        match (e.status, body) {
            (StatusKey::Code(code), Some(ty)) => {
                variants.push(quote! { #[doc = #doc] #v(#ty), });
                decode_arms.push(quote! {
                    #code => match response.decode::<#ty>() {
                        Ok(body) => Self::#v(body),
                        Err(failure) => Self::Decode(failure),
                    },
                });
                status_arms
                    .push(quote! { Self::#v(_) => ::reqwest::StatusCode::from_u16(#code).ok(), });
                is_fns.push(quote! { #[doc = #is_doc] pub fn #is_fn(&self) -> bool { matches!(self, Self::#v(..)) } });
            }
            (StatusKey::Code(code), None) => {
                variants.push(quote! { #[doc = #doc] #v, });
                decode_arms.push(quote! { #code => Self::#v, });
                status_arms
                    .push(quote! { Self::#v => ::reqwest::StatusCode::from_u16(#code).ok(), });
                is_fns.push(quote! { #[doc = #is_doc] pub fn #is_fn(&self) -> bool { matches!(self, Self::#v) } });
            }
            (key, body) => {
                let pattern = match key {
                    StatusKey::Range(d) => {
                        let lo = u16::from(d) * 100;
                        let hi = lo + 99;
                        quote!(#lo..=#hi)
                    }
                    _ => quote!(_),
                };
                // A range or `default` covers statuses that often come without a body (a
                // bare 429 from a gateway); the body is decoded only when there is one.
                let (field, build, decode) = match body {
                    Some(ty) => (
                        quote! {
                            /// The decoded body; `None` when the response had none.
                            body: ::std::option::Option<#ty>,
                        },
                        quote! { Self::#v { status: response.status, body } },
                        true,
                    ),
                    None => (
                        quote!(),
                        quote! { Self::#v { status: response.status } },
                        false,
                    ),
                };
                variants.push(quote! {
                    #[doc = #doc]
                    #v {
                        /// The status received.
                        status: ::reqwest::StatusCode,
                        #field
                    },
                });
                let arm = if decode {
                    quote! {
                        #pattern => match response.decode_optional() {
                            Ok(body) => #build,
                            Err(failure) => Self::Decode(failure),
                        },
                    }
                } else {
                    quote! { #pattern => #build, }
                };
                if matches!(key, StatusKey::Default) {
                    fallback = arm;
                } else {
                    decode_arms.push(arm);
                }
                status_arms.push(quote! { Self::#v { status, .. } => Some(*status), });
                is_fns.push(quote! { #[doc = #is_doc] pub fn #is_fn(&self) -> bool { matches!(self, Self::#v { .. }) } });
            }
        }
    }

    let display_arms = op.errors.iter().map(|e| {
        let v = variant_ident(e);
        let label = match e.status {
            StatusKey::Code(c) => format!("{op_id}: {c} {}", status_name(e.status)),
            _ => format!("{op_id}: {{}} {}", status_name(e.status)),
        };
        match (e.status, e.body_schema.as_deref().and_then(body_type)) {
            (StatusKey::Code(_), Some(_)) => quote! { Self::#v(_) => f.write_str(#label), },
            (StatusKey::Code(_), None) => quote! { Self::#v => f.write_str(#label), },
            _ => quote! { Self::#v { status, .. } => write!(f, #label, status.as_u16()), },
        }
    });

    quote! {
        #[doc = #enum_doc]
        #[derive(Debug)]
        pub enum #name {
            #(#variants)*
            /// A status the spec does not declare for this operation; status, headers and
            /// body (up to a cap) are kept.
            Undeclared(::paysdk::runtime::UndeclaredStatus),
            /// The response did not decode as the documented type; status and raw body are kept.
            Decode(::paysdk::runtime::DecodeFailure),
            /// No response in time.
            Timeout(::paysdk::runtime::TimeoutError),
            /// The request could not be sent, or the connection failed.
            Transport(::paysdk::runtime::TransportError),
            /// The request could not be built from the arguments given.
            InvalidRequest(::paysdk::runtime::InvalidRequest),
        }

        impl #name {
            #(#is_fns)*
        }

        impl ::paysdk::runtime::OperationError for #name {
            const OPERATION_ID: &'static str = #op_id;

            fn from_response(response: &::paysdk::runtime::RawResponse) -> Self {
                match response.status.as_u16() {
                    #(#decode_arms)*
                    #fallback
                }
            }

            fn from_failure(failure: ::paysdk::runtime::Failure) -> Self {
                match failure {
                    ::paysdk::runtime::Failure::Undeclared(e) => Self::Undeclared(e),
                    ::paysdk::runtime::Failure::Decode(e) => Self::Decode(e),
                    ::paysdk::runtime::Failure::Timeout(e) => Self::Timeout(e),
                    ::paysdk::runtime::Failure::Transport(e) => Self::Transport(e),
                    ::paysdk::runtime::Failure::InvalidRequest(e) => Self::InvalidRequest(e),
                }
            }

            fn status(&self) -> Option<::reqwest::StatusCode> {
                match self {
                    #(#status_arms)*
                    Self::Undeclared(e) => Some(e.status()),
                    Self::Decode(e) => Some(e.status()),
                    Self::Timeout(_) | Self::Transport(_) | Self::InvalidRequest(_) => None,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#display_arms)*
                    Self::Undeclared(e) => write!(f, "{}: {}", #op_id, e),
                    Self::Decode(e) => write!(f, "{}: {}", #op_id, e),
                    Self::Timeout(e) => write!(f, "{}: {}", #op_id, e),
                    Self::Transport(e) => write!(f, "{}: {}", #op_id, e),
                    Self::InvalidRequest(e) => write!(f, "{}: {}", #op_id, e),
                }
            }
        }

        impl ::std::error::Error for #name {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Self::Decode(e) => Some(e),
                    Self::Transport(e) => Some(e),
                    _ => None,
                }
            }
        }
    }
}
