use chrono::{DateTime, Utc};

use crate::domain::billing::period::{Period, PeriodUnit};
use crate::domain::billing::plan::Plan;
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, Row, StoreError};

const COLUMNS: &str =
    "id, name, price_minor, period_unit, period_count, ppp_profile, rate_limit, active";

fn from_row(r: &Row) -> Result<Plan, StoreError> {
    let unit = r.string(3)?;
    Ok(Plan {
        id: r.i64(0)?,
        name: r.string(1)?,
        price: Money::from_minor(r.i64(2)?),
        period: Period {
            unit: PeriodUnit::parse(&unit)
                .ok_or_else(|| StoreError::Decode(format!("period unit {unit}")))?,
            count: u32::try_from(r.i64(4)?).map_err(|e| StoreError::Decode(e.to_string()))?,
        },
        ppp_profile: r.string(5)?,
        rate_limit: r.opt_string(6)?,
        active: r.bool(7)?,
    })
}

pub async fn insert(ex: &mut dyn Exec, p: &Plan, now: DateTime<Utc>) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO plans (name, price_minor, period_unit, period_count, ppp_profile, rate_limit, \
         active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            &p.name,
            p.price.minor(),
            p.period.unit.as_str(),
            i64::from(p.period.count),
            &p.ppp_profile,
            p.rate_limit.clone(),
            p.active,
            now,
            now
        ],
    )
    .await
}

pub async fn update(ex: &mut dyn Exec, p: &Plan, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE plans SET name = ?, price_minor = ?, period_unit = ?, period_count = ?, \
             ppp_profile = ?, rate_limit = ?, active = ?, updated_at = ? WHERE id = ?",
            params![
                &p.name,
                p.price.minor(),
                p.period.unit.as_str(),
                i64::from(p.period.count),
                &p.ppp_profile,
                p.rate_limit.clone(),
                p.active,
                now,
                p.id
            ],
        )
        .await?;
    Ok(n > 0)
}

pub async fn get(ex: &mut dyn Exec, id: i64) -> Result<Option<Plan>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM plans WHERE id = ?");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn list(ex: &mut dyn Exec) -> Result<Vec<Plan>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM plans ORDER BY id");
    ex.fetch_all(&sql, &[])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn delete(ex: &mut dyn Exec, id: i64) -> Result<bool, StoreError> {
    Ok(ex
        .execute("DELETE FROM plans WHERE id = ?", params![id])
        .await?
        > 0)
}
