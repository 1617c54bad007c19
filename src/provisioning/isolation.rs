//! The router side of isolation: who a cut-off client's address belongs to (their live PPP
//! session), and whether a router holds the isolation setup (see [`crate::domain::isolation`]).

use std::collections::HashMap;
use std::net::IpAddr;

use routeros::RouterApi;
use routeros::router_api::ACTIVE;

use crate::domain::isolation::Setup;

/// The PPP user whose live session has `address` on this router, if any.
pub async fn session_user(
    api: &(impl RouterApi + ?Sized),
    address: IpAddr,
) -> Result<Option<String>, routeros::Error> {
    let ip = address.to_string();
    let rows = api
        .print(ACTIVE, &[("address", ip.as_str())], &["name", "address"])
        .await?;
    Ok(rows
        .into_iter()
        .find(|r| r.get("address").map(String::as_str) == Some(ip.as_str()))
        .and_then(|mut r| r.remove("name")))
}

/// What the router lacks of `setup` or holds otherwise, one line each (empty: in place).
/// Each item is looked up by what identifies it (a firewall's other rules and address lists,
/// however long, are not read).
pub async fn check(
    api: &(impl RouterApi + ?Sized),
    setup: &Setup,
) -> Result<Vec<String>, routeros::Error> {
    let mut rows: HashMap<&str, Vec<_>> = HashMap::new();
    for item in setup.items() {
        let filters: Vec<(&str, &str)> = item
            .identity()
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let found = api.print(item.menu, &filters, &[]).await?;
        rows.entry(item.menu).or_default().extend(found);
    }
    Ok(setup.check(&rows))
}
