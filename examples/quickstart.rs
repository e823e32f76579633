//! paysdk in five minutes, with no credentials and no network: starts the embedded simulator
//! of both provider APIs on 127.0.0.1 and walks a realistic flow through the facades.
//!
//! ```text
//! cargo run --example quickstart --features simulator
//! ```
//!
//! Against the real providers, only the client builders change: an environment instead of
//! `base_url`, and your own credentials.

use paysdk::Secret;
use paysdk::enfuce::{self, types as enfuce_types};
use paysdk::simulator::Simulator;
use paysdk::weavr::webhooks::{self, Delivery, VerifiedEvent, Verifier};
use paysdk::weavr::{self, types as weavr_types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start().await?;
    println!("Simulator running on http://{}", sim.addr());
    println!("  Enfuce Customer details API: {}", sim.enfuce_url());
    println!("  Weavr Payment Run API:       {}\n", sim.weavr_url());
    // The simulator accepts these obviously fake credentials.
    let creds = sim.credentials().clone();

    // ---------------------------------------------------------------- Enfuce
    println!("== Enfuce: customers and customer links");
    let enfuce = enfuce::Client::builder()
        .base_url(sim.enfuce_url())
        .credentials(enfuce::Credentials::basic(
            creds.enfuce_username.clone(),
            Secret::new(creds.enfuce_password.clone()),
        ))
        .audit_user("quickstart")
        .build()?;

    let aino = enfuce.create_private_customer(&private_customer()).await?;
    let aino_id = aino.id.clone().unwrap_or_default();
    println!(
        "Created private customer Aino Virtanen: id {aino_id} (HTTP {}, idempotency key {})",
        aino.status().as_u16(),
        aino.idempotency_key().unwrap_or("-"),
    );
    let company = enfuce
        .create_corporate_customer(&corporate_customer())
        .await?;
    let company_id = company.id.clone().unwrap_or_default();
    println!("Created corporate customer Example Oy: id {company_id}");
    let mut second = private_customer();
    second.customer_number = "QS-0003".to_string();
    second.reg_no = "010203-1234".to_string();
    second.first_name = "Matti".to_string();
    let matti_id = enfuce
        .create_private_customer(&second)
        .await?
        .into_inner()
        .id
        .unwrap_or_default();
    println!("Created private customer Matti Virtanen: id {matti_id}");

    let fetched = enfuce.get_customer(&aino_id).await?;
    println!(
        "Fetched {aino_id}: {} {}, role {}, locale {}",
        fetched.first_name.as_deref().unwrap_or("?"),
        fetched.last_name.as_deref().unwrap_or("?"),
        fetched.role.as_ref().map_or("?", |r| r.as_str()),
        fetched.locale,
    );

    let to_company = enfuce.create_customer_link(&aino_id, &company_id).await?;
    let to_matti = enfuce.create_customer_link(&aino_id, &matti_id).await?;
    println!(
        "Linked {aino_id} -> {company_id} (link {}) and {aino_id} -> {matti_id} (link {})",
        to_company.id.as_deref().unwrap_or("?"),
        to_matti.id.as_deref().unwrap_or("?"),
    );
    let links = enfuce.get_customer_links(&aino_id).await?;
    println!("Links of {aino_id}:");
    for link in links.iter() {
        println!(
            "  link {} -> customer {}",
            link.id.as_deref().unwrap_or("?"),
            link.customer_id.as_deref().unwrap_or("?")
        );
    }
    let link_id = to_matti.id.clone().unwrap_or_default();
    let deleted = enfuce.delete_customer_link(&aino_id, &link_id).await?;
    println!(
        "Deleted link {link_id} (Enfuce answers HTTP {} to a DELETE)",
        deleted.status().as_u16()
    );
    println!(
        "Links of {aino_id} now: {}",
        enfuce.get_customer_links(&aino_id).await?.len()
    );

    // A request Enfuce refuses comes back as a typed error.
    match enfuce.get_customer("999").await {
        Err(e) if e.kind().is_not_found() => {
            println!("Fetching customer 999: {e}");
        }
        other => println!("Fetching customer 999: unexpected {other:?}"),
    }

    // ---------------------------------------------------------------- Weavr
    println!("\n== Weavr: login, linked accounts, unlink");
    let weavr = weavr::Client::builder()
        .base_url(sim.weavr_url())
        .api_key(Secret::new(creds.weavr_api_key.clone()))
        .build()?;
    let user = creds
        .weavr_users
        .first()
        .ok_or("the simulator has no Weavr user")?;
    let login = weavr
        .login_with_password(&user.email, Secret::new(user.password.clone()))
        .await?;
    let buyer_id = login
        .identity
        .as_ref()
        .and_then(|i| i.id.clone())
        .unwrap_or_default();
    println!("Logged in as {} (buyer {buyer_id})", user.email);

    // In the sandbox, linked accounts come from the simulator call instead of Open Banking.
    let uk = weavr
        .simulate_linked_account(
            &buyer_id,
            weavr_types::AccountIdentification::FasterPaymentsBankDetails {
                account_number: "12345678".to_string(),
                sort_code: "040004".to_string(),
                secondary_reference: None,
            },
        )
        .await?;
    let eu = weavr
        .simulate_linked_account(
            &buyer_id,
            weavr_types::AccountIdentification::SepaBankDetails {
                iban: "FR7630006000011234567890189".to_string(),
                bank_identifier_code: Some("AGRIFRPP".to_string()),
            },
        )
        .await?;
    println!(
        "Sandbox linked two accounts: {} (GBP) and {} (EUR)",
        uk.id, eu.id
    );

    let accounts = weavr.list_linked_accounts().await?;
    println!("Linked accounts ({}):", accounts.linked_accounts.len());
    for account in &accounts.linked_accounts {
        println!(
            "  {} {} {} via {}",
            account.id,
            account.currency,
            account.status,
            account.institution.display_name.as_deref().unwrap_or("?")
        );
    }

    // Weavr tells you about account changes by webhook: a receiver that verifies each
    // delivery (signatures, replay window) before decoding it. See examples/webhooks.rs.
    let (events, mut received) = tokio::sync::mpsc::unbounded_channel();
    let webhook_url = webhook_receiver(Secret::new(creds.weavr_api_key.clone()), events).await?;
    sim.register_webhook_url(Some(webhook_url.clone()));

    let unlinked = weavr.unlink_linked_account(&uk.id).await?;
    println!(
        "Unlinked {}: status {} (attempts {}, idempotency-ref {})",
        unlinked.id,
        unlinked.status,
        unlinked.attempts(),
        unlinked.idempotency_key().unwrap_or("-"),
    );

    // Unlinking is not reversible: a second unlink is Weavr's 409, as a typed error.
    match weavr.unlink_linked_account(&uk.id).await {
        Err(e) => match e.kind() {
            weavr::UnlinkLinkedAccountError::Conflict(body) => println!(
                "Unlinking {} again: HTTP 409, errorCode {}",
                uk.id,
                body.error_code.as_ref().map_or("?", |c| c.as_str())
            ),
            other => println!("Unlinking {} again: {other}", uk.id),
        },
        Ok(_) => println!("Unlinking {} again unexpectedly succeeded", uk.id),
    }

    let delivery = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await?
        .ok_or("the webhook receiver stopped")?;
    if let webhooks::Event::LinkedAccountWatch(event) = &delivery.event
        && let weavr_types::LinkedAccountWatchPayload::Object { id, status, .. } = &event.payload
    {
        println!(
            "Webhook received at {webhook_url} and verified: {} for {id}, status {status} (call-ref {})",
            delivery.event.kind(),
            delivery.meta.call_ref.as_deref().unwrap_or("-"),
        );
    } else {
        println!("Webhook received and verified: {}", delivery.event.kind());
    }

    let stats = sim.stats().snapshot();
    println!(
        "\nThe simulator saw {} requests and applied {} effects, none twice ({} duplicates).",
        stats.requests, stats.effects, stats.duplicate_effects
    );
    sim.shutdown().await;
    Ok(())
}

/// Serves a webhook receiver on 127.0.0.1 that hands each verified delivery to `events` and
/// answers 200 (requests that fail verification get 401 from the extractor). Returns its URL.
async fn webhook_receiver(
    api_key: Secret,
    events: tokio::sync::mpsc::UnboundedSender<Delivery>,
) -> std::io::Result<String> {
    use axum::http::StatusCode;
    let handler = move |VerifiedEvent(delivery): VerifiedEvent| async move {
        match events.send(delivery) {
            Ok(()) => StatusCode::OK,
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    };
    let app = axum::Router::new()
        .route("/webhooks/weavr", axum::routing::post(handler))
        .with_state(Verifier::new(api_key));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/weavr", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

fn address() -> enfuce_types::Address {
    enfuce_types::Address {
        address1: Some("Mannerheimintie 1".to_string()),
        city: Some("Helsinki".to_string()),
        country: Some("FIN".to_string()),
        zip_code: Some("00100".to_string()),
        ..Default::default()
    }
}

fn private_customer() -> enfuce::NewPrivateCustomer {
    enfuce::NewPrivateCustomer {
        additional_values: Vec::new(),
        address: address(),
        birth_country: Some("FIN".to_string()),
        customer_number: "QS-0001".to_string(),
        date_of_birth: chrono_date(1985, 4, 12),
        email: Some("aino.virtanen@example.com".to_string()),
        first_name: "Aino".to_string(),
        last_name: "Virtanen".to_string(),
        locale: enfuce_types::Locale::FiFi,
        middle_name: None,
        mobile_number: Some("+358401234567".to_string()),
        nationality: vec!["FIN".to_string()],
        phone_number: None,
        reg_no: "120485-123A".to_string(),
        risk_score: Some(enfuce_types::RiskScore::Low),
        salutation: Some("Ms".to_string()),
        screening: None,
        temporary_address: None,
    }
}

fn corporate_customer() -> enfuce::NewCorporateCustomer {
    enfuce::NewCorporateCustomer {
        additional_values: Vec::new(),
        address: address(),
        customer_number: "QS-0002".to_string(),
        customer_representative: Some("Mrs Smith".to_string()),
        email: Some("billing@example.com".to_string()),
        locale: enfuce_types::Locale::EnGb,
        mobile_number: None,
        name: "Example Oy".to_string(),
        phone_number: None,
        reg_no: "1234567-8".to_string(),
        registration: None,
        risk_score: Some(enfuce_types::RiskScore::Med),
        screening: None,
        temporary_address: None,
    }
}

/// A date; the generated types use chrono's `NaiveDate`.
fn chrono_date(year: i32, month: u32, day: u32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(year, month, day)
}
