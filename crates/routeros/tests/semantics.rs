//! The router behaviour the billing server relies on, over both transports.

use std::time::Duration;

use routeros::sim::{SimConfig, SimHandle, Simulator};
use routeros::{
    ApiClient, ApiConfig, ErrorKind, ProfileSpec, RestClient, RestConfig, RouterApi, Secret,
    SecretUpdate,
};

async fn sim() -> SimHandle {
    Simulator::start(SimConfig::default()).await.unwrap()
}

async fn api(sim: &SimHandle) -> Box<dyn RouterApi> {
    let cfg = ApiConfig::new("127.0.0.1", "admin", "secret")
        .port(sim.api_addr.port())
        .reply_timeout(Duration::from_secs(5));
    Box::new(ApiClient::connect(cfg).await.unwrap())
}

fn rest(sim: &SimHandle) -> Box<dyn RouterApi> {
    let cfg = RestConfig::new("127.0.0.1", "admin", "secret")
        .plain_http()
        .port(sim.rest_addr.port())
        .request_timeout(Duration::from_secs(5));
    Box::new(RestClient::new(cfg).unwrap())
}

/// Both transports against fresh simulators.
async fn each_transport(check: impl AsyncFn(&SimHandle, &dyn RouterApi, bool)) {
    let s = sim().await;
    check(&s, &*api(&s).await, false).await;
    let s = sim().await;
    check(&s, &*rest(&s), true).await;
}

#[tokio::test]
async fn unknown_profile_on_add_and_set() {
    each_transport(async |sim, r, is_rest| {
        let mut s = Secret::new("alice", "x");
        s.profile = Some("gold".into());
        let e = r.add_secret(&s).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Trap);
        assert_eq!(
            e.trap_message(),
            Some("input does not match any value of profile")
        );
        if is_rest {
            assert_eq!(e.http_status(), Some(400));
        } else {
            assert_eq!(e.trap_category(), Some(1));
        }
        assert!(sim.state().secret("alice").is_none());

        let id = r.add_secret(&Secret::new("alice", "x")).await.unwrap();
        let change = SecretUpdate {
            profile: Some("gold".into()),
            comment: Some("not applied".into()),
            ..Default::default()
        };
        let e = r.set_secret(&id, &change).await.unwrap_err();
        assert_eq!(
            e.trap_message(),
            Some("input does not match any value of profile")
        );
        // A refused set changes nothing, not even the valid part.
        let stored = sim.state().secret("alice").unwrap();
        assert_eq!(stored["profile"], "default");
        assert!(!stored.contains_key("comment"));
    })
    .await;
}

#[tokio::test]
async fn duplicate_names_and_missing_ids() {
    each_transport(async |_sim, r, is_rest| {
        let id = r.add_secret(&Secret::new("alice", "x")).await.unwrap();
        let e = r.add_secret(&Secret::new("alice", "y")).await.unwrap_err();
        assert_eq!(
            e.trap_message(),
            Some("failure: secret with the same name already exists")
        );
        let bob = r.add_secret(&Secret::new("bob", "y")).await.unwrap();
        let rename = SecretUpdate {
            name: Some("alice".into()),
            ..Default::default()
        };
        let e = r.set_secret(&bob, &rename).await.unwrap_err();
        assert_eq!(
            e.trap_message(),
            Some("failure: secret with the same name already exists")
        );

        r.remove_secret(&id).await.unwrap();
        let e = r.remove_secret(&id).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Trap);
        assert!(e.is_no_such_item(), "{e:?}");
        if is_rest {
            assert_eq!(e.http_status(), Some(404));
        } else {
            assert!(
                e.trap_message().unwrap().starts_with("no such item"),
                "{e:?}"
            );
        }
        let e = r.set_secret(&id, &rename).await.unwrap_err();
        assert!(e.is_no_such_item(), "{e:?}");
    })
    .await;
}

#[tokio::test]
async fn a_renamed_secret_is_found_by_its_comment() {
    each_transport(async |sim, r, _| {
        for (name, comment) in [
            ("alice", "mikronet:client:42"),
            ("bob", "mikronet:client:420"),
            ("carol", "set by hand"),
        ] {
            let mut s = Secret::new(name, "x");
            s.comment = Some(comment.into());
            r.add_secret(&s).await.unwrap();
        }
        // Someone renamed alice on the router.
        sim.state()
            .run(
                "/ppp/secret/set",
                &[("numbers", "alice"), ("name", "alice-old")],
                &[],
            )
            .unwrap();
        let found = r
            .find_secret_by_comment("mikronet:client:42")
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "exact match only: {found:?}");
        assert_eq!(found[0].name, "alice-old");
        assert_eq!(found[0].comment.as_deref(), Some("mikronet:client:42"));
        assert!(found[0].id.is_some());
        assert!(
            r.find_secret_by_comment("mikronet:client:7")
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn profiles_with_comment_address_list_and_removal() {
    each_transport(async |sim, r, _| {
        let spec = ProfileSpec::new("plan-10M")
            .rate_limit("10M/10M")
            .comment("mikronet:plan:7")
            .local_address("10.10.0.1");
        let id = r.upsert_profile(&spec).await.unwrap();
        let isolation = ProfileSpec::new("isolir")
            .rate_limit("1M/1M")
            .address_list("mikronet-isolated")
            .remote_address("172.30.0.0")
            .comment("mikronet:isolation");
        let iso = r.upsert_profile(&isolation).await.unwrap();
        assert_ne!(id, iso);

        let all = r.list_profiles().await.unwrap();
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["default", "default-encryption", "plan-10M", "isolir"]
        );
        let p = &all[2];
        assert_eq!(p.id.as_deref(), Some(id.as_str()));
        assert_eq!(p.rate_limit.as_deref(), Some("10M/10M"));
        assert_eq!(p.comment.as_deref(), Some("mikronet:plan:7"));
        assert_eq!(p.local_address.as_deref(), Some("10.10.0.1"));
        assert_eq!(p.address_list, None);
        let q = &all[3];
        assert_eq!(q.address_list.as_deref(), Some("mikronet-isolated"));
        assert_eq!(q.remote_address.as_deref(), Some("172.30.0.0"));
        // The built-in profile prints no address list and no rate limit.
        assert_eq!(all[0].address_list, None);
        assert_eq!(all[0].rate_limit, None);

        // Upsert again: same id; None leaves the local address alone, "" unsets the rate limit.
        let mut again = ProfileSpec::new("plan-10M").comment("mikronet:plan:7");
        again.rate_limit = Some(String::new());
        assert_eq!(r.upsert_profile(&again).await.unwrap(), id);
        let stored = sim.state().profile("plan-10M").unwrap();
        assert!(!stored.contains_key("rate-limit"), "{stored:?}");
        assert_eq!(stored["local-address"], "10.10.0.1");

        r.remove_profile(&iso).await.unwrap();
        assert!(sim.state().profile("isolir").is_none());
        assert!(r.remove_profile(&iso).await.unwrap_err().is_no_such_item());
        let default_id = all[0].id.clone().unwrap();
        let e = r.remove_profile(&default_id).await.unwrap_err();
        assert_eq!(
            e.trap_message(),
            Some("failure: cannot remove default profile")
        );
    })
    .await;
}

#[tokio::test]
async fn upsert_of_an_unchanged_profile_writes_nothing() {
    let sim = sim().await;
    let r = api(&sim).await;
    let spec = ProfileSpec::new("p")
        .rate_limit("5M/5M")
        .comment("mikronet:plan:1");
    r.upsert_profile(&spec).await.unwrap();
    let before = sim.commands_executed();
    r.upsert_profile(&spec).await.unwrap();
    assert_eq!(sim.commands_executed() - before, 1, "one print, no set");
    let changed = spec.clone().rate_limit("6M/6M");
    r.upsert_profile(&changed).await.unwrap();
    assert_eq!(sim.commands_executed() - before, 3, "print and set");
    assert_eq!(sim.state().profile("p").unwrap()["rate-limit"], "6M/6M");
}
