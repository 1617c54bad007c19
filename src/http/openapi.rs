//! The OpenAPI description, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::routes::{auth, billing, clients, health, original, plans, routers, subscriptions};

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
        clients::delete, clients::details, clients::history,
        plans::list, plans::get, plans::create, plans::update, plans::delete,
        subscriptions::list, subscriptions::for_client, subscriptions::get, subscriptions::create,
        subscriptions::create_for_client, subscriptions::update, subscriptions::delete,
        subscriptions::history,
        billing::list_invoices, billing::get_invoice, billing::void_invoice, billing::generate, billing::run,
        billing::pay_invoice, billing::create_payment, billing::list_payments,
        billing::invoice_payments, billing::get_payment, billing::set_payment_status,
        billing::summary,
        routers::list, routers::create, routers::get, routers::update, routers::delete,
        routers::status, routers::jobs, routers::retry_all, routers::retry_one,
        routers::reconcile,
        health::health,
        original::clients::create, original::clients::update, original::clients::delete,
        original::clients::connection,
        original::plans::list, original::plans::get, original::plans::create,
        original::plans::update, original::plans::delete,
        original::subscriptions::list, original::subscriptions::get,
        original::subscriptions::create, original::subscriptions::update,
        original::subscriptions::delete,
        original::invoices::list, original::invoices::get, original::invoices::create,
        original::invoices::update, original::invoices::delete, original::invoices::auto,
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
        (name = "routers", description = "MikroTik routers, their queue of changes, and reconcile"),
        (name = "operations", description = "Health and documentation"),
        (name = "original", description = "The original PHP system's later routes, kept for \
            compatibility with clients written against it; each names its modern equivalent"),
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
