//! `mikronet audit verify`.

use crate::config::Config;
use crate::service::audit;

/// Verifies the trail and the books against it; prints what holds and every problem. Returns
/// whether everything held.
pub async fn verify(config: Config) -> anyhow::Result<bool> {
    let db = crate::app::open_existing(&config).await?;
    let v = audit::verify(&db).await?;
    match &v.broken_at {
        None => println!("audit trail: {} entries, the chain is intact", v.entries),
        Some((seq, why)) => println!(
            "audit trail: BROKEN at entry {seq}: {why} ({} entries read)",
            v.entries
        ),
    }
    println!(
        "books: {} invoices and {} payments compared with the trail; {} invoices and {} \
         payments are from before it began",
        v.invoices_checked, v.payments_checked, v.before_trail.0, v.before_trail.1
    );
    for m in &v.mismatches {
        println!("MISMATCH: {m}");
    }
    if v.ok() {
        println!("verified: everything holds");
    }
    Ok(v.ok())
}
