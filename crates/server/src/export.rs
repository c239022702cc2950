//! Exports for analysts and archives, over HTTP so tools like Power BI or R can
//! fetch them with a token:
//!
//! - `GET /api/export/{table}.csv` and `{table}.xlsx`, `table` one of
//!   `assessments` (a row per question), `plans` (a row per activity, its
//!   status and spend from the progress updates), `indicators` (the results
//!   matrix), `risks`, `lessons` and `monitoring` (a row per measurement or
//!   training event, with participants by sex and age). `plans.xlsx` holds
//!   the results matrix, activities, risks and lessons on named sheets;
//! - `GET /api/export/documents.json`: every document whole, for archiving.
//!
//! `?workspace=ID` limits an export to one workspace; without it, every
//! workspace the caller may read (a counterpart's is their own only). The
//! regional dashboard's filters narrow it the same way: `country`, `area`,
//! and, for assessments, `template`, `from` and `to`. `lang` (`en`, `fr`,
//! `es`) names a workbook's sheets and headings.

use crate::AppState;
use crate::auth::Device;
use crate::error::ApiError;
use crate::gate::Pass;
use crate::storage::{Membership, Storage};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cd4mm_core::Code;
use cd4mm_core::export::{self, Cell, Kind, Place};
use cd4mm_core::regional::{Facts, Filter};
use cd4mm_core::vocabulary::Area;
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Write;

#[derive(Debug, Deserialize)]
pub struct Scope {
    workspace: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    area: Option<Area>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    from: Option<cd4mm_core::Date>,
    #[serde(default)]
    to: Option<cd4mm_core::Date>,
    #[serde(default)]
    lang: Option<String>,
}

impl Scope {
    /// The dashboard's filter these parameters make.
    fn filter(&self) -> Filter {
        Filter {
            country: self.country.clone().filter(|c| !c.trim().is_empty()),
            area: self.area,
            template: self.template.clone().filter(|t| !t.is_empty()),
            from: self.from,
            to: self.to,
            ..Filter::default()
        }
    }
}

/// Exports of a workspace's data.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/export/{file}", get(get_export))
}

/// `GET /api/export/{file}`.
#[utoipa::path(get, path = "/api/export/{file}", tag = "regional", security(("token" = [])),
    description = "A file of the readable data: `{assessments,plans,indicators,trainings}.{csv,xlsx,json}` (docs/regional-api.md), with the dashboard's filters.",
    params(("file" = String, Path), ("workspace" = Option<String>, Query), ("country" = Option<String>, Query),
        ("area" = Option<String>, Query), ("template" = Option<String>, Query), ("from" = Option<String>, Query),
        ("to" = Option<String>, Query)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "A filter that is not valid", body = cd4mm_sync::wire::ErrorBody),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody),
        (status = 403, description = "A workspace the caller may not read", body = cd4mm_sync::wire::ErrorBody),
        (status = 404, description = "No such export", body = cd4mm_sync::wire::ErrorBody),
        (status = 413, description = "More rows than a spreadsheet holds", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn get_export(
    State(state): State<AppState>,
    device: Device,
    Path(file): Path<String>,
    scope: Result<Query<Scope>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(scope) = scope.map_err(|e| ApiError::bad_request(Code::BadFilter, e.body_text()))?;
    let (name, format) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let what = match (name, format) {
        ("documents", "json") => None,
        (table, "csv" | "xlsx") => Some(Kind::parse(table).ok_or_else(|| unknown(&file))?),
        _ => return Err(unknown(&file)),
    };
    let xlsx_format = format == "xlsx";
    let content_type = match (what, xlsx_format) {
        (None, _) => "application/json",
        (Some(_), false) => "text/csv; charset=utf-8",
        (Some(_), true) => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    // An export loads every document it covers.
    let pass = state.gate.enter(device.user_id).await?;
    let db = state.db.clone();
    let only = scope.workspace.clone();
    let filter = scope.filter();
    let lang = scope.lang.clone().unwrap_or_default();
    let reader = device.clone();
    let narrowing = filter.clone();
    let covered = tokio::task::spawn_blocking(move || covered(db.as_ref(), &reader, only.as_deref(), &narrowing))
        .await
        .map_err(ApiError::internal)??;
    let body = match (what, xlsx_format) {
        // A workbook's rows go to a temporary file as they are written; the
        // zip is made only once they are all in, so a workbook that cannot be
        // made is refused in plain words before the download starts.
        (Some(kind), true) => {
            let db = state.db.clone();
            let mut workbook =
                tokio::task::spawn_blocking(move || workbook(db.as_ref(), &device, &covered, &filter, kind, &lang))
                    .await
                    .map_err(ApiError::internal)??;
            streamed(pass, move |out| workbook.save_to_writer(out).map_err(ApiError::internal))
        }
        // CSV and JSON go out as they are made: the server holds a page of
        // documents, whatever the export's size.
        _ => {
            let db = state.db.clone();
            streamed(pass, move |out| stream(db.as_ref(), &device, &covered, &filter, what, out))
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
}

fn unknown(file: &str) -> ApiError {
    ApiError::not_found(
        Code::NoSuchExport,
        format!(
            "there is no export `{file}`: ask for assessments, plans, indicators, risks, lessons or monitoring \
             as .csv or .xlsx, or documents.json"
        ),
    )
}

/// A readable document, opened.
struct Opened {
    workspace: String,
    country: String,
    area: Option<Area>,
    id: String,
    content: cd4mm_core::Content,
}

impl Opened {
    fn place(&self) -> Place<'_> {
        Place { workspace: &self.workspace, country: &self.country, area: self.area }
    }
}

/// A workspace an export covers, with its engagement's area.
pub struct Covered {
    membership: Membership,
    area: Option<Area>,
}

/// The workspaces an export covers: the one asked for (which the caller
/// must be able to read), or every one they can, narrowed by the filter's
/// country and area as the dashboard narrows them.
fn covered(db: &dyn Storage, device: &Device, only: Option<&str>, filter: &Filter) -> Result<Vec<Covered>, ApiError> {
    let memberships = db.memberships(device)?;
    if let Some(w) = only
        && !memberships.iter().any(|m| m.workspace == w)
    {
        return Err(ApiError::forbidden(Code::NotAMember, format!("you are not a member of workspace `{w}`")));
    }
    // Each workspace's area, from the regional facts of its engagement.
    let areas: HashMap<String, Area> = crate::regional::readable_facts(db, device)?
        .into_iter()
        .filter_map(|ws| {
            let area = ws.documents.iter().find_map(|(_, f)| match f {
                Facts::Engagement { area, .. } => *area,
                _ => None,
            })?;
            Some((ws.id, area))
        })
        .collect();
    Ok(memberships
        .into_iter()
        .filter(|m| only.is_none_or(|w| w == m.workspace))
        .filter(|m| filter.takes_country(&m.country))
        .map(|m| Covered { area: areas.get(&m.workspace).copied(), membership: m })
        .filter(|c| filter.area.is_none() || c.area == filter.area)
        .collect())
}

/// Documents an export opens at once.
const PAGE: usize = 64;

/// How long a download may take no bytes before it is given up: a reader
/// that stops reading must not keep its pass (a core's share) for good.
const STALLED: std::time::Duration = std::time::Duration::from_secs(30);

/// Open every document of these workspaces, a page at a time, and hand each
/// to `f`, until it answers `false` (the download was given up). Before each
/// page the reader's access is checked again: one taken away while the
/// export runs stops it.
fn each_document(
    db: &dyn Storage,
    reader: &Device,
    covered: &[Covered],
    mut f: impl FnMut(Opened) -> bool,
) -> Result<(), ApiError> {
    let actor = cd4mm_core::automerge::ActorId::from(b"cd4mm-export-000".to_vec());
    let still_readable = |workspace: &str| -> Result<(), ApiError> {
        let revoked = db.device_record(&reader.device_id)?.is_none_or(|r| r.revoked);
        if revoked || !db.memberships(reader)?.iter().any(|m| m.workspace == workspace) {
            return Err(ApiError::forbidden(Code::NotAMember, "your access changed while the export ran"));
        }
        Ok(())
    };
    for Covered { membership: m, area } in covered {
        // Snapshots brought up to date outside the database's lock first.
        db.freshen(&m.workspace, "", usize::MAX, None)?;
        let mut after = String::new();
        loop {
            still_readable(&m.workspace)?;
            let page = db.saved_page(&m.workspace, &after, PAGE)?;
            let full = page.len() == PAGE;
            for doc in page {
                after.clone_from(&doc.doc_id);
                match cd4mm_core::Document::load(&doc.bytes, actor.clone(), 0).and_then(|d| d.content()) {
                    Ok(content) => {
                        let opened = Opened {
                            workspace: m.workspace.clone(),
                            country: m.country.clone(),
                            area: *area,
                            id: doc.doc_id,
                            content,
                        };
                        if !f(opened) {
                            return Ok(());
                        }
                    }
                    Err(e) => tracing::warn!(doc = %doc.doc_id, error = %e, "left out of an export"),
                }
            }
            if !full {
                break;
            }
        }
    }
    Ok(())
}

/// Every row of table `kind` the export covers, handed to `emit` until it
/// answers `false`. Assessments outside the filter's template and period
/// are left out. A plan's rows need its reporting periods: the plans and
/// monitoring documents of a workspace are held (they are small) and their
/// rows made once the workspace's last document is read.
fn each_row(
    db: &dyn Storage,
    reader: &Device,
    covered: &[Covered],
    filter: &Filter,
    kind: Kind,
    mut emit: impl FnMut(Vec<Cell>) -> bool,
) -> Result<(), ApiError> {
    if !kind.of_plans() {
        return each_document(db, reader, covered, |d| {
            if let cd4mm_core::Content::Assessment(a) = &d.content {
                let template = a.template.as_ref().map(|t| t.id.clone());
                if !filter.takes_assessment(template.as_ref(), a.completed_on.or(a.started_on)) {
                    return true;
                }
            }
            export::rows(kind, d.place(), &d.id, &d.content).into_iter().all(&mut emit)
        });
    }
    let mut held = Held::default();
    let mut going = true;
    each_document(db, reader, covered, |d| {
        if held.workspace.as_ref().is_some_and(|w| w.workspace != d.workspace) {
            going = held.flush(kind, &mut emit);
        }
        if !going {
            return false;
        }
        let place = (d.workspace.clone(), d.country.clone(), d.area);
        match d.content {
            cd4mm_core::Content::Plan(p) => held.plans.push((d.id, p)),
            cd4mm_core::Content::Monitoring(m) => held.periods.push((d.id, m)),
            _ => {}
        }
        if held.workspace.is_none() {
            held.workspace = Some(HeldPlace { workspace: place.0, country: place.1, area: place.2 });
        }
        true
    })?;
    if going {
        held.flush(kind, &mut emit);
    }
    Ok(())
}

/// One workspace's plans and reporting periods, waiting for their rows.
#[derive(Default)]
struct Held {
    workspace: Option<HeldPlace>,
    plans: Vec<(String, cd4mm_core::plan::Plan)>,
    periods: Vec<(String, cd4mm_core::monitoring::Monitoring)>,
}

struct HeldPlace {
    workspace: String,
    country: String,
    area: Option<Area>,
}

impl Held {
    /// Emit the held plans' rows and start over; `false` when `emit` said stop.
    fn flush(&mut self, kind: Kind, emit: &mut impl FnMut(Vec<Cell>) -> bool) -> bool {
        let mut going = true;
        if let Some(at) = &self.workspace {
            let place = Place { workspace: &at.workspace, country: &at.country, area: at.area };
            for (id, plan) in &self.plans {
                let periods: Vec<(&str, &cd4mm_core::monitoring::Monitoring)> =
                    self.periods.iter().filter(|(_, m)| &m.plan_id == id).map(|(i, m)| (i.as_str(), m)).collect();
                going = export::plan_rows(kind, place, id, plan, &periods).into_iter().all(&mut *emit);
                if !going {
                    break;
                }
            }
        }
        *self = Held::default();
        going
    }
}

/// Write a CSV table (`Some(kind)`) or the JSON archive (`None`) to `out`, a
/// document at a time. The archive is `[{workspace, country, id, kind,
/// content}, …]`, every document whole.
fn stream(
    db: &dyn Storage,
    reader: &Device,
    covered: &[Covered],
    filter: &Filter,
    what: Option<Kind>,
    out: &mut Outlet,
) -> Result<(), ApiError> {
    let mut failure = None;
    match what {
        Some(kind) => {
            out.write_all(export::csv_header(&kind.header()).as_bytes()).map_err(Outlet::gone)?;
            each_row(db, reader, covered, filter, kind, |row| {
                out.write_all(export::csv_rows(&[row]).as_bytes()).map_err(|e| failure = Some(e)).is_ok()
            })?;
        }
        None => {
            out.write_all(b"[").map_err(Outlet::gone)?;
            let mut first = true;
            each_document(db, reader, covered, |d| {
                let item = serde_json::json!({
                    "workspace": d.workspace, "country": d.country, "id": d.id,
                    "kind": d.content.kind().code(), "content": d.content.to_json(),
                });
                let mut bytes = if std::mem::take(&mut first) { b"\n".to_vec() } else { b",\n".to_vec() };
                bytes.extend(serde_json::to_vec_pretty(&item).unwrap_or_default());
                out.write_all(&bytes).map_err(|e| failure = Some(e)).is_ok()
            })?;
        }
    }
    if let Some(e) = failure {
        return Err(Outlet::gone(e));
    }
    if what.is_none() {
        out.write_all(b"\n]\n").map_err(Outlet::gone)?;
    }
    Ok(())
}

/// The first row a spreadsheet cannot hold (rows are numbered from 0).
const SPREADSHEET_ROWS: u32 = 1_048_576;

/// A workbook of the export's tables, each on a sheet named in `lang`: a
/// bold, frozen header row of headings in `lang`, then a row per question,
/// activity, indicator or measurement. In constant-memory mode each row goes
/// to a temporary file once the next begins, so a region's export holds one
/// row, not the whole table.
fn workbook(
    db: &dyn Storage,
    reader: &Device,
    covered: &[Covered],
    filter: &Filter,
    kind: Kind,
    lang: &str,
) -> Result<rust_xlsxwriter::Workbook, ApiError> {
    use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
    fn write_row(sheet: &mut Worksheet, r: u32, row: &[Cell]) -> Result<(), XlsxError> {
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => sheet.write_string(r, c as u16, export::cell_text(s)).map(|_| ()),
                Cell::Number(n) => sheet.write_number(r, c as u16, *n).map(|_| ()),
                Cell::Empty => Ok(()),
            }?;
        }
        Ok(())
    }
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for &table in kind.workbook() {
        let sheet = workbook.add_worksheet_with_constant_memory();
        sheet.set_name(table.sheet(lang)).map_err(ApiError::internal)?;
        for (c, name) in table.headings(lang).iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *name, &bold).map_err(ApiError::internal)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(ApiError::internal)?;
        let mut next = 1;
        let mut failure = None;
        each_row(db, reader, covered, filter, table, |row| {
            if next == SPREADSHEET_ROWS {
                failure = Some(too_many_rows());
                return false;
            }
            if let Err(e) = write_row(sheet, next, &row) {
                failure = Some(ApiError::internal(e));
                return false;
            }
            next += 1;
            true
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
    }
    Ok(workbook)
}

fn too_many_rows() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        Code::TooLarge,
        format!(
            "this export has more rows than a spreadsheet holds ({SPREADSHEET_ROWS}): \
             export one workspace at a time (?workspace=…), or download the CSV, which has no limit"
        ),
    )
}

/// Bytes sent to the response body in chunks of this size.
const CHUNK: usize = 64 * 1024;

/// A response body written by `write` on a blocking thread, which keeps the
/// export's pass until the last byte is handed over.
fn streamed(pass: Pass, write: impl FnOnce(&mut Outlet) -> Result<(), ApiError> + Send + 'static) -> Body {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(8);
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let mut out = Outlet { sender, runtime, chunk: Vec::with_capacity(CHUNK) };
        let result = write(&mut out).and_then(|()| out.flush().map_err(Outlet::gone));
        if let Err(e) = result {
            if out.sender.is_closed() {
                tracing::debug!("an export's download was given up");
            } else {
                // The headers went long ago: cut the download short, so it
                // is not mistaken for a whole file.
                tracing::warn!(error = %e.message, "an export stopped half-way");
                let _ = out.sender.try_send(Err(std::io::Error::other(e.message)));
            }
        }
        // The pass goes before the body ends (the sender with `out`): a
        // reader that asks again as soon as the download is whole finds it
        // free, not "too many requests".
        drop(pass);
        drop(out);
    });
    Body::from_stream(futures_util::stream::unfold(
        receiver,
        |mut r| async move { r.recv().await.map(|chunk| (chunk, r)) },
    ))
}

/// Where a download's bytes go: a chunk at a time to the response body, so
/// the server holds one chunk per download however large the file.
struct Outlet {
    sender: tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    runtime: tokio::runtime::Handle,
    chunk: Vec<u8>,
}

impl std::fmt::Debug for Outlet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outlet").field("pending", &self.chunk.len()).finish()
    }
}

impl Outlet {
    /// Hand the chunk to the body. A reader that takes nothing for
    /// [`STALLED`] is given up: it must not keep its pass for good.
    fn send_chunk(&mut self) -> std::io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        match self.runtime.block_on(tokio::time::timeout(STALLED, self.sender.send(Ok(bytes)))) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was given up")),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the download took nothing for too long and was given up",
            )),
        }
    }

    fn gone(e: std::io::Error) -> ApiError {
        ApiError::bad_request(Code::Malformed, e.to_string())
    }
}

impl Write for Outlet {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.chunk.extend_from_slice(bytes);
        if self.chunk.len() >= CHUNK {
            self.send_chunk()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_chunk()
    }
}
