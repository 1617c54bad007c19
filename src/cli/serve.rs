use std::net::SocketAddr;

use anyhow::Context;

use crate::app::{App, scheme};
use crate::config::Config;
use crate::http;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let listen = config.listen.clone();
    let backend = scheme(&config.database_url).to_owned();
    let app = App::start(config).await?;
    if app.config.billing_scheduler {
        tokio::spawn(crate::service::billing::scheduler(app.clone()));
    }
    if app.config.provisioning_worker {
        tokio::spawn(crate::provisioning::worker::run(app.clone()));
    }
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(address = %listener.local_addr()?, backend, "MikroNet Billing listening");
    let router = http::router(app).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM; axum then stops accepting and lets requests finish, and a
/// second signal or the grace period ends the process.
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
    tracing::info!("shutting down: finishing requests in flight");
    tokio::spawn(async {
        tokio::time::sleep(http::SHUTDOWN_GRACE).await;
        tracing::warn!("requests still running after the grace period; exiting");
        std::process::exit(1);
    });
}
