//! Identifiers, quoted.

/// Appends `name` as a quoted identifier; `schema.table` becomes
/// `"schema"."table"`. Names come from the model derive, which accepts only
/// letters, digits, `_` and one `.`: nothing a user passes at run time.
pub(crate) fn push_quoted(sql: &mut String, name: &str) {
    for (position, part) in name.split('.').enumerate() {
        if position > 0 {
            sql.push('.');
        }
        sql.push('"');
        sql.push_str(part);
        sql.push('"');
    }
}

/// Appends `alias.column`, quoted: `"t"."id"`.
pub(crate) fn push_qualified(sql: &mut String, alias: &str, column: &str) {
    push_quoted(sql, alias);
    sql.push('.');
    push_quoted(sql, column);
}

#[cfg(test)]
mod tests {
    use super::{push_qualified, push_quoted};

    #[test]
    fn quotes_each_part() {
        let mut sql = String::new();
        push_quoted(&mut sql, "blog.posts");
        sql.push(' ');
        push_qualified(&mut sql, "t", "id");
        assert_eq!(sql, r#""blog"."posts" "t"."id""#);
    }
}
