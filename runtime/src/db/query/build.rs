//! Binding a filter's values, and writing its `WHERE` clause when its shape is
//! new: one visitor does both, so that the placeholders and the binds agree.

use super::filter::{Like, Op, Visit, escape_like};
use crate::db::engine::{Column, Engine, KeyColumn};
use crate::db::sql::push_quoted;
use sqlx::Arguments;
use sqlx::error::BoxDynError;

/// Binds each value in order, and writes the conditions into `sql` when set.
pub(crate) struct Binder<'q, DB: Engine> {
    pub(crate) arguments: DB::Arguments<'q>,
    /// `None` when the text of the shape is already known.
    pub(crate) sql: Option<String>,
    /// Parameters bound so far.
    pub(crate) params: usize,
    /// The joiner of the current group, and whether it has a condition yet.
    joiner: &'static str,
    empty: bool,
}

impl<'q, DB: Engine> Binder<'q, DB> {
    pub(crate) fn new(sql: Option<String>) -> Self {
        Self {
            arguments: <DB::Arguments<'q>>::default(),
            sql,
            params: 0,
            joiner: " AND ",
            empty: true,
        }
    }

    /// Whether any condition was written at the top level.
    pub(crate) fn wrote_any(&self) -> bool {
        !self.empty
    }

    /// Starts a condition: its joiner, then `column`.
    fn start(&mut self, column: &str) {
        if let Some(sql) = &mut self.sql {
            if !self.empty {
                sql.push_str(self.joiner);
            }
            push_quoted(sql, column);
        }
        self.empty = false;
    }

    pub(crate) fn placeholder(&mut self) {
        self.params += 1;
        if let Some(sql) = &mut self.sql {
            DB::DIALECT.push_placeholder(sql, self.params);
        }
    }

    fn push(&mut self, text: &str) {
        if let Some(sql) = &mut self.sql {
            sql.push_str(text);
        }
    }
}

impl<'q, DB: Engine> Visit<'q, DB> for Binder<'q, DB> {
    fn compare<T: Column<DB>>(
        &mut self,
        column: &'static str,
        op: Op,
        value: &'q T,
    ) -> Result<(), BoxDynError> {
        self.start(column);
        self.push(op.sql());
        self.placeholder();
        self.arguments.add(value)
    }

    fn in_list<T: KeyColumn<DB>>(
        &mut self,
        column: &'static str,
        negated: bool,
        values: &'q [T],
    ) -> Result<(), BoxDynError> {
        if values.is_empty() {
            // Nothing is in an empty list: a constant, on every engine.
            if let Some(sql) = &mut self.sql {
                if !self.empty {
                    sql.push_str(self.joiner);
                }
                sql.push_str(if negated { "1 = 1" } else { "1 = 0" });
            }
            self.empty = false;
            return Ok(());
        }
        // Long lists on SQLite: one JSON array parameter, any length.
        let json = DB::DIALECT.list_as_json(values.len());
        let room = DB::MAX_PARAMS.saturating_sub(self.params + 2);
        if !json
            && values.len() > DB::keys_per_statement().min(room)
            && DB::keys_per_statement() != usize::MAX
        {
            return Err(format!(
                "`{column}` lists {} values, more than one statement may bind",
                values.len()
            )
            .into());
        }
        // The dialect writes the list: `IN (?, …)`, `= ANY($n)`, or
        // `IN (SELECT … FROM json_each(?))`.
        if let Some(sql) = &mut self.sql {
            if !self.empty {
                sql.push_str(self.joiner);
            }
            if negated {
                sql.push_str("NOT (");
            }
            if json {
                DB::DIALECT.push_where_in_json(sql, column, self.params + 1);
            } else {
                DB::DIALECT.push_where_in(sql, column, values.len(), self.params + 1);
            }
            if negated {
                sql.push(')');
            }
        }
        self.empty = false;
        if json {
            self.params += 1;
            return T::add_key_list(&mut self.arguments, values);
        }
        self.params += if DB::keys_per_statement() == usize::MAX {
            1
        } else {
            values.len()
        };
        T::add_keys(&mut self.arguments, values)
    }

    fn like(&mut self, column: &'static str, kind: Like, value: &'q str) -> Result<(), BoxDynError>
    where
        String: Column<DB>,
    {
        self.start(column);
        self.push(" LIKE ");
        self.placeholder();
        self.push(" ESCAPE '\\'");
        match kind {
            Like::Pattern => self.arguments.add(value.to_owned()),
            Like::StartsWith => self.arguments.add(format!("{}%", escape_like(value))),
            Like::Contains => self.arguments.add(format!("%{}%", escape_like(value))),
        }
    }

    fn is_null(&mut self, column: &'static str, null: bool) -> Result<(), BoxDynError> {
        self.start(column);
        self.push(if null { " IS NULL" } else { " IS NOT NULL" });
        Ok(())
    }

    fn group(
        &mut self,
        any: bool,
        inner: &mut dyn FnMut(&mut Self) -> Result<(), BoxDynError>,
    ) -> Result<(), BoxDynError> {
        let outer = (self.joiner, self.empty);
        // The group's text goes to a buffer of its own, kept only if not empty.
        let outer_sql = self.sql.take();
        self.sql = outer_sql.as_ref().map(|_| String::new());
        self.joiner = if any { " OR " } else { " AND " };
        self.empty = true;
        let result = inner(self);
        let group = std::mem::replace(&mut self.sql, outer_sql);
        let group_empty = self.empty;
        (self.joiner, self.empty) = outer;
        result?;
        if !group_empty {
            if let (Some(sql), Some(group)) = (&mut self.sql, group) {
                if !self.empty {
                    sql.push_str(self.joiner);
                }
                sql.push('(');
                sql.push_str(&group);
                sql.push(')');
            }
            self.empty = false;
        }
        Ok(())
    }
}
