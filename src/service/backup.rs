//! Backups of a SQLite database and their restore: `mikronet backup` and `mikronet restore`,
//! and the daily backup inside `serve`. MariaDB/MySQL and PostgreSQL are backed up with their
//! own tools (`mariadb-dump`, `pg_dump`): [`server_tools`] says how.
//!
//! A backup is one `VACUUM INTO` on a connection of its own: one read transaction, so the copy
//! is the database exactly as of the moment it began, while the server's pool goes on reading
//! and writing (WAL mode: readers and the writer never wait for each other). SQLite's online
//! backup API was the other candidate: stepped a few pages at a time it starts again from the
//! beginning whenever another connection writes, so under a steady write load it may never
//! finish; in one step it is the same single read transaction as `VACUUM INTO`, with more
//! code and the free pages copied too. `VACUUM INTO` also leaves a compact file in rollback
//! journal mode: one self-contained file, no `-wal` beside it.
//!
//! The copy carries the database's key check value (written first when the database has none
//! yet), so a restore can tell whether it is given the right key. Files appear atomically:
//! the copy is written to `FILE.partial-…` beside its final name, synced, checked (SQLite's
//! `quick_check`, the key check), and only then linked or renamed to `FILE`; a failure leaves
//! no file under the final name.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::app::App;
use crate::config::Config;
use crate::security::secret_box::SecretBox;
use crate::service::keys::{self, KeyFit, KeySource};
use crate::storage::{Backend, Db, StoreError, migrations};

/// Rows of a few tables in a backup, for the operator's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub clients: i64,
    pub invoices: i64,
    pub payments: i64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} clients, {} invoices, {} payments",
            self.clients, self.invoices, self.payments
        )
    }
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub counts: Counts,
    pub elapsed: Duration,
}

/// Writes a consistent copy of `db` (SQLite), whose key is `key`, to `dest`. An existing
/// `dest` is refused unless `replace`. The database keeps serving meanwhile.
pub async fn backup(
    db: &Db,
    key: &SecretBox,
    dest: &Path,
    replace: bool,
) -> anyhow::Result<Written> {
    if db.backend() != Backend::Sqlite {
        bail!(
            "mikronet copies SQLite databases only; use mariadb-dump or pg_dump (README, Backups)"
        );
    }
    let same = |a: &Path, b: &Path| matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b);
    if let Some(live) = db.sqlite_file()
        && ["", "-wal", "-shm"]
            .iter()
            .any(|s| same(dest, &suffixed(live, s)))
    {
        bail!(
            "{} is the database itself; name a file elsewhere",
            dest.display()
        );
    }
    if !replace && dest.exists() {
        bail!(
            "{} exists; name another file, or add --force to replace it",
            dest.display()
        );
    }
    match keys::fit(db, key)
        .await
        .context("cannot read the key check value")?
    {
        KeyFit::Checked => {}
        // Never served yet: the check value serve would write, so that the copy carries it.
        KeyFit::Unchecked => keys::write_check(db, key).await?,
        KeyFit::WrongCheck | KeyFit::WrongSealed => {
            bail!("the secret key is not this database's key; nothing was written")
        }
    }
    let started = Instant::now();
    let tmp = partial_name(dest);
    create_private_empty(&tmp)?;
    let result = async {
        db.copy_into(&tmp)
            .await
            .with_context(|| format!("cannot copy the database into {}", tmp.display()))?;
        let counts = check_copy(&tmp, key).await?;
        let bytes = std::fs::metadata(&tmp).map(|m| m.len()).unwrap_or(0);
        publish(&tmp, dest, replace)?;
        Ok::<_, anyhow::Error>((counts, bytes))
    }
    .await;
    match result {
        Ok((counts, bytes)) => Ok(Written {
            path: dest.to_owned(),
            bytes,
            counts,
            elapsed: started.elapsed(),
        }),
        Err(e) => {
            remove_partial(&tmp);
            Err(e)
        }
    }
}

/// The copy as written: sound, holding the key check value of `key`, and what it holds.
async fn check_copy(path: &Path, key: &SecretBox) -> anyhow::Result<Counts> {
    let copy = Db::open_read_only(path)
        .await
        .with_context(|| format!("cannot read the copy {}", path.display()))?;
    copy.quick_check()
        .await
        .with_context(|| format!("the copy {} is not sound", path.display()))?;
    if keys::fit(&copy, key).await? != KeyFit::Checked {
        bail!(
            "the copy {} does not hold the key check value",
            path.display()
        );
    }
    Ok(counts(&copy).await?)
}

async fn counts(db: &Db) -> Result<Counts, StoreError> {
    db.read(|ex| {
        Box::pin(async move {
            Ok::<_, StoreError>(Counts {
                clients: ex.one("SELECT COUNT(*) FROM clients", &[]).await?,
                invoices: ex.one("SELECT COUNT(*) FROM invoices", &[]).await?,
                payments: ex.one("SELECT COUNT(*) FROM payments", &[]).await?,
            })
        })
    })
    .await
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub target: PathBuf,
    pub counts: Counts,
    /// Migrations the backup lacks: `serve` (or `migrate`) applies them on its first start.
    pub pending: Vec<i64>,
}

/// Restores the backup `source` into the configured SQLite database, which must be empty
/// (no file, an empty file, or no tables). The backup must have been made with the configured
/// key. Nothing is written unless every check passes; the database then appears whole.
pub async fn restore(config: &Config, source: &Path) -> anyhow::Result<Restored> {
    let Some(target) = crate::storage::sqlite_path(&config.database_url) else {
        bail!("{}", server_tools(config, "restore").unwrap_or_default());
    };
    refuse_unless_empty(&target).await?;
    let (key, key_source) = keys::read_key(config)?;
    let Some(key) = key else {
        bail!(
            "{key_source} does not exist: a restore needs the key the backup was made with; \
             put that key there, or set secret_key (MIKRONET_SECRET_KEY) to it"
        );
    };
    let what = source.display();
    let backup = Db::open_read_only(source)
        .await
        .map_err(|e| anyhow!("cannot open the backup {what}: {e}"))?;
    let pending = migrations::pending(&backup)
        .await
        .map_err(|e| anyhow!("cannot read the backup {what} as a MikroNet database: {e}"))?;
    if pending.len() == migrations::MIGRATIONS.len() {
        bail!("{what} holds no MikroNet database (it has no MikroNet schema)");
    }
    backup
        .quick_check()
        .await
        .map_err(|e| anyhow!("the backup {what} cannot be restored: {e}"))?;
    let wrong = |why: &str| {
        anyhow!(
            "the backup {what} was made with another secret key: {key_source} {why}. A restore \
             needs the key that was kept with the backup (after `mikronet rotate-key`, the \
             key file's .old-<time> copy from before the rotation); nothing was written"
        )
    };
    match keys::fit(&backup, &key)
        .await
        .map_err(|e| anyhow!("cannot read the key check value of {what}: {e}"))?
    {
        KeyFit::Checked | KeyFit::Unchecked => {}
        KeyFit::WrongCheck => return Err(wrong("does not open its key check value")),
        KeyFit::WrongSealed => return Err(wrong("does not open the passwords stored in it")),
    }
    let counts = counts(&backup).await?;
    let tmp = partial_name(&target);
    create_private_empty(&tmp)?;
    let result = async {
        backup
            .copy_into(&tmp)
            .await
            .with_context(|| format!("cannot copy {what} into {}", tmp.display()))?;
        drop(backup);
        // Checked again: a server may have created the database in the meantime.
        refuse_unless_empty(&target).await?;
        publish(&tmp, &target, target.exists())
    }
    .await;
    if let Err(e) = result {
        remove_partial(&tmp);
        return Err(e);
    }
    Ok(Restored {
        target,
        counts,
        pending,
    })
}

async fn refuse_unless_empty(target: &Path) -> anyhow::Result<()> {
    match not_empty(target).await {
        None => Ok(()),
        Some(why) => bail!(
            "the database {} is not empty ({why}); restore writes only into an empty \
             database: point database_url at a file that does not exist yet, or stop the \
             servers that use this one and move it away",
            target.display()
        ),
    }
}

/// Why the SQLite database at `path` is not empty; `None` when it is missing, an empty file,
/// or a database with no tables.
async fn not_empty(path: &Path) -> Option<String> {
    for suffix in ["-wal", "-journal"] {
        let side = suffixed(path, suffix);
        if std::fs::metadata(&side).is_ok_and(|m| m.len() > 0) {
            return Some(format!(
                "{} exists beside it: a server may be using it",
                side.display()
            ));
        }
    }
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(format!("it cannot be read: {e}")),
        Ok(m) if m.len() == 0 => return None,
        Ok(_) => {}
    }
    let tables = async {
        let db = Db::open_read_only(path).await?;
        db.read(|ex| {
            Box::pin(async move {
                ex.one::<i64>(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
                    &[],
                )
                .await
            })
        })
        .await
    }
    .await;
    match tables {
        Ok(0) => None,
        Ok(n) => Some(format!("it holds {n} tables")),
        Err(e) => Some(format!("it cannot be read as a SQLite database: {e}")),
    }
}

/// The message `backup` and `restore` give on MariaDB/MySQL and PostgreSQL: their own tools,
/// with this configuration's server, user and database (never the password), and the key to
/// keep with the dump. `None` on SQLite.
pub fn server_tools(config: &Config, command: &str) -> Option<String> {
    let url = &config.database_url;
    if crate::storage::sqlite_path(url).is_some() {
        return None;
    }
    let scheme = crate::app::scheme(url);
    let parsed = url::Url::parse(url).ok();
    let host = parsed
        .as_ref()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "127.0.0.1".into());
    let user = parsed
        .as_ref()
        .map(|u| u.username().to_owned())
        .unwrap_or_default();
    let database = parsed
        .as_ref()
        .map(|u| u.path().trim_start_matches('/').to_owned())
        .unwrap_or_default();
    let key = match keys::key_source(config) {
        KeySource::Config => "the secret key (configuration key secret_key)".to_owned(),
        KeySource::File(p) => format!("the secret key file {}", p.display()),
    };
    let (tool, dump, load) = if matches!(scheme, "postgres" | "postgresql") {
        let port = parsed.as_ref().and_then(url::Url::port).unwrap_or(5432);
        let user = if user.is_empty() {
            String::new()
        } else {
            format!(" -U {user}")
        };
        (
            "PostgreSQL's pg_dump",
            format!(
                "pg_dump -h {host} -p {port}{user} --format=custom \
                 --file=mikronet-backup.dump {database}"
            ),
            format!(
                "pg_restore -h {host} -p {port}{user} --no-owner --dbname={database} \
                 mikronet-backup.dump"
            ),
        )
    } else {
        let port = parsed.as_ref().and_then(url::Url::port).unwrap_or(3306);
        let user = if user.is_empty() {
            String::new()
        } else {
            format!(" -u {user} -p")
        };
        (
            "MariaDB's mariadb-dump",
            format!(
                "mariadb-dump -h {host} -P {port}{user} --single-transaction --routines \
                 --triggers --hex-blob {database} > mikronet-backup.sql"
            ),
            format!("mariadb -h {host} -P {port}{user} {database} < mikronet-backup.sql"),
        )
    };
    Some(format!(
        "mikronet {command} works on SQLite databases only; {} is backed up with {tool}:\n  \
         backup:  {dump}\n  restore: {load}   (into an empty database)\nKeep {key} with \
         every dump, stored apart from it: the passwords in the dump are sealed with it. See \
         the README's Backups section.",
        crate::app::describe_database(url)
    ))
}

/// `path` with `suffix` appended to its file name, as SQLite names its `-wal`.
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where a file is written before it is put in place: beside it, so that the final rename
/// stays on one file system.
fn partial_name(dest: &Path) -> PathBuf {
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    keys::sibling(dest, &format!("partial-{tag}"))
}

/// A new empty file readable by its owner only (a backup holds sealed passwords and the
/// hashes of tokens); `VACUUM INTO` writes into an empty file as into a new one.
fn create_private_empty(path: &Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .with_context(|| format!("cannot create {}", path.display()))
}

fn remove_partial(tmp: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(suffixed(tmp, suffix));
    }
}

/// Puts the finished file `tmp` at `dest`, atomically: a hard link when `dest` must not be
/// replaced (it fails if `dest` appeared meanwhile), else a rename; then the directory entry
/// is synced.
fn publish(tmp: &Path, dest: &Path, replace: bool) -> anyhow::Result<()> {
    use std::io::ErrorKind;
    let moved = if replace {
        std::fs::rename(tmp, dest)
    } else {
        match std::fs::hard_link(tmp, dest) {
            Ok(()) => std::fs::remove_file(tmp),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(e),
            Err(_) if dest.exists() => Err(ErrorKind::AlreadyExists.into()),
            // A file system without hard links.
            Err(_) => std::fs::rename(tmp, dest),
        }
    };
    match moved {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => bail!(
            "{} appeared while the copy was made; nothing was replaced",
            dest.display()
        ),
        Err(e) => bail!("cannot move {} to {}: {e}", tmp.display(), dest.display()),
    }
    sync_parent(dest);
    Ok(())
}

/// Makes a rename in `path`'s directory durable (best effort: not every system can).
fn sync_parent(path: &Path) {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(dir) = std::fs::File::open(parent) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

// ---- The daily backup inside `serve` ----

const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// The file name of the scheduled backup taken at `at`: `mikronet-20261201T023000Z.db`, in
/// UTC so that names sort by time whatever the time zone and its clock changes.
pub fn scheduled_name(at: DateTime<Utc>) -> String {
    format!("mikronet-{}.db", at.format(STAMP))
}

/// The time in a scheduled backup's name; `None` for every other file name.
pub fn scheduled_time(name: &str) -> Option<DateTime<Utc>> {
    let stamp = name.strip_prefix("mikronet-")?.strip_suffix(".db")?;
    if stamp.len() != 16 {
        return None;
    }
    let t = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
    (t.format(STAMP).to_string() == stamp).then_some(t)
}

/// Of the file names in the backup directory, those to delete so that the `keep` newest
/// scheduled backups remain (newest by the time in their names). Files not named as scheduled
/// backups are never chosen.
pub fn to_delete(names: &[String], keep: usize) -> Vec<String> {
    let mut ours: Vec<(DateTime<Utc>, &String)> = names
        .iter()
        .filter_map(|n| scheduled_time(n).map(|t| (t, n)))
        .collect();
    ours.sort_by(|a, b| b.cmp(a));
    ours.into_iter()
        .skip(keep)
        .map(|(_, n)| n.clone())
        .collect()
}

/// Whether the daily backup is due at `now`: no backup yet on today's date (in `now`'s time
/// zone) and its time of day `at` reached. A server that was down at that time takes the day's
/// backup when it starts.
pub fn due<Z: TimeZone>(newest: Option<DateTime<Utc>>, now: &DateTime<Z>, at: NaiveTime) -> bool {
    let today = now.date_naive();
    let last = newest.map(|t| t.with_timezone(&now.timezone()).date_naive());
    last < Some(today) && now.time() >= at
}

fn names_in(dir: &Path) -> std::io::Result<Vec<String>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect())
}

/// Runs inside `serve` when `backup_dir` is set: a backup into it each day at `backup_time`
/// (the provider's local time), the `backup_keep` newest kept.
pub async fn scheduler(app: Arc<App>) {
    let dir = PathBuf::from(&app.config.backup_dir);
    let Some(at) = app.config.backup_run_time() else {
        return;
    };
    let keep = app.config.backup_keep as usize;
    if let Err(e) = create_private_dir(&dir) {
        tracing::error!(dir = %dir.display(), error = %e, "cannot create the backup directory; no scheduled backups");
        return;
    }
    remove_stale_partials(&dir);
    loop {
        let now = Utc::now().with_timezone(&app.settings().tz());
        let newest = match names_in(&dir) {
            Ok(names) => names.iter().filter_map(|n| scheduled_time(n)).max(),
            Err(e) => {
                tracing::error!(dir = %dir.display(), error = %e, "cannot read the backup directory; trying again in 15 minutes");
                tokio::time::sleep(Duration::from_secs(900)).await;
                continue;
            }
        };
        if due(newest, &now, at) {
            if let Err(e) = scheduled_once(&app, &dir, keep).await {
                tracing::error!(error = %format!("{e:#}"), "scheduled backup failed; trying again in 15 minutes");
                tokio::time::sleep(Duration::from_secs(900)).await;
            }
            continue;
        }
        tokio::time::sleep(super::until_next(now, at)).await;
    }
}

async fn scheduled_once(app: &App, dir: &Path, keep: usize) -> anyhow::Result<()> {
    let dest = dir.join(scheduled_name(Utc::now()));
    let w = backup(&app.db, &app.secrets, &dest, false).await?;
    tracing::info!(
        file = %w.path.display(),
        bytes = w.bytes,
        clients = w.counts.clients,
        invoices = w.counts.invoices,
        payments = w.counts.payments,
        ms = w.elapsed.as_millis() as u64,
        "scheduled backup written"
    );
    for name in to_delete(&names_in(dir)?, keep) {
        match std::fs::remove_file(dir.join(&name)) {
            Ok(()) => tracing::info!(file = %name, kept = keep, "old backup deleted"),
            Err(e) => tracing::warn!(file = %name, error = %e, "cannot delete an old backup"),
        }
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Partial files of scheduled backups that a stopped server left behind (older than an hour:
/// another server may be writing a newer one into the same directory).
fn remove_stale_partials(dir: &Path) {
    let Ok(names) = names_in(dir) else {
        return;
    };
    for name in names {
        if !(name.starts_with("mikronet-") && name.contains(".db.partial-")) {
            continue;
        }
        let path = dir.join(&name);
        let old = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(3600));
        if old && std::fs::remove_file(&path).is_ok() {
            tracing::info!(file = %name, "removed an unfinished backup");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn scheduled_names_sort_by_time_and_read_back() {
        let a = scheduled_name(utc("2026-12-01T02:30:00Z"));
        assert_eq!(a, "mikronet-20261201T023000Z.db");
        assert_eq!(scheduled_time(&a), Some(utc("2026-12-01T02:30:00Z")));
        let b = scheduled_name(utc("2027-01-09T23:59:59Z"));
        assert!(a < b);
        for other in [
            "mikronet.db",
            "mikronet-20261201T023000Z.db.partial-1234abcd",
            "mikronet-20261201T0230Z.db",
            "mikronet-2026120XT023000Z.db",
            "mikronet-20261301T023000Z.db",
            "my-notes.txt",
            "mikronet-20261201T023000Z.sql",
        ] {
            assert_eq!(scheduled_time(other), None, "{other}");
        }
    }

    #[test]
    fn rotation_keeps_the_newest_and_touches_nothing_else() {
        let names: Vec<String> = [
            "mikronet-20261203T023000Z.db",
            "notes.txt",
            "mikronet-20261201T023000Z.db",
            "mikronet-20261205T023000Z.db",
            "mikronet-20261204T023000Z.db",
            "mikronet-20261201T023000Z.db.partial-00ff00ff",
            "mikronet-20261202T023000Z.db",
        ]
        .map(String::from)
        .into();
        let mut gone = to_delete(&names, 3);
        gone.sort();
        assert_eq!(
            gone,
            [
                "mikronet-20261201T023000Z.db",
                "mikronet-20261202T023000Z.db"
            ]
        );
        assert_eq!(to_delete(&names, 5), Vec::<String>::new());
        assert_eq!(to_delete(&names, 1).len(), 4);
        assert_eq!(to_delete(&[], 1), Vec::<String>::new());
    }

    #[test]
    fn due_once_a_local_day_after_its_time() {
        let tz = chrono_tz::Asia::Jakarta; // UTC+7
        let at = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let now = |s: &str| utc(s).with_timezone(&tz);
        // 02:00 local: not yet.
        assert!(!due(None, &now("2026-11-30T19:00:00Z"), at));
        // 02:30 local, no backup ever: due.
        assert!(due(None, &now("2026-11-30T19:30:00Z"), at));
        // Yesterday's backup (local date 1 Dec, 02:31): due again on 2 Dec after 02:30.
        let last = Some(utc("2026-11-30T19:31:00Z"));
        assert!(!due(last, &now("2026-12-01T12:00:00Z"), at));
        assert!(!due(last, &now("2026-12-01T19:29:00Z"), at));
        assert!(due(last, &now("2026-12-01T19:30:00Z"), at));
        // A server down at 02:30 catches up when it starts, later that day.
        assert!(due(last, &now("2026-12-02T08:00:00Z"), at));
        // The local date decides, not the UTC one: 23:00 UTC on 1 Dec is 06:00 on 2 Dec.
        let late = Some(utc("2026-12-01T18:00:00Z")); // 01:00 local on 2 Dec
        assert!(!due(late, &now("2026-12-01T23:00:00Z"), at));
    }

    #[test]
    fn servers_get_their_own_tools() {
        let mut config = Config {
            database_url: "mysql://billing:s3cret@db.example:3307/billing".into(),
            ..Config::default()
        };
        let m = server_tools(&config, "backup").unwrap();
        assert!(
            m.starts_with("mikronet backup works on SQLite databases only"),
            "{m}"
        );
        assert!(
            m.contains(
                "mariadb-dump -h db.example -P 3307 -u billing -p --single-transaction \
                 --routines --triggers --hex-blob billing > mikronet-backup.sql"
            ),
            "{m}"
        );
        assert!(m.contains("the secret key file mikronet.key"), "{m}");
        assert!(!m.contains("s3cret"), "{m}");
        config.database_url = "postgres://postgres@127.0.0.1/billing".into();
        config.secret_key = "x".into();
        let m = server_tools(&config, "restore").unwrap();
        assert!(
            m.contains(
                "pg_dump -h 127.0.0.1 -p 5432 -U postgres --format=custom \
                 --file=mikronet-backup.dump billing"
            ),
            "{m}"
        );
        assert!(m.contains("pg_restore"), "{m}");
        assert!(m.contains("configuration key secret_key"), "{m}");
        config.database_url = "sqlite://m.db".into();
        assert_eq!(server_tools(&config, "backup"), None);
    }
}
