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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("John"), "%john%");
        assert_eq!(contains_pattern("50%_a!"), "%50!%!_a!!%");
    }
}
