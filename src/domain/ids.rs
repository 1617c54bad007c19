//! Typed ids: a client id cannot be passed where an invoice id is expected.
//!
//! Each is an `i64` on the wire (a JSON number) and in the database (`BIGINT`).

macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(
                Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            )]
            #[serde(transparent)]
            pub struct $name(pub i64);

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.0.fmt(f)
                }
            }

            impl From<i64> for $name {
                fn from(v: i64) -> Self {
                    $name(v)
                }
            }

            impl std::str::FromStr for $name {
                type Err = std::num::ParseIntError;
                fn from_str(s: &str) -> Result<Self, Self::Err> {
                    s.parse().map($name)
                }
            }
        )*

    };
}

ids! {
    /// A user of the console and the API.
    UserId,
    /// A provider's client (subscriber).
    ClientId,
    PlanId,
    SubscriptionId,
    InvoiceId,
    PaymentId,
    RouterId,
    /// A row of the router outbox.
    JobId,
}
