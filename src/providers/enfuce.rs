//! Enfuce Customer details API: customers (private and corporate) and customer links.
//!
//! ```no_run
//! use paysdk::enfuce::{Client, Credentials, Environment};
//! use paysdk::Secret;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let enfuce = Client::builder()
//!     .environment(Environment::cat2("demo", "test"))
//!     .credentials(Credentials::basic("api-user", Secret::new("api-password")))
//!     .audit_user("back-office")
//!     .build()?;
//! let links = enfuce.get_customer_links("151077912").await?;
//! for link in links.iter() {
//!     enfuce.delete_customer_link("151077912", &link.id.clone().unwrap_or_default()).await?;
//! }
//! # Ok(()) }
//! ```

use std::ops::Deref;

use crate::apis::enfuce_customer as api;
use crate::runtime::{BuildError, ClientConfig, Secret};

pub use api::*;

/// A customer, private or corporate (`role` tells which).
pub type Customer = types::Customer;
/// What create and update operations return: a description and the resource id.
pub type ResourceResponse = types::ResourceResponse;
/// A link from one customer to another.
pub type CustomerLink = types::LinkedCustomer;
/// The body of a new private customer.
pub type NewPrivateCustomer = types::CreatePrivateCustomer;
/// The body of a new corporate customer.
pub type NewCorporateCustomer = types::CreateCorporateCustomer;
/// Changes to a private customer; unset fields are left as they are.
pub type PrivateCustomerUpdate = types::UpdatePrivateCustomer;
/// Changes to a corporate customer; unset fields are left as they are.
pub type CorporateCustomerUpdate = types::UpdateCorporateCustomer;
/// Enfuce's error body.
pub type ErrorResponse = types::ErrorResponse;

/// How to authenticate. The overview documents HTTP basic; some endpoint pages show a bearer
/// token, so both are supported.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Credentials {
    /// HTTP basic (RFC 7617).
    Basic {
        /// API user name.
        username: String,
        /// API password.
        password: Secret,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
}

impl Credentials {
    /// HTTP basic credentials.
    pub fn basic(username: impl Into<String>, password: Secret) -> Self {
        Credentials::Basic {
            username: username.into(),
            password,
        }
    }

    /// A bearer token.
    pub fn bearer(token: Secret) -> Self {
        Credentials::Bearer(token)
    }
}

/// Builds a [`Client`]: the generated builder, with Enfuce's environments and credentials.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    api: api::ClientBuilder,
    has_credentials: bool,
}

impl ClientBuilder {
    fn map(mut self, f: impl FnOnce(api::ClientBuilder) -> api::ClientBuilder) -> Self {
        self.api = f(self.api);
        self
    }
    /// Where to send requests (default: the live environment).
    pub fn environment(self, environment: Environment) -> Self {
        self.map(|b| b.environment(environment))
    }
    /// A custom base URL; short for `environment(Environment::Custom(url))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.map(|b| b.base_url(url))
    }
    /// Credentials (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.has_credentials = true;
        self.map(|b| match credentials {
            Credentials::Basic { username, password } => b.basic_auth(username, password),
            Credentials::Bearer(token) => b.bearer_auth(token),
        })
    }
    /// The audit user sent as `auditUser` on every call (required);
    /// [`Client::with_audit_user`] overrides it per client, a call's `.audit_user(..)` per call.
    pub fn audit_user(self, audit_user: impl Into<String>) -> Self {
        self.map(|b| b.audit_user(audit_user))
    }
    /// Timeouts and retries.
    pub fn config(self, config: ClientConfig) -> Self {
        self.map(|b| b.config(config))
    }
    /// Uses this `reqwest` client (connection pool, proxies, TLS) instead of making one; the
    /// connect timeout and user agent of [`ClientConfig`] then come from it.
    pub fn http_client(self, http: reqwest::Client) -> Self {
        self.map(|b| b.http_client(http))
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if !self.has_credentials {
            return Err(BuildError::Missing {
                provider: "enfuce",
                what: "credentials",
                hint: "Credentials::basic or Credentials::bearer",
            });
        }
        self.api.build().map(Client)
    }
}

/// A client of the Enfuce Customer details API. Cheap to clone; share one per process.
///
/// It derefs to the generated [`api::Client`], whose methods (named and configured by
/// `specs/enfuce-customer.paysdk.yaml`, which also makes `create_customer_link` and
/// `delete_temporary_address` build their bodies) send the client's audit user.
#[derive(Clone, Debug)]
pub struct Client(api::Client);

impl Deref for Client {
    type Target = api::Client;

    fn deref(&self) -> &api::Client {
        &self.0
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client acting as another audit user (for the calls made through the copy).
    pub fn with_audit_user(&self, audit_user: impl Into<String>) -> Client {
        Client(self.0.with_audit_user(audit_user))
    }
}
