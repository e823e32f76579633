//! `paysdk-sim`: the simulator of the Enfuce and Weavr APIs as a standalone server on
//! 127.0.0.1, for trying the SDK (or any HTTP client) by hand.
//!
//! ```text
//! cargo run --features simulator --bin paysdk-sim -- --port 8080
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use paysdk::simulator::{Api, RandomFaults, RateLimit, Simulator};

/// Serves simulated Enfuce (/customer) and Weavr (/payment-run) APIs on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "paysdk-sim", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Rate limit per caller on both APIs, in requests per second.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,
    /// Share of requests that get a random fault, from 0 to 1.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    fault_rate: f64,
    /// Seed of the random faults, for reproducible runs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How long a delay fault holds a request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    fault_delay_ms: u64,
    /// Do not print a line per request.
    #[arg(long)]
    quiet: bool,
}

fn parse_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{value:?} is not a number from 0 to 1")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // clap prints usage and exits with status 2 on bad arguments.
    let args = Args::parse();
    let mut builder = Simulator::builder()
        .port(args.port)
        .log_requests(!args.quiet);
    if let Some(n) = args.rate_limit {
        builder = builder
            .rate_limit(Api::Enfuce, RateLimit::per_second(n))
            .rate_limit(Api::Weavr, RateLimit::per_second(n));
    }
    if args.fault_rate > 0.0 {
        let delay = Duration::from_millis(args.fault_delay_ms);
        builder = builder.random_faults(RandomFaults::chaos(args.seed, args.fault_rate, delay));
    }
    let sim = match builder.start().await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("paysdk-sim: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    let creds = sim.credentials();
    println!("paysdk-sim listening on http://{}", sim.addr());
    println!("  Enfuce: {}", sim.enfuce_url());
    println!(
        "          basic {}:{}, or bearer {}; auditUser required",
        creds.enfuce_username, creds.enfuce_password, creds.enfuce_bearer_token
    );
    println!("  Weavr:  {}", sim.weavr_url());
    println!("          api-key {}", creds.weavr_api_key);
    for user in &creds.weavr_users {
        println!(
            "          login {} / {} (buyer {})",
            user.email, user.password, user.buyer_id
        );
    }
    if args.fault_rate > 0.0 {
        println!(
            "  random faults on {:.0}% of requests (seed {})",
            args.fault_rate * 100.0,
            args.seed
        );
    }
    println!("Ctrl-C stops.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("paysdk-sim: cannot wait for Ctrl-C: {e}");
    }
    let stats = sim.stats().snapshot();
    sim.shutdown().await;
    println!(
        "paysdk-sim: {} requests, {} effects, {} duplicates",
        stats.requests, stats.effects, stats.duplicate_effects
    );
    ExitCode::SUCCESS
}
