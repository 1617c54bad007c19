//! What the Debian package ships besides the binary (see `[package.metadata.deb]` in
//! Cargo.toml): the man pages and shell completions in packaging/ are made from the program's
//! one command-line definition (`mikronet::cli::command()`, clap_mangen and clap_complete), so
//! a command or option added without regenerating them fails here. Outside CI the stale files
//! are rewritten (review and commit them); under CI they are only reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The man page of the command itself: clap's sections, then what an operator of the
/// installed package looks for (files, environment, exit status).
fn main_page(cmd: clap::Command) -> Vec<u8> {
    let man = Man::new(cmd).manual("MikroNet Billing");
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    man.render_subcommands_section(&mut out).unwrap();
    let mut roff = Roff::new();
    roff.control("SH", ["FILES"]);
    for (path, what) in [
        (
            "/etc/mikronet/mikronet.toml",
            "the configuration the service reads (every key: the README's Configuration section)",
        ),
        (
            "/var/lib/mikronet/mikronet.db",
            "the SQLite database (database_url)",
        ),
        (
            "/var/lib/mikronet/mikronet.key",
            "the secret key sealing stored passwords (secret_key_file); back it up with the database",
        ),
        (
            "/usr/lib/systemd/system/mikronet.service",
            "the service, run as the user mikronet",
        ),
        (
            "/usr/share/doc/mikronet/README.md",
            "the full documentation",
        ),
    ] {
        roff.control("TP", [])
            .text([bold(path)])
            .text([roman(what)]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    roff.text([
        bold("MIKRONET_"),
        italic("KEY"),
        roman(" sets the configuration key "),
        italic("key"),
        roman(" over the file; "),
        bold("DATABASE_URL"),
        roman(" sets database_url; "),
        bold("MIKRONET_CONFIG"),
        roman(" names the file as --config does."),
    ]);
    roff.control("SH", ["EXIT STATUS"]);
    roff.text([roman(
        "0 done, 1 failed, 2 bad configuration or usage, 3 drift remains (reconcile) or the \
         audit trail does not hold (audit verify).",
    )]);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "systemctl(1), journalctl(1), and the mikronet-COMMAND(1) page of each command.",
    )]);
    roff.to_writer(&mut out).unwrap();
    man.render_version_section(&mut out).unwrap();
    out
}

/// Every file packaging/ should hold, by path under the repository.
fn generated() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut cmd = mikronet::cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut files = BTreeMap::new();
    files.insert(
        PathBuf::from("packaging/man/mikronet.1"),
        main_page(cmd.clone()),
    );
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let man = Man::new(sub.clone()).manual("MikroNet Billing");
        let mut out = Vec::new();
        man.render(&mut out).unwrap();
        files.insert(PathBuf::from("packaging/man").join(man.get_filename()), out);
    }
    for (shell, name) in [
        (Shell::Bash, "mikronet.bash"),
        (Shell::Zsh, "_mikronet"),
        (Shell::Fish, "mikronet.fish"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "mikronet", &mut out);
        files.insert(PathBuf::from("packaging/completions").join(name), out);
    }
    files
}

#[test]
fn man_pages_and_completions_are_made_from_the_command_line() {
    let want = generated();
    let fix = std::env::var_os("CI").is_none();
    let mut stale = Vec::new();
    for (rel, content) in &want {
        let path = root().join(rel);
        if std::fs::read(&path).ok().as_ref() != Some(content) {
            stale.push(rel.display().to_string());
            if fix {
                std::fs::write(&path, content).unwrap();
            }
        }
    }
    // A page for a command that no longer exists.
    for dir in ["packaging/man", "packaging/completions"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let rel = Path::new(dir).join(entry.unwrap().file_name());
            if !want.contains_key(&rel) {
                stale.push(format!("{} (no longer made)", rel.display()));
                if fix {
                    std::fs::remove_file(root().join(&rel)).unwrap();
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date with the command line: {stale:?}; {}",
        if fix {
            "they have been regenerated: review and commit them"
        } else {
            "run `cargo test --test packaging` outside CI to regenerate them, and commit them"
        }
    );
}

#[test]
fn every_command_has_a_man_page_and_completions_name_it() {
    let files = generated();
    let bash =
        String::from_utf8(files[Path::new("packaging/completions/mikronet.bash")].clone()).unwrap();
    let main = String::from_utf8(files[Path::new("packaging/man/mikronet.1")].clone()).unwrap();
    for sub in [
        "serve",
        "migrate",
        "check-config",
        "create-admin",
        "generate-invoices",
        "rotate-key",
    ] {
        assert!(
            files.contains_key(&PathBuf::from(format!("packaging/man/mikronet-{sub}.1"))),
            "{sub}"
        );
        assert!(bash.contains(sub), "{sub}");
        // roff spells a hyphen \-.
        assert!(main.contains(&sub.replace('-', "\\-")), "{sub}");
    }
    assert!(main.contains("/etc/mikronet/mikronet.toml"), "{main}");
    assert!(main.contains("MIKRONET_CONFIG"), "{main}");
    assert!(main.contains(".SH \"EXIT STATUS\""), "{main}");
}

/// The unit, the default configuration and the package's assets name the same paths.
#[test]
fn unit_config_and_assets_agree() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    let unit = read("packaging/debian/mikronet.service");
    let config = read("packaging/mikronet.toml");
    let manifest = read("Cargo.toml");
    let exec: Vec<&str> = unit
        .lines()
        .filter(|l| l.starts_with("ExecStart="))
        .collect();
    assert_eq!(
        exec,
        ["ExecStart=/usr/bin/mikronet --config /etc/mikronet/mikronet.toml serve"]
    );
    for line in [
        "User=mikronet",
        "StateDirectory=mikronet",
        "ConfigurationDirectory=mikronet",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ProtectHome=yes",
        "Restart=on-failure",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line}");
    }
    let parsed: toml::Table = toml::from_str(&config).unwrap();
    assert_eq!(
        parsed["database_url"].as_str(),
        Some("sqlite:///var/lib/mikronet/mikronet.db")
    );
    assert_eq!(
        parsed["secret_key_file"].as_str(),
        Some("/var/lib/mikronet/mikronet.key")
    );
    assert!(
        manifest.contains(r#"["packaging/mikronet.toml", "etc/mikronet/mikronet.toml", "640"]"#),
        "the default configuration is packaged as /etc/mikronet/mikronet.toml"
    );
}
