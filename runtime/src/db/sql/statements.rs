//! A model's statements, built from the identifiers the derive writes, once per
//! model and engine.

use super::dialect::Dialect;
use super::ident::push_quoted;
use std::sync::OnceLock;

/// A model's statements for one engine: [`Engine::statements`](crate::db::Engine::statements).
///
/// Statements over many keys append a condition from
/// [`Engine::push_where_in`](crate::db::Engine::push_where_in) to
/// [`select`](Self::select).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Statements {
    /// `SELECT "id", "title" FROM "posts"`
    pub select: &'static str,
    /// `SELECT … FROM "posts" ORDER BY "id"`
    pub select_all: &'static str,
    /// `SELECT … FROM "posts" WHERE "id" = ?`
    pub by_key: &'static str,
    /// `INSERT INTO "posts" ("id", "title") VALUES (?, ?)`
    pub insert: &'static str,
    /// `UPDATE "posts" SET "title" = ? WHERE "id" = ?`
    pub update: &'static str,
    /// `DELETE FROM "posts" WHERE "id" = ?`
    pub delete: &'static str,
}

impl Statements {
    /// The statements of `table`, whose `columns` (in field order) include `key`.
    #[must_use]
    pub fn build(dialect: Dialect, table: &str, key: &str, columns: &[&str]) -> Self {
        let mut listed = String::new();
        for (position, column) in columns.iter().enumerate() {
            if position > 0 {
                listed.push_str(", ");
            }
            push_quoted(&mut listed, column);
        }
        let mut quoted_table = String::new();
        push_quoted(&mut quoted_table, table);
        let mut quoted_key = String::new();
        push_quoted(&mut quoted_key, key);
        let placeholder = |n: usize| {
            let mut placeholder = String::new();
            dialect.push_placeholder(&mut placeholder, n);
            placeholder
        };
        let select = format!("SELECT {listed} FROM {quoted_table}");
        let values = (1..=columns.len())
            .map(placeholder)
            .collect::<Vec<_>>()
            .join(", ");
        let others: Vec<&&str> = columns.iter().filter(|column| **column != key).collect();
        let assignments = others
            .iter()
            .enumerate()
            .map(|(position, column)| {
                let mut assignment = String::new();
                push_quoted(&mut assignment, column);
                format!("{assignment} = {}", placeholder(position + 1))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let update = if others.is_empty() {
            // Nothing to set: a statement that changes nothing but still counts the row.
            format!(
                "UPDATE {quoted_table} SET {quoted_key} = {quoted_key} WHERE {quoted_key} = {}",
                placeholder(1)
            )
        } else {
            format!(
                "UPDATE {quoted_table} SET {assignments} WHERE {quoted_key} = {}",
                placeholder(others.len() + 1)
            )
        };
        Self {
            select_all: leak(format!("{select} ORDER BY {quoted_key}")),
            by_key: leak(format!("{select} WHERE {quoted_key} = {}", placeholder(1))),
            insert: leak(format!(
                "INSERT INTO {quoted_table} ({listed}) VALUES ({values})"
            )),
            update: leak(update),
            delete: leak(format!(
                "DELETE FROM {quoted_table} WHERE {quoted_key} = {}",
                placeholder(1)
            )),
            select: leak(select),
        }
    }
}

/// Statements live as long as the program: they are built once per model and
/// engine (see [`StatementCells`]), so their text is never freed.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// A model's statements for each engine, built on first use: `#[derive(Model)]`
/// puts one in a `static` of each model, so that a lookup is one atomic load,
/// with no allocation and no map.
#[derive(Debug)]
pub struct StatementCells {
    sqlite: OnceLock<Statements>,
    #[cfg(feature = "postgres")]
    postgres: OnceLock<Statements>,
}

impl StatementCells {
    /// Empty cells.
    #[must_use]
    #[allow(clippy::new_without_default)] // only ever a `static`
    pub const fn new() -> Self {
        Self {
            sqlite: OnceLock::new(),
            #[cfg(feature = "postgres")]
            postgres: OnceLock::new(),
        }
    }

    /// The statements of `dialect`, built by `build` the first time.
    pub(crate) fn get(&self, dialect: Dialect, build: impl FnOnce() -> Statements) -> &Statements {
        let cell = match dialect {
            Dialect::Sqlite => &self.sqlite,
            #[cfg(feature = "postgres")]
            Dialect::Postgres => &self.postgres,
        };
        cell.get_or_init(build)
    }
}

#[cfg(test)]
mod tests {
    use super::{Dialect, Statements};

    const COLUMNS: &[&str] = &["id", "title", "author_id"];

    #[test]
    fn writes_sqlite_statements() {
        let sqlite = Statements::build(Dialect::Sqlite, "posts", "id", COLUMNS);
        assert_eq!(
            sqlite.select,
            r#"SELECT "id", "title", "author_id" FROM "posts""#
        );
        assert_eq!(
            sqlite.select_all,
            r#"SELECT "id", "title", "author_id" FROM "posts" ORDER BY "id""#
        );
        assert_eq!(
            sqlite.by_key,
            r#"SELECT "id", "title", "author_id" FROM "posts" WHERE "id" = ?"#
        );
        assert_eq!(
            sqlite.insert,
            r#"INSERT INTO "posts" ("id", "title", "author_id") VALUES (?, ?, ?)"#
        );
        assert_eq!(
            sqlite.update,
            r#"UPDATE "posts" SET "title" = ?, "author_id" = ? WHERE "id" = ?"#
        );
        assert_eq!(sqlite.delete, r#"DELETE FROM "posts" WHERE "id" = ?"#);
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn writes_postgres_placeholders() {
        let postgres = Statements::build(Dialect::Postgres, "blog.posts", "id", COLUMNS);
        assert_eq!(
            postgres.insert,
            r#"INSERT INTO "blog"."posts" ("id", "title", "author_id") VALUES ($1, $2, $3)"#
        );
        assert_eq!(
            postgres.update,
            r#"UPDATE "blog"."posts" SET "title" = $1, "author_id" = $2 WHERE "id" = $3"#
        );
        assert_eq!(
            postgres.by_key,
            r#"SELECT "id", "title", "author_id" FROM "blog"."posts" WHERE "id" = $1"#
        );
    }

    #[test]
    fn a_key_only_model_still_updates() {
        let sqlite = Statements::build(Dialect::Sqlite, "tags", "id", &["id"]);
        assert_eq!(
            sqlite.update,
            r#"UPDATE "tags" SET "id" = "id" WHERE "id" = ?"#
        );
    }
}
