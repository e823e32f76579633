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
//!
//! `Client`, `ClientBuilder`, `Credentials` and `Environment` are the generated ones
//! (`paysdk::apis::enfuce_customer`), named, narrowed and configured by
//! `specs/enfuce-customer.paysdk.yaml`; this module adds the names of Enfuce's documentation.

use crate::apis::enfuce_customer as api;

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
