//! What a client's PPP secret should look like on its router, and the rules of retrying router
//! changes.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::billing::subscription::Status;
use super::ids::{ClientId, JobId, PlanId, RouterId};
use super::router::SuspendMode;
use crate::words;

words! {
    /// What kind of router object a sync row keeps in step.
    pub enum SyncKind {
        /// A client's `/ppp/secret` (object id: the client).
        Secret = "secret",
        /// A plan's `/ppp/profile` (object id: the plan).
        Profile = "profile",
    }
}

words! {
    /// Where an object's sync stands.
    pub enum SyncStatus {
        /// The database changed since the router last took it: the worker will apply it.
        Pending = "pending",
        /// The router holds what the database says.
        Done = "done",
        /// The router refused it too often; it converges again on the next change or retry.
        Failed = "failed",
    }
}

/// One router object kept in step with the database: "make this object on this router match
/// the database now". Each change bumps `version`; the worker computes the desired state when
/// it applies it, so nothing stale is ever replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncObject {
    pub id: JobId,
    pub router_id: RouterId,
    pub kind: SyncKind,
    pub object_id: i64,
    pub version: i64,
    pub applied_version: i64,
    pub status: SyncStatus,
    /// Answers in a row in which the router refused the change.
    pub refusals: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub changed_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
}

impl SyncObject {
    /// The client whose secret this is.
    pub fn client_id(&self) -> Option<ClientId> {
        (self.kind == SyncKind::Secret).then_some(ClientId(self.object_id))
    }

    /// The plan whose profile this is.
    pub fn plan_id(&self) -> Option<PlanId> {
        (self.kind == SyncKind::Profile).then_some(PlanId(self.object_id))
    }
}

/// The comment that marks a profile as ours, naming its plan.
pub fn profile_comment(plan: PlanId) -> String {
    format!("mikronet:plan:{plan}")
}

/// The plan a profile's comment names, if it is one of ours.
pub fn plan_of_comment(comment: &str) -> Option<PlanId> {
    comment
        .strip_prefix("mikronet:plan:")?
        .parse()
        .ok()
        .map(PlanId)
}

/// What a profile should look like on every router: a plan's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileState {
    pub plan_id: PlanId,
    pub name: String,
    pub rate_limit: Option<String>,
}

/// What a client's secret should be on one router: there, with this state, or gone (the client
/// was deleted or moved to another router).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DesiredSecret {
    Present {
        name: String,
        password: super::validation::Sealed,
        state: SecretState,
    },
    Absent,
}

/// The state a client's secret should have on the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretState {
    pub profile: String,
    pub disabled: bool,
}

/// The profile RouterOS gives a secret that names none.
pub const DEFAULT_PROFILE: &str = "default";

/// The subscription that decides a client's secret: its status, its plan's profile, and the
/// low-rate profile it is throttled to instead of being cut off (set only when the client's
/// or the plan's overdue action is `throttle` and the plan names one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deciding<'a> {
    pub status: Status,
    pub profile: &'a str,
    pub throttle: Option<&'a str>,
}

/// A client is cut off when an operator holds them, or when their subscription is suspended;
/// otherwise their secret is enabled with their plan's profile. A suspended subscription
/// under a throttle keeps the secret enabled on the low-rate profile (an operator's hold, an
/// expiry or a cancellation still cut off).
pub fn secret_state(
    held: bool,
    subscription: Option<Deciding<'_>>,
    mode: SuspendMode,
    isolation_profile: Option<&str>,
) -> SecretState {
    let plan_profile = subscription.map_or(DEFAULT_PROFILE, |s| s.profile);
    let cut_off = held || subscription.is_some_and(|s| s.status.cuts_off());
    let throttle = subscription
        .filter(|s| !held && s.status == Status::Suspended)
        .and_then(|s| s.throttle);
    match (cut_off, throttle, mode, isolation_profile) {
        (false, ..) => SecretState {
            profile: plan_profile.to_owned(),
            disabled: false,
        },
        (true, Some(slow), ..) => SecretState {
            profile: slow.to_owned(),
            disabled: false,
        },
        (true, None, SuspendMode::Isolate, Some(iso)) => SecretState {
            profile: iso.to_owned(),
            disabled: false,
        },
        (true, ..) => SecretState {
            profile: plan_profile.to_owned(),
            disabled: true,
        },
    }
}

/// Whether a client on a router keeps a secret there: always, except an expired client when
/// the provider removes expired secrets (`expired_secret = "remove"`) and no operator holds
/// the client (a hold keeps the secret, disabled, until it is lifted).
pub fn secret_kept(held: bool, deciding: Option<Status>, remove_expired: bool) -> bool {
    held || !remove_expired || deciding != Some(Status::Expired)
}

/// The comment that marks a secret as ours; reconcile never touches a secret without it.
pub fn comment_for(client_id: ClientId) -> String {
    format!("mikronet:client:{client_id}")
}

/// The client a secret's comment names, if it is one of ours.
pub fn client_of_comment(comment: &str) -> Option<ClientId> {
    comment
        .strip_prefix("mikronet:client:")?
        .parse()
        .ok()
        .map(ClientId)
}

/// Wait before retry number `attempts` (1-based): 2, 4, 8 … seconds, at most five minutes.
pub fn backoff(attempts: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.min(16)).min(300))
}

/// A router that answers with an error (not a lost connection) is tried this many times
/// before the object is marked failed for an operator to look at.
pub const MAX_REFUSALS: u32 = 5;

/// Wait before the next contact with a router that could not be reached `outages` times in a
/// row: 1, 2, 4 … seconds, at most a minute (a router back from an outage is served soon).
pub fn reconnect_backoff(outages: u32) -> Duration {
    Duration::from_secs(
        2u64.saturating_pow(outages.saturating_sub(1).min(16))
            .min(60),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_secret_goes_only_when_the_provider_removes_them() {
        let expired = Some(Status::Expired);
        assert!(
            secret_kept(false, expired, false),
            "kept disabled by default"
        );
        assert!(!secret_kept(false, expired, true));
        assert!(secret_kept(true, expired, true), "a held client keeps it");
        for s in [Status::Active, Status::Suspended, Status::Cancelled] {
            assert!(secret_kept(false, Some(s), true), "{s:?}");
        }
        assert!(secret_kept(false, None, true), "no subscription");
    }

    #[test]
    fn cut_off_by_status_or_hold_per_router_mode() {
        let on = |status, throttle| {
            Some(Deciding {
                status,
                profile: "home-10m",
                throttle,
            })
        };
        let (active, suspended) = (on(Status::Active, None), on(Status::Suspended, None));
        assert_eq!(
            secret_state(false, active, SuspendMode::Disable, None),
            SecretState {
                profile: "home-10m".into(),
                disabled: false
            }
        );
        assert_eq!(
            secret_state(false, suspended, SuspendMode::Disable, None),
            SecretState {
                profile: "home-10m".into(),
                disabled: true
            }
        );
        assert_eq!(
            secret_state(false, suspended, SuspendMode::Isolate, Some("isolir")),
            SecretState {
                profile: "isolir".into(),
                disabled: false
            }
        );
        assert!(
            secret_state(true, active, SuspendMode::Disable, None).disabled,
            "held"
        );
        assert_eq!(
            secret_state(false, None, SuspendMode::Disable, None).profile,
            "default"
        );
    }

    #[test]
    fn a_throttle_changes_the_profile_not_the_disabled_flag() {
        let slow = |status| {
            Some(Deciding {
                status,
                profile: "home-10m",
                throttle: Some("slow-1m"),
            })
        };
        for mode in [SuspendMode::Disable, SuspendMode::Isolate] {
            assert_eq!(
                secret_state(false, slow(Status::Suspended), mode, Some("isolir")),
                SecretState {
                    profile: "slow-1m".into(),
                    disabled: false
                },
                "{mode:?}"
            );
        }
        assert_eq!(
            secret_state(false, slow(Status::Active), SuspendMode::Disable, None).profile,
            "home-10m",
            "paid up: the plan's own"
        );
        assert!(
            secret_state(false, slow(Status::Expired), SuspendMode::Disable, None).disabled,
            "expiry still cuts off"
        );
        assert!(
            secret_state(true, slow(Status::Suspended), SuspendMode::Disable, None).disabled,
            "an operator's hold still cuts off"
        );
    }

    #[test]
    fn comments_and_backoff() {
        assert_eq!(
            client_of_comment(&comment_for(ClientId(42))),
            Some(ClientId(42))
        );
        assert_eq!(client_of_comment("office printer"), None);
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }
}
