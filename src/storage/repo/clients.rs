use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use chrono::NaiveDate;
use parking_lot::Mutex;

use super::Conditions;
use crate::domain::billing::collection::Collection;
use crate::domain::billing::invoice::Invoice;
use crate::domain::billing::subscription::Status;
use crate::domain::client::{Client, ClientEvent, Overdue};
use crate::domain::ids::{ClientId, RouterId};
use crate::domain::notify::Contact;
use crate::domain::validation::Sealed;
use crate::params;
use crate::storage::{Backend, Exec, StoreError, Table, Value};

crate::table!(Client => "clients" as "c" {
    id, name, phone_number, address, ppp_secret_name, router_id
});
crate::record!(Overdue {
    client_id,
    name,
    phone_number,
    owed,
    invoices,
    oldest_due
});
crate::record!(ClientEvent {
    client_id, kind, actor, reason, router_job_id, at = "created_at"
});

fn select(condition: &str) -> String {
    format!(
        "SELECT {} FROM {} WHERE {condition}",
        Client::select_list(),
        Client::from_clause()
    )
}

/// Stores a new client with its sealed PPP password; returns its id.
pub async fn insert(
    ex: &mut dyn Exec,
    c: &Client,
    ppp_password: &Sealed,
    now: DateTime<Utc>,
) -> Result<ClientId, StoreError> {
    ex.insert_row(
        c,
        &[
            ("ppp_password_enc", ppp_password.0.clone().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    )
    .await
    .map(ClientId)
}

pub async fn get(ex: &mut dyn Exec, id: ClientId) -> Result<Option<Client>, StoreError> {
    ex.first(&select("c.id = ?"), params![id]).await
}

/// Writes every field of `c`, and the sealed password when it changed.
pub async fn update(
    ex: &mut dyn Exec,
    c: &Client,
    ppp_password: Option<&Sealed>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    // The portal signs in with this password: a new one ends the client's sessions there.
    if ppp_password.is_some() {
        super::portal::revoke_client(ex, c.id, now).await?;
    }
    ex.update_row(
        c,
        &[
            (
                "ppp_password_enc = COALESCE(?, ppp_password_enc)",
                ppp_password.map(|p| p.0.clone()).into(),
            ),
            ("updated_at = ?", now.into()),
        ],
    )
    .await
}

pub async fn delete(ex: &mut dyn Exec, id: ClientId) -> Result<bool, StoreError> {
    Ok(ex
        .execute("DELETE FROM clients WHERE id = ?", params![id])
        .await?
        > 0)
}

/// The search condition: a case-insensitive substring of name, phone number or PPP name.
const SEARCH: &str = "LOWER(c.name) LIKE ? ESCAPE '!' OR LOWER(c.phone_number) LIKE ? ESCAPE '!' \
                      OR LOWER(c.ppp_secret_name) LIKE ? ESCAPE '!'";

/// `%text%` with LIKE's wildcards in `text` matched literally.
fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// The shortest query the trigram indexes answer; shorter ones scan (they match most rows
/// anyway, so a page of them is found early in the scan).
const MIN_INDEXED: usize = 3;

/// At most this many of a query's trigrams narrow a MariaDB/MySQL search: every one must be
/// present, so a few already make the candidates few, and the LIKE checks the rest.
const MAX_TRIGRAMS: usize = 6;

/// An FTS5 string: the query as one phrase, so that its trigrams must be consecutive (a
/// substring), whatever characters it holds.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The distinct three-character windows of `text` (compared case-insensitively by the
/// database), at most `max`, spread over the text.
fn trigrams(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut all: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let t: String = w.iter().collect();
        if !all.iter().any(|a| a.to_lowercase() == t.to_lowercase()) {
            all.push(t);
        }
    }
    if all.len() <= max {
        return all;
    }
    (0..max)
        .map(|i| all[i * (all.len() - 1) / (max - 1)].clone())
        .collect()
}

/// SQLite: the part of an ASCII query the trigram index reads, when reading the whole query
/// would cost more than checking the rows it finds; `None` for the whole query.
///
/// A phrase query walks the client list of every trigram in it, and one common trigram (the
/// `081` of most phone numbers) can hold a tenth of all clients: a run of the query's rarer
/// trigrams finds a few more clients than match, at a fraction of the walk, and each of them
/// is then checked against the whole query (see [`ASCII_CHECK`]). Which run is read depends
/// only on how many clients hold each trigram ([`trigram_counts`]), never the answer.
async fn narrowing(ex: &mut dyn Exec, q: &str) -> Result<Option<String>, StoreError> {
    if ex.backend() != Backend::Sqlite || !q.is_ascii() || q.len() <= MIN_INDEXED {
        return Ok(None);
    }
    let lower = q.to_ascii_lowercase();
    let grams: Vec<&str> = (0..=lower.len() - 3).map(|i| &lower[i..i + 3]).collect();
    let counts = trigram_counts(ex, &grams).await?;
    let (start, end) = cheapest_run(&counts);
    Ok((end - start + 1 < grams.len()).then(|| q[start..end + 3].to_owned()))
}

/// What checking one client against the whole query costs, in trigram list entries walked
/// (measured with callgrind: a list entry about 300 instructions, a client read and checked
/// about 7,000).
const CHECK_COST: i64 = 25;

/// Of the runs of consecutive trigrams (by how many clients hold each), the one whose phrase
/// costs least to read and, unless it is the whole query, to check: inclusive trigram indexes.
/// Each trigram beyond the first is taken to keep an eighth of the clients found (at least
/// one); a part of the query is read only when it costs less than half the whole.
fn cheapest_run(counts: &[i64]) -> (usize, usize) {
    let last = counts.len() - 1;
    let mut best = (0, last);
    let mut best_cost = counts.iter().sum::<i64>();
    for start in 0..=last {
        let (mut walk, mut rarest) = (0i64, i64::MAX);
        for (end, &count) in counts.iter().enumerate().skip(start) {
            walk += count;
            rarest = rarest.min(count);
            if (start, end) == (0, last) {
                continue;
            }
            let found = (rarest >> (3 * (end - start)).min(62)).max(1);
            let cost = 2 * (walk + CHECK_COST * found);
            if cost < best_cost {
                (best, best_cost) = ((start, end), cost);
            }
        }
    }
    best
}

/// Counts above this are as good as "very common" to a plan; the cap bounds a first count.
const COUNT_CAP: i64 = 20_000;

/// How long a trigram's count is trusted before it is counted again.
const COUNT_TTL: Duration = Duration::from_secs(300);

/// The counts of this process, by (lower-case ASCII) trigram, with when each was taken.
static TRIGRAM_COUNTS: Mutex<Option<HashMap<String, (i64, Instant)>>> = Mutex::new(None);

/// How many clients hold each trigram (at most [`COUNT_CAP`]): from this process's counts
/// while they are recent, otherwise counted in the index. The counts may be stale or come from
/// another database of the same process (tests): they only steer which part of a query the
/// index reads.
async fn trigram_counts(ex: &mut dyn Exec, grams: &[&str]) -> Result<Vec<i64>, StoreError> {
    let now = Instant::now();
    let mut out: Vec<Option<i64>> = {
        let cache = TRIGRAM_COUNTS.lock();
        grams
            .iter()
            .map(|g| {
                cache
                    .as_ref()
                    .and_then(|m| m.get(*g))
                    .filter(|(_, at)| now.duration_since(*at) < COUNT_TTL)
                    .map(|(n, _)| *n)
            })
            .collect()
    };
    for (i, g) in grams.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        let n: i64 = ex
            .one(
                "SELECT COUNT(*) FROM (SELECT 1 FROM client_search WHERE client_search MATCH ? \
                 LIMIT ?)",
                crate::params![fts_phrase(g), COUNT_CAP],
            )
            .await?;
        let mut cache = TRIGRAM_COUNTS.lock();
        let map = cache.get_or_insert_with(HashMap::new);
        if map.len() >= 100_000 {
            map.clear();
        }
        map.insert((*g).to_owned(), (n, now));
        out[i] = Some(n);
    }
    Ok(out.into_iter().map(|n| n.unwrap_or(0)).collect())
}

/// SQLite: whether a client found through a part of an ASCII query holds the whole query,
/// exactly as the index would answer it. Text that is all ASCII is compared lower-cased
/// (the index folds ASCII case the same way); a client with any other character in its
/// searched text is asked of the index itself, by its rowid (the index folds more than
/// `lower()` does: `K`, the Kelvin sign, is a `k` to it).
/// Parameters: the lower-cased query three times, then the query's phrase.
const ASCII_CHECK: &str = "CASE WHEN length(c.name) = octet_length(c.name) \
     AND length(c.phone_number) = octet_length(c.phone_number) \
     AND length(c.ppp_secret_name) = octet_length(c.ppp_secret_name) \
     THEN instr(lower(c.name), ?) > 0 OR instr(lower(c.phone_number), ?) > 0 \
     OR instr(lower(c.ppp_secret_name), ?) > 0 \
     ELSE EXISTS (SELECT 1 FROM client_search s WHERE s.client_search MATCH ? \
     AND s.rowid = c.id) END";

/// What a search reads (`FROM …`) and the condition it adds, with their parameters in order.
/// `after` narrows to ids above it (keyset paging), inside the index where it has one;
/// `narrow` is the part of the query SQLite's index reads ([`narrowing`]).
fn search_sql(
    backend: Backend,
    query: Option<&str>,
    after: Option<ClientId>,
    narrow: Option<&str>,
) -> (String, String, Vec<Value>) {
    let from = Client::from_clause();
    let mut args: Vec<Value> = Vec::new();
    let mut conds: Vec<String> = Vec::new();
    let mut from_sql = from.clone();
    if let Some(q) = query {
        let indexed = q.chars().count() >= MIN_INDEXED;
        match backend {
            Backend::Sqlite if indexed => {
                // The tokenizer folds case (Unicode), and a phrase of trigrams is a substring:
                // the index's answer is exact (for a part of the query, a superset, checked).
                let range = if after.is_some() {
                    " AND rowid > ?"
                } else {
                    ""
                };
                conds.push(format!(
                    "c.id IN (SELECT rowid FROM client_search WHERE client_search MATCH ?{range})"
                ));
                args.push(fts_phrase(narrow.unwrap_or(q)).into());
                if let Some(a) = after {
                    args.push(a.into());
                }
                if narrow.is_some() {
                    conds.push(ASCII_CHECK.into());
                    let lower = q.to_ascii_lowercase();
                    args.extend([lower.clone().into(), lower.clone().into(), lower.into()]);
                    args.push(fts_phrase(q).into());
                }
            }
            Backend::MySql if indexed => {
                // The clients holding every chosen trigram, read from the trigram table's key,
                // then the LIKE below.
                let grams = trigrams(q, MAX_TRIGRAMS);
                let mut sub = String::from("SELECT t0.client_id FROM client_trigrams t0");
                for i in 1..grams.len() {
                    sub.push_str(&format!(
                        " JOIN client_trigrams t{i} ON t{i}.trigram = ? \
                         AND t{i}.client_id = t0.client_id"
                    ));
                }
                sub.push_str(" WHERE t0.trigram = ?");
                // At least one: the query has three characters or more.
                for g in grams.iter().skip(1).chain(grams.first()) {
                    args.push(g.clone().into());
                }
                if let Some(a) = after {
                    sub.push_str(" AND t0.client_id > ?");
                    args.push(a.into());
                }
                from_sql = format!("({sub}) m JOIN {from} ON c.id = m.client_id");
            }
            _ => {}
        }
        // PostgreSQL answers this condition itself from its pg_trgm indexes.
        if !(backend == Backend::Sqlite && indexed) {
            conds.push(format!("({SEARCH})"));
            let p = contains_pattern(q);
            args.extend([p.clone().into(), p.clone().into(), p.into()]);
        }
    }
    // Where the index took the key range, the outer condition would only tempt the planner
    // into a range scan of `clients`.
    let ranged = query.is_some_and(|q| {
        q.chars().count() >= MIN_INDEXED && matches!(backend, Backend::Sqlite | Backend::MySql)
    });
    if let Some(a) = after.filter(|_| !ranged) {
        conds.push("c.id > ?".into());
        args.push(a.into());
    }
    let clause = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    (from_sql, clause, args)
}

/// One page of clients, and how many there are in all; `query` narrows to a search.
///
/// A search counts its matches in the same statement that reads the page (a window count over
/// what the index found), not by a second scan.
pub async fn page(
    ex: &mut dyn Exec,
    query: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Client>, i64), StoreError> {
    let Some(q) = query else {
        return super::page(
            ex,
            &Client::from_clause(),
            Client::select_list(),
            "c.id",
            Conditions::default(),
            (limit, offset),
        )
        .await;
    };
    let narrow = narrowing(ex, q).await?;
    let (from, clause, mut args) = search_sql(ex.backend(), Some(q), None, narrow.as_deref());
    let count_args = args.clone();
    args.push(limit.into());
    args.push(offset.into());
    let rows: Vec<(Client, i64)> = ex
        .all(
            &format!(
                "SELECT {}, COUNT(*) OVER () FROM {from}{clause} ORDER BY c.id LIMIT ? OFFSET ?",
                Client::select_list()
            ),
            &args,
        )
        .await?;
    let total = match rows.first() {
        Some((_, n)) => *n,
        None if offset == 0 => 0,
        // A page past the end: only then is there a separate count.
        None => {
            ex.one(&format!("SELECT COUNT(*) FROM {from}{clause}"), &count_args)
                .await?
        }
    };
    Ok((rows.into_iter().map(|(c, _)| c).collect(), total))
}

/// Up to `limit` clients with ids above `after` (all when `None`), in id order; `query`
/// narrows to a search. The chunks of a listing that streams every row.
pub async fn after(
    ex: &mut dyn Exec,
    query: Option<&str>,
    after: Option<ClientId>,
    limit: i64,
) -> Result<Vec<Client>, StoreError> {
    let narrow = match query {
        Some(q) => narrowing(ex, q).await?,
        None => None,
    };
    let (from, clause, mut args) = search_sql(ex.backend(), query, after, narrow.as_deref());
    args.push(limit.into());
    ex.all(
        &format!(
            "SELECT {} FROM {from}{clause} ORDER BY c.id LIMIT ?",
            Client::select_list()
        ),
        &args,
    )
    .await
}

/// The ids of the clients whose secrets live on `router`.
pub async fn ids_on_router(
    ex: &mut dyn Exec,
    router: RouterId,
) -> Result<Vec<ClientId>, StoreError> {
    ex.all(
        "SELECT id FROM clients WHERE router_id = ? ORDER BY id",
        params![router],
    )
    .await
}

/// The clients whose PPP secrets have one of `names`, 500 names a statement.
pub async fn with_secret_names(
    ex: &mut dyn Exec,
    names: &[String],
) -> Result<Vec<Client>, StoreError> {
    let mut out = Vec::new();
    for chunk in names.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Value> = chunk.iter().map(|n| Value::from(n.as_str())).collect();
        out.extend(
            ex.all::<Client>(&select(&format!("c.ppp_secret_name IN ({marks})")), &args)
                .await?,
        );
    }
    Ok(out)
}

/// Puts an operator's hold on a client, or lifts it.
pub async fn set_held(ex: &mut dyn Exec, id: ClientId, held: bool) -> Result<bool, StoreError> {
    Ok(ex
        .execute(
            "UPDATE clients SET held = ? WHERE id = ?",
            params![held, id],
        )
        .await?
        > 0)
}

/// Some of a client's columns, as one record (its collection terms, its contact).
async fn part<T: crate::storage::Field>(
    ex: &mut dyn Exec,
    id: ClientId,
    lock: bool,
) -> Result<Option<T>, StoreError> {
    let cols = crate::storage::row::columns::<T>().join(", ");
    let lock = if lock { "{for_update}" } else { "" };
    ex.first(
        &format!("SELECT {cols} FROM clients WHERE id = ?{lock}"),
        params![id],
    )
    .await
}

/// Stores some of a client's columns, as one record.
async fn set_part<T: crate::storage::Field>(
    ex: &mut dyn Exec,
    id: ClientId,
    part: &T,
) -> Result<bool, StoreError> {
    let cols = crate::storage::row::columns::<T>();
    let sets: Vec<String> = cols.iter().map(|c| format!("{c} = ?")).collect();
    let mut args = Vec::with_capacity(cols.len() + 1);
    crate::storage::Field::write(part, &mut args);
    args.push(id.into());
    Ok(ex
        .execute(
            &format!("UPDATE clients SET {} WHERE id = ?", sets.join(", ")),
            &args,
        )
        .await?
        > 0)
}

/// A client's collection terms, exemption and promise; locked with `lock`.
pub async fn collection(
    ex: &mut dyn Exec,
    id: ClientId,
    lock: bool,
) -> Result<Option<Collection>, StoreError> {
    part(ex, id, lock).await
}

/// Stores a client's collection terms, exemption and promise.
pub async fn set_collection(
    ex: &mut dyn Exec,
    id: ClientId,
    c: &Collection,
) -> Result<bool, StoreError> {
    set_part(ex, id, c).await
}

crate::record!(Contact {
    email,
    language,
    whatsapp_opt_out,
    email_opt_out
});

/// How a client is reached; locked with `lock`.
pub async fn contact(
    ex: &mut dyn Exec,
    id: ClientId,
    lock: bool,
) -> Result<Option<Contact>, StoreError> {
    part(ex, id, lock).await
}

pub async fn set_contact(ex: &mut dyn Exec, id: ClientId, c: &Contact) -> Result<bool, StoreError> {
    set_part(ex, id, c).await
}

pub async fn record_event(ex: &mut dyn Exec, e: &ClientEvent) -> Result<i64, StoreError> {
    ex.insert_record("client_events", e).await
}

pub async fn history(
    ex: &mut dyn Exec,
    client_id: ClientId,
) -> Result<Vec<ClientEvent>, StoreError> {
    let cols = crate::storage::row::columns::<ClientEvent>().join(", ");
    ex.all(
        &format!("SELECT {cols} FROM client_events WHERE client_id = ? ORDER BY id"),
        params![client_id],
    )
    .await
}

/// The statuses of the subscriptions of the given clients (through the subscriptions' client
/// index: one statement for a page of clients).
pub async fn subscription_statuses(
    ex: &mut dyn Exec,
    ids: &[ClientId],
) -> Result<Vec<(ClientId, Status)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let args: Vec<Value> = ids.iter().map(|&id| id.into()).collect();
    ex.all(
        &format!("SELECT client_id, status FROM subscriptions WHERE client_id IN ({marks})"),
        &args,
    )
    .await
}

/// The open invoices due before `before`, grouped per client: read from the covering index
/// `ix_invoices_overdue` alone (status, due date, client, amounts), never the table.
const OVERDUE_GROUPS: &str = "SELECT i.client_id, \
     CAST(SUM(i.total_minor - i.paid_minor) AS {bigint}) AS owed, COUNT(*) AS n, \
     MIN(i.due_date) AS oldest FROM invoices i \
     WHERE i.status IN ('pending', 'partially_paid') AND i.due_date < ? GROUP BY i.client_id";

/// One page of the clients with open invoices due before `before`, the longest overdue first
/// (then by client id), and how many such clients there are.
pub async fn overdue_page(
    ex: &mut dyn Exec,
    before: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Overdue>, i64), StoreError> {
    let rows: Vec<(Overdue, i64)> = ex
        .all(
            &format!(
                "SELECT c.id, c.name, c.phone_number, g.owed, g.n, g.oldest, COUNT(*) OVER () \
                 FROM ({OVERDUE_GROUPS}) g JOIN clients c ON c.id = g.client_id \
                 ORDER BY g.oldest, c.id LIMIT ? OFFSET ?"
            ),
            crate::params![before, limit, offset],
        )
        .await?;
    let total = match rows.first() {
        Some((_, n)) => *n,
        None if offset == 0 => 0,
        None => {
            ex.one(
                &format!("SELECT COUNT(*) FROM ({OVERDUE_GROUPS}) g"),
                crate::params![before],
            )
            .await?
        }
    };
    Ok((rows.into_iter().map(|(o, _)| o).collect(), total))
}

/// Every invoice of the given clients, the earliest due first, read through the subscriptions'
/// client index and the invoices' subscription key (a page of clients, never a range of the
/// whole invoices table: the caller picks the overdue ones with the domain's rule).
pub async fn invoices_of_clients(
    ex: &mut dyn Exec,
    ids: &[ClientId],
) -> Result<Vec<Invoice>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let args: Vec<Value> = ids.iter().map(|&id| id.into()).collect();
    ex.all(
        &format!(
            "SELECT {} FROM subscriptions s JOIN invoices i ON i.subscription_id = s.id \
             WHERE s.client_id IN ({marks}) ORDER BY i.due_date, i.id",
            <Invoice as Table>::select_list()
        ),
        &args,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("John"), "%john%");
        assert_eq!(contains_pattern("50%_a!"), "%50!%!_a!!%");
    }

    #[test]
    fn phrases_and_trigrams() {
        assert_eq!(fts_phrase(r#"a"b"#), r#""a""b""#);
        assert_eq!(trigrams("abcab", 6), ["abc", "bca", "cab"]);
        assert_eq!(trigrams("AbcaBC", 6), ["Abc", "bca", "caB"]);
        assert!(trigrams("ab", 6).is_empty());
        let many = trigrams("0123456789abcdef", 6);
        assert_eq!(many.len(), 6);
        assert_eq!(many.first().map(String::as_str), Some("012"));
        assert_eq!(many.last().map(String::as_str), Some("def"));
    }

    /// The plan SQLite makes of a search: through the trigram index for three characters or
    /// more (no scan of `clients`), a scan below that.
    #[tokio::test]
    async fn sqlite_searches_through_the_index() {
        let path = std::env::temp_dir().join(format!("mikronet-fts-{}.db", uuid::Uuid::new_v4()));
        let db = crate::storage::Db::connect(&format!("sqlite://{}", path.display()), 1)
            .await
            .unwrap();
        crate::storage::migrations::run(&db).await.unwrap();
        let plans = db
            .read(|ex| {
                Box::pin(async move {
                    let mut out = Vec::new();
                    for (q, after, narrow) in [
                        ("0810123", None, None),
                        ("0810123", Some(ClientId(5)), None),
                        ("0810123", None, Some("0123")),
                        ("0810123", Some(ClientId(5)), Some("0123")),
                        ("08", None, None),
                    ] {
                        let (from, clause, mut args) =
                            search_sql(ex.backend(), Some(q), after, narrow);
                        args.push(10.into());
                        let sql = format!(
                            "EXPLAIN QUERY PLAN SELECT {}, COUNT(*) OVER () FROM {from}{clause} \
                             ORDER BY c.id LIMIT ?",
                            Client::select_list()
                        );
                        let rows: Vec<(i64, i64, i64, String)> = ex.all(&sql, &args).await?;
                        out.push(rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; "));
                    }
                    Ok::<_, StoreError>(out)
                })
            })
            .await
            .unwrap();
        let scans_clients = |plan: &str| {
            plan.split("; ")
                .any(|step| step == "SCAN c" || step.starts_with("SCAN c "))
        };
        for plan in &plans[..4] {
            assert!(plan.contains("client_search VIRTUAL TABLE INDEX"), "{plan}");
            assert!(
                plan.contains("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"),
                "{plan}"
            );
            assert!(!scans_clients(plan), "{plan}");
        }
        assert!(scans_clients(&plans[4]), "{}", plans[4]);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    #[test]
    fn the_cheapest_run_of_trigrams() {
        // 0810123 over the benchmark's 200,000 clients: 081 810 101 012 123.
        let (start, end) = cheapest_run(&[20_000, 4423, 3007, 1690, 3040]);
        assert!(start >= 1, "the common 081 is left out: {start}..={end}");
        // Rare trigrams everywhere: the whole query, nothing to check.
        assert_eq!(cheapest_run(&[40, 35, 50, 20]), (0, 3));
        assert_eq!(cheapest_run(&[7]), (0, 0));
        // No single trigram is worth checking every client it holds.
        assert_eq!(cheapest_run(&[20_000, 3000]), (0, 1));
    }

    /// A search through a part of the query answers what the whole query's phrase answers:
    /// ASCII text compared lower-cased, any other text asked of the index (which folds the
    /// Kelvin sign to `k`, as `lower()` does not); and in keyset chunks too.
    #[tokio::test]
    async fn sqlite_a_narrowed_search_is_exact() {
        let path =
            std::env::temp_dir().join(format!("mikronet-narrow-{}.db", uuid::Uuid::new_v4()));
        let db = crate::storage::Db::connect(&format!("sqlite://{}", path.display()), 1)
            .await
            .unwrap();
        crate::storage::migrations::run(&db).await.unwrap();
        let found = db
            .write(|ex| {
                Box::pin(async move {
                    let people = [
                        ("Jane Roe", "0810123777", "jroe"),
                        ("Not Quite", "0910123777", "nq"),
                        ("Mixed CASE", "0800", "ab0810123CD"),
                        ("\u{212A}elvin 0810123", "0811", "kel"),
                        ("Ñandú", "08101230", "nandu"),
                        ("Ñandú Two", "0810", "x0123"),
                        ("Zoë", "0899", "z10123"),
                        ("Kelvin Plain", "0812", "kelvin1"),
                    ];
                    for (i, (name, phone, ppp)) in people.into_iter().enumerate() {
                        let c = Client {
                            id: ClientId(0),
                            name: name.into(),
                            phone_number: phone.into(),
                            address: format!("Jl. {i}"),
                            ppp_secret_name: ppp.into(),
                            router_id: None,
                        };
                        insert(ex, &c, &Sealed("x".into()), Utc::now()).await?;
                    }
                    let mut out = Vec::new();
                    for (q, narrow) in [
                        ("0810123", "0123"),
                        ("0810123", "10123"),
                        ("0810123", "810"),
                        ("KELVIN", "elv"),
                        ("b0810123c", "0123"),
                    ] {
                        let mut answers = Vec::new();
                        for narrow in [None, Some(narrow)] {
                            let (from, clause, args) =
                                search_sql(ex.backend(), Some(q), None, narrow);
                            let ids: Vec<i64> = ex
                                .all(
                                    &format!("SELECT c.id FROM {from}{clause} ORDER BY c.id"),
                                    &args,
                                )
                                .await?;
                            let (from, clause, args) =
                                search_sql(ex.backend(), Some(q), Some(ClientId(1)), narrow);
                            let later: Vec<i64> = ex
                                .all(
                                    &format!("SELECT c.id FROM {from}{clause} ORDER BY c.id"),
                                    &args,
                                )
                                .await?;
                            answers.push((ids, later));
                        }
                        out.push((q, answers));
                    }
                    Ok::<_, StoreError>(out)
                })
            })
            .await
            .unwrap();
        for (q, answers) in &found {
            assert_eq!(answers[0], answers[1], "{q}");
            assert!(!answers[0].0.is_empty(), "{q}");
        }
        assert_eq!(found[0].1[0].0, [1, 3, 4, 5], "0810123");
        assert_eq!(found[3].1[0].0, [4, 8], "KELVIN");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    /// The overdue list reads the open invoices' range of the covering index, never the
    /// invoices table; the page's oldest invoices come through the subscriptions' client index.
    #[tokio::test]
    async fn sqlite_reads_overdue_invoices_from_the_index() {
        let path =
            std::env::temp_dir().join(format!("mikronet-overdue-{}.db", uuid::Uuid::new_v4()));
        let db = crate::storage::Db::connect(&format!("sqlite://{}", path.display()), 1)
            .await
            .unwrap();
        crate::storage::migrations::run(&db).await.unwrap();
        let plans = db
            .read(|ex| {
                Box::pin(async move {
                    let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
                    let mut out = Vec::new();
                    let sql = format!(
                        "EXPLAIN QUERY PLAN SELECT c.id, g.owed FROM ({OVERDUE_GROUPS}) g \
                         JOIN clients c ON c.id = g.client_id ORDER BY g.oldest, c.id LIMIT 25"
                    );
                    let rows: Vec<(i64, i64, i64, String)> =
                        ex.all(&sql, crate::params![day]).await?;
                    out.push(rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; "));
                    let sql = format!(
                        "EXPLAIN QUERY PLAN SELECT {} FROM subscriptions s \
                         JOIN invoices i ON i.subscription_id = s.id \
                         WHERE s.client_id IN (?, ?) ORDER BY i.due_date, i.id",
                        <Invoice as Table>::select_list()
                    );
                    let rows: Vec<(i64, i64, i64, String)> =
                        ex.all(&sql, crate::params![1, 2]).await?;
                    out.push(rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; "));
                    Ok::<_, StoreError>(out)
                })
            })
            .await
            .unwrap();
        assert!(
            plans[0].contains("USING COVERING INDEX ix_invoices_overdue"),
            "{}",
            plans[0]
        );
        assert!(!plans[0].contains("SCAN i"), "{}", plans[0]);
        assert!(plans[1].contains("ix_subscriptions_client"), "{}", plans[1]);
        assert!(!plans[1].contains("SCAN i"), "{}", plans[1]);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
