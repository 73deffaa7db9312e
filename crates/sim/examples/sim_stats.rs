//! Generate a community and print its totals and timing.
//!
//! `cargo run --release -p nb-sim --example sim_stats -- [users] [days] [seed] [samples]`

use std::time::Instant;

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let arg = |i: usize, d: u64| args.get(i).copied().unwrap_or(d);
    let p = nb_sim::Params {
        users: arg(0, 100_000) as u32,
        days: arg(1, 7) as u32,
        seed: arg(2, 1),
        ..nb_sim::Params::default()
    };
    let samples = arg(3, 0) as usize;
    if let Err(e) = p.validate() {
        eprintln!("{e}");
        std::process::exit(2);
    }
    let start = Instant::now();
    let pop = nb_sim::population(&p);
    let t_pop = start.elapsed();
    println!("people {}  follows {}  ({:.2?})", pop.people.len(), pop.follows.len(), t_pop);
    let mut indeg = vec![0usize; pop.people.len()];
    for f in &pop.follows {
        indeg[f.followee as usize] += 1;
    }
    indeg.sort_unstable_by(|a, b| b.cmp(a));
    let top: usize = indeg[..indeg.len().div_ceil(100)].iter().sum();
    println!(
        "followers: max {} median {} top 1% share {:.3}",
        indeg[0],
        indeg[indeg.len() / 2],
        top as f64 / pop.follows.len().max(1) as f64
    );
    let (mut notes, mut likes, mut collects, mut comments, mut clikes) = (0, 0, 0, 0, 0);
    for day in nb_sim::days(&p, &pop) {
        let wave = day
            .notes
            .iter()
            .filter(|n| pop.people[n.author as usize].community == nb_sim::Community::Wave)
            .count();
        println!(
            "day {}: notes {} (wave {wave}) likes {} collects {} comments {} comment_likes {}  ({:.2?})",
            day.index,
            day.notes.len(),
            day.likes.len(),
            day.collects.len(),
            day.comments.len(),
            day.comment_likes.len(),
            start.elapsed()
        );
        for n in day.notes.iter().step_by((day.notes.len() / samples.max(1)).max(1)).take(samples) {
            let a = &pop.people[n.author as usize];
            println!(
                "--- note {} by @{} ({}, {:?}) [{}{}] {:?} photos {}\n{}\n{}",
                n.id,
                a.handle,
                a.display_name,
                a.kind,
                n.language,
                if n.mixed { ", mixed" } else { "" },
                n.topic,
                n.photos.len(),
                n.title,
                n.text
            );
        }
        for c in
            day.comments.iter().step_by((day.comments.len() / samples.max(1)).max(1)).take(samples)
        {
            println!(
                "--- comment {} on {} parent {:?} [{}]: {}",
                c.id, c.note, c.parent, c.language, c.text
            );
        }
        notes += day.notes.len();
        likes += day.likes.len();
        collects += day.collects.len();
        comments += day.comments.len();
        clikes += day.comment_likes.len();
    }
    println!(
        "total: people {} follows {} notes {notes} likes {likes} collects {collects} comments {comments} comment_likes {clikes}",
        pop.people.len(),
        pop.follows.len()
    );
    println!("elapsed {:.2?}", start.elapsed());
}
