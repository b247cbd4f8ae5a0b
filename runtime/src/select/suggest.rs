//! Did-you-mean for unknown field names.

/// The known name closest to a misspelt one, if it is close enough to be a typo.
pub(crate) fn closest<'a>(typo: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|name| (edit_distance(typo, name), *name))
        .filter(|(distance, name)| *distance <= name.chars().count() / 3 + 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
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
}
