//! The templates and toolbox entries shipped with the app, embedded at build
//! time from `data/`, and the checks that load them.

use crate::error::Error;
use crate::template::Template;
use crate::toolbox::{Entry, Toolbox};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_data.rs"));
}

/// Parse a set of template files, refusing the first bad one (named) and
/// duplicate ids.
pub fn load_templates<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Vec<Template>, Error> {
    let mut out: Vec<Template> = Vec::new();
    for (file, text) in files {
        let t = Template::parse(file, text)?;
        if out.iter().any(|o| o.id == t.id) {
            return Err(Error::Data {
                file: file.to_owned(),
                problem: format!("field `id`: `{}` is used by another template", t.id),
            });
        }
        out.push(t);
    }
    Ok(out)
}

/// Parse a set of toolbox files into the content of the toolbox document.
pub fn load_toolbox<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Toolbox, Error> {
    let mut entries: Vec<Entry> = Vec::new();
    for (file, text) in files {
        let e = Entry::parse(file, text)?;
        if entries.iter().any(|o| o.id == e.id) {
            return Err(Error::Data {
                file: file.to_owned(),
                problem: format!("field `id`: `{}` is used by another entry", e.id),
            });
        }
        entries.push(e);
    }
    Ok(Toolbox { title: "CD4MM toolbox".into(), entries })
}

/// The templates shipped with the app, with their translations.
pub fn templates() -> Result<Vec<Template>, Error> {
    let mut templates = load_templates(embedded::TEMPLATES.iter().copied())?;
    for (language, file, text) in embedded::TEMPLATES_TRANSLATED {
        let id = translated_id(file);
        let template = templates.iter_mut().find(|t| t.id == id).ok_or_else(|| Error::Data {
            file: (*file).to_owned(),
            problem: format!("there is no template `{id}` to translate"),
        })?;
        template.add_translation(language, file, text)?;
    }
    Ok(templates)
}

/// The toolbox shipped with the app, with its translations.
pub fn toolbox() -> Result<Toolbox, Error> {
    let mut toolbox = load_toolbox(embedded::TOOLBOX.iter().copied())?;
    for (language, file, text) in embedded::TOOLBOX_TRANSLATED {
        let id = translated_id(file);
        let entry = toolbox.entries.iter_mut().find(|e| e.id == id).ok_or_else(|| Error::Data {
            file: (*file).to_owned(),
            problem: format!("there is no toolbox entry `{id}` to translate"),
        })?;
        entry.add_translation(language, file, text)?;
    }
    let templates = templates()?;
    for e in &toolbox.entries {
        if let Some(t) = &e.template
            && !templates.iter().any(|x| &x.id == t)
        {
            return Err(Error::Data {
                file: format!("toolbox/{}.json", e.id),
                problem: format!("field `template`: there is no template `{t}`"),
            });
        }
    }
    Ok(toolbox)
}

/// A translation names what it translates by its file name: `fr/x.json` → `x`.
fn translated_id(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".json").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::{CoreIssue, FunctionalCapacity, Level};

    #[test]
    fn shipped_templates_load_and_cover_the_framework() {
        let templates = templates().expect("every shipped template is valid");
        let ids: Vec<&str> = templates.iter().map(|t| t.id.as_str()).collect();
        for id in ["generic_capacity", "border_management", "migration_governance", "training_evaluation"] {
            assert!(ids.contains(&id), "template {id} ships");
        }
        let generic = templates.iter().find(|t| t.id == "generic_capacity").expect("generic");
        for &l in Level::ALL {
            for &c in CoreIssue::ALL {
                for &f in FunctionalCapacity::ALL {
                    assert!(
                        generic.questions().any(|(_, q)| q.level == Some(l)
                            && q.core_issue == Some(c)
                            && q.functional_capacity == Some(f)),
                        "generic template asks about {l:?} × {c:?} × {f:?}"
                    );
                }
            }
        }
        let mgi = templates.iter().find(|t| t.id == "migration_governance").expect("mgi");
        assert_eq!(mgi.sections.len(), 6, "six MGI domains");
        assert_eq!(
            mgi.scale.points.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(),
            ["Absent", "Partial", "Complete"]
        );
        let border = templates.iter().find(|t| t.id == "border_management").expect("border");
        assert_eq!(
            border.sections.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["administration", "regulatory_framework", "operations", "information_management"]
        );
        let training = templates.iter().find(|t| t.id == "training_evaluation").expect("training");
        assert_eq!(training.sections.len(), 4, "Kirkpatrick's four levels");
    }

    #[test]
    fn shipped_toolbox_has_every_tool_and_the_case_example() {
        let toolbox = toolbox().expect("every toolbox entry is valid");
        assert!(toolbox.entries.len() >= 24, "23 tools and a case example, found {}", toolbox.entries.len());
        assert!(toolbox.entries.iter().any(|e| e.kind == crate::toolbox::EntryKind::CaseExample));
        for e in &toolbox.entries {
            assert!(e.summary.split_whitespace().count() >= 150, "{} has a one-page summary", e.id);
            assert!(!e.references.is_empty(), "{} has references", e.id);
        }
    }

    #[test]
    fn a_bad_data_file_is_refused_with_its_name_and_field() {
        let good = embedded::TEMPLATES[0];
        let bad = (
            "templates/broken.json",
            r#"{"id":"x","version":1,"title":"","description":"","scale":{"points":[]},"sections":[]}"#,
        );
        let err = load_templates([good, bad]).expect_err("blank title refused").to_string();
        assert_eq!(err, "templates/broken.json: field `title` is blank");
        let err = load_toolbox([("toolbox/x.json", r#"{"id":"x","name":"X","summary":"s","phases":[7]}"#)])
            .expect_err("phase 7 refused")
            .to_string();
        assert_eq!(err, "toolbox/x.json: field `phases` must list phases numbered 1 to 5");
    }

    #[test]
    fn every_template_asks_about_the_levels_and_core_issues_its_toolbox_entry_claims() {
        let templates = templates().expect("templates");
        let toolbox = toolbox().expect("toolbox");
        for t in &templates {
            let template = t.id.as_str();
            let e = toolbox.entries.iter().find(|e| e.template.as_deref() == Some(template));
            let e = e.unwrap_or_else(|| panic!("no toolbox entry describes the template {template}"));
            for level in &e.levels {
                assert!(
                    t.questions().any(|(_, q)| q.level == Some(*level)),
                    "{template} asks nothing at level {level:?}"
                );
            }
            for issue in &e.core_issues {
                assert!(
                    t.questions().any(|(_, q)| q.core_issue == Some(*issue)),
                    "{template} asks nothing on {issue:?}"
                );
            }
        }
    }

    #[test]
    fn every_template_and_toolbox_entry_reads_whole_in_french_and_spanish() {
        for t in templates().expect("templates") {
            for language in crate::template::TRANSLATED {
                let missing = t.untranslated(language);
                assert!(missing.is_empty(), "{} in `{language}` lacks: {}", t.id, missing.join(", "));
            }
        }
        for e in toolbox().expect("toolbox").entries {
            for language in crate::template::TRANSLATED {
                let text = e.translations.get(*language);
                assert!(
                    text.is_some_and(|x| !x.purpose.trim().is_empty() || e.purpose.trim().is_empty()),
                    "toolbox entry {} has no `{language}` text",
                    e.id
                );
            }
        }
    }

    #[test]
    fn a_translation_of_something_else_is_refused_with_its_file() {
        let mut t = templates().expect("templates").into_iter().next().expect("one");
        let wrong_version = format!(r#"{{"template":"{}","version":{},"title":"x"}}"#, t.id, t.version + 1);
        let err =
            t.add_translation("fr", "templates/fr/x.json", &wrong_version).expect_err("other version").to_string();
        assert!(err.contains("templates/fr/x.json") && err.contains("version"), "{err}");
        let stray =
            format!(r#"{{"template":"{}","version":{},"questions":{{"nope":{{"text":"?"}}}}}}"#, t.id, t.version);
        let err = t.add_translation("fr", "f.json", &stray).expect_err("unknown question").to_string();
        assert!(err.contains("no question `nope`"), "{err}");
        let err = t.add_translation("de", "g.json", "{}").expect_err("unknown language").to_string();
        assert!(err.contains("`de`"), "{err}");
    }
}
