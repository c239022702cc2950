//! The toolbox: the catalogue of tools and case examples, loaded from data files
//! (`data/toolbox/*.json`) into the workspace-independent `toolbox` document.

use crate::error::{Error, Problems};
use crate::vocabulary::{Area, CoreIssue, Level};
use serde::{Deserialize, Serialize};

/// The toolbox's document id on every device. It ships with the app and is
/// never synced, so no synced document may take this id.
pub const DOCUMENT_ID: &str = "toolbox";

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Toolbox {
    pub title: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    #[default]
    Tool,
    CaseExample,
}

impl EntryKind {
    pub const ALL: &'static [EntryKind] = &[EntryKind::Tool, EntryKind::CaseExample];
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub kind: EntryKind,
    /// The assessment template this entry describes, when it ships as one
    /// (an assessment can be started from the entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    pub purpose: String,
    pub summary: String,
    pub phases: Vec<u8>,
    pub levels: Vec<Level>,
    pub core_issues: Vec<CoreIssue>,
    pub areas: Vec<Area>,
    pub references: Vec<Reference>,
    /// The entry's texts in other languages, by language code
    /// ([`crate::template::TRANSLATED`]); what is missing reads in English.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub translations: std::collections::BTreeMap<String, EntryText>,
}

/// An entry's texts in one language (`data/toolbox/<language>/<id>.json`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct EntryText {
    pub name: String,
    pub purpose: String,
    pub summary: String,
}

/// A translation file: the texts, and which entry they translate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationFile {
    entry: String,
    name: String,
    #[serde(default)]
    purpose: String,
    summary: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Reference {
    pub title: String,
    pub publisher: String,
    pub year: Option<u16>,
}

impl Entry {
    /// Parse and check one toolbox data file. `file` names the file in errors.
    pub fn parse(file: &str, text: &str) -> Result<Entry, Error> {
        let data_error = |problem: String| Error::Data { file: file.to_owned(), problem };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| data_error(e.to_string()))?;
        for required in ["id", "name", "summary", "phases"] {
            if value.get(required).is_none() {
                return Err(data_error(format!("field `{required}` is missing")));
            }
        }
        let entry: Entry = serde_json::from_value(value).map_err(|e| data_error(e.to_string()))?;
        let mut p = Problems::default();
        entry.check(&mut p, "");
        match p.0.into_iter().next() {
            Some(e) => Err(data_error(format!("field `{}` {}", e.field, e.message))),
            None => Ok(entry),
        }
    }

    /// Add a translation file's texts for `language`, checked against this
    /// entry. `file` names the file in errors.
    pub fn add_translation(&mut self, language: &str, file: &str, text: &str) -> Result<(), Error> {
        let data_error = |problem: String| Error::Data { file: file.to_owned(), problem };
        if !crate::template::TRANSLATED.contains(&language) {
            return Err(data_error(format!("`{language}` is not a language the toolbox is translated into")));
        }
        let t: TranslationFile = serde_json::from_str(text).map_err(|e| data_error(e.to_string()))?;
        if t.entry != self.id {
            return Err(data_error(format!("it translates `{}`, not `{}`", t.entry, self.id)));
        }
        if t.name.trim().is_empty() || t.summary.trim().is_empty() {
            return Err(data_error("fields `name` and `summary` must not be blank".into()));
        }
        let text = EntryText { name: t.name, purpose: t.purpose, summary: t.summary };
        self.translations.insert(language.to_owned(), text);
        Ok(())
    }

    fn check(&self, p: &mut Problems, at: &str) {
        p.required(&format!("{at}id"), &self.id);
        p.required(&format!("{at}name"), &self.name);
        p.required(&format!("{at}summary"), &self.summary);
        if self.phases.is_empty() || self.phases.iter().any(|ph| !(1..=5).contains(ph)) {
            p.add(format!("{at}phases"), "must list phases numbered 1 to 5");
        }
    }
}

impl Toolbox {
    pub(crate) fn check(&self, p: &mut Problems) {
        for e in &self.entries {
            e.check(p, &format!("entries/{}/", e.id));
        }
    }
}
