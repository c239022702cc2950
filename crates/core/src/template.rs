//! Assessment templates: data files (`data/templates/*.json`) that define the
//! questions, their dimensions and the rating scale of an assessment.
//!
//! Templates are checked when loaded; a bad one is refused with the file and the
//! field named. An assessment keeps a frozen copy of its template, so it stays
//! readable after the template changes.

use crate::error::Error;
use crate::vocabulary::{CoreIssue, FunctionalCapacity, Level};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub description: String,
    pub scale: Scale,
    pub sections: Vec<Section>,
    /// The template's texts in other languages, by language code (`fr`,
    /// `es`): frozen with the template into an assessment, so a workshop
    /// runs in its participants' language wherever it is opened.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, TemplateText>,
}

/// The languages that templates and toolbox entries are translated into
/// (English is the source).
pub const TRANSLATED: &[&str] = &["fr", "es"];

/// A template's texts in one language; what is missing is shown in English.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct TemplateText {
    pub title: String,
    pub description: String,
    pub scale: Vec<ScalePoint>,
    /// Section titles by section id.
    pub sections: BTreeMap<String, String>,
    pub questions: BTreeMap<String, QuestionText>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct QuestionText {
    pub text: String,
    pub guidance: String,
}

/// A translation file (`data/templates/<language>/<id>.json`): the texts,
/// and which template and version they translate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationFile {
    template: String,
    version: u32,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    scale: Vec<ScalePoint>,
    #[serde(default)]
    sections: BTreeMap<String, String>,
    #[serde(default)]
    questions: BTreeMap<String, QuestionText>,
}

/// The rating scale agreed before scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub points: Vec<ScalePoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ScalePoint {
    pub value: i64,
    pub label: String,
    pub descriptor: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub guidance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_issue: Option<CoreIssue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functional_capacity: Option<FunctionalCapacity>,
}

impl Scale {
    pub fn min(&self) -> i64 {
        self.points.first().map_or(0, |p| p.value)
    }

    pub fn max(&self) -> i64 {
        self.points.last().map_or(0, |p| p.value)
    }

    pub fn contains(&self, value: i64) -> bool {
        self.points.iter().any(|p| p.value == value)
    }

    /// The allowed values, for error messages: `1, 2, 3, 4 or 5`.
    pub fn allowed(&self) -> String {
        let values: Vec<String> = self.points.iter().map(|p| p.value.to_string()).collect();
        match values.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => last.clone(),
            None => "nothing (the scale is empty)".into(),
        }
    }
}

/// What an assessment made with a template is for, which decides where
/// its figures may be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Existing against desired capacity: gaps to rank and close.
    #[default]
    CapacityGaps,
    /// A country's policy profile (the Migration Governance Indicators'
    /// domains): read as a profile, never ranked against other countries.
    PolicyProfile,
    /// How a training went: judged against the training, not a capacity
    /// baseline of the country.
    TrainingEvaluation,
}

impl Template {
    /// What assessments made with this template are for. Known by the
    /// shipped template's id, so an assessment frozen before the purpose
    /// existed is placed the same way.
    pub fn purpose(&self) -> Purpose {
        match self.id.as_str() {
            "migration_governance" => Purpose::PolicyProfile,
            "training_evaluation" => Purpose::TrainingEvaluation,
            _ => Purpose::CapacityGaps,
        }
    }

    /// The lowest and highest points of the scale.
    pub fn scale_range(&self) -> Option<(i64, i64)> {
        let values = self.scale.points.iter().map(|p| p.value);
        values.clone().min().zip(values.max())
    }

    /// Parse and check a template file's text. `file` names the file in errors.
    pub fn parse(file: &str, text: &str) -> Result<Template, Error> {
        let data_error = |problem: String| Error::Data { file: file.to_owned(), problem };
        let template: Template = serde_json::from_str(text).map_err(|e| data_error(e.to_string()))?;
        template.check().map_err(data_error)?;
        Ok(template)
    }

    /// Add a translation file's texts for `language`, checked against this
    /// template: the same template and version, and only its sections,
    /// questions and scale values. `file` names the file in errors.
    pub fn add_translation(&mut self, language: &str, file: &str, text: &str) -> Result<(), Error> {
        let data_error = |problem: String| Error::Data { file: file.to_owned(), problem };
        if !TRANSLATED.contains(&language) {
            return Err(data_error(format!("`{language}` is not a language templates are translated into")));
        }
        let t: TranslationFile = serde_json::from_str(text).map_err(|e| data_error(e.to_string()))?;
        if t.template != self.id || t.version != self.version {
            return Err(data_error(format!(
                "it translates `{}` version {}, but the template is `{}` version {}",
                t.template, t.version, self.id, self.version
            )));
        }
        if let Some(id) = t.sections.keys().find(|id| !self.sections.iter().any(|s| &&s.id == id)) {
            return Err(data_error(format!("field `sections`: the template has no section `{id}`")));
        }
        if let Some(id) = t.questions.keys().find(|id| self.question(id).is_none()) {
            return Err(data_error(format!("field `questions`: the template has no question `{id}`")));
        }
        if let Some(p) = t.scale.iter().find(|p| !self.scale.contains(p.value)) {
            return Err(data_error(format!("field `scale`: the template's scale has no value {}", p.value)));
        }
        let text = TemplateText {
            title: t.title,
            description: t.description,
            scale: t.scale,
            sections: t.sections,
            questions: t.questions,
        };
        self.translations.insert(language.to_owned(), text);
        Ok(())
    }

    /// The texts this template lacks in `language`, as `what` lines (e.g.
    /// `question adm_structure`): empty when it is whole.
    pub fn untranslated(&self, language: &str) -> Vec<String> {
        let none = TemplateText::default();
        let t = self.translations.get(language).unwrap_or(&none);
        let mut out = Vec::new();
        if t.title.trim().is_empty() {
            out.push("title".to_owned());
        }
        if t.description.trim().is_empty() && !self.description.trim().is_empty() {
            out.push("description".to_owned());
        }
        for p in &self.scale.points {
            if !t.scale.iter().any(|x| x.value == p.value && !x.label.trim().is_empty()) {
                out.push(format!("scale point {}", p.value));
            }
        }
        for s in &self.sections {
            if t.sections.get(&s.id).is_none_or(|x| x.trim().is_empty()) {
                out.push(format!("section {}", s.id));
            }
            for q in &s.questions {
                let missing = t.questions.get(&q.id).is_none_or(|x| {
                    x.text.trim().is_empty() || (x.guidance.trim().is_empty() && !q.guidance.trim().is_empty())
                });
                if missing {
                    out.push(format!("question {}", q.id));
                }
            }
        }
        out
    }

    /// Every question with the section it belongs to, in order.
    pub fn questions(&self) -> impl Iterator<Item = (&Section, &Question)> {
        self.sections.iter().flat_map(|s| s.questions.iter().map(move |q| (s, q)))
    }

    pub fn question(&self, id: &str) -> Option<(&Section, &Question)> {
        self.questions().find(|(_, q)| q.id == id)
    }

    fn check(&self) -> Result<(), String> {
        if self.id.trim().is_empty() {
            return Err("field `id` is blank".into());
        }
        if self.title.trim().is_empty() {
            return Err("field `title` is blank".into());
        }
        if self.scale.points.len() < 2 {
            return Err("field `scale.points` needs at least two points".into());
        }
        if let Some(w) = self.scale.points.windows(2).find(|w| w[1].value <= w[0].value) {
            return Err(format!(
                "field `scale.points`: values must increase, but {} follows {}",
                w[1].value, w[0].value
            ));
        }
        if self.sections.is_empty() {
            return Err("field `sections` is empty".into());
        }
        let mut ids = HashSet::new();
        for (i, section) in self.sections.iter().enumerate() {
            if section.questions.is_empty() {
                return Err(format!("field `sections[{i}].questions` (section `{}`) is empty", section.id));
            }
            for (j, q) in section.questions.iter().enumerate() {
                if q.text.trim().is_empty() {
                    return Err(format!("field `sections[{i}].questions[{j}].text` is blank"));
                }
                if !ids.insert(q.id.as_str()) {
                    return Err(format!("field `sections[{i}].questions[{j}].id`: `{}` is used twice", q.id));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_template_names_file_and_field() {
        let text = r#"{"id":"t","version":1,"title":"T","description":"","scale":{"points":[{"value":2,"label":"a","descriptor":""},{"value":1,"label":"b","descriptor":""}]},"sections":[]}"#;
        let err = Template::parse("bad.json", text).expect_err("decreasing scale must be refused").to_string();
        assert!(err.starts_with("bad.json: field `scale.points`"), "{err}");

        let text =
            r#"{"id":"t","version":1,"title":"T","description":"","scale":{"points":[]},"sections":[],"colour":"red"}"#;
        let err = Template::parse("odd.json", text).expect_err("unknown field must be refused").to_string();
        assert!(err.contains("odd.json") && err.contains("colour"), "{err}");
    }
}
