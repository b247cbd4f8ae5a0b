//! Did-you-mean for unknown field names.

/// The known name closest to a misspelt one, if it is close enough to be a typo
/// (Levenshtein distance over characters, through `strsim`).
pub(crate) fn closest<'a>(typo: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|name| (strsim::levenshtein(typo, name), *name))
        .filter(|(distance, name)| *distance <= name.chars().count() / 3 + 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_only_near_names() {
        let known = ["emailAddress", "name", "id"];
        assert_eq!(closest("emailAdress", &known), Some("emailAddress"));
        assert_eq!(closest("nmae", &known), Some("name"));
        assert_eq!(closest("zzzzzz", &known), None);
    }

    #[test]
    fn counts_characters_not_bytes() {
        let known = ["crème", "id"];
        assert_eq!(closest("creme", &known), Some("crème"));
    }
}
