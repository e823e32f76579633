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

use std::fmt;
use std::sync::Arc;

use crate::apis::enfuce_customer as api;
use crate::runtime::{BuildError, Call, ClientConfig, Response, Secret};

pub use api::{
    CreateCorporateCustomerError, CreateCustomerLinkError, CreatePrivateCustomerError,
    DeleteCustomerLinkError, GetCustomerByNumberError, GetCustomerError, GetCustomerIdByRegNoError,
    GetCustomerLinksError, UpdateCorporateCustomerError, UpdateCustomerPropertyError,
    UpdatePrivateCustomerError, errors, types,
};

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

/// The idempotency header Enfuce documents for POST and PATCH (`specs/enfuce-customer.paysdk.yaml`).
pub const IDEMPOTENCY_HEADER: &str = "x-idempotency-key";
/// Longest idempotency key Enfuce accepts.
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 64;

/// Where the API lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://integration-api-cat2.{environment}.ext.{realm}.cia.enfuce.com/customer`,
    /// for example `cat2("demo", "test")` for the demo environment.
    Cat2 {
        /// The `environment` part, such as `demo`.
        environment: String,
        /// The `realm` part, such as `test`.
        realm: String,
    },
    /// The live environment.
    Live,
    /// Any base URL (a proxy, a simulator, a test server).
    Custom(String),
}

impl Environment {
    /// The templated test environments.
    pub fn cat2(environment: impl Into<String>, realm: impl Into<String>) -> Self {
        Environment::Cat2 {
            environment: environment.into(),
            realm: realm.into(),
        }
    }

    /// The base URL, from the spec's server list.
    pub fn base_url(&self) -> String {
        let servers = api::operations::SERVERS;
        match self {
            Environment::Cat2 { environment, realm } => servers
                .iter()
                .find(|s| s.variables.contains(&"environment"))
                .and_then(|s| s.render(&[("environment", environment), ("realm", realm)]))
                .unwrap_or_default(),
            Environment::Live => servers
                .iter()
                .find(|s| s.variables.is_empty())
                .map(|s| s.url.to_string())
                .unwrap_or_default(),
            Environment::Custom(url) => url.trim_end_matches('/').to_string(),
        }
    }
}

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

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    environment: Option<Environment>,
    credentials: Option<Credentials>,
    audit_user: Option<String>,
    config: ClientConfig,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Where to send requests (default: the live environment).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }
    /// A custom base URL; short for `environment(Environment::Custom(url))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }
    /// Credentials (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }
    /// The audit user sent as `auditUser` on every call (required);
    /// [`Client::with_audit_user`] overrides it per call.
    pub fn audit_user(mut self, audit_user: impl Into<String>) -> Self {
        self.audit_user = Some(audit_user.into());
        self
    }
    /// Timeouts and retries.
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }
    /// Uses this `reqwest` client (connection pool, proxies, TLS) instead of making one; the
    /// connect timeout and user agent of [`ClientConfig`] then come from it.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let missing = |what, hint| BuildError::Missing {
            provider: "enfuce",
            what,
            hint,
        };
        let credentials = self.credentials.ok_or(missing(
            "credentials",
            "Credentials::basic or Credentials::bearer",
        ))?;
        let audit_user = self.audit_user.ok_or(missing(
            "audit user",
            "ClientBuilder::audit_user; Enfuce requires one on every call",
        ))?;
        let mut api = api::Client::builder()
            .base_url(self.environment.unwrap_or(Environment::Live).base_url())
            .config(self.config);
        api = match credentials {
            Credentials::Basic { username, password } => api.basic_auth(username, password),
            Credentials::Bearer(token) => api.bearer_auth(token),
        };
        if let Some(http) = self.http {
            api = api.http_client(http);
        }
        Ok(Client {
            api: Arc::new(api.build()?),
            audit_user: audit_user.into(),
        })
    }
}

/// A client of the Enfuce Customer details API. Cheap to clone; share one per process.
///
/// Each method is the generated `paysdk::apis::enfuce_customer` one (named and configured by
/// `specs/enfuce-customer.paysdk.yaml`) with the client's audit user.
#[derive(Clone)]
pub struct Client {
    api: Arc<api::Client>,
    audit_user: Arc<str>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("enfuce::Client")
            .field("base_url", &self.base_url())
            .field("audit_user", &self.audit_user)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client acting as another audit user (for the calls made through the copy).
    pub fn with_audit_user(&self, audit_user: impl Into<String>) -> Client {
        Client {
            api: self.api.clone(),
            audit_user: audit_user.into().into(),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.api.base_url()
    }

    /// Fetches a customer by its Enfuce id (`GET /v3/{id}`).
    pub async fn get_customer(
        &self,
        customer_id: &str,
    ) -> Result<Response<Customer>, crate::Error<GetCustomerError>> {
        self.api.get_customer(customer_id, &self.audit_user).await
    }

    /// Fetches a customer by the customer number you assigned
    /// (`GET /v3/customerNumber/{customerNumber}`).
    pub async fn get_customer_by_number(
        &self,
        customer_number: &str,
    ) -> Result<Response<Customer>, crate::Error<GetCustomerByNumberError>> {
        let audit = &self.audit_user;
        self.api
            .get_customer_by_number(customer_number, audit)
            .await
    }

    /// Looks up a customer's Enfuce id by registration number, such as an SSN
    /// (`GET /v3/regNo/{regNo}/id`).
    pub async fn get_customer_id_by_reg_no(
        &self,
        reg_no: &str,
    ) -> Result<Response<types::CustomerIdResponse>, crate::Error<GetCustomerIdByRegNoError>> {
        let audit = &self.audit_user;
        self.api.get_customer_id_by_reg_no(reg_no, audit).await
    }

    /// Creates a private customer (`POST /v3/PRIVATE`). Sends an idempotency key.
    pub fn create_private_customer<'c>(
        &'c self,
        customer: &'c NewPrivateCustomer,
    ) -> Call<'c, ResourceResponse, CreatePrivateCustomerError> {
        let audit = &self.audit_user;
        self.api.create_private_customer(audit, customer).into()
    }

    /// Creates a corporate customer (`POST /v3/CORPORATE`). Sends an idempotency key.
    pub fn create_corporate_customer<'c>(
        &'c self,
        customer: &'c NewCorporateCustomer,
    ) -> Call<'c, ResourceResponse, CreateCorporateCustomerError> {
        let audit = &self.audit_user;
        self.api.create_corporate_customer(audit, customer).into()
    }

    /// Updates a private customer (`PATCH /v3/PRIVATE/{id}`). Sends an idempotency key.
    pub fn update_private_customer<'c>(
        &'c self,
        customer_id: &'c str,
        changes: &'c PrivateCustomerUpdate,
    ) -> Call<'c, ResourceResponse, UpdatePrivateCustomerError> {
        let audit = &self.audit_user;
        self.api
            .update_private_customer(customer_id, audit, changes)
            .into()
    }

    /// Updates a corporate customer (`PATCH /v3/CORPORATE/{id}`). Sends an idempotency key.
    pub fn update_corporate_customer<'c>(
        &'c self,
        customer_id: &'c str,
        changes: &'c CorporateCustomerUpdate,
    ) -> Call<'c, ResourceResponse, UpdateCorporateCustomerError> {
        let audit = &self.audit_user;
        self.api
            .update_corporate_customer(customer_id, audit, changes)
            .into()
    }

    /// Removes a customer's temporary address
    /// (`POST /v3/{role}/{id}/update/DELETE_TEMPORARY_ADDRESS`). Sends an idempotency key.
    pub fn delete_temporary_address<'c>(
        &'c self,
        role: types::Role,
        customer_id: &'c str,
    ) -> Call<'c, ResourceResponse, UpdateCustomerPropertyError> {
        use types::UpdateCustomerUsingPostPropertyToUpdate::DeleteTemporaryAddress;
        Call::keyed(move |key| async move {
            let body = types::UpdateCustomerProperty { dummy: None };
            let audit = &self.audit_user;
            let call = self.api.update_customer_property(
                role,
                customer_id,
                DeleteTemporaryAddress,
                audit,
                &body,
            );
            Call::from(call).key(key).await
        })
    }

    /// Lists a customer's links (`GET /v3/{id}/link`).
    pub async fn get_customer_links(
        &self,
        customer_id: &str,
    ) -> Result<Response<Vec<CustomerLink>>, crate::Error<GetCustomerLinksError>> {
        self.api
            .get_customer_links(customer_id, &self.audit_user)
            .await
    }

    /// Links `customer_id` to `linked_customer_id` (`POST /v3/{id}/link`). Sends an
    /// idempotency key.
    pub fn create_customer_link<'c>(
        &'c self,
        customer_id: &'c str,
        linked_customer_id: &'c str,
    ) -> Call<'c, ResourceResponse, CreateCustomerLinkError> {
        Call::keyed(move |key| async move {
            let body = types::CreateLinkedCustomerUsingPostBody {
                customer_id: linked_customer_id.to_string(),
                type_: types::CreateLinkedCustomerUsingPostBodyType::CustomerLink,
            };
            let call = self
                .api
                .create_customer_link(customer_id, &self.audit_user, &body);
            Call::from(call).key(key).await
        })
    }

    /// Deletes a customer link (`DELETE /v3/{id}/link/{linkId}`; Enfuce answers 201).
    pub async fn delete_customer_link(
        &self,
        customer_id: &str,
        link_id: &str,
    ) -> Result<Response<ResourceResponse>, crate::Error<DeleteCustomerLinkError>> {
        let audit = &self.audit_user;
        self.api
            .delete_customer_link(customer_id, link_id, audit)
            .await
    }
}
