//! Route handlers: each parses its input, calls one service, and shapes the response.

pub mod auth;
pub mod clients;
pub mod docs;
pub mod health;

use serde::Serialize;
use utoipa::ToSchema;

/// `{"message": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

/// `{"message": …, "data": …}`: the original system's envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    pub message: String,
    pub data: T,
}

/// `{"data": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Data<T> {
    pub data: T,
}

pub fn envelope<T>(message: impl Into<String>, data: T) -> axum::Json<Envelope<T>> {
    axum::Json(Envelope {
        message: message.into(),
        data,
    })
}

pub fn message(message: impl Into<String>) -> axum::Json<Message> {
    axum::Json(Message {
        message: message.into(),
    })
}
