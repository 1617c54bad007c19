//! What a router needs so that a client cut off in `isolate` mode meets the notice page
//! rather than a dead line: one description, from which `mikronet router-setup` prints the
//! RouterOS script and reconcile checks the router.
//!
//! - the isolation profile puts each of its sessions' addresses on the address list
//!   `mikronet-isolated` while connected (RouterOS manual: PPP, profile property
//!   `address-list`);
//! - the walled garden, address list `mikronet-garden`: this server, the payment gateways'
//!   hosts and any others configured (an address-list entry may be a DNS name, which RouterOS
//!   resolves and keeps resolved: manual, Firewall / Address-lists);
//! - a `dst-nat` of isolated clients' web requests (TCP 80) outside the garden to the
//!   server's notice listener (manual: Firewall / NAT, "Port forwarding" and `dst-nat`);
//! - forward rules: DNS and the garden pass, everything else from the list is dropped
//!   (manual: Firewall / Filter).
//!
//! HTTPS cannot be redirected (the browser would see another site's name): a client typing
//! an `https://` address gets nothing until they open any `http://` page, as with every
//! captive portal. Each rule carries a comment of ours, which is how reconcile finds it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddrV4;

use super::router::{RouterSettings, SuspendMode};

/// The address list isolated sessions are put on.
pub const ISOLATED_LIST: &str = "mikronet-isolated";
/// The address list of the hosts isolated clients may still reach.
pub const GARDEN_LIST: &str = "mikronet-garden";
/// The isolation profile's comment (the router sync writes it too).
pub const PROFILE_COMMENT: &str = "mikronet:isolation";

/// One item the router must hold: its menu, the properties that find it among the menu's
/// rows, and the rest it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// API path, e.g. `/ip/firewall/nat`.
    pub menu: &'static str,
    /// Properties, in the order the script writes them; the first `ident` of them find the
    /// row.
    pub props: Vec<(&'static str, String)>,
    pub ident: usize,
    /// The first `checked` properties are compared with the router's; the rest (a comment on
    /// an item an operator may have made before) are only written.
    pub checked: usize,
    /// A line of the script above the command, saying what it is for.
    pub note: Option<&'static str>,
}

impl Item {
    fn new(menu: &'static str, ident: usize, props: Vec<(&'static str, String)>) -> Item {
        Item {
            menu,
            checked: props.len(),
            props,
            ident,
            note: None,
        }
    }

    /// Only the first `n` properties are compared.
    fn checked(mut self, n: usize) -> Item {
        self.checked = n;
        self
    }

    fn note(mut self, note: &'static str) -> Item {
        self.note = Some(note);
        self
    }

    /// How an operator recognises the item: its menu and identifying properties.
    pub fn label(&self) -> String {
        let id: Vec<String> = self
            .identity()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{} {}", cli_menu(self.menu), id.join(" "))
    }

    /// The properties that find the item among its menu's rows.
    pub fn identity(&self) -> &[(&'static str, String)] {
        &self.props[..self.ident]
    }

    fn finds(&self, row: &HashMap<String, String>) -> bool {
        self.identity()
            .iter()
            .all(|(k, v)| row.get(*k).map(String::as_str) == Some(v.as_str()))
    }
}

/// The isolation setup of one router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// The router's `isolation_profile`.
    pub profile: String,
    /// Where isolated clients' web requests are sent: the notice listener as the router
    /// reaches it.
    pub notice: SocketAddrV4,
    /// Hosts besides the notice address that isolated clients may reach (gateways, the
    /// portal's host, configured extras), each an address or a DNS name.
    pub garden: Vec<String>,
}

/// Why a router has no isolation setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoSetup {
    #[error(
        "the router cuts clients off by disabling their secrets: set its suspend_mode to isolate and its isolation_profile first"
    )]
    Disables,
    #[error(
        "notice_address is not set (the IPv4 address and port at which routers reach this server's notice_listen, e.g. 10.0.0.5:8081)"
    )]
    NoNotice,
}

impl Setup {
    /// The setup of `router`, given where the notice page is and the garden's hosts.
    pub fn for_router(
        router: &RouterSettings,
        notice: Option<SocketAddrV4>,
        garden: Vec<String>,
    ) -> Result<Setup, NoSetup> {
        let profile = match (&router.suspend_mode, &router.isolation_profile) {
            (SuspendMode::Isolate, Some(p)) => p.clone(),
            _ => return Err(NoSetup::Disables),
        };
        Ok(Setup {
            profile,
            notice: notice.ok_or(NoSetup::NoNotice)?,
            garden,
        })
    }

    /// Every item, in the order the script adds them.
    pub fn items(&self) -> Vec<Item> {
        let s = |v: &str| v.to_owned();
        let mut out = Vec::new();
        let mut hosts = vec![self.notice.ip().to_string()];
        for h in &self.garden {
            if !hosts.contains(h) {
                hosts.push(h.clone());
            }
        }
        for (i, h) in hosts.into_iter().enumerate() {
            let item = Item::new(
                "/ip/firewall/address-list",
                2,
                vec![
                    ("list", s(GARDEN_LIST)),
                    ("address", h),
                    ("comment", s("mikronet:garden")),
                ],
            )
            .checked(2);
            out.push(if i == 0 {
                item.note("what cut-off clients may still reach: this server and the gateways")
            } else {
                item
            });
        }
        let rule = |chain: &str, comment: &str, rest: Vec<(&'static str, String)>| {
            let mut props = vec![("comment", s(comment)), ("chain", s(chain))];
            props.extend(rest);
            props
        };
        out.push(
            Item::new(
                "/ip/firewall/nat",
                1,
                rule(
                    "dstnat",
                    "mikronet:notice",
                    vec![
                        ("protocol", s("tcp")),
                        ("dst-port", s("80")),
                        ("src-address-list", s(ISOLATED_LIST)),
                        ("dst-address-list", format!("!{GARDEN_LIST}")),
                        ("action", s("dst-nat")),
                        ("to-addresses", self.notice.ip().to_string()),
                        ("to-ports", self.notice.port().to_string()),
                    ],
                ),
            )
            .note("their web requests go to the notice page"),
        );
        let forward = |comment: &str, rest: Vec<(&'static str, String)>| {
            Item::new("/ip/firewall/filter", 1, rule("forward", comment, rest))
        };
        out.push(
            forward(
                "mikronet:isolated-dns-udp",
                vec![
                    ("protocol", s("udp")),
                    ("dst-port", s("53")),
                    ("src-address-list", s(ISOLATED_LIST)),
                    ("action", s("accept")),
                ],
            )
            .note("names resolve, the garden passes, the rest is dropped: these four go to the end of the chain; move them above your own forward accept rules (/ip firewall filter move)"),
        );
        out.push(forward(
            "mikronet:isolated-dns-tcp",
            vec![
                ("protocol", s("tcp")),
                ("dst-port", s("53")),
                ("src-address-list", s(ISOLATED_LIST)),
                ("action", s("accept")),
            ],
        ));
        out.push(forward(
            "mikronet:isolated-garden",
            vec![
                ("src-address-list", s(ISOLATED_LIST)),
                ("dst-address-list", s(GARDEN_LIST)),
                ("action", s("accept")),
            ],
        ));
        out.push(forward(
            "mikronet:isolated-drop",
            vec![
                ("src-address-list", s(ISOLATED_LIST)),
                ("action", s("drop")),
            ],
        ));
        // Last: the router sync may have made it already (with the list), and `/import` stops
        // at the first refusal.
        out.push(
            Item::new(
                "/ppp/profile",
                1,
                vec![
                    ("name", self.profile.clone()),
                    ("address-list", s(ISOLATED_LIST)),
                    ("comment", s(PROFILE_COMMENT)),
                ],
            )
            .checked(2)
            .note("the profile cut-off clients are moved to; RouterOS lists their addresses (refused when the router sync made it already)"),
        );
        out
    }

    /// The RouterOS script (CLI syntax, as `/export` writes it) that adds every item.
    pub fn script(&self, router_name: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# MikroNet Billing: cut-off clients of router '{}' see the notice page at {}",
            one_line(router_name),
            self.notice
        );
        out.push_str(
            "# Paste it into the router's terminal: each line runs on its own, and one whose item\n\
             # exists already is refused while the others go on (`/import` would stop at it).\n\
             # `mikronet reconcile` then reports anything still missing or different.\n",
        );
        let mut menu = "";
        for item in self.items() {
            if item.menu != menu {
                menu = item.menu;
                let _ = write!(out, "\n{}\n", cli_menu(menu));
            }
            if let Some(n) = item.note {
                let _ = writeln!(out, "# {n}");
            }
            out.push_str("add");
            for (k, v) in &item.props {
                let _ = write!(out, " {k}={}", cli_value(v));
            }
            out.push('\n');
        }
        out
    }

    /// What the router lacks or holds otherwise, one line each; empty when the setup is in
    /// place. `rows` gives each item's menu's rows as printed.
    pub fn check(&self, rows: &HashMap<&str, Vec<HashMap<String, String>>>) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.items() {
            let here = rows.get(item.menu).map(Vec::as_slice).unwrap_or(&[]);
            let Some(row) = here.iter().find(|r| item.finds(r)) else {
                out.push(format!("missing: {}", item.label()));
                continue;
            };
            let mut wrong: Vec<String> = item.props[item.ident..item.checked]
                .iter()
                .filter(|(k, v)| row.get(*k).map(String::as_str).unwrap_or("") != v)
                .map(|(k, v)| format!("{k} should be {v}"))
                .collect();
            if row
                .get("disabled")
                .is_some_and(|d| d == "true" || d == "yes")
            {
                wrong.push("it is disabled".into());
            }
            if !wrong.is_empty() {
                out.push(format!("differs: {}: {}", item.label(), wrong.join(", ")));
            }
        }
        out
    }

    /// The menus [`Setup::check`] reads.
    pub fn menus(&self) -> Vec<&'static str> {
        let mut m: Vec<&'static str> = self.items().iter().map(|i| i.menu).collect();
        m.dedup();
        m
    }
}

/// `/ip/firewall/nat` as the CLI writes it: `/ip firewall nat`.
fn cli_menu(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/').replace('/', " "))
}

/// A value as the CLI reads it: bare when it is plain, else quoted with `"` and `\` escaped.
fn cli_value(v: &str) -> String {
    let plain = !v.is_empty()
        && v.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'_' | b'!' | b'/' | b',')
        });
    if plain {
        return v.to_owned();
    }
    let mut q = String::with_capacity(v.len() + 2);
    q.push('"');
    for c in v.chars() {
        match c {
            '"' | '\\' | '$' | '?' => {
                q.push('\\');
                q.push(c);
            }
            c if c.is_control() => q.push(' '),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The host of an `http(s)://` URL, for the garden (`None` for anything else).
pub fn url_host(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        return None;
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> Setup {
        Setup {
            profile: "isolir".into(),
            notice: "10.0.0.5:8081".parse().unwrap(),
            garden: vec!["app.midtrans.com".into(), "10.0.0.5".into()],
        }
    }

    fn on_router(s: &Setup) -> HashMap<&'static str, Vec<HashMap<String, String>>> {
        let mut rows: HashMap<&str, Vec<HashMap<String, String>>> = HashMap::new();
        for i in s.items() {
            let mut r: HashMap<String, String> = i
                .props
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            r.insert("disabled".into(), "false".into());
            rows.entry(i.menu).or_default().push(r);
        }
        rows
    }

    #[test]
    fn the_script_adds_each_item_once_under_its_menu() {
        let s = setup();
        let text = s.script("Tower \"A\"\n");
        assert!(text.starts_with("# MikroNet Billing: cut-off clients of router 'Tower \"A\" '"));
        assert_eq!(text.matches("\n/ip firewall nat\n").count(), 1);
        assert_eq!(text.matches("\n/ip firewall filter\n").count(), 1);
        // The notice address is in the garden once, though configured again.
        assert_eq!(text.matches("address=10.0.0.5 ").count(), 1);
        assert!(text.contains(
            "add comment=mikronet:notice chain=dstnat protocol=tcp dst-port=80 \
             src-address-list=mikronet-isolated dst-address-list=!mikronet-garden \
             action=dst-nat to-addresses=10.0.0.5 to-ports=8081\n"
        ));
        assert!(text.contains(
            "add name=isolir address-list=mikronet-isolated comment=mikronet:isolation\n"
        ));
        assert_eq!(text.lines().filter(|l| l.starts_with("add ")).count(), 8);
    }

    #[test]
    fn values_are_quoted_when_the_cli_needs_it() {
        assert_eq!(cli_value("a b"), "\"a b\"");
        assert_eq!(cli_value("x\"$y"), "\"x\\\"\\$y\"");
        assert_eq!(cli_value(""), "\"\"");
        assert_eq!(cli_value("!mikronet-garden"), "!mikronet-garden");
    }

    #[test]
    fn check_names_what_is_missing_or_differs() {
        let s = setup();
        let mut rows = on_router(&s);
        assert_eq!(s.check(&rows), Vec::<String>::new());
        rows.get_mut("/ip/firewall/nat").unwrap()[0].insert("to-ports".into(), "80".into());
        rows.get_mut("/ip/firewall/filter")
            .unwrap()
            .retain(|r| r["comment"] != "mikronet:isolated-drop");
        rows.get_mut("/ppp/profile").unwrap()[0].insert("disabled".into(), "true".into());
        rows.get_mut("/ppp/profile").unwrap()[0].remove("address-list");
        assert_eq!(
            s.check(&rows),
            vec![
                "differs: /ip firewall nat comment=mikronet:notice: to-ports should be 8081",
                "missing: /ip firewall filter comment=mikronet:isolated-drop",
                "differs: /ppp profile name=isolir: address-list should be mikronet-isolated, it is disabled",
            ]
        );
        assert!(s.check(&HashMap::new()).len() == s.items().len());
        assert_eq!(
            s.menus(),
            vec![
                "/ip/firewall/address-list",
                "/ip/firewall/nat",
                "/ip/firewall/filter",
                "/ppp/profile"
            ]
        );
    }

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            url_host("https://App.Midtrans.com/snap/v1").as_deref(),
            Some("app.midtrans.com")
        );
        assert_eq!(
            url_host("http://u:p@billing.example.net:8443/x").as_deref(),
            Some("billing.example.net")
        );
        assert_eq!(url_host("ftp://x"), None);
        assert_eq!(url_host("https://[::1]/"), None);
    }
}
