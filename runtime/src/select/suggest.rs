//! Did-you-mean for unknown field names, with rustc's rules
//! (`find_best_match_for_name`): a name equal but for case first; otherwise the
//! nearest name within a distance of a third of the typo's length (at least 1),
//! counting a swap of two neighbours as one edit.

/// The known name closest to a misspelt one, if it is close enough to be a typo.
pub(crate) fn closest<'a>(typo: &str, known: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = known
        .iter()
        .find(|name| name.to_lowercase() == typo.to_lowercase())
    {
        return Some(same);
    }
    let length = typo.chars().count();
    let limit = length.max(3) / 3;
    known
        .iter()
        // The distance is at least the difference in length: skip the work
        // (quadratic in the lengths) where that alone is too far.
        .filter(|name| name.chars().count().abs_diff(length) <= limit)
        .map(|name| (strsim::osa_distance(typo, name), *name))
        .filter(|(distance, _)| *distance <= limit)
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
    fn the_distance_allowed_grows_with_the_typos_length() {
        let known = ["name", "title", "description", "id"];
        // Two edits in four letters is another word, not a typo.
        assert_eq!(closest("nope", &known), None);
        assert_eq!(closest("nam", &known), Some("name"));
        assert_eq!(closest("titel", &known), Some("title"));
        assert_eq!(closest("tilte", &known), Some("title"));
        // Short names: one edit at most, as rustc allows.
        assert_eq!(closest("di", &known), Some("id"));
        assert_eq!(closest("ix", &known), Some("id"));
        assert_eq!(closest("xy", &known), None);
        // Three edits in eleven letters.
        assert_eq!(closest("dscriptoin", &known), Some("description"));
        assert_eq!(closest("dscrptn", &known), None);
        // Case alone is always a typo.
        assert_eq!(closest("TITLE", &known), Some("title"));
        assert_eq!(closest(&"x".repeat(100_000), &known), None);
    }

    #[test]
    fn counts_characters_not_bytes() {
        let known = ["crème", "id"];
        assert_eq!(closest("creme", &known), Some("crème"));
    }
}
