//! `mikronet provision --once` and `mikronet reconcile`.

use anyhow::Context;

use crate::app::App;
use crate::config::Config;
use crate::provisioning::{reconcile::reconcile as compare, worker};
use crate::storage::repo::routers;

pub async fn once(config: Config) -> anyhow::Result<()> {
    let app = App::open(config).await?;
    let s = worker::drain(&app).await?;
    println!(
        "router jobs: {} applied, {} to retry, {} failed",
        s.applied, s.retried, s.failed
    );
    Ok(())
}

/// Returns whether drift was found and left unrepaired (the command then exits with 3).
pub async fn reconcile(config: Config, router: Option<i64>, apply: bool) -> anyhow::Result<bool> {
    let app = App::open(config).await?;
    let all = app
        .db
        .read(|ex| Box::pin(async move { routers::list(ex).await }))
        .await?;
    let chosen: Vec<_> = all
        .into_iter()
        .filter(|r| router.is_none_or(|id| crate::domain::ids::RouterId(id) == r.id))
        .collect();
    anyhow::ensure!(!chosen.is_empty(), "no such router");
    let mut drifted = false;
    for r in chosen {
        let d = compare(&app, &r, apply)
            .await
            .with_context(|| format!("router {} ({})", r.id, r.settings.name))?;
        drifted |= !d.is_empty();
        println!("router {} ({}):", r.id, r.settings.name);
        println!("  missing: {}", d.missing.join(", "));
        println!("  extra:   {}", d.extra.join(", "));
        for w in &d.wrong {
            println!("  wrong:   {} ({})", w.name, w.fields.join(", "));
        }
        if apply && !d.is_empty() {
            println!("  repaired");
        }
    }
    if drifted && !apply {
        println!("run with --apply to repair");
    }
    Ok(drifted && !apply)
}
