//! MikroNet Billing: billing and provisioning for internet providers running MikroTik routers.
//!
//! Layers, outermost first: [`cli`] (the `mikronet` command), [`http`] (routes, extractors,
//! error mapping), [`service`] (one function per use case), [`domain`] (pure rules),
//! [`storage`] (one repository layer over SQLite, MariaDB/MySQL and PostgreSQL), and beside
//! them [`provisioning`] (the outbox of router changes and the worker that applies them) and
//! [`notify`] (the outbox of messages to clients and the worker that sends them).

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod gateway;
pub mod http;
pub mod i18n;
pub mod metrics;
pub mod notify;
pub mod provisioning;
pub mod security;
pub mod service;
pub mod storage;
