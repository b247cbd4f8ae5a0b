//! The statement of a nested load: a model's rows and a tree of relations,
//! aggregated into one JSON document by the database, returned as one row.
//!
//! On SQLite the statement gives one row per root row (the caller puts them
//! together into the document's array); on PostgreSQL one row, the document.
//! Every row becomes a JSON array of its columns, in [`Model::COLUMNS`](crate::db::Model::COLUMNS)
//! order, followed by its included relations: a `belongs_to` as one such array
//! (or `null` when the row is missing), a `has_many` or `many_to_many` as an
//! array of them ordered by key (`[]` when empty). A `belongs_to` is a `LEFT
//! JOIN` on the parent's table; a relation to many is a correlated subquery on
//! the parent's alias (with joins of its own), so a tree of any depth is one
//! statement. On SQLite a row with a relation to many is spliced together as
//! text rather than parsed again by `json()` (see `push_row`). (Joins
//! rather than a subquery per `belongs_to`: such a subquery's JSON has to be
//! parsed again on SQLite, which measured 1.4× the statement's time on the
//! blog.)
//!
//! Only identifiers written in the derive's input, generated aliases (`t0`,
//! `t1`, `j1`…) and fixed function names reach the text; values are bound.
//! Arrays are positional, not objects keyed by column name: the decoder knows
//! the order, and the document is smaller.

use super::dialect::Dialect;
use super::ident::{push_qualified, push_quoted};
use crate::db::relation::RelationKind;

/// How a column travels in the JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonEncoding {
    /// As the database's JSON functions write it: integers, text, booleans.
    Plain,
    /// As text that parses back to the same `f64`: SQLite's JSON functions
    /// print a REAL with 15 significant digits, which loses precision, so it
    /// goes through `printf('%!.20e')`; PostgreSQL's `float8` text output is
    /// the shortest exact form (and spells `NaN` and `Infinity`).
    Float,
}

/// A model in the tree: its table and columns.
#[derive(Clone, Copy, Debug)]
#[doc(hidden)]
pub struct Table {
    pub(crate) table: &'static str,
    pub(crate) key: &'static str,
    pub(crate) columns: &'static [&'static str],
    pub(crate) encodings: &'static [JsonEncoding],
}

/// One included relation, with the relations included into its rows.
#[derive(Clone, Debug)]
#[doc(hidden)]
pub struct Node {
    pub(crate) kind: RelationKind,
    /// The parent's column the relation matches on: the foreign key of a
    /// `belongs_to`, the parent's key otherwise.
    pub(crate) parent_column: &'static str,
    pub(crate) child: Table,
    pub(crate) children: Vec<Node>,
}

/// `SELECT <document> FROM "table" "t0" <joins>`: append a `WHERE` on
/// `"t0"."key"` to load some rows only.
pub(crate) fn tree(dialect: Dialect, root: &Table, children: &[Node]) -> String {
    let mut aliases = 0;
    let mut joins = String::new();
    let mut row = String::with_capacity(512);
    let form = push_row(
        &mut row,
        dialect,
        root,
        "t0",
        children,
        &mut aliases,
        &mut joins,
    );
    let mut sql = String::with_capacity(row.len() + joins.len() + 96);
    sql.push_str("SELECT ");
    match dialect {
        // One row per root row, each its array as text, put together by the
        // caller in the order of `push_root_order`: aggregating them here
        // (`group_concat(… ORDER BY "t0"."id")`) copies every finished row
        // into a temporary B-tree to sort it, where the key's index gives
        // the rows in order already (measured on the blog's statement, SQLite
        // 3.46: 0.88–0.93 ms instead of 1.05–1.10).
        Dialect::Sqlite => {
            let _ = form;
            sql.push_str(&row);
        }
        #[cfg(feature = "postgres")]
        Dialect::Postgres => {
            push_aggregate(&mut sql, dialect, &row, form, "t0", root.key);
            // Text, which sqlx decodes into a `&str` (a `json` value it does not).
            sql.push_str("::text");
        }
    }
    sql.push_str(" FROM ");
    push_quoted(&mut sql, root.table);
    sql.push_str(" \"t0\"");
    sql.push_str(&joins);
    sql
}

/// What a row's expression gives: a JSON value (`json_array`), which
/// SQLite's JSON functions take as it is, or plain text (a row spliced
/// together on SQLite), which they would quote as a string.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Json,
    Text,
}

/// The rows' array, `[]` when there are none: `json_group_array(<row> ORDER
/// BY <alias.key>)`, or for rows spliced as text `'[' ||
/// coalesce(group_concat(<row>, ',' ORDER BY <alias.key>), '') || ']'`.
fn push_aggregate(
    sql: &mut String,
    dialect: Dialect,
    row: &str,
    form: Form,
    alias: &str,
    key: &str,
) {
    match (dialect, form) {
        (Dialect::Sqlite, Form::Json) => sql.push_str("json_group_array("),
        (Dialect::Sqlite, Form::Text) => sql.push_str("'[' || coalesce(group_concat("),
        #[cfg(feature = "postgres")]
        (Dialect::Postgres, _) => sql.push_str("COALESCE(json_agg("),
    }
    sql.push_str(row);
    if matches!((dialect, form), (Dialect::Sqlite, Form::Text)) {
        sql.push_str(", ','");
    }
    sql.push_str(" ORDER BY ");
    push_qualified(sql, alias, key);
    match (dialect, form) {
        (Dialect::Sqlite, Form::Json) => sql.push(')'),
        (Dialect::Sqlite, Form::Text) => sql.push_str("), '') || ']'"),
        #[cfg(feature = "postgres")]
        (Dialect::Postgres, _) => sql.push_str("), '[]'::json)"),
    }
}

/// Appends the condition that keeps `count` keys of the root, bound from
/// parameter 1 on, to a statement of [`tree`].
pub(crate) fn push_root_keys(sql: &mut String, dialect: Dialect, key: &str, count: usize) {
    sql.push_str(" WHERE ");
    dialect.push_where_in(sql, &format!("t0.{key}"), count, 1);
}

/// Ends a statement of [`tree`] (after its `WHERE`, if any): on SQLite, whose
/// statement gives a row per root row, orders them by key; PostgreSQL's
/// aggregate orders its array itself.
pub(crate) fn push_root_order(sql: &mut String, dialect: Dialect, key: &str) {
    match dialect {
        Dialect::Sqlite => {
            sql.push_str(" ORDER BY ");
            push_qualified(sql, "t0", key);
        }
        #[cfg(feature = "postgres")]
        Dialect::Postgres => {}
    }
}

/// The row aliased `alias`: its columns, then its relations. A `belongs_to`
/// is a `LEFT JOIN` added to `joins` (the `FROM` of the row's statement or
/// subquery), its row `NULL` when the join found none; a relation to many is
/// a correlated subquery.
///
/// On PostgreSQL, and on SQLite while every value is JSON, the row is one
/// `json_array`. On SQLite a relation to many comes out of its subquery as
/// text ("subtypes may not cross a subquery boundary"), which `json()` would
/// parse again, at every level of the tree: instead the row is spliced as
/// text, `rtrim(json_array(<columns>, <leading belongs_to rows>, 0), '0]')`
/// (the `0` makes the trimmed end exact: `…,`), then each following relation
/// as text, then `]`. Measured on the blog's statement: 0.55 ms, not 0.72.
fn push_row(
    sql: &mut String,
    dialect: Dialect,
    table: &Table,
    alias: &str,
    children: &[Node],
    aliases: &mut usize,
    joins: &mut String,
) -> Form {
    // The children's values first: whether one is text decides the row's form.
    let mut values = Vec::with_capacity(children.len());
    for child in children {
        let mut value = String::new();
        let form = push_relation(&mut value, dialect, alias, child, aliases, joins);
        values.push((value, form, matches!(child.kind, RelationKind::BelongsTo)));
    }
    let spliced = values.iter().position(|(_, form, _)| *form == Form::Text);
    let leading = spliced.unwrap_or(values.len());
    if spliced.is_some() {
        sql.push_str("rtrim(");
    }
    match dialect {
        Dialect::Sqlite => sql.push_str("json_array("),
        #[cfg(feature = "postgres")]
        Dialect::Postgres => sql.push_str("json_build_array("),
    }
    for (position, column) in table.columns.iter().enumerate() {
        if position > 0 {
            sql.push_str(", ");
        }
        let encoding = table
            .encodings
            .get(position)
            .copied()
            .unwrap_or(JsonEncoding::Plain);
        push_column(sql, dialect, alias, column, encoding);
    }
    for (value, _, _) in &values[..leading] {
        sql.push_str(", ");
        sql.push_str(value);
    }
    let Some(spliced) = spliced else {
        sql.push(')');
        return Form::Json;
    };
    sql.push_str(", 0), '0]')");
    for (position, (value, _, belongs_to)) in values[spliced..].iter().enumerate() {
        if position > 0 {
            sql.push_str(" || ','");
        }
        sql.push_str(" || ");
        // A missing `belongs_to` row is `null` in the text, where a NULL
        // would make the whole concatenation NULL. Its `CASE` comes first.
        if *belongs_to {
            sql.push_str(&value.replacen(" THEN NULL ELSE ", " THEN 'null' ELSE ", 1));
        } else {
            sql.push_str(value);
        }
    }
    sql.push_str(" || ']'");
    Form::Text
}

/// The value of relation `child` in the row aliased `alias`.
fn push_relation(
    sql: &mut String,
    dialect: Dialect,
    alias: &str,
    child: &Node,
    aliases: &mut usize,
    joins: &mut String,
) -> Form {
    *aliases += 1;
    let child_alias = format!("t{aliases}");
    if !matches!(child.kind, RelationKind::BelongsTo) {
        push_many(sql, dialect, alias, &child_alias, child, aliases);
        return match dialect {
            Dialect::Sqlite => Form::Text,
            #[cfg(feature = "postgres")]
            Dialect::Postgres => Form::Json,
        };
    }
    joins.push_str(" LEFT JOIN ");
    push_quoted(joins, child.child.table);
    joins.push(' ');
    push_quoted(joins, &child_alias);
    joins.push_str(" ON ");
    push_qualified(joins, &child_alias, child.child.key);
    joins.push_str(" = ");
    push_qualified(joins, alias, child.parent_column);
    sql.push_str("CASE WHEN ");
    push_qualified(sql, &child_alias, child.child.key);
    sql.push_str(" IS NULL THEN NULL ELSE ");
    let form = push_row(
        sql,
        dialect,
        &child.child,
        &child_alias,
        &child.children,
        aliases,
        joins,
    );
    sql.push_str(" END");
    form
}

fn push_column(
    sql: &mut String,
    dialect: Dialect,
    alias: &str,
    column: &str,
    encoding: JsonEncoding,
) {
    match (encoding, dialect) {
        (JsonEncoding::Plain, _) => push_qualified(sql, alias, column),
        (JsonEncoding::Float, Dialect::Sqlite) => {
            // `printf` reads NULL as 0.0: keep NULL null.
            sql.push_str("iif(");
            push_qualified(sql, alias, column);
            sql.push_str(" IS NULL, NULL, printf('%!.20e', ");
            push_qualified(sql, alias, column);
            sql.push_str("))");
        }
        #[cfg(feature = "postgres")]
        (JsonEncoding::Float, Dialect::Postgres) => {
            sql.push('(');
            push_qualified(sql, alias, column);
            sql.push_str(")::text");
        }
    }
}

/// The correlated subquery of a relation to many of the row aliased `parent`.
fn push_many(
    sql: &mut String,
    dialect: Dialect,
    parent: &str,
    alias: &str,
    node: &Node,
    aliases: &mut usize,
) {
    let mut joins = String::new();
    let mut row = String::with_capacity(256);
    let form = push_row(
        &mut row,
        dialect,
        &node.child,
        alias,
        &node.children,
        aliases,
        &mut joins,
    );
    sql.push_str("(SELECT ");
    push_aggregate(sql, dialect, &row, form, alias, node.child.key);
    sql.push_str(" FROM ");
    push_quoted(sql, node.child.table);
    sql.push(' ');
    push_quoted(sql, alias);
    let matched = match node.kind {
        RelationKind::ManyToMany {
            through,
            local,
            remote,
        } => {
            let join = format!("j{}", &alias[1..]);
            sql.push_str(" JOIN ");
            push_quoted(sql, through);
            sql.push(' ');
            push_quoted(sql, &join);
            sql.push_str(" ON ");
            push_qualified(sql, &join, remote);
            sql.push_str(" = ");
            push_qualified(sql, alias, node.child.key);
            (join, local)
        }
        RelationKind::HasMany { foreign_key } => (alias.to_owned(), foreign_key),
        RelationKind::BelongsTo => (alias.to_owned(), node.child.key),
    };
    sql.push_str(&joins);
    sql.push_str(" WHERE ");
    push_qualified(sql, &matched.0, matched.1);
    sql.push_str(" = ");
    push_qualified(sql, parent, node.parent_column);
    sql.push(')');
}

#[cfg(test)]
mod tests {
    use super::{Dialect, JsonEncoding, Node, Table, push_root_keys, push_root_order, tree};
    use crate::db::relation::RelationKind;

    const AUTHORS: Table = Table {
        table: "authors",
        key: "id",
        columns: &["id", "name"],
        encodings: &[JsonEncoding::Plain, JsonEncoding::Plain],
    };

    fn blog() -> (Table, Vec<Node>) {
        let posts = Table {
            table: "posts",
            key: "id",
            columns: &["id", "author_id", "score"],
            encodings: &[
                JsonEncoding::Plain,
                JsonEncoding::Plain,
                JsonEncoding::Float,
            ],
        };
        let comments = Table {
            table: "comments",
            key: "id",
            columns: &["id", "post_id"],
            encodings: &[JsonEncoding::Plain, JsonEncoding::Plain],
        };
        let author = |parent_column| Node {
            kind: RelationKind::BelongsTo,
            parent_column,
            child: AUTHORS,
            children: Vec::new(),
        };
        let children = vec![
            author("author_id"),
            Node {
                kind: RelationKind::HasMany {
                    foreign_key: "post_id",
                },
                parent_column: "id",
                child: comments,
                children: vec![author("author_id")],
            },
            Node {
                kind: RelationKind::ManyToMany {
                    through: "post_tags",
                    local: "post_id",
                    remote: "tag_id",
                },
                parent_column: "id",
                child: Table {
                    table: "tags",
                    key: "id",
                    columns: &["id"],
                    encodings: &[],
                },
                children: Vec::new(),
            },
        ];
        (posts, children)
    }

    #[test]
    fn sqlite_nests_every_hop() {
        let (posts, children) = blog();
        let mut sql = tree(Dialect::Sqlite, &posts, &children);
        push_root_keys(&mut sql, Dialect::Sqlite, "id", 2);
        push_root_order(&mut sql, Dialect::Sqlite, "id");
        assert_eq!(
            sql,
            concat!(
                r#"SELECT rtrim(json_array("t0"."id", "t0"."author_id", iif("t0"."score" IS NULL, NULL, printf('%!.20e', "t0"."score")), "#,
                r#"CASE WHEN "t1"."id" IS NULL THEN NULL ELSE json_array("t1"."id", "t1"."name") END, 0), '0]') || "#,
                r#"(SELECT json_group_array(json_array("t2"."id", "t2"."post_id", "#,
                r#"CASE WHEN "t3"."id" IS NULL THEN NULL ELSE json_array("t3"."id", "t3"."name") END) ORDER BY "t2"."id") "#,
                r#"FROM "comments" "t2" LEFT JOIN "authors" "t3" ON "t3"."id" = "t2"."author_id" WHERE "t2"."post_id" = "t0"."id") || ',' || "#,
                r#"(SELECT json_group_array(json_array("t4"."id") ORDER BY "t4"."id") FROM "tags" "t4" JOIN "post_tags" "j4" ON "j4"."tag_id" = "t4"."id" WHERE "j4"."post_id" = "t0"."id") || ']' "#,
                r#"FROM "posts" "t0" LEFT JOIN "authors" "t1" ON "t1"."id" = "t0"."author_id" WHERE "t0"."id" IN (?, ?) ORDER BY "t0"."id""#
            )
        );
    }

    /// A `belongs_to` after a relation to many, and one whose row is itself
    /// spliced: each spliced as text, `'null'` when missing.
    #[test]
    fn sqlite_splices_rows_after_a_relation_to_many() {
        let items = Node {
            kind: RelationKind::HasMany {
                foreign_key: "author_id",
            },
            parent_column: "id",
            child: Table {
                table: "items",
                key: "id",
                columns: &["id"],
                encodings: &[],
            },
            children: Vec::new(),
        };
        let owner = Node {
            kind: RelationKind::BelongsTo,
            parent_column: "author_id",
            child: AUTHORS,
            children: vec![items],
        };
        let sql = tree(
            Dialect::Sqlite,
            &Table {
                table: "posts",
                key: "id",
                columns: &["id", "author_id"],
                encodings: &[],
            },
            &[owner],
        );
        assert_eq!(
            sql,
            concat!(
                r#"SELECT rtrim(json_array("t0"."id", "t0"."author_id", 0), '0]') || "#,
                r#"CASE WHEN "t1"."id" IS NULL THEN 'null' ELSE rtrim(json_array("t1"."id", "t1"."name", 0), '0]') || "#,
                r#"(SELECT json_group_array(json_array("t2"."id") ORDER BY "t2"."id") FROM "items" "t2" WHERE "t2"."author_id" = "t1"."id") || ']' END || ']' "#,
                r#"FROM "posts" "t0" LEFT JOIN "authors" "t1" ON "t1"."id" = "t0"."author_id""#
            )
        );
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_nests_every_hop() {
        let (posts, children) = blog();
        let mut sql = tree(Dialect::Postgres, &posts, &children[..2]);
        push_root_keys(&mut sql, Dialect::Postgres, "id", 2);
        assert_eq!(
            sql,
            concat!(
                r#"SELECT COALESCE(json_agg(json_build_array("t0"."id", "t0"."author_id", ("t0"."score")::text, "#,
                r#"CASE WHEN "t1"."id" IS NULL THEN NULL ELSE json_build_array("t1"."id", "t1"."name") END, "#,
                r#"(SELECT COALESCE(json_agg(json_build_array("t2"."id", "t2"."post_id", "#,
                r#"CASE WHEN "t3"."id" IS NULL THEN NULL ELSE json_build_array("t3"."id", "t3"."name") END) ORDER BY "t2"."id"), '[]'::json) "#,
                r#"FROM "comments" "t2" LEFT JOIN "authors" "t3" ON "t3"."id" = "t2"."author_id" WHERE "t2"."post_id" = "t0"."id")) "#,
                r#"ORDER BY "t0"."id"), '[]'::json)::text FROM "posts" "t0" LEFT JOIN "authors" "t1" ON "t1"."id" = "t0"."author_id" WHERE "t0"."id" = ANY($1)"#
            )
        );
    }
}
