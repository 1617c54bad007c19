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
        "router objects: {} applied, {} to retry, {} failed, {} waiting for an unreachable router",
        s.applied, s.retried, s.failed, s.unreachable
    );
    Ok(())
}

/// `mikronet router-setup --router ID`: the RouterOS script that makes the router send its
/// cut-off clients to the notice page, on standard output.
pub async fn setup_script(config: Config, router: i64) -> anyhow::Result<()> {
    let app = App::open(config).await?;
    let id = crate::domain::ids::RouterId(router);
    let r = app
        .db
        .read(move |ex| Box::pin(async move { routers::get(ex, id).await }))
        .await?
        .with_context(|| format!("no router {router} (GET /routers lists them)"))?;
    let setup = app
        .isolation_setup(&r)
        .with_context(|| format!("router {router} ({})", r.settings.name))?;
    print!("{}", setup.script(&r.settings.name));
    Ok(())
}

/// Returns whether drift remains (found and not repaired, or a repair still failing); the
/// command then exits with 3.
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
    let mut drifted = Vec::new();
    for r in chosen {
        let report = compare(&app, &r, apply)
            .await
            .with_context(|| format!("router {} ({})", r.id, r.settings.name))?;
        print!("{}", render(&r.settings.name, r.id.0, &report));
        if report.drift_remains {
            drifted.push(r.settings.name.clone());
        }
    }
    if !drifted.is_empty() {
        if !apply {
            println!("run with --apply to repair");
        }
        eprintln!(
            "mikronet: the database and the router differ: {}",
            drifted.join(", ")
        );
    }
    Ok(!drifted.is_empty())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

fn wrongs(items: &[crate::provisioning::reconcile::Wrong]) -> String {
    list(
        &items
            .iter()
            .map(|w| format!("{} ({})", w.name, w.fields.join(", ")))
            .collect::<Vec<_>>(),
    )
}

/// The report as the command prints it: every list, `(none)` when empty.
fn render(name: &str, id: i64, r: &crate::provisioning::reconcile::Report) -> String {
    let d = &r.drift;
    let mut out = format!("router {id} ({name}):\n");
    out.push_str(&format!("  missing secrets:  {}\n", list(&d.missing)));
    out.push_str(&format!("  extra secrets:    {}\n", list(&d.extra)));
    out.push_str(&format!("  wrong secrets:    {}\n", wrongs(&d.wrong)));
    out.push_str(&format!(
        "  missing profiles: {}\n",
        list(&d.missing_profiles)
    ));
    out.push_str(&format!(
        "  wrong profiles:   {}\n",
        wrongs(&d.wrong_profiles)
    ));
    out.push_str(&format!("  left alone:       {}\n", list(&d.left_alone)));
    for line in &d.isolation {
        out.push_str(&format!("  isolation setup:  {line}\n"));
    }
    if !d.isolation.is_empty() {
        out.push_str(&format!(
            "  (mikronet router-setup --router {id} prints the isolation script)\n"
        ));
    }
    if r.applied {
        for rep in &r.repairs {
            out.push_str(&format!(
                "  {} {}: {}{}\n",
                rep.object,
                rep.name,
                rep.outcome,
                rep.error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ));
        }
        out.push_str(if r.drift_remains {
            "  drift remains\n"
        } else {
            "  in step with the database\n"
        });
    }
    out
}
