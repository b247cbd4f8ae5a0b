/// The known name closest to a misspelt one, if it is close enough to be a typo
/// (Levenshtein distance, through `strsim`).
pub(crate) fn closest<'a>(typo: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|name| (strsim::levenshtein(typo, name), *name))
        .filter(|(distance, name)| *distance <= name.len() / 3 + 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_only_near_names() {
        let known = ["capacity", "ttl", "tti", "key"];
        assert_eq!(closest("capcity", &known), Some("capacity"));
        assert_eq!(closest("tll", &known), Some("ttl"));
        assert_eq!(closest("size", &known), None);
    }
}
