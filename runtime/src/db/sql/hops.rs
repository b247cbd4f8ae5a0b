//! The statements of concurrent hops: each hop's rows selected against its
//! parents' statement as a subquery, not against their keys, so that no hop
//! waits for the one before it.
//!
//! A set of rows is written as the body of a `FROM`: `"posts"`, or
//! `"comments" WHERE "post_id" IN (SELECT "id" FROM "posts")`. A hop on it
//! selects its rows from the child table where the matching column is `IN`
//! the parents' column, and passes the set of those rows to its own hops.
//! Inside each subquery, column names are unqualified: they resolve to that
//! subquery's own table, which has them (they come from its model's derive).

use super::dialect::Dialect;
use super::ident::{push_qualified, push_quoted};
use crate::db::relation::RelationKind;

/// A relation's hop: what it reads, and how it matches its parents.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hop<'a> {
    pub(crate) kind: RelationKind,
    /// The parent's column the relation matches on: the foreign key of a
    /// `belongs_to`, the parent's key otherwise.
    pub(crate) parent_column: &'a str,
    pub(crate) table: &'a str,
    pub(crate) key: &'a str,
    pub(crate) columns: &'a [&'a str],
    /// `SELECT <columns> FROM "table"`.
    pub(crate) select: &'a str,
}

/// The set of every row of `table`, or of those whose `key` is one of
/// `count` keys bound from parameter 1 on.
pub(crate) fn root_set(dialect: Dialect, table: &str, key: &str, count: Option<usize>) -> String {
    let mut set = String::with_capacity(64);
    push_quoted(&mut set, table);
    if let Some(count) = count {
        set.push_str(" WHERE ");
        dialect.push_where_in(&mut set, key, count, 1);
    }
    set
}

/// The statement of `hop`'s rows for the parents in `parents` (ordered by
/// the child's key; on a `many_to_many`, each row preceded by the parent key
/// it belongs under), and the set of those rows.
pub(crate) fn hop(parents: &str, hop: &Hop<'_>) -> (String, String) {
    // `(SELECT "parent_column" FROM <parents>)`
    let mut from_parents = String::with_capacity(parents.len() + 32);
    from_parents.push_str("(SELECT ");
    push_quoted(&mut from_parents, hop.parent_column);
    from_parents.push_str(" FROM ");
    from_parents.push_str(parents);
    from_parents.push(')');
    let mut rows = String::with_capacity(hop.select.len() + from_parents.len() + 64);
    let mut set = String::with_capacity(from_parents.len() + 64);
    push_quoted(&mut set, hop.table);
    set.push_str(" WHERE ");
    match hop.kind {
        RelationKind::BelongsTo | RelationKind::HasMany { .. } => {
            let column = match hop.kind {
                RelationKind::HasMany { foreign_key } => foreign_key,
                _ => hop.key,
            };
            let mut matched = String::with_capacity(column.len() + from_parents.len() + 8);
            push_quoted(&mut matched, column);
            matched.push_str(" IN ");
            matched.push_str(&from_parents);
            rows.push_str(hop.select);
            rows.push_str(" WHERE ");
            rows.push_str(&matched);
            rows.push_str(" ORDER BY ");
            push_quoted(&mut rows, hop.key);
            set.push_str(&matched);
        }
        RelationKind::ManyToMany {
            through,
            local,
            remote,
        } => {
            rows.push_str("SELECT ");
            push_qualified(&mut rows, "j", local);
            for column in hop.columns {
                rows.push_str(", ");
                push_qualified(&mut rows, "t", column);
            }
            rows.push_str(" FROM ");
            push_quoted(&mut rows, hop.table);
            rows.push_str(" t JOIN ");
            push_quoted(&mut rows, through);
            rows.push_str(" j ON ");
            push_qualified(&mut rows, "j", remote);
            rows.push_str(" = ");
            push_qualified(&mut rows, "t", hop.key);
            rows.push_str(" WHERE ");
            push_qualified(&mut rows, "j", local);
            rows.push_str(" IN ");
            rows.push_str(&from_parents);
            rows.push_str(" ORDER BY ");
            push_qualified(&mut rows, "t", hop.key);
            // `"tags" WHERE "id" IN (SELECT "tag_id" FROM "post_tags" WHERE "post_id" IN (…))`
            push_quoted(&mut set, hop.key);
            set.push_str(" IN (SELECT ");
            push_quoted(&mut set, remote);
            set.push_str(" FROM ");
            push_quoted(&mut set, through);
            set.push_str(" WHERE ");
            push_quoted(&mut set, local);
            set.push_str(" IN ");
            set.push_str(&from_parents);
            set.push(')');
        }
    }
    (rows, set)
}

#[cfg(test)]
mod tests {
    use super::{Dialect, Hop, hop, root_set};
    use crate::db::relation::RelationKind;

    const AUTHOR: Hop<'static> = Hop {
        kind: RelationKind::BelongsTo,
        parent_column: "author_id",
        table: "authors",
        key: "id",
        columns: &["id", "name"],
        select: r#"SELECT "id", "name" FROM "authors""#,
    };

    #[test]
    fn a_hop_selects_against_its_parents_statement() {
        let posts = root_set(Dialect::Sqlite, "posts", "id", Some(2));
        assert_eq!(posts, r#""posts" WHERE "id" IN (?, ?)"#);
        let comments = Hop {
            kind: RelationKind::HasMany {
                foreign_key: "post_id",
            },
            parent_column: "id",
            table: "comments",
            key: "id",
            columns: &["id", "post_id", "author_id"],
            select: r#"SELECT "id", "post_id", "author_id" FROM "comments""#,
        };
        let (rows, set) = hop(&posts, &comments);
        assert_eq!(
            rows,
            r#"SELECT "id", "post_id", "author_id" FROM "comments" WHERE "post_id" IN (SELECT "id" FROM "posts" WHERE "id" IN (?, ?)) ORDER BY "id""#
        );
        let (rows, _) = hop(&set, &AUTHOR);
        assert_eq!(
            rows,
            concat!(
                r#"SELECT "id", "name" FROM "authors" WHERE "id" IN (SELECT "author_id" FROM "comments" "#,
                r#"WHERE "post_id" IN (SELECT "id" FROM "posts" WHERE "id" IN (?, ?))) ORDER BY "id""#
            )
        );
    }

    #[test]
    fn a_many_to_many_hop_goes_through_its_table() {
        let posts = root_set(Dialect::Sqlite, "posts", "id", None);
        let tags = Hop {
            kind: RelationKind::ManyToMany {
                through: "post_tags",
                local: "post_id",
                remote: "tag_id",
            },
            parent_column: "id",
            table: "tags",
            key: "id",
            columns: &["id", "name"],
            select: r#"SELECT "id", "name" FROM "tags""#,
        };
        let (rows, set) = hop(&posts, &tags);
        assert_eq!(
            rows,
            concat!(
                r#"SELECT "j"."post_id", "t"."id", "t"."name" FROM "tags" t JOIN "post_tags" j ON "j"."tag_id" = "t"."id" "#,
                r#"WHERE "j"."post_id" IN (SELECT "id" FROM "posts") ORDER BY "t"."id""#
            )
        );
        assert_eq!(
            set,
            r#""tags" WHERE "id" IN (SELECT "tag_id" FROM "post_tags" WHERE "post_id" IN (SELECT "id" FROM "posts"))"#
        );
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_binds_the_root_keys_once() {
        let posts = root_set(Dialect::Postgres, "posts", "id", Some(500));
        let (rows, _) = hop(&posts, &AUTHOR);
        assert_eq!(
            rows,
            r#"SELECT "id", "name" FROM "authors" WHERE "id" IN (SELECT "author_id" FROM "posts" WHERE "id" = ANY($1)) ORDER BY "id""#
        );
    }
}
