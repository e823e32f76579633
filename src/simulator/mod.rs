//! An in-process simulator of both provider APIs, on 127.0.0.1: try paysdk without
//! credentials, and test retries and idempotency against injected faults.
//!
//! One HTTP server serves Enfuce under `/customer` and Weavr under `/payment-run`, with the
//! providers' rules (credentials, request checks, 404s, state conflicts, idempotency keys, rate
//! limits) and per-test fault injection. It counts every applied effect per logical operation,
//! so a test can assert that nothing was applied twice.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use paysdk::simulator::{Fault, Simulator, Target};
//!
//! let sim = Simulator::start().await?;
//! let weavr = sim.weavr_client_builder().build()?;
//! // The next unlink is applied, then its connection is closed without a response.
//! sim.faults().inject_on(Target::operation("unlinkLinkedAccountsId"), Fault::DropAfterEffect);
//! let accounts = weavr.list_linked_accounts().await?;
//! # let _ = accounts;
//! assert_eq!(sim.stats().snapshot().duplicate_effects, 0);
//! # Ok(()) }
//! ```
//!
//! The credentials it accepts are fake values ([`SimCredentials::default`](crate::simulator::SimCredentials::default)); it never reaches
//! beyond 127.0.0.1.

mod enfuce;
mod faults;
mod idempotency;
mod rate_limit;
mod server;
mod stats;
mod weavr;
mod webhooks;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultKind, Faults, RandomFaults, Target};
pub use rate_limit::RateLimit;
pub use stats::{Stats, StatsSnapshot};
pub use webhooks::{PublishedWebhook, WebhookDelivery, WebhookFault, WebhookStats};

use crate::Secret;
use idempotency::IdempotencyStore;
use rate_limit::RateLimiter;

/// One of the simulated APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Api {
    /// Enfuce Customer details API, under `/customer`.
    Enfuce,
    /// Weavr Embedded Payment Run API, under `/payment-run`.
    Weavr,
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Api::Enfuce => "enfuce",
            Api::Weavr => "weavr",
        })
    }
}

/// A Weavr user who can log in: a controller of one buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeavrUser {
    /// Login email.
    pub email: String,
    /// Password (the simulator takes it as sent; real integrations send a tokenised one).
    pub password: String,
    /// The buyer the user acts for; linked accounts belong to buyers.
    pub buyer_id: String,
    /// The user's id.
    pub user_id: String,
}

/// The credentials the simulator accepts. The defaults are obviously fake values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCredentials {
    /// Enfuce HTTP basic user.
    pub enfuce_username: String,
    /// Enfuce HTTP basic password.
    pub enfuce_password: String,
    /// Enfuce bearer token (accepted as an alternative to basic).
    pub enfuce_bearer_token: String,
    /// Weavr `api-key`.
    pub weavr_api_key: String,
    /// Weavr users who can log in.
    pub weavr_users: Vec<WeavrUser>,
}

impl Default for SimCredentials {
    fn default() -> Self {
        SimCredentials {
            enfuce_username: "sim-enfuce-user".to_string(),
            enfuce_password: "sim-enfuce-password".to_string(),
            enfuce_bearer_token: "sim-enfuce-token".to_string(),
            weavr_api_key: "sim-weavr-api-key".to_string(),
            weavr_users: vec![WeavrUser {
                email: "controller@buyer.example".to_string(),
                password: "sim-weavr-password".to_string(),
                buyer_id: "110000000000000001".to_string(),
                user_id: "120000000000000001".to_string(),
            }],
        }
    }
}

/// Starts simulators.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Starts a simulator with the defaults on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<SimulatorHandle> {
        SimulatorBuilder::default().start().await
    }

    /// Settings for a simulator.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }
}

/// Settings for a simulator; [`SimulatorBuilder::start`] runs it.
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    port: u16,
    credentials: SimCredentials,
    idempotency_ttl: Duration,
    token_idle_timeout: Duration,
    rate_limits: Vec<(Api, RateLimit)>,
    random_faults: Option<RandomFaults>,
    log_requests: bool,
    webhook_delivery: WebhookDelivery,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        SimulatorBuilder {
            port: 0,
            credentials: SimCredentials::default(),
            idempotency_ttl: Duration::from_secs(24 * 3600),
            token_idle_timeout: Duration::from_secs(5 * 60),
            rate_limits: Vec::new(),
            random_faults: None,
            log_requests: false,
            webhook_delivery: WebhookDelivery::default(),
        }
    }
}

impl SimulatorBuilder {
    /// The port on 127.0.0.1 (default 0: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The credentials to accept.
    pub fn credentials(mut self, credentials: SimCredentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// How long idempotency keys are remembered (default 24 hours, as both providers say).
    pub fn idempotency_ttl(mut self, ttl: Duration) -> Self {
        self.idempotency_ttl = ttl;
        self
    }

    /// How long a Weavr token lives without use (default 5 minutes, as Weavr says).
    pub fn token_idle_timeout(mut self, timeout: Duration) -> Self {
        self.token_idle_timeout = timeout;
        self
    }

    /// A rate limit for `api`, per caller.
    pub fn rate_limit(mut self, api: Api, limit: RateLimit) -> Self {
        self.rate_limits.push((api, limit));
        self
    }

    /// Random faults from the start.
    pub fn random_faults(mut self, plan: RandomFaults) -> Self {
        self.random_faults = Some(plan);
        self
    }

    /// How webhooks are delivered: timeout per attempt, attempts, backoff.
    pub fn webhook_delivery(mut self, delivery: WebhookDelivery) -> Self {
        self.webhook_delivery = delivery;
        self
    }

    /// Prints one line per request to stderr.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// Binds 127.0.0.1 and serves until the handle is dropped or shut down.
    pub async fn start(self) -> std::io::Result<SimulatorHandle> {
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let addr = listener.local_addr()?;
        let (webhooks, dispatcher) = webhooks::Webhooks::new(
            Secret::new(self.credentials.weavr_api_key.clone()),
            self.webhook_delivery,
        );
        tokio::spawn(dispatcher);
        let shared = Arc::new(Shared {
            webhooks,
            credentials: self.credentials,
            token_idle_timeout: self.token_idle_timeout,
            log_requests: self.log_requests,
            enfuce: Mutex::default(),
            weavr: Mutex::default(),
            idempotency: IdempotencyStore::new(self.idempotency_ttl),
            faults: Faults::default(),
            rate_limits: RateLimiter::default(),
            stats: Stats::default(),
        });
        for (api, limit) in self.rate_limits {
            shared.rate_limits.set(api, Some(limit));
        }
        shared.faults.set_random(self.random_faults);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(
            listener,
            server::router(shared.clone()),
            stopped,
        ));
        Ok(SimulatorHandle {
            addr,
            shared,
            stop,
            task: Some(task),
        })
    }
}

/// State shared by every request.
pub(crate) struct Shared {
    pub(crate) webhooks: Arc<webhooks::Webhooks>,
    pub(crate) credentials: SimCredentials,
    pub(crate) token_idle_timeout: Duration,
    pub(crate) log_requests: bool,
    enfuce: Mutex<enfuce::State>,
    weavr: Mutex<weavr::State>,
    pub(crate) idempotency: IdempotencyStore,
    pub(crate) faults: Faults,
    pub(crate) rate_limits: RateLimiter,
    pub(crate) stats: Stats,
}

impl Shared {
    pub(crate) fn enfuce(&self) -> MutexGuard<'_, enfuce::State> {
        self.enfuce.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn weavr(&self) -> MutexGuard<'_, weavr::State> {
        self.weavr.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running simulator. Dropping it stops the server.
pub struct SimulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for SimulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatorHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SimulatorHandle {
    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL of the simulated Enfuce Customer details API (`http://127.0.0.1:<port>/customer`),
    /// for `paysdk::enfuce::Client::builder().base_url(..)`.
    pub fn enfuce_url(&self) -> String {
        format!("http://{}/customer", self.addr)
    }

    /// Base URL of the simulated Weavr Payment Run API (`http://127.0.0.1:<port>/payment-run`),
    /// for `paysdk::weavr::Client::builder().base_url(..)`.
    pub fn weavr_url(&self) -> String {
        format!("http://{}/payment-run", self.addr)
    }

    /// The credentials accepted.
    pub fn credentials(&self) -> &SimCredentials {
        &self.shared.credentials
    }

    /// The buyer of the first Weavr user, the one [`SimulatorHandle::weavr_client_builder`]
    /// logs in as.
    pub fn weavr_buyer_id(&self) -> &str {
        self.shared
            .credentials
            .weavr_users
            .first()
            .map_or("", |u| u.buyer_id.as_str())
    }

    /// An Enfuce client builder aimed at the simulator, with its basic credentials and the
    /// audit user `simulator`.
    pub fn enfuce_client_builder(&self) -> crate::enfuce::ClientBuilder {
        let creds = &self.shared.credentials;
        crate::enfuce::Client::builder()
            .base_url(self.enfuce_url())
            .credentials(crate::enfuce::Credentials::basic(
                creds.enfuce_username.clone(),
                Secret::new(creds.enfuce_password.clone()),
            ))
            .audit_user("simulator")
    }

    /// A Weavr client builder aimed at the simulator, with its API key and the first user's
    /// login (the client logs in on first use).
    pub fn weavr_client_builder(&self) -> crate::weavr::ClientBuilder {
        let creds = &self.shared.credentials;
        let builder = crate::weavr::Client::builder()
            .base_url(self.weavr_url())
            .api_key(Secret::new(creds.weavr_api_key.clone()));
        match creds.weavr_users.first() {
            Some(user) => builder.login(user.email.clone(), Secret::new(user.password.clone())),
            None => builder,
        }
    }

    /// Fault injection controls.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Sets (`Some`) or removes (`None`) the rate limit of `api`.
    pub fn set_rate_limit(&self, api: Api, limit: Option<RateLimit>) {
        self.shared.rate_limits.set(api, limit);
    }

    /// Counters, including applied effects per logical operation.
    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }

    /// The Enfuce customers, in id order.
    pub fn enfuce_customers(&self) -> Vec<crate::enfuce::Customer> {
        self.shared.enfuce().customers.values().cloned().collect()
    }

    /// The links of an Enfuce customer.
    pub fn enfuce_links(&self, customer_id: &str) -> Vec<crate::enfuce::CustomerLink> {
        self.shared
            .enfuce()
            .links
            .get(customer_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The Weavr linked accounts of a buyer, oldest first.
    pub fn weavr_linked_accounts(&self, buyer_id: &str) -> Vec<crate::weavr::LinkedAccount> {
        self.shared.weavr().accounts_of(buyer_id)
    }

    /// Registers the URL Weavr webhooks are POSTed to (`None` stops delivery). Events are
    /// published on link (the sandbox call), unlink, rejection and consent expiry.
    pub fn register_webhook_url(&self, url: Option<String>) {
        self.shared.webhooks.register(url);
    }

    /// The next published webhook event gets `fault`.
    pub fn inject_webhook_fault(&self, fault: WebhookFault) {
        self.shared.webhooks.inject(fault);
    }

    /// Random webhook faults (`None`: off): each fault of `faults` hits each event with
    /// probability `rate`, from a generator seeded with `seed`.
    pub fn random_webhook_faults(&self, plan: Option<(u64, f64, Vec<WebhookFault>)>) {
        self.shared.webhooks.set_random(plan);
    }

    /// Webhook delivery counters.
    pub fn webhook_stats(&self) -> WebhookStats {
        self.shared.webhooks.stats()
    }

    /// Every webhook event published, in order.
    pub fn published_webhooks(&self) -> Vec<PublishedWebhook> {
        self.shared.webhooks.published()
    }

    /// Waits until every webhook delivery has finished (delivered or given up); `false` if
    /// `timeout` passed first.
    pub async fn webhooks_idle(&self, timeout: Duration) -> bool {
        self.shared.webhooks.idle(timeout).await
    }

    /// Weavr rejects linked account `id` (status `REJECTED`) and sends `linkedAccountWatch`.
    /// `false` if there is no such account.
    pub fn reject_linked_account(&self, id: &str) -> bool {
        weavr::account_event(&self.shared, id, weavr::AccountEvent::Rejected)
    }

    /// The consent of linked account `id` expires (consent `EXPIRED`); Weavr sends
    /// `linkedAccountWatch`. `false` if there is no such account.
    pub fn expire_consent(&self, id: &str) -> bool {
        weavr::account_event(&self.shared, id, weavr::AccountEvent::ConsentExpired)
    }

    /// Weavr warns that the consent of linked account `id` expires soon
    /// (`linkedAccountExpiringSoonWatch`). `false` if there is no such account.
    pub fn consent_expiring_soon(&self, id: &str) -> bool {
        weavr::account_event(&self.shared, id, weavr::AccountEvent::ConsentExpiringSoon)
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimulatorHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
