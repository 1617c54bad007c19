use chrono::{DateTime, Utc};

use super::Conditions;
use crate::domain::client::Client;
use crate::params;
use crate::storage::{Exec, Row, StoreError};

const COLUMNS: &str = "id, name, phone_number, address, ppp_secret_name, router_id";

fn from_row(r: &Row) -> Result<Client, StoreError> {
    Ok(Client {
        id: r.i64(0)?,
        name: r.string(1)?,
        phone_number: r.string(2)?,
        address: r.string(3)?,
        ppp_secret_name: r.string(4)?,
        router_id: r.opt_i64(5)?,
    })
}

pub async fn insert(
    ex: &mut dyn Exec,
    c: &Client,
    ppp_password_enc: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO clients \
         (name, phone_number, address, ppp_secret_name, ppp_password_enc, router_id, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            &c.name,
            &c.phone_number,
            &c.address,
            &c.ppp_secret_name,
            ppp_password_enc,
            c.router_id,
            now,
            now
        ],
    )
    .await
}

pub async fn get(ex: &mut dyn Exec, id: i64) -> Result<Option<Client>, StoreError> {
    ex.fetch_optional(
        &format!("SELECT {COLUMNS} FROM clients WHERE id = ?"),
        params![id],
    )
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Writes every field of `c`, and the sealed password when it changed.
pub async fn update(
    ex: &mut dyn Exec,
    c: &Client,
    ppp_password_enc: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE clients SET name = ?, phone_number = ?, address = ?, ppp_secret_name = ?, \
             ppp_password_enc = COALESCE(?, ppp_password_enc), router_id = ?, updated_at = ? \
             WHERE id = ?",
            params![
                &c.name,
                &c.phone_number,
                &c.address,
                &c.ppp_secret_name,
                ppp_password_enc,
                c.router_id,
                now,
                c.id
            ],
        )
        .await?;
    Ok(n > 0)
}

pub async fn delete(ex: &mut dyn Exec, id: i64) -> Result<bool, StoreError> {
    Ok(ex
        .execute("DELETE FROM clients WHERE id = ?", params![id])
        .await?
        > 0)
}

/// The search condition: a case-insensitive substring of name, phone number or PPP name.
const SEARCH: &str = "LOWER(name) LIKE ? ESCAPE '!' OR LOWER(phone_number) LIKE ? ESCAPE '!' \
                      OR LOWER(ppp_secret_name) LIKE ? ESCAPE '!'";

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

/// One page of clients, and how many there are in all; `query` narrows to a search.
pub async fn page(
    ex: &mut dyn Exec,
    query: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Client>, i64), StoreError> {
    let mut conds = Conditions::default();
    if let Some(q) = query {
        let p = contains_pattern(q);
        conds.add_all(SEARCH, params![&p, &p, &p].to_vec());
    }
    super::page(
        ex,
        "clients",
        COLUMNS,
        "id",
        conds,
        (limit, offset),
        from_row,
    )
    .await
}

/// Puts an operator's hold on a client, or lifts it.
pub async fn set_held(ex: &mut dyn Exec, id: i64, held: bool) -> Result<bool, StoreError> {
    Ok(ex
        .execute(
            "UPDATE clients SET held = ? WHERE id = ?",
            params![held, id],
        )
        .await?
        > 0)
}

/// One entry of a client's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientEvent {
    /// `connection_disabled`, `connection_enabled`.
    pub kind: String,
    pub actor: String,
    pub reason: Option<String>,
    pub router_job_id: Option<i64>,
    pub at: DateTime<Utc>,
}

pub async fn record_event(
    ex: &mut dyn Exec,
    client_id: i64,
    e: &ClientEvent,
) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO client_events (client_id, kind, actor, reason, router_job_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        params![
            client_id,
            &e.kind,
            &e.actor,
            e.reason.clone(),
            e.router_job_id,
            e.at
        ],
    )
    .await
}

pub async fn history(ex: &mut dyn Exec, client_id: i64) -> Result<Vec<ClientEvent>, StoreError> {
    ex.fetch_all(
        "SELECT kind, actor, reason, router_job_id, created_at FROM client_events \
         WHERE client_id = ? ORDER BY id",
        params![client_id],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(ClientEvent {
            kind: r.string(0)?,
            actor: r.string(1)?,
            reason: r.opt_string(2)?,
            router_job_id: r.opt_i64(3)?,
            at: r.timestamp(4)?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("John"), "%john%");
        assert_eq!(contains_pattern("50%_a!"), "%50!%!_a!!%");
    }
}
