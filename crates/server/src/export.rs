//! Exports for analysts and archives, over HTTP so tools like Power BI or R can
//! fetch them with a token:
//!
//! - `GET /api/export/{table}.csv` and `{table}.xlsx`, `table` one of
//!   `assessments` (a row per question), `plans` (a row per activity, with its
//!   indicators) and `monitoring` (a row per measurement or training event,
//!   with participants by sex and age);
//! - `GET /api/export/documents.json`: every document whole, for archiving.
//!
//! `?workspace=ID` limits an export to one workspace; without it, every
//! workspace the caller may read (a counterpart's is their own only).

use crate::AppState;
use crate::auth::Device;
use crate::error::ApiError;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cd4mm_core::Code;
use cd4mm_core::export::{self, Cell, Kind};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Scope {
    workspace: Option<String>,
}

/// Exports of a workspace's data.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/export/{file}", get(get_export))
}

/// `GET /api/export/{file}`.
pub async fn get_export(
    State(state): State<AppState>,
    device: Device,
    Path(file): Path<String>,
    Query(scope): Query<Scope>,
) -> Result<Response, ApiError> {
    let (name, format) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let what = match (name, format) {
        ("documents", "json") => None,
        (table, "csv" | "xlsx") => Some(Kind::parse(table).ok_or_else(|| unknown(&file))?),
        _ => return Err(unknown(&file)),
    };
    let format = format.to_owned();
    let file = file.clone();
    // An export loads every document it covers.
    let pass = state.gate.enter(device.user_id).await?;
    tokio::task::spawn_blocking(move || {
        let _pass = pass;
        let documents = documents(&state, &device, scope.workspace.as_deref())?;
        let (body, content_type) = match what {
            None => (archive(&documents)?, "application/json"),
            Some(kind) => {
                let rows: Vec<Vec<Cell>> = documents
                    .iter()
                    .flat_map(|d| export::rows(kind, (&d.workspace, &d.country, &d.id), &d.content))
                    .collect();
                if format == "csv" {
                    (export::to_csv(kind.header(), &rows).into_bytes(), "text/csv; charset=utf-8")
                } else {
                    (xlsx(kind.header(), &rows)?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                }
            }
        };
        let mut response = body.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        let disposition = format!("attachment; filename=\"cd4mm-{file}\"");
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        Ok(response)
    })
    .await
    .map_err(ApiError::internal)?
}

fn unknown(file: &str) -> ApiError {
    ApiError::not_found(
        Code::NoSuchExport,
        format!(
            "there is no export `{file}`: ask for assessments, plans or monitoring as .csv or .xlsx, or documents.json"
        ),
    )
}

/// A readable document, opened.
struct Opened {
    workspace: String,
    country: String,
    id: String,
    content: cd4mm_core::Content,
}

fn documents(state: &AppState, device: &Device, only: Option<&str>) -> Result<Vec<Opened>, ApiError> {
    let memberships = state.db.memberships(device)?;
    if let Some(w) = only
        && !memberships.iter().any(|m| m.workspace == w)
    {
        return Err(ApiError::forbidden(Code::NotAMember, format!("you are not a member of workspace `{w}`")));
    }
    let mut out = Vec::new();
    for m in memberships.iter().filter(|m| only.is_none_or(|w| w == m.workspace)) {
        // Snapshots brought up to date outside the database's lock first.
        state.db.freshen(&m.workspace, "", usize::MAX, None)?;
        for doc in state.db.saved_documents(&m.workspace)? {
            let actor = cd4mm_core::automerge::ActorId::from(b"cd4mm-export-000".to_vec());
            match cd4mm_core::Document::load(&doc.bytes, actor, 0).and_then(|d| d.content()) {
                Ok(content) => out.push(Opened {
                    workspace: m.workspace.clone(),
                    country: m.country.clone(),
                    id: doc.doc_id,
                    content,
                }),
                Err(e) => tracing::warn!(doc = %doc.doc_id, error = %e, "left out of an export"),
            }
        }
    }
    Ok(out)
}

/// Every document whole, as JSON: `[{workspace, country, id, kind, content}]`.
fn archive(documents: &[Opened]) -> Result<Vec<u8>, ApiError> {
    let list: Vec<serde_json::Value> = documents
        .iter()
        .map(|d| {
            serde_json::json!({
                "workspace": d.workspace, "country": d.country, "id": d.id,
                "kind": d.content.kind().code(), "content": d.content.to_json(),
            })
        })
        .collect();
    serde_json::to_vec_pretty(&list).map_err(ApiError::internal)
}

/// One worksheet: a bold, frozen header row, then the rows.
fn xlsx(header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| ApiError::internal(e);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, name) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold).map_err(fail)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => sheet.write_string(r, c as u16, s).map(|_| ()),
                Cell::Number(n) => sheet.write_number(r, c as u16, *n).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    workbook.save_to_buffer().map_err(fail)
}
