use chrono::{DateTime, Utc};

use super::Conditions;
use crate::domain::client::{Client, ClientEvent};
use crate::domain::ids::{ClientId, RouterId};
use crate::domain::validation::Sealed;
use crate::params;
use crate::storage::{Exec, StoreError, Table};

crate::table!(Client => "clients" as "c" {
    id, name, phone_number, address, ppp_secret_name, router_id
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
        &Client::from_clause(),
        Client::select_list(),
        "c.id",
        conds,
        (limit, offset),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("John"), "%john%");
        assert_eq!(contains_pattern("50%_a!"), "%50!%!_a!!%");
    }
}
