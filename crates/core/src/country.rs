//! Countries, as ISO 3166-1 names them (`data/countries.tsv`). A workspace's
//! country is one of these names, so a regional officer's coverage, which
//! matches countries by name, cannot miss a workspace whose country was
//! typed differently. The UI shows each in the reader's language from its
//! code (the browser's `Intl.DisplayNames`).

const LIST: &str = include_str!("../data/countries.tsv");

/// Every country: (ISO 3166-1 alpha-2 code, short English name), by name.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    LIST.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).filter_map(|l| l.split_once('\t'))
}

/// The country's name as the list spells it, from its code or its name in
/// any case; `None` if it is neither.
pub fn canonical(code_or_name: &str) -> Option<&'static str> {
    let wanted = code_or_name.trim();
    all()
        .find(|(code, name)| code.eq_ignore_ascii_case(wanted) || name.to_lowercase() == wanted.to_lowercase())
        .map(|(_, name)| name)
}

/// The code of a country named as the list spells it (any case).
pub fn code(name: &str) -> Option<&'static str> {
    all().find(|(_, n)| n.to_lowercase() == name.trim().to_lowercase()).map(|(code, _)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_whole_and_every_code_is_two_capitals_once() {
        let codes: Vec<&str> = all().map(|(c, _)| c).collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.iter().all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        let unique: std::collections::BTreeSet<&str> = codes.iter().copied().collect();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn a_country_is_found_by_code_or_name_in_any_case() {
        assert_eq!(canonical("gh"), Some("Ghana"));
        assert_eq!(canonical("  côte d'ivoire "), Some("Côte d'Ivoire"));
        assert_eq!(canonical("SENEGAL"), Some("Senegal"));
        assert_eq!(canonical("Ghanna"), None);
        assert_eq!(canonical(""), None);
        assert_eq!(code("niger"), Some("NE"));
    }
}
