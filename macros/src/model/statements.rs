//! The statements of a model, written at compile time for each engine.

/// Placeholder style.
#[derive(Clone, Copy)]
pub(crate) enum Engine {
    /// SQLite: `?`.
    Sqlite,
    /// PostgreSQL: `$1`, `$2`, ….
    Postgres,
}

pub(crate) struct Statements {
    pub(crate) select: String,
    pub(crate) select_all: String,
    pub(crate) by_key: String,
    pub(crate) insert: String,
    pub(crate) update: String,
    pub(crate) delete: String,
}

/// `columns` in field order; `key` is one of them.
pub(crate) fn statements(engine: Engine, table: &str, columns: &[String], key: &str) -> Statements {
    let table = quote_path(table);
    let key = quote_path(key);
    let listed = columns
        .iter()
        .map(|column| quote_path(column))
        .collect::<Vec<_>>()
        .join(", ");
    let select = format!("SELECT {listed} FROM {table}");
    let placeholders = (1..=columns.len())
        .map(|n| placeholder(engine, n))
        .collect::<Vec<_>>()
        .join(", ");
    let others: Vec<&String> = columns
        .iter()
        .filter(|column| quote_path(column) != key)
        .collect();
    let assignments = others
        .iter()
        .enumerate()
        .map(|(position, column)| {
            format!(
                "{} = {}",
                quote_path(column),
                placeholder(engine, position + 1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    Statements {
        select_all: format!("{select} ORDER BY {key}"),
        by_key: format!("{select} WHERE {key} = {}", placeholder(engine, 1)),
        insert: format!("INSERT INTO {table} ({listed}) VALUES ({placeholders})"),
        update: if others.is_empty() {
            // Nothing to set: a statement that changes nothing but still counts the row.
            format!(
                "UPDATE {table} SET {key} = {key} WHERE {key} = {}",
                placeholder(engine, 1)
            )
        } else {
            format!(
                "UPDATE {table} SET {assignments} WHERE {key} = {}",
                placeholder(engine, others.len() + 1)
            )
        },
        delete: format!(
            "DELETE FROM {table} WHERE {key} = {}",
            placeholder(engine, 1)
        ),
        select,
    }
}

fn placeholder(engine: Engine, n: usize) -> String {
    match engine {
        Engine::Sqlite => "?".to_owned(),
        Engine::Postgres => format!("${n}"),
    }
}

/// `posts` → `"posts"`, `blog.posts` → `"blog"."posts"`. Validation has made
/// sure that the parts are identifiers.
fn quote_path(name: &str) -> String {
    name.split('.')
        .map(|part| format!("\"{part}\""))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::{Engine, statements};

    #[test]
    fn writes_each_engines_placeholders() {
        let columns = ["id".to_owned(), "title".to_owned(), "author_id".to_owned()];
        let sqlite = statements(Engine::Sqlite, "posts", &columns, "id");
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
        let postgres = statements(Engine::Postgres, "blog.posts", &columns, "id");
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
        let sqlite = statements(Engine::Sqlite, "tags", &["id".to_owned()], "id");
        assert_eq!(
            sqlite.update,
            r#"UPDATE "tags" SET "id" = "id" WHERE "id" = ?"#
        );
    }
}
