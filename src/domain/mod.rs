//! Business rules, free of I/O: the entities, the validation of what comes in, billing
//! arithmetic, the state a router should hold.
//!
//! Every entity follows one template (see the README's design section): a serde *draft* with
//! every field optional, as a request carries it; `Entity::validate(&draft) -> NewEntity` for
//! creation (all required fields present and valid); `entity.patch(&draft)` for an update
//! (only the fields sent change, all or nothing). Ids are typed ([`ids`]), closed sets of
//! words are enums ([`words`]).

pub mod audit;
pub mod billing;
pub mod client;
pub mod date_text;
pub mod ids;
pub mod import;
pub mod isolation;
pub mod money;
pub mod notify;
pub mod phone;
pub mod report;
pub mod router;
pub mod secret;
pub mod settings;
pub mod user;
pub mod validation;
pub mod words;

/// A request body with optional fields, some of which a creation requires. The list feeds the
/// OpenAPI document's create schema, so the spec tells which fields a POST must carry.
pub trait Draft {
    const REQUIRED: &'static [&'static str];
}
