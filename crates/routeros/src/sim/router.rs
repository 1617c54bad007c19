//! The simulated router's configuration and the command semantics shared by
//! the API and REST front ends: menus, defaults, validation, ids and the
//! error texts a real router gives.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::time::Instant;

use super::query;
use crate::model::parse_bool;

/// An ordered printed row (`.id` first, then the menu's properties).
pub type SimRow = Vec<(String, String)>;

type Attrs = Vec<(String, String)>;

/// A `!trap` (REST: an error `detail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub message: String,
    pub category: Option<u32>,
}

impl Trap {
    fn new(message: impl Into<String>) -> Self {
        Trap {
            message: message.into(),
            category: None,
        }
    }

    fn with_category(message: impl Into<String>, category: u32) -> Self {
        Trap {
            message: message.into(),
            category: Some(category),
        }
    }
}

pub const NO_SUCH_ITEM: &str = "no such item (4)";
pub const UNKNOWN_PARAMETER: &str = "unknown parameter";

/// What a successful command produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// `!re` rows.
    pub rows: Vec<SimRow>,
    /// `!done` attributes (`ret`).
    pub done: SimRow,
    /// A print (the only kind of command for which 7.18+ sends `!empty`).
    pub is_print: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    Secret,
    Profile,
    Active,
    Resource,
    Identity,
    /// `/ip/firewall/address-list` (RouterOS manual: Firewall / Address-lists).
    AddressList,
    /// `/ip/firewall/nat` (RouterOS manual: Firewall / NAT).
    Nat,
    /// `/ip/firewall/filter` (RouterOS manual: Firewall / Filter).
    Filter,
}

/// Every menu by its path.
const MENUS: &[(&str, Menu)] = &[
    ("ppp/secret", Menu::Secret),
    ("ppp/profile", Menu::Profile),
    ("ppp/active", Menu::Active),
    ("system/resource", Menu::Resource),
    ("system/identity", Menu::Identity),
    ("ip/firewall/address-list", Menu::AddressList),
    ("ip/firewall/nat", Menu::Nat),
    ("ip/firewall/filter", Menu::Filter),
];

/// Verbs of a menu with items that can be added, changed and switched on and off.
const ITEM_VERBS: &[&str] = &[
    "print", "getall", "add", "set", "remove", "enable", "disable",
];

impl Menu {
    fn verbs(self) -> &'static [&'static str] {
        match self {
            Menu::Secret | Menu::AddressList | Menu::Nat | Menu::Filter => ITEM_VERBS,
            Menu::Profile => &["print", "getall", "add", "set", "remove"],
            Menu::Active => &["print", "getall", "remove"],
            Menu::Resource => &["print", "getall"],
            Menu::Identity => &["print", "getall", "set"],
        }
    }

    fn fields(self) -> &'static [Field] {
        match self {
            Menu::Secret => SECRET_FIELDS,
            Menu::Profile => PROFILE_FIELDS,
            Menu::Active => ACTIVE_FIELDS,
            Menu::AddressList => ADDRESS_LIST_FIELDS,
            Menu::Nat => NAT_FIELDS,
            Menu::Filter => FILTER_FIELDS,
            Menu::Resource | Menu::Identity => &[],
        }
    }

    /// Properties `add` cannot do without.
    fn required(self) -> &'static [&'static str] {
        match self {
            Menu::Secret | Menu::Profile => &["name"],
            Menu::AddressList => &["list", "address"],
            Menu::Nat | Menu::Filter => &["chain"],
            _ => &[],
        }
    }

    /// Word used in the duplicate-name failure.
    fn noun(self) -> &'static str {
        match self {
            Menu::Secret => "secret",
            Menu::Profile => "profile",
            _ => "item",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Bool,
    Number,
    Address,
    OneOf(&'static [&'static str]),
    ProfileName,
    /// An IPv4 address, `a.b.c.d/len` or a range `a-b`, optionally negated with `!`.
    Net,
    /// A [`Kind::Net`] or a DNS name, which RouterOS resolves itself (address lists).
    Host,
    /// A port, a range `a-b`, or a comma list of them, optionally negated with `!`.
    Ports,
    /// A protocol name or number 0-255.
    Protocol,
    /// Printed but not settable (counters, last-* fields).
    ReadOnly,
}

#[derive(Debug)]
struct Field {
    name: &'static str,
    kind: Kind,
    /// Value of a new item; `None` = unset, so omitted from print.
    default: Option<&'static str>,
}

const fn f(name: &'static str, kind: Kind, default: Option<&'static str>) -> Field {
    Field {
        name,
        kind,
        default,
    }
}

const SERVICES: &[&str] = &["any", "async", "l2tp", "ovpn", "pppoe", "pptp", "sstp"];
const ONLY_ONE: &[&str] = &["default", "yes", "no"];

const SECRET_FIELDS: &[Field] = &[
    f("name", Kind::Text, None),
    f("service", Kind::OneOf(SERVICES), Some("any")),
    f("caller-id", Kind::Text, Some("")),
    f("password", Kind::Text, Some("")),
    f("profile", Kind::ProfileName, Some("default")),
    f("local-address", Kind::Address, None),
    f("remote-address", Kind::Address, None),
    f("remote-ipv6-prefix", Kind::Text, None),
    f("routes", Kind::Text, Some("")),
    f("ipv6-routes", Kind::Text, Some("")),
    f("limit-bytes-in", Kind::Number, Some("0")),
    f("limit-bytes-out", Kind::Number, Some("0")),
    f("comment", Kind::Text, None),
    f("disabled", Kind::Bool, Some("false")),
    // A never-used secret, as seen on a device (format UNCONFIRMED across versions).
    f(
        "last-logged-out",
        Kind::ReadOnly,
        Some("jan/01/1970 00:00:00"),
    ),
    f("last-caller-id", Kind::ReadOnly, Some("")),
    f("last-disconnect-reason", Kind::ReadOnly, Some("")),
];

const PROFILE_FIELDS: &[Field] = &[
    f("name", Kind::Text, None),
    f("local-address", Kind::Text, None),
    f("remote-address", Kind::Text, None),
    f("dns-server", Kind::Text, None),
    f("rate-limit", Kind::Text, None),
    f("session-timeout", Kind::Text, None),
    f("idle-timeout", Kind::Text, None),
    f("address-list", Kind::Text, Some("")),
    f("bridge", Kind::Text, None),
    f("incoming-filter", Kind::Text, None),
    f("outgoing-filter", Kind::Text, None),
    f("only-one", Kind::OneOf(ONLY_ONE), Some("default")),
    f("change-tcp-mss", Kind::OneOf(ONLY_ONE), Some("default")),
    f("use-encryption", Kind::OneOf(ONLY_ONE), Some("default")),
    f("comment", Kind::Text, None),
    f("default", Kind::ReadOnly, Some("false")),
];

// RouterOS manual: Firewall / Address-lists. A `dynamic` entry is one the router
// added itself, e.g. for a PPP session whose profile has an `address-list`
// (RouterOS manual: PPP, profile property `address-list`).
const ADDRESS_LIST_FIELDS: &[Field] = &[
    f("list", Kind::Text, None),
    f("address", Kind::Host, None),
    f("timeout", Kind::Text, None),
    f("comment", Kind::Text, None),
    f("disabled", Kind::Bool, Some("false")),
    f("dynamic", Kind::ReadOnly, Some("false")),
];

// RouterOS manual: Firewall / NAT ("action" values: accept, dst-nat, masquerade, ...).
const NAT_ACTIONS: &[&str] = &[
    "accept",
    "add-dst-to-address-list",
    "add-src-to-address-list",
    "dst-nat",
    "endpoint-independent-nat",
    "jump",
    "log",
    "masquerade",
    "netmap",
    "passthrough",
    "redirect",
    "return",
    "same",
    "src-nat",
];

// RouterOS manual: Firewall / Filter ("action" values).
const FILTER_ACTIONS: &[&str] = &[
    "accept",
    "add-dst-to-address-list",
    "add-src-to-address-list",
    "drop",
    "fasttrack-connection",
    "jump",
    "log",
    "passthrough",
    "reject",
    "return",
    "tarpit",
];

/// Matchers both firewall tables share, then the table's own action properties.
macro_rules! rule_fields {
    ($actions:expr, $($extra:expr),* $(,)?) => {
        &[
            f("chain", Kind::Text, None),
            f("action", Kind::OneOf($actions), Some("accept")),
            f("protocol", Kind::Protocol, None),
            f("src-address", Kind::Net, None),
            f("dst-address", Kind::Net, None),
            f("src-port", Kind::Ports, None),
            f("dst-port", Kind::Ports, None),
            f("src-address-list", Kind::Text, None),
            f("dst-address-list", Kind::Text, None),
            f("in-interface", Kind::Text, None),
            f("out-interface", Kind::Text, None),
            f("connection-state", Kind::Text, None),
            f("jump-target", Kind::Text, None),
            $($extra,)*
            f("log", Kind::Bool, Some("false")),
            f("log-prefix", Kind::Text, Some("")),
            f("comment", Kind::Text, None),
            f("disabled", Kind::Bool, Some("false")),
            f("invalid", Kind::ReadOnly, Some("false")),
            f("dynamic", Kind::ReadOnly, Some("false")),
        ]
    };
}

const NAT_FIELDS: &[Field] = rule_fields!(
    NAT_ACTIONS,
    f("to-addresses", Kind::Net, None),
    f("to-ports", Kind::Ports, None),
);

const FILTER_FIELDS: &[Field] = rule_fields!(FILTER_ACTIONS, f("reject-with", Kind::Text, None));

const ACTIVE_FIELDS: &[Field] = &[
    f("name", Kind::Text, None),
    f("service", Kind::Text, None),
    f("caller-id", Kind::Text, Some("")),
    f("address", Kind::Text, None),
    f("uptime", Kind::Text, Some("0s")),
    f("encoding", Kind::Text, Some("")),
    f("session-id", Kind::Text, None),
    f("limit-bytes-in", Kind::Number, Some("0")),
    f("limit-bytes-out", Kind::Number, Some("0")),
    f("radius", Kind::Bool, Some("false")),
];

/// One configured item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: u64,
    pub props: BTreeMap<String, String>,
}

impl query::Props for Item {
    fn prop(&self, name: &str) -> Option<&str> {
        self.props.get(name).map(String::as_str)
    }
}

/// A menu's items; ids grow and are never reused, like a router's between reboots.
///
/// Items are changed only through these methods, which keep an index by `name`: lookups by
/// name (what every provisioning job does) stay fast on a router with many thousand secrets.
#[derive(Debug, Clone)]
pub struct Table {
    items: Vec<Item>,
    next_id: u64,
    names: HashMap<String, BTreeSet<u64>>,
}

impl Table {
    fn new() -> Self {
        Table {
            items: Vec::new(),
            next_id: 1,
            names: HashMap::new(),
        }
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Removes every item; ids handed out later still grow from where they were.
    fn clear(&mut self) {
        self.items.clear();
        self.names.clear();
    }

    fn index(&mut self, id: u64, name: Option<&String>, add: bool) {
        let Some(name) = name else { return };
        if add {
            self.names.entry(name.clone()).or_default().insert(id);
        } else if let Some(ids) = self.names.get_mut(name) {
            ids.remove(&id);
            if ids.is_empty() {
                self.names.remove(name);
            }
        }
    }

    fn push(&mut self, item: Item) {
        self.next_id = self.next_id.max(item.id + 1);
        self.push_fixed(item);
    }

    /// Adds an item with an id of its own that does not move the counter
    /// (the built-in profiles' `*0` and `*FFFFFFFE`).
    fn push_fixed(&mut self, item: Item) {
        self.index(item.id, item.props.get("name").cloned().as_ref(), true);
        self.items.push(item);
    }

    fn insert(&mut self, props: BTreeMap<String, String>) -> u64 {
        let id = self.next_id;
        self.push(Item { id, props });
        id
    }

    /// Changes (or, with `None`, unsets) properties of item `id`.
    fn update(&mut self, id: u64, changes: &[(String, Option<String>)]) -> bool {
        let Some(pos) = self.position(id) else {
            return false;
        };
        let old = self.items[pos].props.get("name").cloned();
        let props = &mut self.items[pos].props;
        for (k, v) in changes {
            match v {
                Some(v) => props.insert(k.clone(), v.clone()),
                None => props.remove(k),
            };
        }
        let new = props.get("name").cloned();
        if old != new {
            self.index(id, old.as_ref(), false);
            self.index(id, new.as_ref(), true);
        }
        true
    }

    fn remove_ids(&mut self, ids: &[u64]) {
        for id in ids {
            if let Some(pos) = self.position(*id) {
                let item = self.items.remove(pos);
                self.index(item.id, item.props.get("name"), false);
            }
        }
    }

    /// Items named `name`, in id order.
    pub fn named(&self, name: &str) -> Vec<&Item> {
        self.names
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|id| self.position(*id).map(|p| &self.items[p]))
            .collect()
    }

    pub fn get(&self, id: u64) -> Option<&Item> {
        self.position(id).map(|p| &self.items[p])
    }

    pub fn by_name(&self, name: &str) -> Option<&Item> {
        self.named(name).into_iter().next()
    }

    fn position(&self, id: u64) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }
}

/// `*` + uppercase hex, unpadded.
pub fn format_id(id: u64) -> String {
    format!("*{id:X}")
}

pub fn parse_id(s: &str) -> Option<u64> {
    u64::from_str_radix(s.strip_prefix('*')?, 16).ok()
}

/// Everything the simulated router holds.
#[derive(Debug, Clone)]
pub struct RouterState {
    pub secrets: Table,
    pub profiles: Table,
    pub active: Table,
    pub address_lists: Table,
    pub nat: Table,
    pub filter: Table,
    /// The dynamic address-list entries each session brought (session id → entry ids).
    session_entries: HashMap<u64, Vec<u64>>,
    pub identity: String,
    /// `/system/resource` except `uptime`, which is computed when printed.
    pub resource: BTreeMap<String, String>,
    started: Instant,
    next_session: u64,
}

/// Ids a real router gives its two built-in profiles.
const DEFAULT_PROFILE_ID: u64 = 0;
const DEFAULT_ENCRYPTION_PROFILE_ID: u64 = 0xFFFF_FFFE;

fn defaults(menu: Menu) -> BTreeMap<String, String> {
    menu.fields()
        .iter()
        .filter_map(|fl| fl.default.map(|d| (fl.name.to_owned(), d.to_owned())))
        .collect()
}

impl RouterState {
    pub fn new(version: &str, identity: &str) -> Self {
        let mut profiles = Table::new();
        for (id, name, enc) in [
            (DEFAULT_PROFILE_ID, "default", "default"),
            (DEFAULT_ENCRYPTION_PROFILE_ID, "default-encryption", "yes"),
        ] {
            let mut p = defaults(Menu::Profile);
            p.insert("name".into(), name.into());
            p.insert("use-encryption".into(), enc.into());
            p.insert("default".into(), "true".into());
            profiles.push_fixed(Item { id, props: p });
        }
        let resource = [
            ("architecture-name", "arm64"),
            ("board-name", "CCR2004-1G-12S+2XS"),
            ("build-time", "2024-11-14 10:00:00"),
            ("cpu", "ARM64"),
            ("cpu-count", "4"),
            ("cpu-frequency", "1700"),
            ("cpu-load", "3"),
            ("free-hdd-space", "95000000"),
            ("free-memory", "3600000000"),
            ("platform", "MikroTik"),
            ("total-hdd-space", "128000000"),
            ("total-memory", "4294967296"),
            ("version", version),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        RouterState {
            secrets: Table::new(),
            profiles,
            active: Table::new(),
            address_lists: Table::new(),
            nat: Table::new(),
            filter: Table::new(),
            session_entries: HashMap::new(),
            identity: identity.to_owned(),
            resource,
            started: Instant::now(),
            next_session: 0x8140_0001,
        }
    }

    /// An empty configuration, as after `/system reset-configuration`: only the
    /// built-in profiles remain. Id counters continue, so no id is handed out twice.
    pub fn reset_configuration(&mut self) {
        self.secrets.clear();
        self.active.clear();
        self.address_lists.clear();
        self.nat.clear();
        self.filter.clear();
        self.session_entries.clear();
        let added: Vec<u64> = self
            .profiles
            .items
            .iter()
            .map(|i| i.id)
            .filter(|id| *id != DEFAULT_PROFILE_ID && *id != DEFAULT_ENCRYPTION_PROFILE_ID)
            .collect();
        self.profiles.remove_ids(&added);
    }

    /// The items of `menu`; `None` for a single-row menu such as `/system/resource`.
    pub fn table(&self, menu: Menu) -> Option<&Table> {
        match menu {
            Menu::Secret => Some(&self.secrets),
            Menu::Profile => Some(&self.profiles),
            Menu::Active => Some(&self.active),
            Menu::AddressList => Some(&self.address_lists),
            Menu::Nat => Some(&self.nat),
            Menu::Filter => Some(&self.filter),
            Menu::Resource | Menu::Identity => None,
        }
    }

    fn table_mut(&mut self, menu: Menu) -> Option<&mut Table> {
        match menu {
            Menu::Secret => Some(&mut self.secrets),
            Menu::Profile => Some(&mut self.profiles),
            Menu::Active => Some(&mut self.active),
            Menu::AddressList => Some(&mut self.address_lists),
            Menu::Nat => Some(&mut self.nat),
            Menu::Filter => Some(&mut self.filter),
            Menu::Resource | Menu::Identity => None,
        }
    }

    /// Adds a session as if `name` had dialled in; returns its `.id`.
    ///
    /// When the secret's profile has an `address-list`, the session's address
    /// is put on that list (or each of a comma-separated few) as a dynamic
    /// entry until the session ends, as RouterOS does (RouterOS manual: PPP,
    /// profile `address-list`).
    pub fn connect_session(&mut self, name: &str, address: &str, caller_id: &str) -> String {
        let mut p = defaults(Menu::Active);
        let session = self.next_session;
        self.next_session += 1;
        for (k, v) in [
            ("name", name),
            ("service", "pppoe"),
            ("caller-id", caller_id),
            ("address", address),
            ("session-id", &format!("0x{session:X}")),
        ] {
            p.insert(k.to_owned(), v.to_owned());
        }
        let id = self.active.insert(p);
        let lists = self.session_lists(name);
        let entries: Vec<u64> = lists
            .iter()
            .map(|list| {
                let mut e = defaults(Menu::AddressList);
                e.insert("list".into(), list.clone());
                e.insert("address".into(), address.to_owned());
                e.insert("dynamic".into(), "true".into());
                self.address_lists.insert(e)
            })
            .collect();
        if !entries.is_empty() {
            self.session_entries.insert(id, entries);
        }
        format_id(id)
    }

    /// Address lists of secret `name`'s profile.
    fn session_lists(&self, name: &str) -> Vec<String> {
        let profile = self
            .secrets
            .by_name(name)
            .and_then(|s| s.props.get("profile"))
            .and_then(|p| self.profiles.by_name(p));
        profile
            .and_then(|p| p.props.get("address-list"))
            .map(|l| {
                l.split(',')
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Ends sessions, and with them their dynamic address-list entries.
    fn end_sessions(&mut self, ids: &[u64]) {
        self.active.remove_ids(ids);
        for id in ids {
            if let Some(entries) = self.session_entries.remove(id) {
                self.address_lists.remove_ids(&entries);
            }
        }
    }

    /// A table item as printed, including `.id`.
    pub fn printed(&self, menu: Menu, item: &Item) -> SimRow {
        let mut row = vec![(".id".to_owned(), format_id(item.id))];
        for fl in menu.fields() {
            if let Some(v) = item.props.get(fl.name) {
                row.push((fl.name.to_owned(), v.clone()));
            }
        }
        // Properties a test put in directly that the schema does not know.
        for (k, v) in &item.props {
            if !menu.fields().iter().any(|fl| fl.name == k) {
                row.push((k.clone(), v.clone()));
            }
        }
        row
    }

    fn single_row(&self, menu: Menu) -> SimRow {
        match menu {
            Menu::Identity => vec![("name".to_owned(), self.identity.clone())],
            _ => {
                let mut row: SimRow = self
                    .resource
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                row.push((
                    "uptime".to_owned(),
                    format_uptime(self.started.elapsed().as_secs()),
                ));
                row.sort();
                row
            }
        }
    }

    /// Runs a command given as an API path (`/ppp/secret/add`), with `=attr=`
    /// pairs and query words without `?`.
    pub fn run(
        &mut self,
        path: &str,
        attrs: &[(String, String)],
        queries: &[String],
    ) -> Result<Outcome, Vec<Trap>> {
        let (menu, verb) = resolve(path)?;
        self.execute(menu, verb, attrs, queries)
            .map_err(|t| vec![t])
    }

    fn execute(
        &mut self,
        menu: Menu,
        verb: &str,
        attrs: &[(String, String)],
        queries: &[String],
    ) -> Result<Outcome, Trap> {
        match verb {
            "print" | "getall" => self.print(menu, attrs, queries),
            "add" => self.add(menu, attrs),
            "set" if menu == Menu::Identity => self.set_identity(attrs),
            "set" => {
                let (ids, changes) = self.targets(menu, attrs)?;
                self.set(menu, &ids, &changes)
            }
            "enable" | "disable" => {
                let (ids, rest) = self.targets(menu, attrs)?;
                if let Some((k, _)) = rest.first() {
                    return Err(unknown_parameter(k));
                }
                let flag = [("disabled".to_owned(), (verb == "disable").to_string())];
                self.set(menu, &ids, &flag)
            }
            "remove" => {
                let (ids, rest) = self.targets(menu, attrs)?;
                if let Some((k, _)) = rest.first() {
                    return Err(unknown_parameter(k));
                }
                self.remove(menu, &ids)
            }
            _ => Err(Trap::with_category("no such command", 0)),
        }
    }

    fn print(
        &self,
        menu: Menu,
        attrs: &[(String, String)],
        queries: &[String],
    ) -> Result<Outcome, Trap> {
        let mut proplist: Option<Vec<&str>> = None;
        let mut count_only = false;
        for (k, v) in attrs {
            match k.as_str() {
                ".proplist" => proplist = Some(v.split(',').filter(|p| !p.is_empty()).collect()),
                "count-only" => count_only = true,
                // Console formatting switches: no effect on API output.
                "detail" | "terse" | "without-paging" | "brief" | "stats" => {}
                other => return Err(unknown_parameter(other)),
            }
        }
        // Filter on the stored properties before formatting: a query for one name on a
        // router with thousands of secrets must not print them all. `.id` is not stored,
        // so a query on it is answered from the printed rows below.
        let on_id = queries.iter().any(|q| q.contains(".id"));
        let one_name = match queries {
            [q] => q.strip_prefix("name=").or_else(|| q.strip_prefix("=name=")),
            _ => None,
        };
        let all: Vec<SimRow> = match (self.table(menu), one_name) {
            (Some(t), Some(name)) => t
                .named(name)
                .into_iter()
                .map(|i| self.printed(menu, i))
                .collect(),
            (Some(t), None) => t
                .items
                .iter()
                .filter(|i| on_id || query::matches(queries, *i))
                .map(|i| self.printed(menu, i))
                .collect(),
            (None, _) => vec![self.single_row(menu)],
        };
        let mut rows: Vec<SimRow> = all
            .into_iter()
            .filter(|r| query::matches(queries, r.as_slice()))
            .collect();
        if count_only {
            return Ok(Outcome {
                rows: Vec::new(),
                done: vec![("ret".to_owned(), rows.len().to_string())],
                is_print: false,
            });
        }
        if let Some(props) = proplist {
            for row in &mut rows {
                let mut kept = Vec::new();
                for p in &props {
                    if let Some(pair) = row.iter().find(|(k, _)| k == p) {
                        kept.push(pair.clone());
                    }
                }
                *row = kept;
            }
        }
        Ok(Outcome {
            rows,
            done: Vec::new(),
            is_print: true,
        })
    }

    /// Checks one property change; `Ok(None)` unsets an optional property.
    fn validate(&self, menu: Menu, name: &str, value: &str) -> Result<Option<String>, Trap> {
        let field = menu
            .fields()
            .iter()
            .find(|fl| fl.name == name && fl.kind != Kind::ReadOnly)
            .ok_or_else(|| unknown_parameter(name))?;
        let invalid = || Trap::with_category(format!("invalid value for argument {name}"), 1);
        if value.is_empty() && field.default.is_none() && name != "name" {
            return Ok(None);
        }
        let v = match field.kind {
            Kind::Text | Kind::ReadOnly => value.to_owned(),
            Kind::Bool => match value {
                "yes" | "true" => "true".to_owned(),
                "no" | "false" => "false".to_owned(),
                _ => return Err(invalid()),
            },
            Kind::Number => value.parse::<u64>().map_err(|_| invalid())?.to_string(),
            Kind::Address => {
                value.parse::<IpAddr>().map_err(|_| invalid())?;
                value.to_owned()
            }
            Kind::OneOf(allowed) => {
                if !allowed.contains(&value) {
                    return Err(no_match(name));
                }
                value.to_owned()
            }
            Kind::ProfileName => {
                if self.profiles.by_name(value).is_none() {
                    return Err(no_match("profile"));
                }
                value.to_owned()
            }
            Kind::Net => check(is_net(value), value, invalid)?,
            Kind::Host => check(is_net(value) || is_dns_name(value), value, invalid)?,
            Kind::Ports => check(is_ports(value), value, invalid)?,
            Kind::Protocol => check(is_protocol(value), value, || no_match(name))?,
        };
        Ok(Some(v))
    }

    fn duplicate(menu: Menu) -> Trap {
        if menu == Menu::AddressList {
            // Seen in forum posts quoting RouterOS; UNCONFIRMED over the API.
            return Trap::new("failure: already have such entry");
        }
        Trap::new(format!(
            "failure: {} with the same name already exists",
            menu.noun()
        ))
    }

    fn add(&mut self, menu: Menu, attrs: &[(String, String)]) -> Result<Outcome, Trap> {
        if menu.required().is_empty() {
            return Err(Trap::with_category("no such command", 0));
        }
        let mut props = defaults(menu);
        for (k, v) in attrs {
            match self.validate(menu, k, v)? {
                Some(v) => props.insert(k.clone(), v),
                None => props.remove(k),
            };
        }
        for req in menu.required() {
            if props.get(*req).is_none_or(|v| v.is_empty()) {
                // The v7 text seen elsewhere; UNCONFIRMED for these menus.
                return Err(Trap::new(format!("missing value(s) of argument(s) {req}")));
            }
        }
        if self.clashes(menu, &props, None) {
            return Err(Self::duplicate(menu));
        }
        let table = self
            .table_mut(menu)
            .ok_or_else(|| Trap::new("no such command"))?;
        let id = table.insert(props);
        Ok(Outcome {
            rows: Vec::new(),
            done: vec![("ret".to_owned(), format_id(id))],
            is_print: false,
        })
    }

    /// Whether `props` (of item `except`, when changing one) would duplicate another
    /// item: a secret or profile name, or an address-list's list and address.
    fn clashes(&self, menu: Menu, props: &BTreeMap<String, String>, except: Option<u64>) -> bool {
        let Some(table) = self.table(menu) else {
            return false;
        };
        match menu {
            Menu::Secret | Menu::Profile => props
                .get("name")
                .and_then(|n| table.by_name(n))
                .is_some_and(|i| Some(i.id) != except),
            Menu::AddressList => table.items.iter().any(|i| {
                Some(i.id) != except
                    && i.props.get("list") == props.get("list")
                    && i.props.get("address") == props.get("address")
            }),
            _ => false,
        }
    }

    /// Splits `.id`/`numbers` (comma lists; `numbers` also takes names) from the
    /// other attributes and resolves every target, failing if any is missing.
    fn targets(&self, menu: Menu, attrs: &[(String, String)]) -> Result<(Vec<u64>, Attrs), Trap> {
        let table = self
            .table(menu)
            .ok_or_else(|| Trap::new("no such command"))?;
        let mut ids = Vec::new();
        let mut rest = Vec::new();
        let mut named = false;
        for (k, v) in attrs {
            if k == ".id" || k == "numbers" {
                named = true;
                for part in v.split(',').filter(|p| !p.is_empty()) {
                    let item = match parse_id(part) {
                        Some(id) => table.items.iter().find(|i| i.id == id),
                        None => table.by_name(part),
                    };
                    ids.push(item.ok_or_else(|| Trap::new(NO_SUCH_ITEM))?.id);
                }
            } else {
                rest.push((k.clone(), v.clone()));
            }
        }
        if !named {
            return Err(Trap::new("missing value(s) of argument(s) numbers"));
        }
        if ids.is_empty() {
            return Err(Trap::new(NO_SUCH_ITEM));
        }
        Ok((ids, rest))
    }

    fn set(
        &mut self,
        menu: Menu,
        ids: &[u64],
        changes: &[(String, String)],
    ) -> Result<Outcome, Trap> {
        let mut checked = Vec::new();
        for (k, v) in changes {
            checked.push((k.clone(), self.validate(menu, k, v)?));
        }
        self.refuse_dynamic(menu, ids)?;
        // Each changed item must not end up equal to another one; giving several
        // items one name makes them equal to each other.
        let renames = checked.iter().any(|(k, v)| k == "name" && v.is_some());
        if renames && ids.len() > 1 {
            return Err(Self::duplicate(menu));
        }
        if checked
            .iter()
            .any(|(k, _)| matches!(k.as_str(), "name" | "list" | "address"))
        {
            for id in ids {
                let Some(item) = self.table(menu).and_then(|t| t.get(*id)) else {
                    continue;
                };
                let mut after = item.props.clone();
                for (k, v) in &checked {
                    match v {
                        Some(v) => after.insert(k.clone(), v.clone()),
                        None => after.remove(k),
                    };
                }
                if self.clashes(menu, &after, Some(*id)) {
                    return Err(Self::duplicate(menu));
                }
            }
        }
        let table = self
            .table_mut(menu)
            .ok_or_else(|| Trap::new("no such command"))?;
        for id in ids {
            if !table.update(*id, &checked) {
                return Err(Trap::new(NO_SUCH_ITEM));
            }
        }
        Ok(Outcome::default())
    }

    /// Entries the router made itself are its own to change.
    fn refuse_dynamic(&self, menu: Menu, ids: &[u64]) -> Result<(), Trap> {
        if !matches!(menu, Menu::AddressList | Menu::Nat | Menu::Filter) {
            return Ok(());
        }
        let dynamic = self.table(menu).is_some_and(|t| {
            ids.iter()
                .filter_map(|id| t.get(*id))
                .any(|i| i.props.get("dynamic").is_some_and(|d| d == "true"))
        });
        if dynamic {
            // UNCONFIRMED text; RouterOS does not let a user change a dynamic entry.
            return Err(Trap::new("failure: cannot change dynamic entry"));
        }
        Ok(())
    }

    fn remove(&mut self, menu: Menu, ids: &[u64]) -> Result<Outcome, Trap> {
        if menu == Menu::Profile
            && ids
                .iter()
                .any(|id| *id == DEFAULT_PROFILE_ID || *id == DEFAULT_ENCRYPTION_PROFILE_ID)
        {
            return Err(Trap::new("failure: cannot remove default profile"));
        }
        self.refuse_dynamic(menu, ids)?;
        if menu == Menu::Active {
            self.end_sessions(ids);
            return Ok(Outcome::default());
        }
        let table = self
            .table_mut(menu)
            .ok_or_else(|| Trap::new("no such command"))?;
        table.remove_ids(ids);
        Ok(Outcome::default())
    }

    fn set_identity(&mut self, attrs: &[(String, String)]) -> Result<Outcome, Trap> {
        for (k, v) in attrs {
            if k != "name" {
                return Err(unknown_parameter(k));
            }
            self.identity = v.clone();
        }
        Ok(Outcome::default())
    }
}

/// A value outside a property's choices. Category 1 ("argument value") as in the
/// API manual's example trap (RouterOS manual: API, "!trap" example); one capture
/// of the profile case showed no category, so the category is UNCONFIRMED.
fn no_match(property: &str) -> Trap {
    Trap::with_category(format!("input does not match any value of {property}"), 1)
}

fn unknown_parameter(_name: &str) -> Trap {
    // v7 may append the name; that suffix is UNCONFIRMED, so the plain text is used.
    Trap::new(UNKNOWN_PARAMETER)
}

fn unknown_dir(word: &str) -> Vec<Trap> {
    vec![
        Trap::with_category(format!("no such command or directory ({word})"), 0),
        Trap::new("no such command prefix"),
    ]
}

/// How many leading segments of `segs` name a menu, and which; the router's
/// errors for a directory that does not exist.
pub fn menu_prefix(segs: &[&str]) -> Result<(usize, Menu), Vec<Trap>> {
    // Without allocating: this runs for every command.
    let mut deepest = 0;
    for (path, menu) in MENUS {
        let words = path.split('/').count();
        let common = path
            .split('/')
            .zip(segs)
            .take_while(|(a, b)| a == *b)
            .count();
        if common == words {
            return Ok((words, *menu));
        }
        deepest = deepest.max(common);
    }
    match segs.get(deepest) {
        // The first word no menu path goes on with.
        Some(seg) => Err(unknown_dir(seg)),
        None => Err(vec![Trap::new("no such command prefix")]),
    }
}

/// Maps an API path to a menu and command, with the router's errors for bad paths.
pub fn resolve(path: &str) -> Result<(Menu, &str), Vec<Trap>> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (n, menu) = menu_prefix(&segs)?;
    match &segs[n..] {
        [verb] if menu.verbs().contains(verb) => Ok((menu, verb)),
        [_] => Err(vec![Trap::with_category("no such command", 0)]),
        _ => Err(vec![Trap::new("no such command prefix")]),
    }
}

/// The checked value, or the invalid-value trap.
fn check(ok: bool, value: &str, invalid: impl FnOnce() -> Trap) -> Result<String, Trap> {
    if ok {
        Ok(value.to_owned())
    } else {
        Err(invalid())
    }
}

/// `a.b.c.d`, `a.b.c.d/len`, `a.b.c.d-e.f.g.h`, each optionally `!`-negated.
fn is_net(v: &str) -> bool {
    let v = v.strip_prefix('!').unwrap_or(v);
    let ip = |s: &str| s.parse::<std::net::Ipv4Addr>().is_ok();
    if let Some((a, len)) = v.split_once('/') {
        return ip(a) && len.parse::<u8>().is_ok_and(|l| l <= 32);
    }
    if let Some((a, b)) = v.split_once('-') {
        return ip(a) && ip(b);
    }
    ip(v)
}

/// A host name RouterOS would resolve: labels of letters, digits and `-`, one with a letter.
fn is_dns_name(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 253
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && v.bytes().any(|b| b.is_ascii_alphabetic())
}

/// `80`, `1000-2000`, `53,80,443`, optionally `!`-negated.
fn is_ports(v: &str) -> bool {
    let v = v.strip_prefix('!').unwrap_or(v);
    let port = |s: &str| s.parse::<u16>().is_ok();
    !v.is_empty()
        && v.split(',').all(|part| match part.split_once('-') {
            Some((a, b)) => port(a) && port(b),
            None => port(part),
        })
}

/// Names RouterOS accepts for `protocol` (RouterOS manual: Firewall / Filter,
/// property `protocol`), or a number.
const PROTOCOLS: &[&str] = &[
    "dccp",
    "ddp",
    "egp",
    "encap",
    "etherip",
    "ggp",
    "gre",
    "hmp",
    "icmp",
    "icmpv6",
    "idpr-cmtp",
    "igmp",
    "ipencap",
    "ipip",
    "ipsec-ah",
    "ipsec-esp",
    "ipv6-encap",
    "ipv6-frag",
    "ipv6-nonxt",
    "ipv6-opts",
    "ipv6-route",
    "iso-tp4",
    "l2tp",
    "ospf",
    "pim",
    "pup",
    "rdp",
    "rspf",
    "rsvp",
    "sctp",
    "st",
    "tcp",
    "udp",
    "udp-lite",
    "vmtp",
    "vrrp",
    "xns-idp",
    "xtp",
];

fn is_protocol(v: &str) -> bool {
    let v = v.strip_prefix('!').unwrap_or(v);
    PROTOCOLS.contains(&v) || v.parse::<u8>().is_ok()
}

/// RouterOS style: `1w2d3h4m5s`, zero parts left out.
fn format_uptime(secs: u64) -> String {
    let parts = [
        (secs / 604_800, 'w'),
        (secs / 86_400 % 7, 'd'),
        (secs / 3600 % 24, 'h'),
        (secs / 60 % 60, 'm'),
        (secs % 60, 's'),
    ];
    let s: String = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if s.is_empty() { "0s".to_owned() } else { s }
}

/// For tests reading state directly: `disabled` as a bool.
pub fn is_disabled(props: &BTreeMap<String, String>) -> bool {
    props.get("disabled").is_some_and(|v| parse_bool(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn msg(r: Result<Outcome, Vec<Trap>>) -> Vec<String> {
        r.expect_err("expected a trap")
            .into_iter()
            .map(|t| t.message)
            .collect()
    }

    #[test]
    fn secret_lifecycle_and_errors() {
        let mut s = RouterState::new("7.16.2 (stable)", "MikroTik");
        let out = s
            .run(
                "/ppp/secret/add",
                &a(&[("name", "alice"), ("password", "x")]),
                &[],
            )
            .unwrap();
        assert_eq!(out.done, a(&[("ret", "*1")]));
        let out = s
            .run("/ppp/secret/add", &a(&[("name", "bob")]), &[])
            .unwrap();
        assert_eq!(out.done, a(&[("ret", "*2")]));
        assert_eq!(
            msg(s.run("/ppp/secret/add", &a(&[("name", "alice")]), &[])),
            ["failure: secret with the same name already exists"]
        );
        assert_eq!(
            msg(s.run(
                "/ppp/secret/add",
                &a(&[("name", "c"), ("profile", "nope")]),
                &[]
            )),
            ["input does not match any value of profile"]
        );
        assert_eq!(
            msg(s.run("/ppp/secret/add", &a(&[("name", "c"), ("bogus", "1")]), &[])),
            ["unknown parameter"]
        );
        assert_eq!(
            msg(s.run(
                "/ppp/secret/set",
                &a(&[(".id", "*9"), ("comment", "x")]),
                &[]
            )),
            [NO_SUCH_ITEM]
        );
        assert_eq!(
            msg(s.run("/caps-man/x/print", &[], &[])),
            [
                "no such command or directory (caps-man)",
                "no such command prefix"
            ]
        );

        s.run("/ppp/secret/disable", &a(&[(".id", "*1,*2")]), &[])
            .unwrap();
        let out = s
            .run(
                "/ppp/secret/print",
                &a(&[(".proplist", "name,disabled")]),
                &["disabled=true".into()],
            )
            .unwrap();
        assert_eq!(
            out.rows,
            vec![
                a(&[("name", "alice"), ("disabled", "true")]),
                a(&[("name", "bob"), ("disabled", "true")])
            ]
        );

        // Unset properties are omitted; defaults are printed.
        let out = s
            .run("/ppp/secret/print", &[], &["=name=bob".into()])
            .unwrap();
        let row = &out.rows[0];
        assert!(row.contains(&("service".into(), "any".into())));
        assert!(row.contains(&("profile".into(), "default".into())));
        assert!(
            !row.iter()
                .any(|(k, _)| k == "remote-address" || k == "comment")
        );

        s.run("/ppp/secret/remove", &a(&[("numbers", "alice")]), &[])
            .unwrap();
        let out = s
            .run("/ppp/secret/add", &a(&[("name", "carol")]), &[])
            .unwrap();
        // Ids are not reused.
        assert_eq!(out.done, a(&[("ret", "*3")]));
    }

    #[test]
    fn menu_paths_and_value_checks() {
        assert_eq!(resolve("/ip/firewall/nat/add").unwrap(), (Menu::Nat, "add"));
        assert_eq!(
            resolve("/ip/firewall/address-list/print").unwrap().0,
            Menu::AddressList
        );
        let msgs = |p: &str| -> Vec<String> {
            resolve(p)
                .unwrap_err()
                .into_iter()
                .map(|t| t.message)
                .collect()
        };
        assert_eq!(msgs("/ip/firewall"), ["no such command prefix"]);
        assert_eq!(
            msgs("/ip/bogus/print"),
            [
                "no such command or directory (bogus)",
                "no such command prefix"
            ]
        );
        assert_eq!(msgs("/ip/firewall/nat/frob"), ["no such command"]);
        assert_eq!(msgs("/ip/firewall/nat/add/x"), ["no such command prefix"]);

        for ok in ["10.0.0.1", "!10.0.0.0/8", "10.0.0.1-10.0.0.9"] {
            assert!(is_net(ok), "{ok}");
        }
        for bad in ["10.0.0", "10.0.0.0/33", "x", "", "10.0.0.1-"] {
            assert!(!is_net(bad), "{bad}");
        }
        assert!(is_dns_name("api.midtrans.com") && !is_dns_name("a..b") && !is_dns_name("1.2"));
        for ok in ["80", "53,80,443", "1000-2000", "!22"] {
            assert!(is_ports(ok), "{ok}");
        }
        for bad in ["http", "70000", "1-", ""] {
            assert!(!is_ports(bad), "{bad}");
        }
        assert!(is_protocol("tcp") && is_protocol("17") && !is_protocol("tpc"));
    }

    #[test]
    fn uptime_format() {
        assert_eq!(format_uptime(0), "0s");
        assert_eq!(format_uptime(694_861), "1w1d1h1m1s");
    }
}
