//! Settings every provider client shares: timeouts, retries, and the HTTP client itself.

use std::time::Duration;

use super::retry::RetryConfig;

/// Timeouts and retries. Defaults: connect 10 s, each attempt 30 s, the whole call
/// (attempts and waits) 90 s, and [`RetryConfig::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) overall_timeout: Duration,
    pub(crate) retry: RetryConfig,
    pub(crate) user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            overall_timeout: Duration::from_secs(90),
            retry: RetryConfig::default(),
            user_agent: concat!("paysdk/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl ClientConfig {
    /// Limit on establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// Limit on one attempt, from sending to the end of the response body.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }
    /// Limit on the whole call, across attempts and waits.
    pub fn overall_timeout(mut self, timeout: Duration) -> Self {
        self.overall_timeout = timeout;
        self
    }
    /// Retry settings.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }
    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The HTTP client these settings describe.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, reqwest::Error> {
        install_tls_provider();
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .build()
    }
}

/// reqwest is built with `rustls-no-provider`, which needs a process-wide crypto provider.
/// Installs ring unless the application installed one first.
fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    {
        // Err means a provider is already installed, which is all that is needed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Why a provider client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A required setting was not given.
    #[error("{provider}: missing {what} ({hint})")]
    Missing {
        /// Which provider client.
        provider: &'static str,
        /// The setting.
        what: &'static str,
        /// How to give it.
        hint: &'static str,
    },
    /// A credential contains characters that cannot go in an HTTP header.
    #[error("{provider}: the {what} contains characters not allowed in an HTTP header")]
    InvalidHeaderValue {
        /// Which provider client.
        provider: &'static str,
        /// Which credential.
        what: &'static str,
    },
    /// The base URL is not an absolute http(s) URL.
    #[error("{provider}: base URL {url:?} is not an absolute http or https URL")]
    InvalidBaseUrl {
        /// Which provider client.
        provider: &'static str,
        /// The URL given.
        url: String,
    },
    /// An OAuth2 token URL is not a URL, absolute or relative to the base URL.
    #[error("{provider}: the token URL of security scheme '{scheme}' is not a valid URL")]
    InvalidTokenUrl {
        /// Which API client.
        provider: &'static str,
        /// The security scheme.
        scheme: &'static str,
    },
    /// The HTTP client could not be created.
    #[error("{provider}: cannot create the HTTP client: {source}")]
    Http {
        /// Which provider client.
        provider: &'static str,
        /// reqwest's reason.
        #[source]
        source: reqwest::Error,
    },
}
