//! The OpenAPI description, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::routes::{auth, clients, health};

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
        health::health,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Users, login and tokens"),
        (name = "clients", description = "Clients (the original system's routes)"),
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
