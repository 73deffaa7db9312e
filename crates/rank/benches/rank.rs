//! A fresh Explore page: 2,000 candidates scored for a viewer who follows 200 accounts and
//! likes 20 topics, the best 500 kept and diversified (DECISIONS.md: ≥ 1,500 in ≤ 5 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use nb_rank::{Candidate, Viewer, rank, tag_hash};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const HOUR: i64 = 3_600_000;
const NOW: i64 = 2_000_000 * HOUR;

fn candidates(n: usize, rng: &mut ChaCha8Rng) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            note: i as i64,
            author: rng.random_range(1..5_000),
            created_at: NOW - rng.random_range(0..7 * 24 * HOUR),
            likes: rng.random_range(0..2_000),
            collects: rng.random_range(0..300),
            comments: rng.random_range(0..100),
            photos: rng.random_bool(0.8),
            tags: (0..rng.random_range(0..5))
                .map(|_| tag_hash(&format!("tag{}", rng.random_range(0..300))))
                .collect(),
        })
        .collect()
}

fn fresh_page(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let pool = candidates(2_000, &mut rng);
    let viewer = Viewer {
        id: Some(1),
        follows: (0..200).map(|_| rng.random_range(1..5_000)).collect(),
        topics: (0..20).map(|i| (tag_hash(&format!("tag{i}")), 1.0 / f64::from(i + 1))).collect(),
    };
    c.bench_function("rank 2000 candidates, keep 500", |b| {
        b.iter(|| rank(&pool, &viewer, |a| a % 97 == 0, NOW, 500));
    });
}

criterion_group!(benches, fresh_page);
criterion_main!(benches);
