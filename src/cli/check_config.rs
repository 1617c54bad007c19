//! `mikronet check-config`: the configuration loaded exactly as `serve` loads it, and what can
//! be checked without starting (files and directories as the user running the check sees
//! them), reported as OK or as every problem found, each naming its key. Connects to nothing,
//! creates nothing that is left behind, and never prints a secret (a database URL is shown
//! without its password, `secret_key` not at all).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::{Config, ConfigError};
use crate::service::keys::{self, KeySource};

/// Exit code for a configuration with problems (as every command's bad configuration).
const BAD: u8 = 2;

pub fn run(file: Option<&Path>) -> ExitCode {
    let env = |k: &str| std::env::var(k).ok();
    let config = match Config::load(file, env) {
        Ok(c) => c,
        Err(e) => {
            let problems = match e {
                ConfigError::Problems(list) => list,
                other => vec![other.to_string()],
            };
            return report_problems(&problems);
        }
    };
    let facts = Facts::of(&config);
    if !facts.problems.is_empty() {
        return report_problems(&facts.problems);
    }
    match file {
        Some(f) => println!("configuration OK: {}", f.display()),
        None => println!("configuration OK: no file given, the defaults"),
    }
    let overridden = overriding_variables();
    if !overridden.is_empty() {
        println!("  overridden by     {}", overridden.join(", "));
    }
    println!("  listen            {}", config.listen);
    println!("  time zone         {}", config.time_zone);
    for note in facts.notes {
        println!("  {note}");
    }
    ExitCode::SUCCESS
}

fn report_problems(problems: &[String]) -> ExitCode {
    for p in problems {
        eprintln!("mikronet: {p}");
    }
    let n = problems.len();
    eprintln!(
        "mikronet: the configuration has {n} problem{}; `serve` would refuse to start",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::from(BAD)
}

/// The names (never the values) of the environment variables that override the file.
fn overriding_variables() -> Vec<String> {
    let mut names: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| (k.starts_with("MIKRONET_") && k != "MIKRONET_CONFIG") || k == "DATABASE_URL")
        .collect();
    names.sort();
    names
}

/// What the checks of files found: problems (each naming its key) and notes for the report.
#[derive(Default)]
struct Facts {
    problems: Vec<String>,
    notes: Vec<String>,
}

impl Facts {
    fn of(config: &Config) -> Facts {
        let mut facts = Facts::default();
        facts.database(config);
        facts.key(config);
        facts
    }

    fn problem(&mut self, key: &str, msg: impl std::fmt::Display) {
        self.problems.push(format!("{key}: {msg}"));
    }

    fn database(&mut self, config: &Config) {
        let what = crate::app::describe_database(&config.database_url);
        let Some(path) = crate::storage::sqlite_path(&config.database_url) else {
            self.notes.push(format!(
                "database          {what} (not connected to: check-config opens nothing)"
            ));
            return;
        };
        if path.exists() {
            if !path.is_file() {
                return self.problem("database_url", format!("{} is not a file", path.display()));
            }
            // Read and write, without creating: SQLite needs both, and its -wal and -shm
            // files beside it.
            if let Err(e) = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
            {
                return self.problem(
                    "database_url",
                    format!(
                        "cannot open {} for reading and writing: {e}",
                        path.display()
                    ),
                );
            }
            if let Err(m) = writable_dir(&parent(&path)) {
                return self.problem("database_url", m);
            }
            self.notes
                .push(format!("database          {what} (exists)"));
        } else {
            if let Err(m) = writable_dir(&parent(&path)) {
                return self.problem("database_url", m);
            }
            self.notes.push(format!(
                "database          {what} (created by `serve` or `migrate`)"
            ));
        }
    }

    fn key(&mut self, config: &Config) {
        match keys::read_key(config) {
            Ok((Some(_), KeySource::Config)) => self
                .notes
                .push("secret key        the configuration key secret_key (not shown)".into()),
            Ok((Some(_), KeySource::File(p))) => self.notes.push(format!(
                "secret key        {} (readable by its owner only)",
                p.display()
            )),
            Ok((None, KeySource::File(p))) => match writable_dir(&parent(&p)) {
                Ok(()) => self.notes.push(format!(
                    "secret key        {} (created on the first start of an empty database)",
                    p.display()
                )),
                Err(m) => self.problem("secret_key_file", m),
            },
            Ok((None, KeySource::Config)) => {}
            // The message names the file and what to do; it never holds the key.
            Err(e) => {
                let key = if config.secret_key.is_empty() {
                    "secret_key_file"
                } else {
                    "secret_key"
                };
                self.problem(key, format!("{e:#}"));
            }
        }
    }
}

/// The directory a file is in (`.` for a bare name).
fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The directory exists and this user may create files in it: tried with a file created and
/// removed at once (permissions, read-only mounts and ACLs all answer truly that way).
fn writable_dir(dir: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!("the directory {} does not exist", dir.display()));
    }
    let probe = dir.join(format!(".mikronet-check-{}", uuid::Uuid::new_v4()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!(
            "cannot create files in the directory {}: {e}",
            dir.display()
        )),
    }
}
