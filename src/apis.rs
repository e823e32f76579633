//! The generated facade of every spec in `specs/`: `paysdk::apis::<module>::Client`, one
//! method per operation, run through paysdk's call loop (timeouts, safe retries,
//! idempotency keys made once per call, tracing, typed errors per status).
//!
//! Each module has `Client` and `ClientBuilder`, one call type per operation (its optional
//! parameters are setters; `.await` sends it), and `types`, `errors` and `operations` from
//! the generated layer.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use paysdk::apis::weavr_payment_run::Client;
//!
//! let client = Client::builder().base_url("https://sandbox.weavr.io/payment-run").build()?;
//! let institutions = client.list_institutions().country("GB").limit(20.try_into()?).await?;
//! println!("{} institution(s)", institutions.institutions.len());
//! # Ok(()) }
//! ```

include!(concat!(env!("OUT_DIR"), "/facades.rs"));
