//! Metric names and the calls that record them (through the `metrics` facade; the server
//! installs the Prometheus recorder). Every series is labelled by `engine`.

use std::time::Duration;

/// Engine calls made (a batch is one call).
pub const CALLS: &str = "notebridge_translate_calls_total";
/// Failed engine calls and rejected texts, labelled by `reason` too.
pub const FAILURES: &str = "notebridge_translate_failures_total";
/// Seconds per engine call.
pub const LATENCY: &str = "notebridge_translate_latency_seconds";
/// Texts that joined a call already in flight instead of making their own.
pub const SHARED: &str = "notebridge_translate_shared_total";

/// Describe the series (once, at start-up, after the recorder is installed).
pub fn describe() {
    metrics::describe_counter!(CALLS, "Translation engine calls");
    metrics::describe_counter!(FAILURES, "Failed translation calls and rejected texts");
    metrics::describe_histogram!(
        LATENCY,
        metrics::Unit::Seconds,
        "Translation engine call latency"
    );
    metrics::describe_counter!(SHARED, "Texts that shared an engine call already in flight");
}

pub(crate) fn call(engine: &str, took: Duration) {
    metrics::counter!(CALLS, "engine" => engine.to_owned()).increment(1);
    metrics::histogram!(LATENCY, "engine" => engine.to_owned()).record(took.as_secs_f64());
}

pub(crate) fn failure(engine: &str, reason: &'static str, n: u64) {
    metrics::counter!(FAILURES, "engine" => engine.to_owned(), "reason" => reason).increment(n);
}

pub(crate) fn shared(engine: &str, n: u64) {
    metrics::counter!(SHARED, "engine" => engine.to_owned()).increment(n);
}
