//! Chaos: over a thousand logical operations through both facades while the simulator injects
//! seeded random faults (5xx and bursts of them, 429, delays past the client's timeout,
//! connections dropped after the effect, truncated and non-JSON bodies).
//!
//! Every operation must end applied exactly once (success) or with a typed error (applied at
//! most once), and the simulator's own ledger of applied effects must show no duplicate.
//!
//! `cargo test --features simulator --test chaos -- --nocapture` prints the figures.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paysdk::enfuce;
use paysdk::runtime::OperationError;
use paysdk::simulator::{RandomFaults, Simulator, SimulatorHandle};
use paysdk::weavr::{self, types as wt};
use paysdk::{ClientConfig, Response, RetryConfig};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const SEED: u64 = 0x5eed_c4a0;
const FAULT_RATE: f64 = 0.25;
const CONCURRENCY: usize = 16;
/// Past the client's attempt timeout, so delayed requests are abandoned and resent.
const DELAY: Duration = Duration::from_millis(300);
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(150);

fn client_config() -> ClientConfig {
    ClientConfig::default()
        .attempt_timeout(ATTEMPT_TIMEOUT)
        .overall_timeout(Duration::from_secs(10))
        .retry(
            RetryConfig::default()
                .max_attempts(10)
                .backoff(Duration::from_millis(10), Duration::from_millis(80))
                .max_retry_after(Duration::from_secs(1)),
        )
}

/// How one logical operation ended.
#[derive(Debug, Clone)]
struct Outcome {
    op: &'static str,
    /// The idempotency key given, for operations that take one.
    key: Option<String>,
    /// Whether success means a state change the simulator counts.
    effectful: bool,
    attempts: u32,
    /// `None` on success; the kind of typed error otherwise.
    error: Option<String>,
    /// The id a successful create returned.
    created: Option<String>,
    /// What the operation was aimed at (account or link), for per-target checks.
    target: Option<String>,
}

impl Outcome {
    fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// Names the kind of a typed error: its status, or what failed without one.
fn error_kind<E: OperationError>(e: &paysdk::Error<E>) -> String {
    if let Some(status) = e.status() {
        let text = e.to_string();
        return if text.contains("did not decode") {
            format!("{} undecodable", status.as_u16())
        } else {
            status.as_u16().to_string()
        };
    }
    let text = e.to_string();
    if text.contains("timed out") {
        "timeout".to_string()
    } else if text.contains("invalid request") {
        "invalid request".to_string()
    } else {
        "transport".to_string()
    }
}

fn record<T, E: OperationError>(
    op: &'static str,
    key: Option<String>,
    effectful: bool,
    result: Result<Response<T>, paysdk::Error<E>>,
    created: impl FnOnce(&T) -> Option<String>,
) -> Outcome {
    match result {
        Ok(response) => Outcome {
            op,
            key,
            effectful,
            attempts: response.attempts(),
            error: None,
            created: created(response.body()),
            target: None,
        },
        Err(e) => Outcome {
            op,
            key,
            effectful,
            attempts: e.attempts(),
            error: Some(error_kind(&e)),
            created: None,
            target: None,
        },
    }
}

fn private(n: usize) -> enfuce::NewPrivateCustomer {
    serde_json::from_value(serde_json::json!({
        "customerNumber": format!("P-{n}"), "locale": "fi_FI", "regNo": format!("reg-p-{n}"),
        "address": {"address1": "Street 1", "city": "Helsinki", "country": "FIN", "zipCode": "00100"},
        "firstName": "Aino", "lastName": format!("Customer {n}")
    }))
    .expect("a valid private customer")
}

fn corporate(n: usize) -> enfuce::NewCorporateCustomer {
    serde_json::from_value(serde_json::json!({
        "customerNumber": format!("K-{n}"), "locale": "en_GB", "regNo": format!("reg-k-{n}"),
        "address": {"address1": "Road 2", "city": "London", "country": "GBR", "zipCode": "N1"},
        "name": format!("Company {n} Ltd")
    }))
    .expect("a valid corporate customer")
}

fn account_number(n: usize) -> String {
    format!("{:08}", 10_000_000 + n)
}

/// Runs `jobs` with at most `CONCURRENCY` at once; a panic in any job fails the test.
async fn run<F>(jobs: Vec<F>) -> Vec<Outcome>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut set = JoinSet::new();
    for job in jobs {
        let permits = permits.clone();
        set.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore open");
            job.await
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = set.join_next().await {
        out.push(joined.expect("no operation panics"));
    }
    out
}

type Job = std::pin::Pin<Box<dyn Future<Output = Outcome> + Send>>;

struct Clients {
    enfuce: enfuce::Client,
    weavr: weavr::Client,
    buyer: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_operations_under_random_faults_apply_nothing_twice() {
    let started = Instant::now();
    let sim = Simulator::start().await.expect("simulator");
    let c = Arc::new(Clients {
        enfuce: sim
            .enfuce_client_builder()
            .config(client_config())
            .build()
            .expect("enfuce client"),
        weavr: sim
            .weavr_client_builder()
            .config(client_config())
            .build()
            .expect("weavr client"),
        buyer: sim.weavr_buyer_id().to_string(),
    });
    sim.faults()
        .set_random(Some(RandomFaults::chaos(SEED, FAULT_RATE, DELAY)));
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut outcomes = Vec::new();

    // Phase 1: customers and sandbox accounts.
    let mut jobs: Vec<Job> = Vec::new();
    for n in 0..200 {
        let c = c.clone();
        jobs.push(Box::pin(async move {
            let key = format!("chaos-create-{n}");
            if n % 2 == 0 {
                let body = private(n);
                let r = c
                    .enfuce
                    .create_private_customer(&body)
                    .idempotency_key(&key)
                    .await;
                record("enfuce create private", Some(key), true, r, |b| {
                    b.id.clone()
                })
            } else {
                let body = corporate(n);
                let r = c
                    .enfuce
                    .create_corporate_customer(&body)
                    .idempotency_key(&key)
                    .await;
                record("enfuce create corporate", Some(key), true, r, |b| {
                    b.id.clone()
                })
            }
        }));
    }
    for n in 0..150 {
        let c = c.clone();
        jobs.push(Box::pin(async move {
            let ident: wt::AccountIdentification =
                wt::AccountIdentification::FasterPaymentsBankDetails {
                    account_number: account_number(n),
                    sort_code: "040004".to_string(),
                    secondary_reference: None,
                };
            let r = c.weavr.simulate_linked_account(&c.buyer, ident).await;
            let mut o = record("weavr sandbox create", None, true, r, |b| {
                Some(b.id.clone())
            });
            o.target = Some(account_number(n));
            o
        }));
    }
    rng.shuffle(&mut jobs);
    let phase1 = run(jobs).await;
    let mut customers: Vec<(bool, String)> = phase1
        .iter()
        .filter(|o| o.op.starts_with("enfuce create"))
        .filter_map(|o| Some((o.op.ends_with("private"), o.created.clone()?)))
        .collect();
    customers.sort();
    let accounts: Vec<String> = phase1
        .iter()
        .filter(|o| o.op == "weavr sandbox create")
        .filter_map(|o| o.created.clone())
        .collect();
    outcomes.extend(phase1);

    // Phase 2: links, updates, reads, unlinks, renames, all mixed.
    let mut jobs: Vec<Job> = Vec::new();
    let ids: Vec<String> = customers.iter().map(|(_, id)| id.clone()).collect();
    for k in 0..150.min(ids.len()) {
        let (c, from, to) = (c.clone(), ids[k].clone(), ids[(k + 1) % ids.len()].clone());
        jobs.push(Box::pin(async move {
            let key = format!("chaos-link-{k}");
            let r = c
                .enfuce
                .create_customer_link(&from, &to)
                .idempotency_key(&key)
                .await;
            let mut o = record("enfuce create link", Some(key), true, r, |b| b.id.clone());
            o.target = Some(from);
            o
        }));
    }
    let privates: Vec<String> = customers
        .iter()
        .filter(|(p, _)| *p)
        .map(|(_, id)| id.clone())
        .collect();
    for k in 0..150 {
        let Some(id) = privates.get(k % privates.len().max(1)).cloned() else {
            break;
        };
        let c = c.clone();
        jobs.push(Box::pin(async move {
            let key = format!("chaos-update-{k}");
            let changes = enfuce::PrivateCustomerUpdate {
                email: Some(format!("update-{k}@example.com")),
                ..Default::default()
            };
            let r = c
                .enfuce
                .update_private_customer(&id, &changes)
                .idempotency_key(&key)
                .await;
            record("enfuce update", Some(key), true, r, |_| None)
        }));
    }
    for k in 0..100 {
        let Some(id) = ids.get(rng.usize(0..ids.len().max(1))).cloned() else {
            break;
        };
        let c = c.clone();
        jobs.push(Box::pin(async move {
            if k % 2 == 0 {
                let r = c.enfuce.get_customer(&id).await;
                record("enfuce get", None, false, r, |_| None)
            } else {
                let r = c.enfuce.get_customer_links(&id).await;
                record("enfuce list links", None, false, r, |_| None)
            }
        }));
    }
    // Unlink the first two thirds of the accounts once, and 20 of them a second time (new
    // key): one of the two must be the typed 409. Rename the other third.
    let split = accounts.len() * 2 / 3;
    let (to_unlink, to_rename) = accounts.split_at(split);
    let unlink_targets = to_unlink.iter().chain(to_unlink.iter().take(20));
    for (k, id) in unlink_targets.cloned().enumerate() {
        let c = c.clone();
        jobs.push(Box::pin(async move {
            let key = format!("chaos-unlink-{k}");
            let r = c
                .weavr
                .unlink_linked_account(&id)
                .idempotency_key(&key)
                .await;
            let mut o = record("weavr unlink", Some(key), true, r, |_| None);
            o.target = Some(id);
            o
        }));
    }
    for k in 0..100 {
        let Some(id) = to_rename.get(k % to_rename.len().max(1)).cloned() else {
            break;
        };
        let c = c.clone();
        jobs.push(Box::pin(async move {
            let key = format!("chaos-rename-{k}");
            let name = format!("Account {k}");
            let r = c
                .weavr
                .update_linked_account(&id, &name)
                .idempotency_key(&key)
                .await;
            record("weavr rename", Some(key), true, r, |_| None)
        }));
    }
    for k in 0..100 {
        let c = c.clone();
        let id = accounts.get(k % accounts.len().max(1)).cloned();
        jobs.push(Box::pin(async move {
            match id {
                Some(id) if k % 2 == 0 => {
                    let r = c.weavr.get_linked_account(&id).await;
                    record("weavr get", None, false, r, |_| None)
                }
                _ => {
                    let r = c.weavr.list_linked_accounts().await;
                    record("weavr list", None, false, r, |_| None)
                }
            }
        }));
    }
    rng.shuffle(&mut jobs);
    let phase2 = run(jobs).await;
    let links: Vec<(String, String)> = phase2
        .iter()
        .filter(|o| o.op == "enfuce create link")
        .filter_map(|o| Some((o.target.clone()?, o.created.clone()?)))
        .collect();
    outcomes.extend(phase2);

    // Phase 3: delete links (DELETE: idempotent by method, no key).
    let mut jobs: Vec<Job> = Vec::new();
    for (customer, link) in links.into_iter().take(100) {
        let c = c.clone();
        jobs.push(Box::pin(async move {
            let r = c.enfuce.delete_customer_link(&customer, &link).await;
            let mut o = record("enfuce delete link", None, true, r, |_| None);
            o.target = Some(format!("{customer}/{link}"));
            o
        }));
    }
    outcomes.extend(run(jobs).await);
    sim.faults().set_random(None);
    let elapsed = started.elapsed();

    verify_and_report(&sim, &outcomes, elapsed);
}

fn verify_and_report(sim: &SimulatorHandle, outcomes: &[Outcome], elapsed: Duration) {
    let stats = sim.stats();
    let snap = stats.snapshot();

    // 1. Keyed operations: success means applied exactly once, an error at most once.
    let mut applied_unacknowledged = 0;
    for o in outcomes.iter().filter(|o| o.effectful) {
        if let Some(key) = &o.key {
            let applied = stats.effects_for_key(key);
            if o.ok() {
                assert_eq!(
                    applied, 1,
                    "{} {key} succeeded but was applied {applied}x",
                    o.op
                );
            } else {
                assert!(applied <= 1, "{} {key} was applied {applied}x", o.op);
                if applied == 1 {
                    applied_unacknowledged += 1;
                }
            }
        }
    }

    // 2. Keyless sandbox creates: every bank account exists at most once, and exactly once if
    //    the call succeeded.
    let accounts = sim.weavr_linked_accounts(sim.weavr_buyer_id());
    let mut per_number: HashMap<String, usize> = HashMap::new();
    for a in &accounts {
        if let wt::AccountIdentification::FasterPaymentsBankDetails { account_number, .. } =
            &a.account_identification
        {
            *per_number.entry(account_number.clone()).or_default() += 1;
        }
    }
    for o in outcomes.iter().filter(|o| o.op == "weavr sandbox create") {
        let n = per_number
            .get(o.target.as_deref().unwrap_or(""))
            .copied()
            .unwrap_or(0);
        assert!(n <= 1, "account {:?} created {n}x", o.target);
        if o.ok() {
            assert_eq!(n, 1, "account {:?} reported created but missing", o.target);
        }
    }

    // 3. An account is unlinked by at most one logical call.
    let mut unlinks: HashMap<&str, usize> = HashMap::new();
    for o in outcomes.iter().filter(|o| o.op == "weavr unlink" && o.ok()) {
        *unlinks
            .entry(o.target.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    assert!(
        unlinks.values().all(|&n| n == 1),
        "an account was unlinked twice"
    );

    // 4. Customers: one per customer number; as many as creates that were applied.
    let customers = sim.enfuce_customers();
    let mut numbers: Vec<_> = customers
        .iter()
        .map(|c| c.customer_number.clone())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        customers.len(),
        "a customer number appears twice"
    );
    let applied_creates = outcomes
        .iter()
        .filter(|o| o.op.starts_with("enfuce create") && o.op != "enfuce create link")
        .filter(|o| {
            o.key
                .as_deref()
                .is_some_and(|k| stats.effects_for_key(k) == 1)
        })
        .count();
    assert_eq!(customers.len(), applied_creates);

    // 5. The simulator's own ledger.
    assert_eq!(stats.duplicates(), Vec::new(), "duplicate effects");
    assert_eq!(snap.duplicate_effects, 0);

    // Figures.
    let total = outcomes.len();
    let ok = outcomes.iter().filter(|o| o.ok()).count();
    let retries: u64 = outcomes
        .iter()
        .map(|o| u64::from(o.attempts.saturating_sub(1)))
        .sum();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| !o.ok()) {
        *errors
            .entry(format!(
                "{}: {} (attempts {})",
                o.op,
                o.error.as_deref().unwrap_or(""),
                o.attempts
            ))
            .or_default() += 1;
    }
    let mut per_op: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in outcomes {
        let e = per_op.entry(o.op).or_default();
        e.0 += 1;
        e.1 += usize::from(o.ok());
    }
    println!("chaos: seed {SEED:#x}, fault rate {FAULT_RATE}, concurrency {CONCURRENCY}");
    println!(
        "operations: {total} ({ok} succeeded, {} typed errors)",
        total - ok
    );
    for (op, (n, ok)) in &per_op {
        println!("  {op}: {n} ({ok} ok)");
    }
    println!("requests received by the simulator: {}", snap.requests);
    println!("faults injected: {}", snap.faults_total());
    for (kind, n) in &snap.faults {
        println!("  {kind}: {n}");
    }
    println!("retries (attempts beyond the first): {retries}");
    println!(
        "idempotent replays: {}, 409 in progress: {}",
        snap.replays, snap.in_progress_conflicts
    );
    println!("effects applied: {}", snap.effects);
    println!("applied but the caller saw an error: {applied_unacknowledged}");
    println!("typed errors:");
    for (kind, n) in &errors {
        println!("  {kind}: {n}");
    }
    println!("duplicates: {}", snap.duplicate_effects);
    println!("time: {:.1}s", elapsed.as_secs_f64());

    assert!(total >= 1000, "only {total} operations");
    assert!(
        snap.faults_total() >= 100,
        "too few faults to mean anything"
    );
    // Guards against a broken setup passing vacuously (everything failing at once).
    assert!(ok * 3 >= total * 2, "only {ok} of {total} succeeded");
}
