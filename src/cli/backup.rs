//! `mikronet backup FILE` and `mikronet restore FILE` (SQLite; the servers have their own
//! tools, which these commands name).

use std::path::Path;
use std::process::ExitCode;

use crate::config::Config;
use crate::service::backup;
use crate::service::keys::{self, OnFirstStart};

/// On MariaDB/PostgreSQL: the pointer to their tools on standard error, and exit code 2 (the
/// command does not apply to this configuration).
fn refuse_on_servers(config: &Config, command: &str) -> Option<ExitCode> {
    let message = backup::server_tools(config, command)?;
    eprintln!("mikronet: {message}");
    Some(ExitCode::from(2))
}

pub async fn backup(config: Config, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if let Some(code) = refuse_on_servers(&config, "backup") {
        return Ok(code);
    }
    let db = crate::app::open_existing(&config).await?;
    let key = keys::load(&db, &config, OnFirstStart::UseOnly).await?;
    let w = backup::backup(&db, &key, file, force).await?;
    println!(
        "backup written to {} ({} bytes, {} ms): {}",
        w.path.display(),
        w.bytes,
        w.elapsed.as_millis(),
        w.counts
    );
    println!(
        "a restore needs {}: keep a copy of it with your backups, stored apart from them",
        keys::key_source(&config)
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(config: Config, file: &Path) -> anyhow::Result<ExitCode> {
    if let Some(code) = refuse_on_servers(&config, "restore") {
        return Ok(code);
    }
    let r = backup::restore(&config, file).await?;
    println!(
        "restored {} into {}: {}",
        file.display(),
        r.target.display(),
        r.counts
    );
    if !r.pending.is_empty() {
        println!(
            "the backup lacks migrations {:?}: `mikronet migrate` or `mikronet serve` applies them",
            r.pending
        );
    }
    Ok(ExitCode::SUCCESS)
}
