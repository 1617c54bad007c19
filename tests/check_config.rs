//! `mikronet check-config` as an operator runs it: the built binary, its exit code and what it
//! prints, on good and bad configurations, and on the configuration the Debian package ships.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mikronet-check-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `mikronet [--config FILE] check-config` in `dir` with only the given MIKRONET_* variables.
fn check(dir: &Path, config: Option<&Path>, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mikronet"));
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    cmd.arg("check-config").current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("MIKRONET_") || k == "DATABASE_URL" {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    let out: Output = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The files left in `dir` (the check creates nothing).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_good_configuration_is_ok_and_nothing_is_created() {
    let dir = temp_dir();
    let file = dir.join("m.toml");
    std::fs::write(
        &file,
        "listen = \"0.0.0.0:9000\"\ntime_zone = \"Asia/Jakarta\"\ndatabase_url = \"sqlite://state/m.db\"\nsecret_key_file = \"state/m.key\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("state")).unwrap();
    let (code, out, err) = check(&dir, Some(&file), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(err.is_empty(), "{err}");
    assert!(
        out.starts_with(&format!("configuration OK: {}\n", file.display())),
        "{out}"
    );
    assert!(out.contains("listen            0.0.0.0:9000"), "{out}");
    assert!(out.contains("time zone         Asia/Jakarta"), "{out}");
    assert!(
        out.contains("the SQLite database state/m.db (created by `serve` or `migrate`)"),
        "{out}"
    );
    assert!(
        out.contains("state/m.key (created on the first start"),
        "{out}"
    );
    assert_eq!(entries(&dir.join("state")), Vec::<String>::new());
    assert_eq!(entries(&dir), ["m.toml", "state"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_bad_value_is_reported_naming_its_key_and_source() {
    let dir = temp_dir();
    let file = dir.join("m.toml");
    std::fs::write(
        &file,
        "listen = \"nowhere\"\ntoken_ttl_minutes = 0\ntime_zone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let (code, out, err) = check(&dir, Some(&file), &[("MIKRONET_LOG_FORMAT", "xml")]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    let f = file.display();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            format!("mikronet: {f}: token_ttl_minutes must be positive"),
            "mikronet: environment variable MIKRONET_LOG_FORMAT: log_format must be text or json"
                .to_owned(),
            format!("mikronet: {f}: time_zone must be an IANA time zone name such as Asia/Jakarta"),
            format!(
                "mikronet: {f}: listen must be ADDRESS:PORT such as 127.0.0.1:8080 or \
                 0.0.0.0:8080, not 'nowhere'"
            ),
            "mikronet: the configuration has 4 problems; `serve` would refuse to start".to_owned(),
        ]
    );
    // A wrong type or an unknown key stops reading the file: reported alone.
    std::fs::write(&file, "grace_days = \"3\"\n").unwrap();
    let (code, _, err) = check(&dir, Some(&file), &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!(
            "{f}: grace_days must be a whole number, not a string"
        )),
        "{err}"
    );
    let (code, _, err) = check(&dir, Some(&dir.join("missing.toml")), &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn files_and_directories_are_checked_without_printing_secrets() {
    let dir = temp_dir();
    let file = dir.join("m.toml");
    std::fs::write(
        &file,
        "database_url = \"sqlite://absent/m.db\"\nsecret_key_file = \"gone/m.key\"\n",
    )
    .unwrap();
    let (code, _, err) = check(&dir, Some(&file), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("mikronet: database_url: the directory absent does not exist"),
        "{err}"
    );
    assert!(
        err.contains("mikronet: secret_key_file: the directory gone does not exist"),
        "{err}"
    );
    assert!(err.contains("has 2 problems"), "{err}");

    // A key file others may read, then one that holds no key.
    let key = dir.join("mikronet.key");
    std::fs::write(&key, "not a key\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (code, _, err) = check(&dir, None, &[]);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains("secret_key_file: the secret key file mikronet.key can be read by other users (mode 644)"),
            "{err}"
        );
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let (code, _, err) = check(&dir, None, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "secret_key_file: the secret key file mikronet.key does not hold 32 bytes in base64"
        ),
        "{err}"
    );

    // A server database's password and a configured key are never printed.
    let secret = "c2VjcmV0LWtleS1ieXRlcy0zMi1sb25nLWFhYWFhYWE=";
    let (code, out, err) = check(
        &dir,
        None,
        &[
            (
                "MIKRONET_DATABASE_URL",
                "postgres://billing:Pa55word@db.example/billing",
            ),
            ("MIKRONET_SECRET_KEY", secret),
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!out.contains("Pa55word") && !out.contains(secret), "{out}");
    assert!(
        out.contains("overridden by     MIKRONET_DATABASE_URL, MIKRONET_SECRET_KEY"),
        "{out}"
    );
    assert!(
        out.contains("the postgres database 'billing' at db.example:5432 (user billing)"),
        "{out}"
    );
    assert!(out.contains("secret_key (not shown)"), "{out}");
    let (code, _, err) = check(
        &dir,
        None,
        &[(
            "MIKRONET_DATABASE_URL",
            "postgres://billing:Pa55word@db.example/",
        )],
    );
    assert_eq!(code, Some(2));
    assert!(!err.contains("Pa55word"), "{err}");
    assert!(err.contains("database_url must name the database"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The configuration the package installs as /etc/mikronet/mikronet.toml passes, with its
/// state directory moved here (.ci/package-check runs it unchanged in the package's root).
#[test]
fn the_packaged_default_configuration_passes() {
    let dir = temp_dir();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/mikronet.toml");
    let text = std::fs::read_to_string(&shipped).unwrap();
    assert!(text.contains("/var/lib/mikronet/"), "{text}");
    let file = dir.join("mikronet.toml");
    std::fs::write(
        &file,
        text.replace("/var/lib/mikronet/", &format!("{}/", dir.display())),
    )
    .unwrap();
    let (code, out, err) = check(&dir, Some(&file), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("listen            127.0.0.1:8080"), "{out}");
    std::fs::remove_dir_all(dir).unwrap();
}
