use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use chrono::Utc;

use crate::config::Config;
use crate::domain::user::{Role, User, UserDraft};
use crate::security::password;
use crate::service::AppError;
use crate::service::auth;

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("the passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

pub async fn run(config: Config, username: &str) -> anyhow::Result<()> {
    let pw = read_password()?;
    let draft = UserDraft {
        username: Some(username.to_owned()),
        password: Some(pw),
        role: Some("admin".into()),
        disabled: None,
    };
    let user = User::validate(&draft, Role::Admin).map_err(|e| {
        let msgs: Vec<_> = e.0.iter().map(|(f, m)| format!("{f} {m}")).collect();
        anyhow::anyhow!(msgs.join("; "))
    })?;
    let db = crate::app::open_existing(&config).await?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&user.password)).await?;
    let name = user.username.clone();
    let id = db
        .write(move |ex| {
            Box::pin(async move {
                auth::register_tx(
                    ex,
                    "system:cli",
                    &name,
                    &hash,
                    Role::Admin,
                    false,
                    Utc::now(),
                )
                .await
            })
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict { .. } => anyhow::anyhow!("user '{username}' already exists"),
            e => anyhow::anyhow!("{e}"),
        })
        .context("cannot create the admin")?;
    println!("created admin '{}' (id {id})", user.username);
    Ok(())
}
