use std::time::Duration;

use anyhow::{Context, Result};
use nb_app::{Ctx, jobs};
use nb_server::{AppState, ServerConfig};
use tokio::net::TcpListener;

use crate::config::{self, Config};
use crate::demo;

pub async fn run(cfg: Config, seed_demo: bool) -> Result<()> {
    let store = config::open_store(&cfg).await?;
    let ctx = Ctx::new(store.clone(), config::open_blobs(&cfg)?, cfg.settings()?)
        .with_translation(cfg.translate.translation(&cfg.storage.data)?);
    if seed_demo {
        demo::seed_if_empty(&ctx).await?;
    }
    let workers = jobs::start(&ctx);
    let listener = TcpListener::bind(&cfg.server.bind)
        .await
        .with_context(|| format!("binding {}", cfg.server.bind))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(
        ctx,
        ServerConfig {
            public_url: Some(cfg.server.public_url.clone()).filter(|u| !u.is_empty()),
            max_body_bytes: cfg.server.max_body_bytes,
            instance_title: cfg.server.title.clone(),
            rate_limits: cfg.limits.rate_limits()?,
        },
    );
    println!("listening on http://{addr}");
    tracing::info!(%addr, database = %cfg.redacted_database_url(), "serving");
    let served = nb_server::serve(listener, state, shutdown_signal()).await;
    // Requests are finished; now the jobs in hand (those the requests enqueued included).
    workers.shutdown(Duration::from_secs(cfg.jobs.shutdown_grace_seconds)).await;
    store.close().await;
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
