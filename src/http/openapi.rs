//! The OpenAPI description, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::routes::{auth, billing, clients, health, plans, subscriptions};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MikroNet Billing",
        description = "Billing and provisioning for internet providers running MikroTik routers. \
            Errors share one shape: `{\"status\":…,\"error\":…,\"message\":…,\"errors\":{field:…}}`."
    ),
    paths(
        auth::register, auth::login, auth::logout, auth::me, auth::list_users,
        clients::list, clients::search, clients::get, clients::register, clients::update,
        clients::delete, clients::details,
        plans::list, plans::get, plans::create, plans::update, plans::delete,
        subscriptions::list, subscriptions::for_client, subscriptions::get, subscriptions::create,
        subscriptions::create_for_client, subscriptions::update, subscriptions::delete,
        subscriptions::history,
        billing::list_invoices, billing::get_invoice, billing::void_invoice, billing::generate, billing::run,
        billing::pay_invoice, billing::create_payment, billing::list_payments,
        billing::invoice_payments, billing::get_payment, billing::set_payment_status,
        billing::summary,
        health::health,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Users, login and tokens"),
        (name = "clients", description = "Clients (the original system's routes)"),
        (name = "plans", description = "What the provider sells"),
        (name = "subscriptions", description = "Clients on plans, with their history"),
        (name = "invoices", description = "Invoices and their generation"),
        (name = "payments", description = "Payments against invoices"),
        (name = "reports", description = "Summary figures"),
        (name = "operations", description = "Health and documentation"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("a token from POST /auth/login"))
                    .build(),
            ),
        );
    }
}
