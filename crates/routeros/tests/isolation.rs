//! What a cut-off ("isolation", walled garden) setup needs from the router:
//! firewall menus, a PPP profile that puts its clients on an address list, and
//! a setup script applied as RouterOS would.

use std::time::Duration;

use hyper::Method;
use routeros::sim::{SimConfig, SimHandle, Simulator};
use routeros::{
    ApiClient, ApiConfig, ErrorKind, ProfileSpec, RestClient, RestConfig, RouterApi, Secret, script,
};
use serde_json::json;

const NAT: &str = "/ip/firewall/nat";
const FILTER: &str = "/ip/firewall/filter";
const LISTS: &str = "/ip/firewall/address-list";

/// The shape of script `mikronet router-setup` will print.
const SETUP: &str = r#"# MikroNet Billing: isolation (walled garden) for clients cut off for non-payment
/ppp profile
add name=mikronet-isolir rate-limit=512k/512k address-list=mikronet-isolated \
    comment="mikronet:isolation"

/ip firewall address-list
add list=mikronet-garden address=10.0.0.5 comment="billing server"
add list=mikronet-garden address=api.midtrans.com comment="payment gateway"
add list=mikronet-garden address=app.midtrans.com

/ip firewall nat
add chain=dstnat protocol=tcp dst-port=80 src-address-list=mikronet-isolated \
    dst-address-list=!mikronet-garden action=dst-nat to-addresses=10.0.0.5 \
    to-ports=8080 comment="mikronet: notice page"

/ip firewall filter
add chain=forward protocol=udp dst-port=53 src-address-list=mikronet-isolated \
    action=accept comment="mikronet: isolated DNS"
add chain=forward protocol=tcp dst-port=53 src-address-list=mikronet-isolated action=accept
add chain=forward src-address-list=mikronet-isolated dst-address-list=mikronet-garden \
    action=accept comment="mikronet: walled garden"
add chain=forward src-address-list=mikronet-isolated action=drop \
    comment="mikronet: isolated, everything else"
"#;

async fn sim() -> SimHandle {
    Simulator::start(SimConfig::default()).await.unwrap()
}

async fn api(sim: &SimHandle) -> ApiClient {
    let cfg = ApiConfig::new("127.0.0.1", "admin", "secret")
        .port(sim.api_addr.port())
        .reply_timeout(Duration::from_secs(5));
    ApiClient::connect(cfg).await.unwrap()
}

fn a(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn firewall_menus_over_the_api() {
    let sim = sim().await;
    let api = api(&sim).await;
    let id = api
        .add(
            NAT,
            &a(&[
                ("chain", "dstnat"),
                ("protocol", "tcp"),
                ("dst-port", "80"),
                ("src-address-list", "isolated"),
                ("action", "dst-nat"),
                ("to-addresses", "10.0.0.5"),
                ("to-ports", "8080"),
                ("comment", "notice"),
            ]),
        )
        .await
        .unwrap();
    let rows = api.print(NAT, &[("comment", "notice")], &[]).await.unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r[".id"], id);
    for (k, v) in [
        ("chain", "dstnat"),
        ("action", "dst-nat"),
        ("protocol", "tcp"),
        ("dst-port", "80"),
        ("to-addresses", "10.0.0.5"),
        ("to-ports", "8080"),
        ("disabled", "false"),
        ("dynamic", "false"),
    ] {
        assert_eq!(r[k], v, "{k}");
    }
    // Unset matchers are not printed.
    assert!(!r.contains_key("dst-address-list"));

    api.set(NAT, &id, &a(&[("to-ports", "8081")]))
        .await
        .unwrap();
    api.command(NAT, "disable", &a(&[(".id", &id)]))
        .await
        .unwrap();
    let stored = &sim.state().nat_rules()[0];
    assert_eq!(stored["to-ports"], "8081");
    assert_eq!(stored["disabled"], "true");

    let trap = |attrs: Vec<(String, String)>| {
        let api = api.clone();
        async move { api.add(FILTER, &attrs).await.unwrap_err() }
    };
    let e = trap(a(&[("chain", "forward"), ("colour", "red")])).await;
    assert_eq!(e.trap_message(), Some("unknown parameter"));
    let e = trap(a(&[("chain", "forward"), ("action", "dst-nat")])).await;
    assert_eq!(e.kind(), ErrorKind::Trap);
    assert_eq!(
        e.trap_message(),
        Some("input does not match any value of action")
    );
    let e = trap(a(&[("chain", "forward"), ("dst-port", "http")])).await;
    assert_eq!(
        e.trap_message(),
        Some("invalid value for argument dst-port")
    );
    let e = trap(a(&[("chain", "forward"), ("src-address", "10.0.0.300")])).await;
    assert_eq!(
        e.trap_message(),
        Some("invalid value for argument src-address")
    );
    let e = trap(a(&[("action", "drop")])).await;
    assert_eq!(
        e.trap_message(),
        Some("missing value(s) of argument(s) chain")
    );
    // NAT has no `reject-with`; filter has no `to-ports`.
    let e = api
        .add(NAT, &a(&[("chain", "srcnat"), ("reject-with", "x")]))
        .await
        .unwrap_err();
    assert_eq!(e.trap_message(), Some("unknown parameter"));
    let e = trap(a(&[("chain", "forward"), ("to-ports", "80")])).await;
    assert_eq!(e.trap_message(), Some("unknown parameter"));

    api.remove(NAT, &id).await.unwrap();
    assert!(sim.state().nat_rules().is_empty());
    assert!(api.remove(NAT, &id).await.unwrap_err().is_no_such_item());
}

#[tokio::test]
async fn address_lists_take_addresses_subnets_and_dns_names() {
    let sim = sim().await;
    let api = api(&sim).await;
    for address in [
        "10.0.0.5",
        "10.1.0.0/16",
        "10.2.0.1-10.2.0.9",
        "api.midtrans.com",
    ] {
        api.add(LISTS, &a(&[("list", "garden"), ("address", address)]))
            .await
            .unwrap();
    }
    let e = api
        .add(
            LISTS,
            &a(&[("list", "garden"), ("address", "api.midtrans.com")]),
        )
        .await
        .unwrap_err();
    assert_eq!(e.trap_message(), Some("failure: already have such entry"));
    let e = api
        .add(LISTS, &a(&[("list", "garden"), ("address", "not a host!")]))
        .await
        .unwrap_err();
    assert_eq!(e.trap_message(), Some("invalid value for argument address"));
    let e = api.add(LISTS, &a(&[("list", "garden")])).await.unwrap_err();
    assert_eq!(
        e.trap_message(),
        Some("missing value(s) of argument(s) address")
    );
    let garden = sim.state().address_list("garden");
    let addrs: Vec<&str> = garden.iter().map(|e| e["address"].as_str()).collect();
    assert_eq!(
        addrs,
        [
            "10.0.0.5",
            "10.1.0.0/16",
            "10.2.0.1-10.2.0.9",
            "api.midtrans.com"
        ]
    );
    assert!(garden.iter().all(|e| e["dynamic"] == "false"));
    assert!(sim.state().address_list("other").is_empty());
}

#[tokio::test]
async fn an_isolated_session_is_on_the_profiles_address_list_while_it_is_up() {
    let sim = sim().await;
    let api = api(&sim).await;
    api.upsert_profile(&ProfileSpec::new("isolir").address_list("mikronet-isolated"))
        .await
        .unwrap();
    let mut alice = Secret::new("alice", "x");
    alice.profile = Some("isolir".into());
    api.add_secret(&alice).await.unwrap();
    api.add_secret(&Secret::new("bob", "x")).await.unwrap();

    let st = sim.state();
    let session = st.connect_session("alice", "10.9.0.2", "AA:00:00:00:00:01");
    st.connect_session("bob", "10.9.0.3", "AA:00:00:00:00:02");
    let listed = st.address_list("mikronet-isolated");
    assert_eq!(
        listed.len(),
        1,
        "only alice's profile has a list: {listed:?}"
    );
    assert_eq!(listed[0]["address"], "10.9.0.2");
    assert_eq!(listed[0]["dynamic"], "true");
    // Visible over the API as RouterOS prints it.
    let rows = api
        .print(LISTS, &[("list", "mikronet-isolated")], &[])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["dynamic"], "true");
    // The router's own entry is not the user's to remove.
    let entry = rows[0][".id"].clone();
    let e = api.remove(LISTS, &entry).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Trap);

    // Hanging up (as the billing server does after moving alice to isolation) takes it away.
    api.remove_active(&session).await.unwrap();
    assert!(st.address_list("mikronet-isolated").is_empty());
    // Dialling in again brings it back; a reset takes everything.
    let again = st.connect_session("alice", "10.9.0.7", "AA:00:00:00:00:01");
    assert_eq!(
        st.address_list("mikronet-isolated")[0]["address"],
        "10.9.0.7"
    );
    assert!(st.disconnect_session(&again));
    assert!(!st.disconnect_session(&again));
    assert!(st.address_list("mikronet-isolated").is_empty());
}

#[tokio::test]
async fn the_setup_script_applies_to_the_simulator() {
    let sim = sim().await;
    let st = sim.state();
    assert_eq!(st.run_script(SETUP).unwrap(), 9);

    let p = st.profile("mikronet-isolir").unwrap();
    assert_eq!(p["address-list"], "mikronet-isolated");
    assert_eq!(p["rate-limit"], "512k/512k");
    assert_eq!(p["comment"], "mikronet:isolation");
    let garden: Vec<String> = st
        .address_list("mikronet-garden")
        .iter()
        .map(|e| e["address"].clone())
        .collect();
    assert_eq!(garden, ["10.0.0.5", "api.midtrans.com", "app.midtrans.com"]);
    let nat = st.nat_rules();
    assert_eq!(nat.len(), 1);
    assert_eq!(nat[0]["dst-address-list"], "!mikronet-garden");
    assert_eq!(nat[0]["to-addresses"], "10.0.0.5");
    assert_eq!(nat[0]["comment"], "mikronet: notice page");
    let actions: Vec<String> = st
        .filter_rules()
        .iter()
        .map(|r| r["action"].clone())
        .collect();
    assert_eq!(actions, ["accept", "accept", "accept", "drop"], "in order");

    // Applied a second time, the router refuses the duplicate profile, naming the line.
    let e = st.run_script(SETUP).unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(
        e.message
            .contains("failure: profile with the same name already exists"),
        "{e}"
    );
    sim.reset_configuration();
    assert!(st.nat_rules().is_empty() && st.filter_rules().is_empty());
    assert!(st.address_list("mikronet-garden").is_empty());
    assert!(st.profile("mikronet-isolir").is_none());
}

#[tokio::test]
async fn script_commands_run_over_the_api_client_too() {
    let sim = sim().await;
    let api = api(&sim).await;
    for c in script::parse(SETUP).unwrap() {
        api.execute(&c.command)
            .await
            .unwrap_or_else(|e| panic!("line {}: {e}", c.line));
    }
    assert_eq!(sim.state().filter_rules().len(), 4);
    // A refused value reports the router's words.
    let bad = script::parse("/ip firewall nat add chain=dstnat action=teleport").unwrap();
    let e = api.execute(&bad[0].command).await.unwrap_err();
    assert_eq!(
        e.trap_message(),
        Some("input does not match any value of action")
    );
}

#[tokio::test]
async fn firewall_menus_over_rest() {
    let sim = sim().await;
    let rest = RestClient::new(
        RestConfig::new("127.0.0.1", "admin", "secret")
            .plain_http()
            .port(sim.rest_addr.port()),
    )
    .unwrap();
    let created = rest
        .request(
            Method::PUT,
            "/rest/ip/firewall/filter",
            Some(&json!({"chain": "forward", "action": "drop", "src-address-list": "iso"})),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created["action"], "drop");
    let id = created[".id"].as_str().unwrap().to_owned();
    let got = rest
        .request(Method::GET, &format!("/rest/ip/firewall/filter/{id}"), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got["src-address-list"], "iso");
    rest.set(FILTER, &id, &a(&[("disabled", "yes")]))
        .await
        .unwrap();
    assert_eq!(sim.state().filter_rules()[0]["disabled"], "true");
    let e = rest
        .add(FILTER, &a(&[("chain", "forward"), ("colour", "red")]))
        .await
        .unwrap_err();
    assert_eq!(e.trap_message(), Some("unknown parameter"));
    assert_eq!(e.http_status(), Some(400));
    let e = rest
        .print("/ip/firewall/bogus", &[], &[])
        .await
        .unwrap_err();
    assert_eq!(
        e.trap_message(),
        Some("no such command or directory (bogus)")
    );
    rest.remove(FILTER, &id).await.unwrap();
    assert!(sim.state().filter_rules().is_empty());
    assert_eq!(
        rest.remove(FILTER, &id).await.unwrap_err().http_status(),
        Some(404)
    );
}
