use anyhow::Context;

use crate::app::{App, scheme};
use crate::config::Config;
use crate::http;
use crate::service::AppError;
use crate::tx;

pub async fn run(config: Config, simulate: bool) -> anyhow::Result<()> {
    let listen = config.listen.clone();
    let backend = scheme(&config.database_url).to_owned();
    let app = App::start(config).await?;
    // Kept alive as long as the server: dropping it stops the simulated router.
    let _simulator = if simulate {
        Some(start_simulator(&app).await?)
    } else {
        None
    };
    for r in crate::service::routers::views(&app).await? {
        crate::service::routers::warn_plaintext(&r.router);
    }
    tokio::spawn(crate::service::settings::keep_fresh(app.clone()));
    if app.config.billing_scheduler {
        tokio::spawn(crate::service::billing::scheduler(app.clone()));
    }
    if !app.config.backup_dir.trim().is_empty() {
        tokio::spawn(crate::service::backup::scheduler(app.clone()));
    }
    if app.config.provisioning_worker {
        tokio::spawn(crate::provisioning::worker::run(app.clone()));
    }
    if app.config.notify_worker {
        tokio::spawn(crate::notify::worker::run(app.clone()));
    }
    if !app.gateways.available().is_empty() {
        tokio::spawn(crate::service::online_payments::poller(app.clone()));
    }
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(address = %listener.local_addr()?, backend, "MikroNet Billing listening");
    let limits = http::server::Limits::from_config(&app.config);
    if !app.config.metrics_listen.is_empty() {
        let at = app.config.metrics_listen.clone();
        let metrics = tokio::net::TcpListener::bind(&at)
            .await
            .with_context(|| format!("cannot listen on {at} (metrics_listen)"))?;
        tracing::info!(address = %metrics.local_addr()?, "metrics listening");
        let small = http::server::Limits {
            max_connections: 64,
            ..limits
        };
        tokio::spawn(http::server::serve(
            metrics,
            http::metrics::listener_router(app.clone()),
            small,
            std::future::pending::<()>(),
        ));
    }
    if !app.config.notice_listen.is_empty() {
        let at = app.config.notice_listen.clone();
        let notice = tokio::net::TcpListener::bind(&at)
            .await
            .with_context(|| format!("cannot listen on {at} (notice_listen)"))?;
        tracing::info!(address = %notice.local_addr()?, "notice page listening");
        tokio::spawn(http::server::serve(
            notice,
            http::portal::notice_listener(app.clone()),
            limits,
            std::future::pending::<()>(),
        ));
    }
    tracing::info!(
        max_connections = limits.max_connections,
        header_timeout_s = limits.header_timeout.as_secs(),
        body_timeout_s = limits.body_timeout.as_secs(),
        "connection limits"
    );
    http::server::serve(listener, http::router(app), limits, shutdown_signal()).await;
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

/// Starts the RouterOS simulator on a free port and points the router `simulator` at it.
async fn start_simulator(app: &App) -> anyhow::Result<routeros::sim::SimHandle> {
    use crate::domain::ids::RouterId;
    use crate::domain::router::{Router, RouterSettings, SuspendMode, Transport};
    use crate::storage::repo::routers;

    let password = crate::security::token::generate();
    let sim = routeros::sim::Simulator::start(routeros::sim::SimConfig {
        password: password.clone(),
        identity: "simulator".into(),
        ..Default::default()
    })
    .await
    .context("cannot start the RouterOS simulator")?;
    let mut router = Router {
        id: RouterId(0),
        settings: RouterSettings {
            name: "simulator".into(),
            host: sim.api_addr.ip().to_string(),
            port: sim.api_addr.port(),
            transport: Transport::Api,
            username: "admin".into(),
            tls_fingerprint: None,
            suspend_mode: SuspendMode::Disable,
            isolation_profile: None,
            is_default: false,
        },
        password: app.secrets.seal(&password),
    };
    tx!(app, write, |ex| async move {
        let existing = routers::list(ex)
            .await?
            .into_iter()
            .find(|r| r.settings.name == router.settings.name);
        match existing {
            Some(r) => {
                router.id = r.id;
                router.settings.is_default = r.settings.is_default;
                routers::update(ex, &router, chrono::Utc::now()).await?;
                Ok::<_, AppError>(())
            }
            None => crate::service::routers::create_tx(ex, router)
                .await
                .map(drop),
        }
    })
    .await?;
    tracing::info!(api = %sim.api_addr, rest = %sim.rest_addr, "RouterOS simulator running as router 'simulator'");
    Ok(sim)
}
