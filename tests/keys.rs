//! The secret key and the database belong together: a lost, wrong or exposed key is refused
//! with a message that says what to restore, a key is never generated for a database that
//! holds sealed values, and `mikronet rotate-key` re-seals every one of them.

mod common;

use std::path::PathBuf;

use common::TestApp;
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::validation::Sealed;
use mikronet::params;
use mikronet::security::secret_box::SecretBox;
use mikronet::storage::Db;
use routeros::sim::{SimConfig, Simulator};

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mikronet-keys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(unix)]
fn chmod(p: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

async fn start_err(config: &Config) -> String {
    match App::start(config.clone()).await {
        Ok(_) => panic!("started"),
        Err(e) => format!("{e:#}"),
    }
}

async fn insert_client(db: &Db, sealed: Sealed) {
    db.write(move |ex| {
        Box::pin(async move {
            let now = chrono::Utc::now();
            ex.execute(
                "INSERT INTO clients (name, phone_number, address, ppp_secret_name, \
                 ppp_password_enc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                params![
                    "John Doe",
                    "08123456789",
                    "Jl. Merdeka",
                    "abc123",
                    sealed.0,
                    now,
                    now
                ],
            )
            .await
        })
    })
    .await
    .unwrap();
}

async fn a_lost_wrong_or_exposed_key_is_refused_and_never_replaced(app: TestApp) {
    let dir = temp_dir();
    let key_file = dir.join("mikronet.key");
    let config = Config {
        secret_key: String::new(),
        secret_key_file: key_file.display().to_string(),
        ..app.app.config.clone()
    };
    // First start: a key is made (owner-only) and tied to the database.
    let first = App::start(config.clone()).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    insert_client(&first.db, first.secrets.seal("securepassword")).await;
    drop(first);
    let original = std::fs::read_to_string(&key_file).unwrap();
    assert!(App::start(config.clone()).await.is_ok(), "same key");

    // Lost: refused, naming the file and the configuration keys; no new key appears.
    std::fs::remove_file(&key_file).unwrap();
    let e = start_err(&config).await;
    assert!(e.contains(&key_file.display().to_string()), "{e}");
    assert!(
        e.contains("secret_key_file") && e.contains("secret_key"),
        "{e}"
    );
    assert!(e.contains("does not exist"), "{e}");
    assert!(!key_file.exists(), "a new key was generated");

    // Wrong: another key does not open the key check value.
    common_write(&key_file, &SecretBox::generate_key());
    let e = start_err(&config).await;
    assert!(e.contains("is not the key of this database"), "{e}");

    // Exposed: readable by others.
    std::fs::remove_file(&key_file).unwrap();
    common_write(&key_file, &original);
    #[cfg(unix)]
    {
        chmod(&key_file, 0o644);
        let e = start_err(&config).await;
        assert!(e.contains("can be read by other users"), "{e}");
        assert!(e.contains("chmod 600"), "{e}");
        chmod(&key_file, 0o600);
    }
    assert!(App::start(config.clone()).await.is_ok());

    // A database from before key checks: sealed values alone prove the key.
    let db = Db::connect(&config.database_url, 1).await.unwrap();
    db.write(|ex| {
        Box::pin(async move {
            ex.execute(
                "DELETE FROM settings WHERE name = ?",
                params!["secret_key_check"],
            )
            .await
        })
    })
    .await
    .unwrap();
    std::fs::remove_file(&key_file).unwrap();
    let e = start_err(&config).await;
    assert!(e.contains("holds passwords sealed with a key"), "{e}");
    assert!(!key_file.exists());
    common_write(&key_file, &SecretBox::generate_key());
    let e = start_err(&config).await;
    assert!(e.contains("does not open the passwords stored"), "{e}");
    std::fs::remove_file(&key_file).unwrap();
    common_write(&key_file, &original);
    let again = App::start(config.clone()).await.unwrap();
    let check = again
        .db
        .read(|ex| {
            Box::pin(
                async move { mikronet::storage::repo::settings::get(ex, "secret_key_check").await },
            )
        })
        .await
        .unwrap();
    assert!(check.is_some(), "the check value is written again");
    std::fs::remove_dir_all(dir).unwrap();
}

fn common_write(path: &std::path::Path, key: &str) {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    writeln!(o.open(path).unwrap(), "{key}").unwrap();
}

async fn rotate_key_reseals_every_stored_secret(app: TestApp) {
    let router_pw = "Router-Pa55-word";
    let sim = Simulator::start(SimConfig {
        password: router_pw.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let admin = app.admin().await;
    let body = format!(
        r#"{{"name":"core","host":"127.0.0.1","port":{},"username":"admin","password":"{router_pw}"}}"#,
        sim.api_addr.port()
    );
    app.post("/routers", Some(&admin), &body).await.expect(201);
    app.create_client(&admin, "John Doe", "abc123").await;
    let dir = temp_dir();
    let new_file = dir.join("new.key");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mikronet"))
        .args(["rotate-key", "--new-key-file", new_file.to_str().unwrap()])
        .current_dir(&dir)
        .env("MIKRONET_DATABASE_URL", &app.app.config.database_url)
        .env("MIKRONET_SECRET_KEY", common::KEY)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A client's PPP password and the router's password.
    assert!(said.contains("re-sealed "), "{said}");
    let new_text = std::fs::read_to_string(&new_file).unwrap();
    let new = SecretBox::from_base64(&new_text).unwrap();
    let old = SecretBox::from_base64(common::KEY).unwrap();
    let (client, router) = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                let c: Sealed = ex.one("SELECT ppp_password_enc FROM clients", &[]).await?;
                let r: Sealed = ex.one("SELECT password_enc FROM routers", &[]).await?;
                Ok::<_, mikronet::storage::StoreError>((c, r))
            })
        })
        .await
        .unwrap();
    assert_eq!(new.open(&client).unwrap(), "securepassword");
    assert_eq!(new.open(&router).unwrap(), router_pw);
    assert!(old.open(&client).is_err());
    // The database now answers to the new key only.
    let with = |key: &str| Config {
        secret_key: key.trim().to_owned(),
        ..app.app.config.clone()
    };
    assert!(App::open(with(&new_text)).await.is_ok());
    let e = App::open(with(common::KEY)).await.err().unwrap();
    assert!(format!("{e:#}").contains("is not the key of this database"));
    std::fs::remove_dir_all(dir).unwrap();
}

backend_tests!(
    a_lost_wrong_or_exposed_key_is_refused_and_never_replaced,
    rotate_key_reseals_every_stored_secret,
);
