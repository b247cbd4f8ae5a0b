//! Reading a nested load's document: serde seeds that decode each row into
//! its model and each relation into its field, with no intermediate value.

use super::{DecodeContext, NestedInclude, NestedRelation, NestedRow};
use crate::db::engine::Engine;
use crate::db::error::DbError;
use crate::db::relation::{Arity, Many, One, Relation, RelationOn, Target};
use serde::de::{self, DeserializeSeed, Deserializer, Error as _, IgnoredAny, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

pub(super) fn decode_relation<'de, R, I, DB, A>(
    parent: &mut R::Parent,
    seq: &mut A,
    context: &DecodeContext,
) -> Result<(), A::Error>
where
    R: NestedRelation + RelationOn<DB>,
    R::Child: NestedRow<DB>,
    R::Arity: NestedArity<R::Child>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
    A: SeqAccess<'de>,
{
    let seed = TargetSeed::<R, I, DB> {
        row: RowSeed::new(context),
    };
    match seq.next_element_seed(seed)? {
        Some(Some(target)) => {
            R::related_mut(parent).set(target);
            Ok(())
        }
        Some(None) => {
            context.missing.set(Some(R::NAME));
            Err(A::Error::custom(format_args!(
                "`{}` points to a row that does not exist",
                R::NAME
            )))
        }
        None => Err(A::Error::custom(format_args!(
            "`{}` is missing from its parent's array",
            R::NAME
        ))),
    }
}

/// How a relation's value is read: one row, or `null` when it is missing
/// (`belongs_to`); an array of rows (`has_many`, `many_to_many`).
pub trait NestedArity<C>: Arity<C> {
    /// The relation's value, `None` for a missing row.
    #[doc(hidden)]
    fn deserialize<'de, D, S>(deserializer: D, row: S) -> Result<Option<Self::Target>, D::Error>
    where
        D: Deserializer<'de>,
        S: DeserializeSeed<'de, Value = C> + Copy;
}

impl<C: Clone + Send + Sync + 'static> NestedArity<C> for One {
    fn deserialize<'de, D, S>(deserializer: D, row: S) -> Result<Option<C>, D::Error>
    where
        D: Deserializer<'de>,
        S: DeserializeSeed<'de, Value = C> + Copy,
    {
        deserializer.deserialize_option(OptionVisitor(row))
    }
}

impl<C: Clone + Send + Sync + 'static> NestedArity<C> for Many {
    fn deserialize<'de, D, S>(deserializer: D, row: S) -> Result<Option<Vec<C>>, D::Error>
    where
        D: Deserializer<'de>,
        S: DeserializeSeed<'de, Value = C> + Copy,
    {
        deserializer.deserialize_seq(VecVisitor(row)).map(Some)
    }
}

struct OptionVisitor<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for OptionVisitor<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row's array or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

struct VecVisitor<S>(S);

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for VecVisitor<S> {
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(row) = seq.next_element_seed(self.0)? {
            rows.push(row);
        }
        Ok(rows)
    }
}

/// A row of `M`, with the relations of `I`.
struct RowSeed<'c, M, I, DB> {
    context: &'c DecodeContext,
    types: Types<M, I, DB>,
}

/// What a seed decodes, held by type only.
type Types<M, I, DB> = PhantomData<fn() -> (M, I, DB)>;

impl<'c, M, I, DB> RowSeed<'c, M, I, DB> {
    fn new(context: &'c DecodeContext) -> Self {
        Self {
            context,
            types: PhantomData,
        }
    }
}

impl<M, I, DB> Clone for RowSeed<'_, M, I, DB> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, I, DB> Copy for RowSeed<'_, M, I, DB> {}

impl<'de, M, I, DB> DeserializeSeed<'de> for RowSeed<'_, M, I, DB>
where
    M: NestedRow<DB>,
    I: NestedInclude<M, DB>,
    DB: Engine,
{
    type Value = M;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<M, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, M, I, DB> Visitor<'de> for RowSeed<'_, M, I, DB>
where
    M: NestedRow<DB>,
    I: NestedInclude<M, DB>,
    DB: Engine,
{
    type Value = M;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a row of `{}`", M::TABLE)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<M, A::Error> {
        let mut row = M::decode_columns(&mut seq)?;
        I::decode(&mut row, &mut seq, self.context)?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(A::Error::custom(format_args!(
                "a row of `{}` has more values than its columns and relations",
                M::TABLE
            )));
        }
        Ok(row)
    }
}

/// The value of relation `R`, with the relations of `I` in its rows.
struct TargetSeed<'c, R: Relation, I, DB> {
    row: RowSeed<'c, R::Child, I, DB>,
}

impl<'de, R, I, DB> DeserializeSeed<'de> for TargetSeed<'_, R, I, DB>
where
    R: RelationOn<DB>,
    R::Child: NestedRow<DB>,
    R::Arity: NestedArity<R::Child>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
{
    type Value = Option<Target<R>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        <R::Arity as NestedArity<R::Child>>::deserialize(deserializer, self.row)
    }
}

/// The rows of a nested load's document, in the document's order.
/// `None` (SQLite's aggregate of no rows is `[]`, but a missing row is none).
pub(super) fn decode_document<M, I, DB>(text: Option<&[u8]>) -> Result<Vec<M>, DbError>
where
    M: NestedRow<DB>,
    I: NestedInclude<M, DB>,
    DB: Engine,
{
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let context = DecodeContext::default();
    // From bytes: serde checks the UTF-8 of each string as it reads it.
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let decoded = <Many as NestedArity<M>>::deserialize(
        &mut deserializer,
        RowSeed::<M, I, DB>::new(&context),
    )
    .and_then(|rows| deserializer.end().map(|()| rows.unwrap_or_default()));
    decoded.map_err(|error| match context.missing.get() {
        Some(relation) => DbError::MissingRow { relation },
        None => DbError::Sqlx(Arc::new(sqlx::Error::Decode(Box::new(error)))),
    })
}
