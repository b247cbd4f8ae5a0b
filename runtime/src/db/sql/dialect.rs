//! What differs between the engines' SQL: placeholders, how many parameters a
//! statement may bind, and how a statement matches many keys.

use super::ident::push_quoted;

/// Past this many values, SQLite binds a filter's list as one JSON array,
/// read by `IN (SELECT … FROM json_each(?))`. Below it, `IN (?, …)` lets the planner see
/// each value; above it, a text per length would fill the statement caches.
pub const JSON_LIST_OVER: usize = 100;

/// An engine's SQL dialect. PostgreSQL's exists only with the `postgres`
/// feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite: `?` placeholders, keys matched by `IN (?, …)`.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    Sqlite,
    /// PostgreSQL: `$n` placeholders, keys bound as one array, matched by
    /// `= ANY($n)`.
    #[cfg(feature = "postgres")]
    Postgres,
}

impl Dialect {
    /// The most parameters one statement may bind.
    #[must_use]
    pub const fn max_params(self) -> usize {
        match self {
            Self::Sqlite => 32_766,
            #[cfg(feature = "postgres")]
            Self::Postgres => 65_535,
        }
    }

    /// How many keys one statement of [`push_where_in`](Self::push_where_in) may
    /// bind; more are split over several statements.
    #[must_use]
    pub const fn keys_per_statement(self) -> usize {
        match self {
            // One parameter per key.
            Self::Sqlite => self.max_params(),
            // All of them: they go in one array parameter.
            #[cfg(feature = "postgres")]
            Self::Postgres => usize::MAX,
        }
    }

    /// Appends the placeholder of parameter `n` (from 1).
    pub fn push_placeholder(self, sql: &mut String, n: usize) {
        match self {
            Self::Sqlite => {
                let _ = n;
                sql.push('?');
            }
            #[cfg(feature = "postgres")]
            Self::Postgres => {
                use std::fmt::Write;
                write!(sql, "${n}").expect("writing to a String cannot fail");
            }
        }
    }

    /// Appends a condition matching `column` against `count` keys bound from
    /// parameter `first` on: `"column" IN (?, …)`, or `"column" = ANY($n)`.
    pub fn push_where_in(self, sql: &mut String, column: &str, count: usize, first: usize) {
        push_quoted(sql, column);
        match self {
            Self::Sqlite => {
                sql.push_str(" IN (");
                for position in 0..count {
                    if position > 0 {
                        sql.push_str(", ");
                    }
                    self.push_placeholder(sql, first + position);
                }
                sql.push(')');
            }
            #[cfg(feature = "postgres")]
            Self::Postgres => {
                let _ = count;
                sql.push_str(" = ANY(");
                self.push_placeholder(sql, first);
                sql.push(')');
            }
        }
    }

    /// Whether a filter's list of `count` values is bound as one JSON array
    /// ([`push_where_in_json`](Self::push_where_in_json)) rather than one
    /// parameter per value. SQLite does so past [`JSON_LIST_OVER`] values: a
    /// list of any length then fits one statement, and its text no longer
    /// depends on the count (one prepared statement, not one per length).
    #[must_use]
    pub const fn list_as_json(self, count: usize) -> bool {
        match self {
            Self::Sqlite => count > JSON_LIST_OVER,
            // One array parameter already.
            #[cfg(feature = "postgres")]
            Self::Postgres => false,
        }
    }

    /// Appends a condition matching `column` against the values of the JSON
    /// array bound to parameter `n`, as SQLite's `json_each` reads them. A blob
    /// is listed as `{"b": "<hex>"}` (JSON has no bytes), so one text serves
    /// every key type: integers, reals and text as themselves, blobs unhexed.
    pub fn push_where_in_json(self, sql: &mut String, column: &str, n: usize) {
        push_quoted(sql, column);
        sql.push_str(
            " IN (SELECT iif(type = 'object', unhex(value ->> 'b'), value) FROM json_each(",
        );
        self.push_placeholder(sql, n);
        sql.push_str("))");
    }

    /// `keys` split into the batches one statement each may bind.
    pub fn key_chunks<K>(self, keys: &[K]) -> std::slice::Chunks<'_, K> {
        keys.chunks(self.keys_per_statement())
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn sqlite_binds_each_key() {
        let mut sql = String::new();
        Dialect::Sqlite.push_where_in(&mut sql, "id", 3, 1);
        assert_eq!(sql, r#""id" IN (?, ?, ?)"#);
        assert_eq!(Dialect::Sqlite.key_chunks(&[0; 70_000]).len(), 3);
    }

    #[test]
    fn sqlite_lists_past_the_threshold_as_json() {
        assert!(!Dialect::Sqlite.list_as_json(super::JSON_LIST_OVER));
        assert!(Dialect::Sqlite.list_as_json(super::JSON_LIST_OVER + 1));
        let mut sql = String::new();
        Dialect::Sqlite.push_where_in_json(&mut sql, "id", 2);
        assert_eq!(
            sql,
            r#""id" IN (SELECT iif(type = 'object', unhex(value ->> 'b'), value) FROM json_each(?))"#
        );
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_binds_one_array() {
        let mut sql = String::new();
        Dialect::Postgres.push_where_in(&mut sql, "j.post_id", 3, 2);
        assert_eq!(sql, r#""j"."post_id" = ANY($2)"#);
        assert_eq!(Dialect::Postgres.key_chunks(&[0; 70_000]).len(), 1);
    }
}
