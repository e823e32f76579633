//! Scaling benchmark for spec-diff: synthetic spec pairs of 0.5, 1, 2 and 4 MB
//! (base + revision together), parsed and diffed end to end.
//!
//! Besides criterion's timings it prints a summary table: median time per
//! size, time per MB (flat = linear), and peak heap during one diff relative
//! to the pair's size, measured with a counting global allocator.
//!
//! A second group diffs one component schema reached through 500 operations
//! and changed in 50 places (`support/shared_schema.rs`): 50 findings, each
//! listing its 500 operations (the count is asserted in
//! `tests/spec_diff_grouping.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/shared_schema.rs"]
mod shared_schema;
use paysdk::diff::{Settings, diff_texts};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only adds bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// One resource: a path with GET/PUT, a component schema, shared item types.
fn resource(out: &mut String, i: usize, revision: bool) {
    // Every 25th resource changes in the revision, in ways rules report.
    let changed = revision && i % 25 == 7;
    let op_id = if changed {
        format!("fetchResource{i}")
    } else {
        format!("getResource{i}")
    };
    let status_enum = if changed {
        "[ACTIVE, INACTIVE, PENDING, ARCHIVED]"
    } else {
        "[ACTIVE, INACTIVE, PENDING]"
    };
    let limit_max = if changed { 50 } else { 100 };
    let _ = write!(
        out,
        "  /tenants/{{tenantId}}/resources{i}/{{id}}:
    parameters:
      - name: tenantId
        in: path
        required: true
        schema: {{type: string, pattern: '^[a-z0-9-]+$'}}
      - name: id
        in: path
        required: true
        schema: {{type: string}}
    get:
      operationId: {op_id}
      summary: Fetch resource {i}
      description: Returns resource {i} with its items and owner. Long descriptions are typical of provider specs, so this one is not short either.
      tags: [resources]
      parameters:
        - name: limit
          in: query
          schema: {{type: integer, minimum: 1, maximum: {limit_max}, default: 20}}
        - name: X-Request-Id
          in: header
          schema: {{type: string, format: uuid}}
      responses:
        '200':
          description: The resource.
          headers:
            X-Rate-Limit: {{required: true, schema: {{type: integer}}}}
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Resource{i}'}}
        '404': {{$ref: '#/components/responses/NotFound'}}
    put:
      operationId: putResource{i}
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Resource{i}'}}
      responses:
        '204': {{description: Updated.}}
        '400': {{$ref: '#/components/responses/BadRequest'}}
"
    );
    let _ = status_enum;
}

fn schema(out: &mut String, i: usize, revision: bool) {
    let changed = revision && i % 25 == 7;
    let status_enum = if changed {
        "[ACTIVE, INACTIVE, PENDING, ARCHIVED]"
    } else {
        "[ACTIVE, INACTIVE, PENDING]"
    };
    let amount_type = if changed { "number" } else { "integer" };
    // Owners link resources in chains of ten.
    let owner = if i % 10 == 9 {
        String::from("{type: string}")
    } else {
        format!("{{$ref: '#/components/schemas/Resource{}'}}", i + 1)
    };
    let _ = write!(
        out,
        "    Resource{i}:
      type: object
      description: Resource {i}. Fields mirror what payment providers return for accounts and cards.
      required: [id, status, amount]
      properties:
        id: {{type: string, readOnly: true}}
        status: {{type: string, enum: {status_enum}}}
        amount: {{type: {amount_type}, format: int64, minimum: 0}}
        currency: {{type: string, minLength: 3, maxLength: 3}}
        owner: {owner}
        items:
          type: array
          items: {{$ref: '#/components/schemas/Item{}'}}
        metadata:
          type: object
          additionalProperties: {{type: string}}
        address:
          type: object
          nullable: true
          properties:
            line1: {{type: string}}
            city: {{type: string}}
            country: {{type: string, enum: [GB, FR, DE, ES, IT]}}
",
        i % 50
    );
}

/// A synthetic spec of at least `target` bytes; `revision` applies changes.
fn synthetic(target: usize, revision: bool) -> String {
    let mut paths = String::new();
    let mut schemas = String::new();
    let mut i = 0;
    // Fixed shape per resource, so both sides get the same count.
    let per = {
        let mut p = String::new();
        resource(&mut p, 100_000, false);
        schema(&mut p, 100_000, false);
        p.len()
    };
    let n = target / per + 1;
    while i < n {
        resource(&mut paths, i, revision);
        schema(&mut schemas, i, revision);
        i += 1;
    }
    let mut out = String::with_capacity(paths.len() + schemas.len() + 4096);
    out.push_str("openapi: 3.0.3\ninfo: {title: synthetic, version: 1.0.0}\npaths:\n");
    out.push_str(&paths);
    out.push_str("components:\n  responses:\n    NotFound: {description: Not found., content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n    BadRequest: {description: Bad request., content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n  schemas:\n    Error: {type: object, required: [code], properties: {code: {type: string}, message: {type: string}}}\n");
    for k in 0..50 {
        let _ = writeln!(
            out,
            "    Item{k}: {{type: object, required: [sku], properties: {{sku: {{type: string}}, quantity: {{type: integer, minimum: 1}}, price: {{type: number}}}}}}"
        );
    }
    out.push_str(&schemas);
    out
}

const SIZES_KB: [usize; 4] = [512, 1024, 2048, 4096];

fn pair(total_kb: usize) -> (String, String) {
    let half = total_kb * 1024 / 2;
    (synthetic(half, false), synthetic(half, true))
}

fn settings() -> Settings {
    Settings {
        today: "2026-01-01".into(),
        ..Settings::default()
    }
}

fn run(base: &str, rev: &str) -> usize {
    let findings = diff_texts("synthetic.yaml", "base", base, "rev", rev, &settings())
        .expect("synthetic specs diff");
    findings.len()
}

fn summary() {
    println!("\nspec-diff scaling (pair = base + revision; median of 7 runs; single thread)");
    println!(
        "{:>9} {:>7} {:>9} {:>10} {:>9} {:>11} {:>9}",
        "pair", "ops", "findings", "time", "ms/MB", "peak heap", "peak/in"
    );
    for kb in SIZES_KB {
        let (b, r) = pair(kb);
        let bytes = b.len() + r.len();
        let ops = b.matches("operationId:").count();
        let mut times: Vec<Duration> = (0..7)
            .map(|_| {
                let t = Instant::now();
                black_box(run(&b, &r));
                t.elapsed()
            })
            .collect();
        times.sort();
        let median = times[3];
        let base_heap = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base_heap, Ordering::Relaxed);
        let found = run(&b, &r);
        let peak = PEAK.load(Ordering::Relaxed) - base_heap;
        let mb = bytes as f64 / (1024.0 * 1024.0);
        println!(
            "{:>7.2}MB {:>7} {:>9} {:>8.1}ms {:>9.1} {:>9.1}MB {:>8.2}x",
            mb,
            ops,
            found,
            median.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3 / mb,
            peak as f64 / (1024.0 * 1024.0),
            peak as f64 / bytes as f64
        );
    }
    println!();
}

fn bench(c: &mut Criterion) {
    // SPEC_DIFF_BENCH_DUMP=DIR writes the 4 MB pair, for measuring the binary.
    if let Some(dir) = std::env::var_os("SPEC_DIFF_BENCH_DUMP") {
        let (b, r) = pair(4096);
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join("base.yaml"), b).expect("write base");
        std::fs::write(dir.join("revision.yaml"), r).expect("write revision");
    }
    summary();
    shared_summary();
    let mut g = c.benchmark_group("spec_diff");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    for kb in SIZES_KB {
        let (b, r) = pair(kb);
        g.throughput(Throughput::Bytes((b.len() + r.len()) as u64));
        g.bench_with_input(
            BenchmarkId::new("parse_and_diff", format!("{kb}KB")),
            &(b, r),
            |bench, (b, r)| bench.iter(|| black_box(run(b, r))),
        );
    }
    g.finish();

    let (b, r) = shared_schema::shared_schema_pair(500, 50);
    let mut g = c.benchmark_group("spec_diff_shared_schema");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Bytes((b.len() + r.len()) as u64));
    g.bench_function("500_operations_50_changes", |bench| {
        bench.iter(|| black_box(run(&b, &r)))
    });
    g.finish();
}

/// The shared-schema case in the summary: findings and the operations they list.
fn shared_summary() {
    let (b, r) = shared_schema::shared_schema_pair(500, 50);
    let mut times: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            black_box(run(&b, &r));
            t.elapsed()
        })
        .collect();
    times.sort();
    let findings = diff_texts("shared.yaml", "base", &b, "rev", &r, &settings())
        .expect("synthetic specs diff");
    let listed: usize = findings.iter().map(|f| f.operations.len()).sum();
    println!(
        "shared schema, 500 operations, 50 changes: {} findings listing {listed} uses, median {:.1}ms\n",
        findings.len(),
        times[3].as_secs_f64() * 1e3
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
