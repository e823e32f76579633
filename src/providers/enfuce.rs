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

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::raw::enfuce_customer as raw;
use crate::runtime::{
    BuildError, Call, ClientConfig, FixedHeaders, Invocation, OperationSpec, ProviderPolicy,
    Response, Secret, Transport, sensitive_header,
};

pub use raw::errors;
pub use raw::types;

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

/// Error of [`Client::get_customer`].
pub type GetCustomerError = errors::GetCustomerUsingGetError;
/// Error of [`Client::get_customer_by_number`].
pub type GetCustomerByNumberError = errors::GetCustomerByCustomerNumberUsingGetError;
/// Error of [`Client::get_customer_id_by_reg_no`].
pub type GetCustomerIdByRegNoError = errors::GetCustomerIdByRegNoUsingGetError;
/// Error of [`Client::create_private_customer`].
pub type CreatePrivateCustomerError = errors::CreatePrivateCustomerUsingPostError;
/// Error of [`Client::create_corporate_customer`].
pub type CreateCorporateCustomerError = errors::CreateCorporateCustomerUsingPostError;
/// Error of [`Client::update_private_customer`].
pub type UpdatePrivateCustomerError = errors::UpdatePrivateCustomerUsingPatchError;
/// Error of [`Client::update_corporate_customer`].
pub type UpdateCorporateCustomerError = errors::UpdateCorporateCustomerUsingPatchError;
/// Error of [`Client::delete_temporary_address`].
pub type UpdateCustomerPropertyError = errors::UpdateCustomerUsingPostError;
/// Error of [`Client::get_customer_links`].
pub type GetCustomerLinksError = errors::GetLinkedCustomersUsingGetError;
/// Error of [`Client::create_customer_link`].
pub type CreateCustomerLinkError = errors::CreateLinkedCustomerUsingPostError;
/// Error of [`Client::delete_customer_link`].
pub type DeleteCustomerLinkError = errors::DeleteLinkedCustomerUsingDeleteError;

const PROVIDER: &str = "enfuce";

/// The idempotency header Enfuce documents for POST and PATCH, and its length limit.
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
        let servers = raw::operations::SERVERS;
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
#[derive(Clone, PartialEq, Eq)]
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

    fn header(&self) -> Option<HeaderValue> {
        use base64::Engine as _;
        match self {
            Credentials::Basic { username, password } => {
                let raw = format!("{username}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                sensitive_header(&format!("Basic {encoded}"))
            }
            Credentials::Bearer(token) => sensitive_header(&format!("Bearer {}", token.expose())),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"[redacted]")
                .finish(),
            Credentials::Bearer(_) => f.write_str("Bearer([redacted])"),
        }
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
        let credentials = self.credentials.ok_or(BuildError::Missing {
            provider: PROVIDER,
            what: "credentials",
            hint: "Credentials::basic or Credentials::bearer",
        })?;
        let authorization = credentials.header().ok_or(BuildError::InvalidHeaderValue {
            provider: PROVIDER,
            what: "credentials",
        })?;
        let audit_user = self.audit_user.ok_or(BuildError::Missing {
            provider: PROVIDER,
            what: "audit user",
            hint: "ClientBuilder::audit_user; Enfuce requires one on every call",
        })?;
        let base_url = self.environment.unwrap_or(Environment::Live).base_url();
        let transport = Transport::new(
            PROVIDER,
            base_url,
            self.config,
            self.http,
            Arc::new(EnfucePolicy),
        )?;
        Ok(Client {
            shared: Arc::new(Shared {
                raw: transport.generated(RawClient::new_with_client),
                transport,
                credentials: FixedHeaders::new(vec![(AUTHORIZATION, authorization)]),
            }),
            audit_user: audit_user.into(),
        })
    }
}

/// Reads Enfuce responses: the error body's `id` is the request reference.
#[derive(Debug)]
struct EnfucePolicy;

impl ProviderPolicy for EnfucePolicy {
    fn request_ref(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> Option<String> {
        if status.is_success() || body.is_empty() {
            return None;
        }
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        value.get("id")?.as_str().map(str::to_string)
    }
}

struct Shared {
    transport: Transport,
    /// The generated client, whose request builders the calls use.
    raw: RawClient,
    /// `Authorization`, built once.
    credentials: FixedHeaders,
}

/// A client of the Enfuce Customer details API. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    audit_user: Arc<str>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("enfuce::Client")
            .field("base_url", &self.shared.transport.base_url)
            .field("audit_user", &self.audit_user)
            .finish_non_exhaustive()
    }
}

type RawClient = raw::Client;
use raw::operations as ops;

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client acting as another audit user (for the calls made through the copy).
    pub fn with_audit_user(&self, audit_user: impl Into<String>) -> Client {
        Client {
            shared: self.shared.clone(),
            audit_user: audit_user.into().into(),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.transport.base_url
    }

    fn invocation(&self, op: &'static OperationSpec) -> Invocation<'static> {
        Invocation::new(op, self.shared.credentials.clone())
    }

    /// POST and PATCH carry `x-idempotency-key`, as Enfuce documents.
    fn keyed(&self, op: &'static OperationSpec, caller_key: Option<String>) -> Invocation<'static> {
        self.invocation(op)
            .idempotent(IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_MAX_LEN, caller_key)
    }

    /// Fetches a customer by its Enfuce id (`GET /v3/{id}`).
    pub async fn get_customer(
        &self,
        customer_id: &str,
    ) -> Result<Response<Customer>, crate::Error<GetCustomerError>> {
        let audit = &*self.audit_user;
        self.shared
            .transport
            .execute(self.invocation(&ops::GET_CUSTOMER_USING_GET), || {
                self.shared
                    .raw
                    .get_customer_using_get_request(customer_id, audit)
            })
            .await
    }

    /// Fetches a customer by the customer number you assigned
    /// (`GET /v3/customerNumber/{customerNumber}`).
    pub async fn get_customer_by_number(
        &self,
        customer_number: &str,
    ) -> Result<Response<Customer>, crate::Error<GetCustomerByNumberError>> {
        let audit = &*self.audit_user;
        self.shared
            .transport
            .execute(
                self.invocation(&ops::GET_CUSTOMER_BY_CUSTOMER_NUMBER_USING_GET),
                || {
                    self.shared
                        .raw
                        .get_customer_by_customer_number_using_get_request(customer_number, audit)
                },
            )
            .await
    }

    /// Looks up a customer's Enfuce id by registration number, such as an SSN
    /// (`GET /v3/regNo/{regNo}/id`).
    pub async fn get_customer_id_by_reg_no(
        &self,
        reg_no: &str,
    ) -> Result<Response<types::CustomerIdResponse>, crate::Error<GetCustomerIdByRegNoError>> {
        let audit = &*self.audit_user;
        self.shared
            .transport
            .execute(
                self.invocation(&ops::GET_CUSTOMER_ID_BY_REG_NO_USING_GET),
                || {
                    self.shared
                        .raw
                        .get_customer_id_by_reg_no_using_get_request(reg_no, audit)
                },
            )
            .await
    }

    /// Creates a private customer (`POST /v3/PRIVATE`). Sends an idempotency key.
    pub fn create_private_customer<'c>(
        &'c self,
        customer: &'c NewPrivateCustomer,
    ) -> Call<'c, ResourceResponse, CreatePrivateCustomerError> {
        Call::new(move |options| async move {
            let audit = &*self.audit_user;
            let invocation = self.keyed(
                &ops::CREATE_PRIVATE_CUSTOMER_USING_POST,
                options.idempotency_key,
            );
            self.shared
                .transport
                .execute(invocation, || {
                    self.shared
                        .raw
                        .create_private_customer_using_post_request(audit, customer)
                })
                .await
        })
    }

    /// Creates a corporate customer (`POST /v3/CORPORATE`). Sends an idempotency key.
    pub fn create_corporate_customer<'c>(
        &'c self,
        customer: &'c NewCorporateCustomer,
    ) -> Call<'c, ResourceResponse, CreateCorporateCustomerError> {
        Call::new(move |options| async move {
            let audit = &*self.audit_user;
            let invocation = self.keyed(
                &ops::CREATE_CORPORATE_CUSTOMER_USING_POST,
                options.idempotency_key,
            );
            self.shared
                .transport
                .execute(invocation, || {
                    self.shared
                        .raw
                        .create_corporate_customer_using_post_request(audit, customer)
                })
                .await
        })
    }

    /// Updates a private customer (`PATCH /v3/PRIVATE/{id}`). Sends an idempotency key.
    pub fn update_private_customer<'c>(
        &'c self,
        customer_id: &'c str,
        changes: &'c PrivateCustomerUpdate,
    ) -> Call<'c, ResourceResponse, UpdatePrivateCustomerError> {
        Call::new(move |options| async move {
            let audit = &*self.audit_user;
            let invocation = self.keyed(
                &ops::UPDATE_PRIVATE_CUSTOMER_USING_PATCH,
                options.idempotency_key,
            );
            self.shared
                .transport
                .execute(invocation, || {
                    self.shared.raw.update_private_customer_using_patch_request(
                        customer_id,
                        audit,
                        changes,
                    )
                })
                .await
        })
    }

    /// Updates a corporate customer (`PATCH /v3/CORPORATE/{id}`). Sends an idempotency key.
    pub fn update_corporate_customer<'c>(
        &'c self,
        customer_id: &'c str,
        changes: &'c CorporateCustomerUpdate,
    ) -> Call<'c, ResourceResponse, UpdateCorporateCustomerError> {
        Call::new(move |options| async move {
            let audit = &*self.audit_user;
            let invocation = self.keyed(
                &ops::UPDATE_CORPORATE_CUSTOMER_USING_PATCH,
                options.idempotency_key,
            );
            self.shared
                .transport
                .execute(invocation, || {
                    self.shared
                        .raw
                        .update_corporate_customer_using_patch_request(customer_id, audit, changes)
                })
                .await
        })
    }

    /// Removes a customer's temporary address
    /// (`POST /v3/{role}/{id}/update/DELETE_TEMPORARY_ADDRESS`). Sends an idempotency key.
    pub fn delete_temporary_address<'c>(
        &'c self,
        role: types::Role,
        customer_id: &'c str,
    ) -> Call<'c, ResourceResponse, UpdateCustomerPropertyError> {
        Call::new(move |options| async move {
            let audit = &*self.audit_user;
            let body = types::UpdateCustomerProperty { dummy: None };
            let invocation = self.keyed(&ops::UPDATE_CUSTOMER_USING_POST, options.idempotency_key);
            let (role, body) = (&role, &body);
            self.shared
                .transport
                .execute(invocation, || {
                    self.shared.raw.update_customer_using_post_request(
                        role.clone(),
                        customer_id,
                        types::UpdateCustomerUsingPostPropertyToUpdate::DeleteTemporaryAddress,
                        audit,
                        body,
                    )
                })
                .await
        })
    }

    /// Lists a customer's links (`GET /v3/{id}/link`).
    pub async fn get_customer_links(
        &self,
        customer_id: &str,
    ) -> Result<Response<Vec<CustomerLink>>, crate::Error<GetCustomerLinksError>> {
        let audit = &*self.audit_user;
        self.shared
            .transport
            .execute(
                self.invocation(&ops::GET_LINKED_CUSTOMERS_USING_GET),
                || {
                    self.shared
                        .raw
                        .get_linked_customers_using_get_request(customer_id, audit)
                },
            )
            .await
    }

    /// Links `customer_id` to `linked_customer_id` (`POST /v3/{id}/link`). Sends an
    /// idempotency key.
    pub fn create_customer_link<'c>(
        &'c self,
        customer_id: &'c str,
        linked_customer_id: &'c str,
    ) -> Call<'c, ResourceResponse, CreateCustomerLinkError> {
        Call::new(move |options| async move {
            let audit = &*self.audit_user;
            let body = types::CreateLinkedCustomerUsingPostBody {
                customer_id: linked_customer_id.to_string(),
                type_: types::CreateLinkedCustomerUsingPostBodyType::CustomerLink,
            };
            let body = &body;
            let invocation = self.keyed(
                &ops::CREATE_LINKED_CUSTOMER_USING_POST,
                options.idempotency_key,
            );
            self.shared
                .transport
                .execute(invocation, || {
                    self.shared.raw.create_linked_customer_using_post_request(
                        customer_id,
                        audit,
                        body,
                    )
                })
                .await
        })
    }

    /// Deletes a customer link (`DELETE /v3/{id}/link/{linkId}`; Enfuce answers 201).
    pub async fn delete_customer_link(
        &self,
        customer_id: &str,
        link_id: &str,
    ) -> Result<Response<ResourceResponse>, crate::Error<DeleteCustomerLinkError>> {
        let audit = &*self.audit_user;
        self.shared
            .transport
            .execute(
                self.invocation(&ops::DELETE_LINKED_CUSTOMER_USING_DELETE),
                || {
                    self.shared.raw.delete_linked_customer_using_delete_request(
                        customer_id,
                        link_id,
                        audit,
                    )
                },
            )
            .await
    }
}
