//! What `#[derive(Filter)]` implements, and the visitors that turn a filter into
//! a statement's shape, its text and its binds.

use crate::db::engine::{Column, Engine, KeyColumn};
use crate::db::model::Model;
use sqlx::error::BoxDynError;

/// A comparison of a column with a bound value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

impl Op {
    pub(crate) const fn sql(self) -> &'static str {
        match self {
            Self::Eq => " = ",
            Self::Ne => " <> ",
            Self::Lt => " < ",
            Self::Lte => " <= ",
            Self::Gt => " > ",
            Self::Gte => " >= ",
        }
    }
}

/// A `LIKE` match. The value of `starts_with` and `contains` is matched
/// literally: its `%`, `_` and `\` are escaped before it is bound, and the
/// condition says `ESCAPE '\'`. `like` binds its pattern as it is.
///
/// SQLite's `LIKE` ignores the case of ASCII letters, PostgreSQL's does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Like {
    /// The value is a pattern, `%` and `_` included.
    Pattern,
    /// The column starts with the value.
    StartsWith,
    /// The column contains the value.
    Contains,
}

/// A typed filter on the rows of [`Filter::Model`]: `#[derive(Filter)]`
/// implements it for a struct of `Option` fields, each a condition when set.
///
/// The derive checks every field against the model's field of the same name
/// (or `column = "..."`) at compile time. See the `unokit::Filter` derive.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a filter of rows on `{DB}`",
    note = "derive it: `#[derive(unokit::Filter)]` with `#[filter(model = ...)]`"
)]
pub trait Filter<DB: Engine>: Send + Sync + 'static {
    /// The model whose rows are filtered.
    type Model: Model;

    /// Shows each set condition, in field order, to `visitor`.
    ///
    /// # Errors
    ///
    /// When a value does not encode.
    fn visit<'q, V: Visit<'q, DB>>(&'q self, visitor: &mut V) -> Result<(), BoxDynError>;
}

/// What a [`Filter`] shows its conditions to. Columns are the model's, from
/// the derive's input: never a user's run-time text.
pub trait Visit<'q, DB: Engine> {
    /// `column op value`.
    ///
    /// # Errors
    ///
    /// When the value does not encode.
    fn compare<T: Column<DB>>(
        &mut self,
        column: &'static str,
        op: Op,
        value: &'q T,
    ) -> Result<(), BoxDynError>;

    /// `column IN (values)`, or `NOT IN` when `negated`.
    ///
    /// # Errors
    ///
    /// When a value does not encode, or there are more than one statement may bind.
    fn in_list<T: KeyColumn<DB>>(
        &mut self,
        column: &'static str,
        negated: bool,
        values: &'q [T],
    ) -> Result<(), BoxDynError>;

    /// `column LIKE value ESCAPE '\'`.
    ///
    /// # Errors
    ///
    /// When the value does not encode.
    fn like(&mut self, column: &'static str, kind: Like, value: &'q str) -> Result<(), BoxDynError>
    where
        String: Column<DB>;

    /// `column IS NULL` when `null`, else `column IS NOT NULL`.
    ///
    /// # Errors
    ///
    /// Never with unokit's visitors; the signature matches the others.
    fn is_null(&mut self, column: &'static str, null: bool) -> Result<(), BoxDynError>;

    /// A parenthesized group of the conditions `inner` shows: joined by `OR`
    /// when `any`, else by `AND`. An empty group is left out.
    ///
    /// # Errors
    ///
    /// What `inner` returns.
    fn group(
        &mut self,
        any: bool,
        inner: &mut dyn FnMut(&mut Self) -> Result<(), BoxDynError>,
    ) -> Result<(), BoxDynError>;
}

/// Escapes `value` for a literal `LIKE` match with `ESCAPE '\'`.
#[must_use]
pub fn escape_like(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The shape of a filter's statement: which conditions are set, and how many
/// values each `IN` list binds where that changes the text. Equal shapes give
/// equal text, so the text is built once per shape.
pub(crate) struct Shape<DB> {
    pub(crate) hash: u64,
    engine: std::marker::PhantomData<fn() -> DB>,
}

impl<DB: Engine> Shape<DB> {
    pub(crate) fn new() -> Self {
        Self {
            hash: 0xcbf2_9ce4_8422_2325,
            engine: std::marker::PhantomData,
        }
    }

    /// Mixes one word in (a 64-bit multiply-xorshift: no allocation, no
    /// hashing of the columns' text, which the derive fixes per field).
    pub(crate) fn mix(&mut self, word: u64) {
        self.hash = (self.hash ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.hash ^= self.hash >> 29;
    }

    fn column(&mut self, column: &'static str, code: u64) {
        // The address and length of the column's name: per field, fixed.
        self.mix(column.as_ptr() as u64 ^ (column.len() as u64).rotate_left(48));
        self.mix(code);
    }
}

impl<'q, DB: Engine> Visit<'q, DB> for Shape<DB> {
    fn compare<T: Column<DB>>(
        &mut self,
        column: &'static str,
        op: Op,
        _: &'q T,
    ) -> Result<(), BoxDynError> {
        self.column(column, 1 + op as u64);
        Ok(())
    }

    fn in_list<T: KeyColumn<DB>>(
        &mut self,
        column: &'static str,
        negated: bool,
        values: &'q [T],
    ) -> Result<(), BoxDynError> {
        // PostgreSQL binds one array, whatever its length, and SQLite one
        // JSON array past a threshold; else one parameter per value. An
        // empty list is a constant condition.
        let count = match values.len() {
            0 => 0,
            n if DB::DIALECT.keys_per_statement() == usize::MAX || DB::DIALECT.list_as_json(n) => 1,
            n => n as u64 + 1,
        };
        self.column(column, 16 + u64::from(negated) + (count << 8));
        Ok(())
    }

    fn like(&mut self, column: &'static str, kind: Like, _: &'q str) -> Result<(), BoxDynError>
    where
        String: Column<DB>,
    {
        self.column(column, 32 + kind as u64);
        Ok(())
    }

    fn is_null(&mut self, column: &'static str, null: bool) -> Result<(), BoxDynError> {
        self.column(column, 48 + u64::from(null));
        Ok(())
    }

    fn group(
        &mut self,
        any: bool,
        inner: &mut dyn FnMut(&mut Self) -> Result<(), BoxDynError>,
    ) -> Result<(), BoxDynError> {
        self.mix(64 + u64::from(any));
        inner(self)?;
        self.mix(80);
        Ok(())
    }
}
