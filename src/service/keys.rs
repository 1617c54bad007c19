//! The secret key that seals PPP and router passwords: where it comes from, the check value
//! that ties it to the database, and its rotation.
//!
//! The first start writes a *key check value* (a known text sealed with the key) into the
//! database. Every later start opens it with the configured key and refuses to run when it
//! cannot: a lost or wrong key is a clear error, never a new key that silently makes every
//! stored password unreadable. A key is generated only for a database that holds no sealed
//! value at all.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Config;
use crate::domain::validation::Sealed;
use crate::security::secret_box::SecretBox;
use crate::storage::repo::{sealed, settings};
use crate::storage::{Db, StoreError};

/// The settings row holding the key check value.
pub const KEY_CHECK: &str = "secret_key_check";
const CHECK_TEXT: &str = "mikronet key check v1";

/// Where the key was read from, as a message names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The `secret_key` configuration key (or `MIKRONET_SECRET_KEY`).
    Config,
    File(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Config => f.write_str("the configuration key secret_key"),
            KeySource::File(p) => write!(
                f,
                "the key file {} (configuration key secret_key_file)",
                p.display()
            ),
        }
    }
}

/// Where the configuration says the key is, without reading it.
pub fn key_source(config: &Config) -> KeySource {
    if config.secret_key.is_empty() {
        KeySource::File(PathBuf::from(&config.secret_key_file))
    } else {
        KeySource::Config
    }
}

/// The key the configuration names: `Ok(None)` when it is to come from a file that does not
/// exist. A key file that others may read is refused (it unlocks every stored password).
pub fn read_key(config: &Config) -> anyhow::Result<(Option<SecretBox>, KeySource)> {
    if !config.secret_key.is_empty() {
        let key = SecretBox::from_base64(&config.secret_key)
            .context("the configuration key secret_key")?;
        return Ok((Some(key), KeySource::Config));
    }
    let path = PathBuf::from(&config.secret_key_file);
    let source = key_source(config);
    if !path.exists() {
        return Ok((None, source));
    }
    check_private(&path)?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the secret key file {}", path.display()))?;
    let key = SecretBox::from_base64(&text).with_context(|| {
        format!(
            "the secret key file {} does not hold 32 bytes in base64",
            path.display()
        )
    })?;
    Ok((Some(key), source))
}

#[cfg(unix)]
fn check_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .with_context(|| format!("cannot read the secret key file {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(
            "the secret key file {} can be read by other users (mode {:o}); it unlocks every \
             stored password: run `chmod 600 {}` and start again",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

fn opens_check(key: &SecretBox, check: &str) -> bool {
    key.open(&Sealed(check.to_owned()))
        .is_ok_and(|t| t == CHECK_TEXT)
}

/// What may happen when the database has no key check value yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFirstStart {
    /// `serve`: write the check value, and create the key file when there is none and the
    /// database holds nothing sealed.
    Create,
    /// Every other command: use the key as it is, create nothing.
    UseOnly,
}

/// The key for `db`, checked against the database's key check value.
pub async fn load(db: &Db, config: &Config, mode: OnFirstStart) -> anyhow::Result<SecretBox> {
    let (key, source) = read_key(config)?;
    let (check, sample) = stored_check(db)
        .await
        .context("cannot read the key check value")?;
    let restore = |what: &str| {
        format!(
            "{what}; restore the key this database was used with into {source}, or set \
             secret_key (MIKRONET_SECRET_KEY) to it. A new key would leave every stored \
             password unreadable, so none is created"
        )
    };
    match key {
        Some(key) => match judge(&key, check.as_deref(), sample.as_ref()) {
            KeyFit::Checked => Ok(key),
            KeyFit::Unchecked => {
                if mode == OnFirstStart::Create {
                    write_check(db, &key).await?;
                }
                Ok(key)
            }
            KeyFit::WrongCheck => bail!(restore(&format!(
                "the secret key from {source} is not the key of this database (it does \
                 not open the database's key check value)"
            ))),
            KeyFit::WrongSealed => bail!(restore(&format!(
                "the secret key from {source} does not open the passwords stored in this \
                 database"
            ))),
        },
        None => {
            if check.is_some() || sample.is_some() {
                bail!(restore(&format!(
                    "{source} does not exist, but this database holds passwords sealed with a key"
                )));
            }
            if mode == OnFirstStart::UseOnly {
                bail!("{source} does not exist; `mikronet serve` creates it on its first start");
            }
            let KeySource::File(path) = source else {
                bail!("no secret key is configured");
            };
            create_key(db, &path).await
        }
    }
}

/// What a database says of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFit {
    /// It opens the database's key check value.
    Checked,
    /// The database has no key check value (never served, or older than key checks) and
    /// every sealed value tried, if any, opens with the key.
    Unchecked,
    /// It does not open the database's key check value: another key's database.
    WrongCheck,
    /// No key check value, and a stored password does not open with it.
    WrongSealed,
}

fn judge(key: &SecretBox, check: Option<&str>, sample: Option<&Sealed>) -> KeyFit {
    match (check, sample) {
        (Some(check), _) if opens_check(key, check) => KeyFit::Checked,
        (Some(_), _) => KeyFit::WrongCheck,
        (None, Some(s)) if key.open(s).is_err() => KeyFit::WrongSealed,
        (None, _) => KeyFit::Unchecked,
    }
}

/// Whether `key` is the key of `db` (a served database or a backup), by the check value
/// [`load`] checks at every start. Reads only.
pub async fn fit(db: &Db, key: &SecretBox) -> Result<KeyFit, StoreError> {
    let (check, sample) = stored_check(db).await?;
    Ok(judge(key, check.as_deref(), sample.as_ref()))
}

/// What a database holds to tell its key by: the key check value, and one sealed value.
async fn stored_check(db: &Db) -> Result<(Option<String>, Option<Sealed>), StoreError> {
    db.read(|ex| {
        Box::pin(async move {
            let check = settings::get(ex, KEY_CHECK).await?;
            let sample = sealed::sample(ex).await?;
            Ok::<_, StoreError>((check, sample))
        })
    })
    .await
}

/// Writes the database's key check value for `key` (which must be its key: see [`fit`]);
/// nothing happens when it is there already with this key.
pub async fn write_check(db: &Db, key: &SecretBox) -> anyhow::Result<()> {
    let value = key.seal(CHECK_TEXT).0;
    let result = db
        .write(move |ex| Box::pin(async move { settings::claim(ex, KEY_CHECK, &value).await }))
        .await;
    match result {
        Ok(()) => Ok(()),
        // Another server wrote it first: it must be ours too.
        Err(StoreError::Unique(_)) => {
            let check = db
                .read(|ex| Box::pin(async move { settings::get(ex, KEY_CHECK).await }))
                .await?
                .unwrap_or_default();
            if opens_check(key, &check) {
                Ok(())
            } else {
                bail!(
                    "another server wrote this database's key check value with a different key \
                     at the same moment; give every server the same key"
                )
            }
        }
        Err(e) => Err(e).context("cannot write the key check value"),
    }
}

/// A new key for a database that holds nothing sealed: written beside its final name, tied to
/// the database, then put in place (a failure in between leaves no key the database is not
/// tied to under that name).
async fn create_key(db: &Db, path: &Path) -> anyhow::Result<SecretBox> {
    let text = SecretBox::generate_key();
    let key = SecretBox::from_base64(&text)?;
    let tmp = sibling(path, "new");
    write_private(&tmp, &text)?;
    if let Err(e) = write_check(db, &key).await {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).with_context(|| {
        format!(
            "cannot move the new secret key {} to {}: move it by hand before starting again",
            tmp.display(),
            path.display()
        )
    })?;
    tracing::warn!(
        file = %path.display(),
        "created a new secret key; back it up with the database: sealed passwords cannot be read without it"
    );
    Ok(key)
}

/// `path` with `.suffix` appended to its file name.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

/// Writes a key file readable by its owner only, synced to disk.
pub fn write_private(path: &Path, key_text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot create the secret key file {}", path.display()))?;
    writeln!(f, "{key_text}")?;
    f.sync_all()?;
    Ok(())
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotated {
    pub values: u64,
}

/// Re-seals every sealed value of the database under `new`, and the key check value, in one
/// transaction: either all of it is under the new key or nothing changed.
pub async fn reseal_all(db: &Db, old: &SecretBox, new: &SecretBox) -> anyhow::Result<Rotated> {
    let (old, new) = (old.clone(), new.clone());
    let values = db
        .write(move |ex| {
            Box::pin(async move {
                let mut f = |s: &Sealed| -> Result<Sealed, RotateError> {
                    let plain = old.open(s).map_err(|_| RotateError::Unreadable)?;
                    Ok(new.seal(&plain))
                };
                let n = sealed::reseal(ex, &mut f).await?;
                settings::put(ex, KEY_CHECK, &new.seal(CHECK_TEXT).0).await?;
                Ok::<_, RotateError>(n)
            })
        })
        .await?;
    Ok(Rotated { values })
}

#[derive(Debug, thiserror::Error)]
enum RotateError {
    #[error("a stored value cannot be opened with the current key; nothing was changed")]
    Unreadable,
    #[error(transparent)]
    Store(#[from] StoreError),
}
