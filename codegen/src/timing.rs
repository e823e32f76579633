//! Per-stage timings of the pipeline, printed to stderr when `PAYSDK_CODEGEN_TIMINGS` is set
//! (`docs/corpus.md`): where a large spec's build-script seconds go, without a profiler.
//! CPU seconds of the calling thread where Linux reports them (the machine may be busy), wall
//! seconds elsewhere.

use std::time::Instant;

/// Runs `f`, printing `paysdk-codegen: <stage> <seconds>` when timings are asked for.
pub(crate) fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let mut f = Some(f);
    let mut value = None;
    // The timing code is compiled once, not once per stage's closure type.
    timed(name, &mut || value = f.take().map(|f| f()));
    match value {
        Some(value) => value,
        None => unreachable!("`timed` runs its closure exactly once"),
    }
}

fn timed(name: &str, run: &mut dyn FnMut()) {
    if std::env::var_os("PAYSDK_CODEGEN_TIMINGS").is_none() {
        return run();
    }
    let (wall, cpu) = (Instant::now(), thread_cpu_ns());
    run();
    let wall = wall.elapsed().as_secs_f64();
    match (cpu, thread_cpu_ns()) {
        (Some(start), Some(end)) => eprintln!(
            "paysdk-codegen: {name:<18} {:>7.3} s cpu {wall:>7.3} s wall",
            end.saturating_sub(start) as f64 / 1e9
        ),
        _ => eprintln!("paysdk-codegen: {name:<18} {wall:>7.3} s wall"),
    }
}

/// The calling thread's CPU time in nanoseconds (the first field of Linux's schedstat).
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Prints `paysdk-codegen: <what>` when timings are asked for: a count that explains a time.
pub(crate) fn note(what: std::fmt::Arguments<'_>) {
    if std::env::var_os("PAYSDK_CODEGEN_TIMINGS").is_some() {
        eprintln!("paysdk-codegen: {what}");
    }
}
