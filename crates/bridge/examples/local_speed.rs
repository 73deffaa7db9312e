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
//! estimate: the multiply-adds of one decoding step divided by the matrix-vector throughput
//! measured here with candle. `--real-size` writes a random model of exactly that shape
//! (~300 MB on disk, ~0.6 GB of memory) and measures it directly: the cost per token does not
//! depend on the weights' values, only on the lengths, which are fixed here.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use candle_core::{Device, Tensor};
use nb_bridge::engines::local::PairModel;
use nb_bridge::engines::local::tiny::{self, Direction, TinySpec};

const SENTENCES: &[&str] = &["你好世界。", "今天早上好！", "你好，今天早上好，世界！", "早上好"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = std::env::args().any(|a| a == "--real-size");
    println!(
        "threads: {} (candle), profile: {}",
        candle_core::utils::get_num_threads(),
        if cfg!(debug_assertions) { "debug (use --release)" } else { "release" }
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
        "estimate for a real OPUS-MT model (d_model 512, 6+6 layers, vocabulary 65001), from \
         measured matrix-vector throughput of {:.1} GFLOP/s: about {:.0} tokens/s, about {:.2} s \
         for a 20-token sentence (40 tokens generated). An estimate, not a measurement: it \
         ignores attention over the cache, layer norms and softmax.",
        estimate.gflops,
        estimate.tokens_per_sec,
        40.0 / estimate.tokens_per_sec
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
    gflops: f64,
    tokens_per_sec: f64,
}

/// Time candle's matrix-vector products at the real model's shapes.
fn estimate_real() -> Result<Estimate, Box<dyn std::error::Error>> {
    let dev = Device::Cpu;
    let d = 512usize;
    let x = Tensor::randn(0f32, 1.0, (1, d), &dev)?;
    let mut flops = 0f64;
    let mut secs = 0f64;
    // One decoding step's matrices: projections, FFN, and the output layer.
    for (rows, cols, reps) in [(d, d, 200usize), (d, 2048, 100), (d, 65_001, 5)] {
        let w = Tensor::randn(0f32, 1.0, (rows, cols), &dev)?;
        x.matmul(&w)?;
        let started = Instant::now();
        for _ in 0..reps {
            x.matmul(&w)?;
        }
        secs += started.elapsed().as_secs_f64();
        flops += 2.0 * (rows * cols * reps) as f64;
    }
    let per_sec = flops / secs;
    // Per generated token, for a 20-token source: per decoder layer 4 self-attention and 2
    // cross-attention projections, the cross-attention keys and values of the source (candle
    // recomputes them every step), the FFN; then the output layer over the vocabulary.
    let src = 20.0;
    let dm = d as f64;
    let layer = 6.0 * dm * dm + 2.0 * src * dm * dm + 2.0 * dm * 2048.0;
    let macs = 6.0 * layer + dm * 65_001.0;
    Ok(Estimate { gflops: per_sec / 1e9, tokens_per_sec: per_sec / (2.0 * macs) })
}
