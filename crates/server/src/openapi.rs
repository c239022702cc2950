//! The HTTP API described for other tools (OpenAPI 3.1), generated from the
//! handlers' own `#[utoipa::path]` annotations and the request and answer
//! types, served at `GET /api/openapi.json`. docs/operations.md says how the
//! contract test (schemathesis) checks the server against it.
//!
//! The command API's commands and replies, the dashboard and the
//! administration's larger answers are described as JSON objects: their
//! exact types are the TypeScript the UI is generated from
//! (ui/src/lib/bindings.ts), from the same Rust types.

use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// Any JSON object (its exact type is named in the description).
#[derive(Debug)]
pub struct Object;

impl utoipa::PartialSchema for Object {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(true)))
            .into()
    }
}

impl ToSchema for Object {}

/// A command of the command API: `{"command": "read_document", "id": "…"}`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct CommandBody {
    /// The command's name (`Command["command"]` in ui/src/lib/bindings.ts).
    command: String,
}

/// A command's answer: `{"reply": "document", "data": …}`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ReplyBody {
    /// What kind of answer (`Reply["reply"]` in ui/src/lib/bindings.ts).
    reply: String,
    /// The answer itself: an object, a list, or absent.
    #[schema(value_type = Option<serde_json::Value>)]
    data: (),
}

struct Tokens;

impl Modify for Tokens {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A device's or browser session's token: `DEVICE_ID.SECRET`"))
                    .build(),
            ),
        );
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "CD4MM Field server", description = "The regional sync server's HTTP API: devices, browser sessions, regional consolidation and administration."),
    paths(
        crate::sync::healthz,
        crate::sync::enrol,
        crate::sync::me,
        crate::sync::sync,
        crate::events::events,
        crate::telemetry::metrics,
        crate::browser::login,
        crate::browser::logout,
        crate::browser::command,
        crate::regional::get_dashboard,
        crate::export::get_export,
        crate::administration::authors,
        crate::administration::overview,
        crate::administration::action,
        crate::administration::audit,
        crate::administration::own_devices,
        crate::administration::revoke_own,
        openapi_json,
    ),
    modifiers(&Tokens)
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`: this description.
#[utoipa::path(get, path = "/api/openapi.json", tag = "server",
    responses((status = 200, description = "The OpenAPI description of this API", body = Object)))]
pub async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use utoipa::OpenApi;

    /// Every route a module adds is described: read from the modules' own
    /// `routes()`, so a new route without a description fails here.
    #[test]
    fn every_route_is_described() {
        let sources = [
            include_str!("sync.rs"),
            include_str!("events.rs"),
            include_str!("browser.rs"),
            include_str!("regional.rs"),
            include_str!("export.rs"),
            include_str!("administration.rs"),
        ];
        let described = ApiDoc::openapi();
        let mut routes = 0;
        for source in sources {
            for (_, rest) in source.match_indices(".route(\"").map(|(i, _)| source.split_at(i + 8)) {
                let path = rest.split('"').next().expect("a path");
                routes += 1;
                assert!(described.paths.paths.contains_key(path), "{path} is not in the OpenAPI description");
            }
        }
        assert!(routes >= 18, "found {routes} routes");
        let json = described.to_json().expect("json");
        assert!(json.contains("\"token\"") && json.contains("bearer"), "the token scheme is described");
    }
}
