//! How fast the `local` engine generates on this machine.
//!
//! ```text
//! cargo run --release -p nb-bridge --example local_speed            # tiny model + estimate
//! cargo run --release -p nb-bridge --example local_speed -- --real-size
//! ```
//!
//! Method: a model with random weights is written to a temporary directory and loaded through
//! the engine's own loader; sentences of a known length are decoded greedily to the engine's
//! length bound (2 × input + 16 tokens; random weights rarely stop earlier) and generated tokens
//! are counted over wall time, after one warm-up sentence. The tiny model (d_model 16, 1+1
//! layers) measures the per-token overhead of the code path. For a real OPUS-MT model
//! (d_model 512, 6+6 layers, FFN 2048, vocabulary 65,001, ~74M parameters) it prints an
//! estimate: the matrix products of one decoding step, each timed here with candle at its
//! real shape, added up. `--real-size` writes a random model of exactly that shape
//! (~300 MB on disk, ~0.6 GB of memory) and measures it directly: the cost per token does not
//! depend on the weights' values, only on the lengths, which are fixed here.
//!
//! Measured 2026-11-25/26 on the project's 2-core machine while other builds ran (load average
//! 4–6): tiny model 730–860 tokens/s with candle's 2 threads, 5,700–9,100 with
//! `RAYON_NUM_THREADS=1` (thread hand-offs dominate such small products); real-size random
//! model 19–24 tokens/s with either (memory-bound: the output layer alone reads 133 MB of
//! weights per token); the estimate said 26–40 (it leaves work out).

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use candle_core::{Device, Tensor};
use nb_bridge::engines::local::PairModel;
use nb_bridge::engines::local::tiny::{self, Direction, TinySpec};

const SENTENCES: &[&str] = &["你好世界。", "今天早上好！", "你好，今天早上好，世界！", "早上好"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::args().any(|a| a == "--real-size");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "threads: {} (candle), profile: {}, load average: {}",
        candle_core::utils::get_num_threads(),
        if cfg!(debug_assertions) { "debug (use --release)" } else { "release" },
        load.split_whitespace().next().unwrap_or("unknown")
    );

    let spec = TinySpec::default();
    let (rate, tokens, secs) = measure(&spec, 20)?;
    println!(
        "tiny model (d_model {}, {}+{} layers, vocabulary {}): {rate:.0} tokens/s ({tokens} tokens in {secs:.2} s)",
        spec.d_model,
        spec.layers,
        spec.layers,
        tiny::vocab(&spec).len()
    );

    let estimate = estimate_real()?;
    println!(
        "estimate for a real OPUS-MT model (d_model 512, 6+6 layers, FFN 2048, vocabulary \
         65001), a 20-token source: about {:.0} tokens/s, so about {:.1} s for a 20-token \
         sentence (~25 tokens generated). An ESTIMATE from timing candle's matrix products at \
         those shapes ({:.1} ms per token in the output layer alone); it leaves out attention \
         over the cache, layer norms, softmax and the encoder pass.",
        estimate.tokens_per_sec,
        25.0 / estimate.tokens_per_sec,
        estimate.output_layer * 1e3
    );

    if real {
        let spec = TinySpec {
            d_model: 512,
            layers: 6,
            heads: 8,
            ffn: 2048,
            extra_vocab: 65_001 - tiny::vocab(&TinySpec::default()).len(),
            ..TinySpec::default()
        };
        let (rate, tokens, secs) = measure(&spec, 2)?;
        println!(
            "real-size random model (d_model 512, 6+6 layers, vocabulary {}): {rate:.1} tokens/s \
             measured ({tokens} tokens in {secs:.2} s)",
            tiny::vocab(&spec).len()
        );
    }
    Ok(())
}

/// Generated tokens per second over `rounds` passes of [`SENTENCES`].
fn measure(
    spec: &TinySpec,
    rounds: usize,
) -> Result<(f64, usize, f64), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    tiny::write(dir.path(), Direction::ZhEn, spec)?;
    let model = PairModel::load(dir.path())?;
    println!("  (model written and loaded in {:.1} s)", started.elapsed().as_secs_f64());
    let cancel = AtomicBool::new(false);
    model.generate(SENTENCES[0], None, 512, &cancel)?;
    let started = Instant::now();
    let mut tokens = 0;
    for _ in 0..rounds {
        for s in SENTENCES {
            tokens += model.generate(s, None, 512, &cancel)?.len();
        }
    }
    let secs = started.elapsed().as_secs_f64();
    Ok((tokens as f64 / secs, tokens, secs))
}

struct Estimate {
    tokens_per_sec: f64,
    /// Seconds per token in the output layer (the vocabulary), the largest single product.
    output_layer: f64,
}

/// Seconds for one `(rows × k) · (k × cols)` product, the median of a few runs.
fn time_matmul(rows: usize, k: usize, cols: usize) -> Result<f64, candle_core::Error> {
    let dev = Device::Cpu;
    let x = Tensor::randn(0f32, 1.0, (rows, k), &dev)?;
    // Stored as Linear stores it (out × in) and used transposed, as candle's Linear does.
    let w = Tensor::randn(0f32, 1.0, (cols, k), &dev)?;
    x.matmul(&w.t()?)?;
    let mut runs = Vec::new();
    let reps = (2_000_000 / (k * cols)).clamp(3, 200);
    for _ in 0..reps {
        let started = Instant::now();
        x.matmul(&w.t()?)?;
        runs.push(started.elapsed().as_secs_f64());
    }
    runs.sort_by(f64::total_cmp);
    Ok(runs[runs.len() / 2])
}

/// Time candle's products at the real model's shapes and add up one decoding step.
fn estimate_real() -> Result<Estimate, Box<dyn std::error::Error>> {
    let (d, ffn, vocab, src) = (512, 2048, 65_001, 20);
    // Per decoder layer and generated token: 4 self-attention and 2 cross-attention projections
    // of the new token, the cross-attention keys and values of the whole source (candle
    // recomputes them every step), the two FFN products. Then the output layer.
    let token = time_matmul(1, d, d)?;
    let source = time_matmul(src, d, d)?;
    let up = time_matmul(1, d, ffn)?;
    let down = time_matmul(1, ffn, d)?;
    let output_layer = time_matmul(1, d, vocab)?;
    let step = 6.0 * (6.0 * token + 2.0 * source + up + down) + output_layer;
    Ok(Estimate { tokens_per_sec: 1.0 / step, output_layer })
}
