//! The statements that load rows by a batch of keys: a model's rows, and the
//! rows of a relation.

use super::dialect::Dialect;
use super::ident::{push_qualified, push_quoted};

/// `select WHERE column IN (…) ORDER BY order`, for `count` keys.
pub(crate) fn select_where_in(
    dialect: Dialect,
    select: &str,
    column: &str,
    count: usize,
    order: &str,
) -> String {
    let mut sql = String::with_capacity(select.len() + 32 + 3 * count);
    sql.push_str(select);
    sql.push_str(" WHERE ");
    dialect.push_where_in(&mut sql, column, count, 1);
    sql.push_str(" ORDER BY ");
    push_quoted(&mut sql, order);
    sql
}

/// The rows of `table` paired with `count` parent keys through the join table
/// `through`, each preceded by the parent key it belongs under:
///
/// `SELECT "j"."post_id", "t"."id", "t"."name" FROM "tags" t JOIN "post_tags" j
/// ON "j"."tag_id" = "t"."id" WHERE "j"."post_id" IN (…) ORDER BY "t"."id"`
pub(crate) struct ManyToMany<'a> {
    pub(crate) table: &'a str,
    pub(crate) key: &'a str,
    pub(crate) columns: &'a [&'a str],
    pub(crate) through: &'a str,
    pub(crate) local: &'a str,
    pub(crate) remote: &'a str,
}

pub(crate) fn many_to_many(dialect: Dialect, join: &ManyToMany<'_>, count: usize) -> String {
    let mut sql = String::from("SELECT ");
    push_qualified(&mut sql, "j", join.local);
    for column in join.columns {
        sql.push_str(", ");
        push_qualified(&mut sql, "t", column);
    }
    sql.push_str(" FROM ");
    push_quoted(&mut sql, join.table);
    sql.push_str(" t JOIN ");
    push_quoted(&mut sql, join.through);
    sql.push_str(" j ON ");
    push_qualified(&mut sql, "j", join.remote);
    sql.push_str(" = ");
    push_qualified(&mut sql, "t", join.key);
    sql.push_str(" WHERE ");
    dialect.push_where_in(&mut sql, &format!("j.{}", join.local), count, 1);
    sql.push_str(" ORDER BY ");
    push_qualified(&mut sql, "t", join.key);
    sql
}

#[cfg(test)]
mod tests {
    use super::{Dialect, ManyToMany, many_to_many, select_where_in};

    #[test]
    fn selects_by_keys() {
        assert_eq!(
            select_where_in(
                Dialect::Sqlite,
                r#"SELECT "id" FROM "c""#,
                "post_id",
                2,
                "id"
            ),
            r#"SELECT "id" FROM "c" WHERE "post_id" IN (?, ?) ORDER BY "id""#
        );
    }

    #[test]
    fn joins_through_the_join_table() {
        let join = ManyToMany {
            table: "tags",
            key: "id",
            columns: &["id", "name"],
            through: "post_tags",
            local: "post_id",
            remote: "tag_id",
        };
        assert_eq!(
            many_to_many(Dialect::Sqlite, &join, 2),
            r#"SELECT "j"."post_id", "t"."id", "t"."name" FROM "tags" t JOIN "post_tags" j ON "j"."tag_id" = "t"."id" WHERE "j"."post_id" IN (?, ?) ORDER BY "t"."id""#
        );
    }
}
