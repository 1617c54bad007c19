//! `mikronet rotate-key`: a new secret key, and every sealed value re-sealed under it in one
//! transaction.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::config::Config;
use crate::security::secret_box::SecretBox;
use crate::service::keys::{self, KeySource, OnFirstStart};

pub async fn rotate(config: Config, new_key_file: Option<PathBuf>) -> anyhow::Result<()> {
    let db = crate::app::open_existing(&config).await?;
    let old = keys::load(&db, &config, OnFirstStart::UseOnly).await?;
    let (_, source) = keys::read_key(&config)?;
    let target = match (&source, new_key_file) {
        (_, Some(p)) => p,
        (KeySource::File(p), None) => p.clone(),
        (KeySource::Config, None) => bail!(
            "the key comes from the configuration key secret_key: name a file for the new key \
             with --new-key-file FILE, then put its content in secret_key on every server"
        ),
    };
    let staged = keys::sibling(&target, "new");
    if staged.exists() {
        bail!(
            "{} exists (left by an interrupted rotation?): check which key the database uses \
             (`mikronet serve` says so at start), then remove it",
            staged.display()
        );
    }
    let text = SecretBox::generate_key();
    let new = SecretBox::from_base64(&text)?;
    keys::write_private(&staged, &text)?;
    let rotated = match keys::reseal_all(&db, &old, &new).await {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            return Err(e.context("the key was not rotated; nothing changed"));
        }
    };
    // From here on the database is sealed under the new key, which is in `staged`.
    let kept = if target.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let old_path = keys::sibling(&target, &format!("old-{stamp}"));
        std::fs::rename(&target, &old_path).with_context(|| {
            format!(
                "the database now uses the new key in {}, but the old key file {} could not be \
                 moved aside: move it, then rename the new one to {}",
                staged.display(),
                target.display(),
                target.display()
            )
        })?;
        Some(old_path)
    } else {
        None
    };
    std::fs::rename(&staged, &target).with_context(|| {
        format!(
            "the database now uses the new key in {}: rename it to {}",
            staged.display(),
            target.display()
        )
    })?;
    println!(
        "re-sealed {} values under a new key, written to {}",
        rotated.values,
        target.display()
    );
    if let Some(old) = kept {
        println!(
            "the previous key is kept as {}: backups taken before now need it; delete it when \
             they expire",
            old.display()
        );
    }
    if source == KeySource::Config {
        println!(
            "put the content of {} in secret_key on every server, then restart them",
            target.display()
        );
    } else {
        println!("copy it to every server that uses this database, then restart them");
    }
    Ok(())
}
