//! serde's `rename_all` rules, applied to field names exactly as serde does, so
//! that clients select the names they see in the JSON.
//!
//! Not `heck` (which `common::case` uses for the names macros make up): heck
//! also splits words at case changes (`fooBar` becomes `FOO_BAR`, serde writes
//! `FOOBAR`) and changes case by Unicode, where serde only splits at `_` and
//! changes ASCII case; a name one character off is a field no client can select.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "lowercase" => Self::Lower,
            "UPPERCASE" => Self::Upper,
            "PascalCase" => Self::Pascal,
            "camelCase" => Self::Camel,
            "snake_case" => Self::Snake,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnake,
            "kebab-case" => Self::Kebab,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebab,
            _ => return None,
        })
    }

    /// serde's `RenameRule::apply_to_field`: fields are written in snake_case.
    pub(crate) fn apply_to_field(self, field: &str) -> String {
        match self {
            Self::Lower | Self::Snake => field.to_owned(),
            Self::Upper | Self::ScreamingSnake => field.to_ascii_uppercase(),
            Self::Pascal => {
                let mut pascal = String::new();
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                pascal
            }
            Self::Camel => {
                let pascal = Self::Pascal.apply_to_field(field);
                let mut chars = pascal.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
            Self::Kebab => field.replace('_', "-"),
            Self::ScreamingKebab => Self::ScreamingSnake.apply_to_field(field).replace('_', "-"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RenameRule;

    #[test]
    fn renames_like_serde() {
        let cases = [
            ("lowercase", "email_address", "email_address"),
            ("UPPERCASE", "email_address", "EMAIL_ADDRESS"),
            ("PascalCase", "email_address", "EmailAddress"),
            ("camelCase", "email_address", "emailAddress"),
            ("snake_case", "email_address", "email_address"),
            ("SCREAMING_SNAKE_CASE", "email_address", "EMAIL_ADDRESS"),
            ("kebab-case", "email_address", "email-address"),
            ("SCREAMING-KEBAB-CASE", "email_address", "EMAIL-ADDRESS"),
            ("camelCase", "id", "id"),
        ];
        for (rule, field, expected) in cases {
            let rule = RenameRule::from_name(rule).unwrap();
            assert_eq!(rule.apply_to_field(field), expected, "{rule:?}");
        }
        assert!(RenameRule::from_name("Camel").is_none());
    }
}
