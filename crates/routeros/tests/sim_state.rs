//! Direct access to the simulator's state, for tests of the billing server.

use routeros::Secret;
use routeros::sim::{SimConfig, Simulator};

#[tokio::test]
async fn load_secrets_add_profile_and_find_by_comment_prefix() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let st = sim.state();
    st.add_profile("10M", Some("10M/10M")).unwrap();
    assert_eq!(st.profile("10M").unwrap()["rate-limit"], "10M/10M");
    let plain = st.add_profile("plain", None).unwrap();
    assert!(!st.profile("plain").unwrap().contains_key("rate-limit"));
    assert_eq!(st.profile("plain").unwrap()[".id"], plain);
    assert_eq!(
        st.add_profile("10M", None).unwrap_err()[0].message,
        "failure: profile with the same name already exists"
    );

    let secrets = (0..2000).map(|n| {
        let mut s = Secret::new(format!("user{n}"), "pw");
        s.profile = Some("10M".into());
        s.disabled = n % 10 == 0;
        s.comment = Some(if n % 2 == 0 {
            format!("mikronet:client:{n}")
        } else {
            "hand-made".into()
        });
        s
    });
    let ids = st.load_secrets(secrets).unwrap();
    assert_eq!(ids.len(), 2000);
    assert_eq!(ids[0], "*1");
    let s = st.secret("user10").unwrap();
    assert_eq!(s["profile"], "10M");
    assert_eq!(s["disabled"], "true");
    assert_eq!(
        st.secrets_with_comment_prefix("mikronet:client:").len(),
        1000
    );
    assert_eq!(
        st.secrets_with_comment_prefix("mikronet:client:19").len(),
        55,
        "190..198 and 1900..1998, even"
    );

    // A refusal stops the load; what came before stays.
    let more = vec![
        Secret::new("new-1", "x"),
        Secret::new("user0", "x"),
        Secret::new("new-2", "x"),
    ];
    let e = st.load_secrets(more).unwrap_err();
    assert_eq!(
        e[0].message,
        "failure: secret with the same name already exists"
    );
    assert!(st.secret("new-1").is_some());
    assert!(st.secret("new-2").is_none());
}
