//! Billing rules: periods, invoices, payments and the subscription lifecycle. Pure functions
//! over values; the service layer loads, applies and stores.

pub mod collection;
pub mod invoice;
pub mod online;
pub mod period;
pub mod plan;
pub mod run;
pub mod subscription;
