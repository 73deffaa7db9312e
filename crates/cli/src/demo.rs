//! `serve --demo`: on first start into an empty database, a small simulated community (about
//! 500 members and 3,000 notes with photos, follows, likes, collects and comments; see
//! `nb_sim::Params::demo`), written by the simulator through the same use cases as everything
//! else, with its last simulated day ending now.

use anyhow::Result;
use nb_app::Ctx;

/// Seed the demo community unless the database already has members.
pub async fn seed_if_empty(ctx: &Ctx) -> Result<()> {
    if ctx.store.has_accounts().await? {
        println!("demo: the database already has members; nothing seeded");
        return Ok(());
    }
    let params = nb_sim::Params { photo_pool_size: 120, ..nb_sim::Params::demo() };
    let report = crate::sim::seed(ctx, &params).await?;
    let t = report.totals;
    println!(
        "demo: seeded {} members, {} notes with {} photos, {} likes, {} comments in {:.1} s",
        t.people,
        t.notes,
        t.photos,
        t.likes,
        t.comments,
        report.elapsed.as_secs_f64()
    );
    println!("demo: log in as {} with password {}", report.sample_handle, nb_sim::SIM_PASSWORD);
    Ok(())
}
