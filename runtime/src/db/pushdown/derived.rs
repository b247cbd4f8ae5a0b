//! What the `SelectModel` impls of `#[derive(Model)]` are made of.
//!
//! The impls name no other model in their bounds: a bound `Author:
//! SelectModel<DB>` on `Post`'s impl and `Post: SelectModel<DB>` on
//! `Author`'s (a `Vec<Post>` relation) would send the trait solver round the
//! cycle until it overflows. Instead there is one impl per enabled engine
//! ([`each_engine`](crate::__unokit_each_engine)), whose only bound is that
//! the model's own row reads from the engine, and the choices that depend on
//! other types are made where the impl's body names them, with the types
//! known:
//!
//! - a relation whose model is selectable on the engine is followed
//!   ([`FollowSelected`]); otherwise, following it is an error at run time
//!   naming it ([`FollowNotSelectable`]);
//! - a column whose type is `Default` is read only when selected
//!   ([`DefaultStandsIn`]); another is always read ([`AlwaysRead`]).
//!
//! Each choice is a method found on `&&Probe` that resolves to the impl on
//! `&Probe` when its bound holds and to the one on `Probe` otherwise.

use super::SelectModel;
use crate::db::engine::{Column, Engine};
use crate::db::error::DbError;
use crate::db::include::IncludeFuture;
use crate::db::relation::{Relation, RelationOn};
use crate::db::session::Session;
use crate::select::rt::Pick;
use std::any::TypeId;
use std::marker::PhantomData;

/// A column type of `DB`, as the derived impls' bounds name it: a trait
/// without supertraits, so that the bound (under a binder, see
/// `macros/src/model/pushdown.rs`) does not compete with the same bound
/// reached through the model's `ModelRow` bound, which the compiler would
/// report as ambiguous.
#[doc(hidden)]
pub trait ReadColumn<DB: Engine>: Sized {
    /// Column `at` of `row`.
    ///
    /// # Errors
    ///
    /// When the column does not decode.
    fn read(row: &DB::Row, at: usize) -> Result<Self, sqlx::Error>;
}

impl<DB: Engine, T: Column<DB>> ReadColumn<DB> for T {
    fn read(row: &DB::Row, at: usize) -> Result<Self, sqlx::Error> {
        DB::get(row, at)
    }
}

/// A column's type, asked whether its `Default` may stand in for it unread.
#[doc(hidden)]
pub struct Unread<T>(PhantomData<fn() -> T>);

impl<T> Unread<T> {
    /// The probe.
    #[must_use]
    #[allow(clippy::new_without_default)] // only ever made by derived code
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

/// A column whose type is `Default`: read only when selected.
#[doc(hidden)]
pub trait DefaultStandsIn<T> {
    /// Whether the column is read whatever the selection.
    fn must_read(&self) -> bool;

    /// The next column of `row` when `selected`, else the `Default`.
    ///
    /// # Errors
    ///
    /// When the column does not decode.
    fn read_or_default<DB: Engine>(
        &self,
        row: &DB::Row,
        at: &mut usize,
        selected: bool,
    ) -> Result<T, sqlx::Error>
    where
        T: ReadColumn<DB>;
}

impl<T: Default> DefaultStandsIn<T> for &Unread<T> {
    fn must_read(&self) -> bool {
        false
    }

    fn read_or_default<DB: Engine>(
        &self,
        row: &DB::Row,
        at: &mut usize,
        selected: bool,
    ) -> Result<T, sqlx::Error>
    where
        T: ReadColumn<DB>,
    {
        if !selected {
            return Ok(T::default());
        }
        let value = T::read(row, *at)?;
        *at += 1;
        Ok(value)
    }
}

/// A column whose type has no `Default`: always read, so always selected.
#[doc(hidden)]
pub trait AlwaysRead<T> {
    /// Whether the column is read whatever the selection.
    fn must_read(&self) -> bool;

    /// The next column of `row` (`selected` is always `true`: see
    /// [`SelectModel::must_read`]).
    ///
    /// # Errors
    ///
    /// When the column does not decode.
    fn read_or_default<DB: Engine>(
        &self,
        row: &DB::Row,
        at: &mut usize,
        selected: bool,
    ) -> Result<T, sqlx::Error>
    where
        T: ReadColumn<DB>;
}

impl<T> AlwaysRead<T> for Unread<T> {
    fn must_read(&self) -> bool {
        true
    }

    fn read_or_default<DB: Engine>(
        &self,
        row: &DB::Row,
        at: &mut usize,
        selected: bool,
    ) -> Result<T, sqlx::Error>
    where
        T: ReadColumn<DB>,
    {
        debug_assert!(selected, "a column without a Default is always read");
        let value = T::read(row, *at)?;
        *at += 1;
        Ok(value)
    }
}

/// A relation of a model on engine `DB`, asked whether a selection can follow
/// it there.
#[doc(hidden)]
pub struct Follow<R, DB>(PhantomData<fn() -> (R, DB)>);

impl<R, DB> Follow<R, DB> {
    /// The probe.
    #[must_use]
    #[allow(clippy::new_without_default)] // only ever made by derived code
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

/// A relation whose model is selectable on the engine: followed.
#[doc(hidden)]
pub trait FollowSelected<P, DB: Engine> {
    /// Loads the relation into `parents` when `pick` selects `field`, and
    /// what the selection asks of its rows.
    fn follow<'a, 'p: 'a>(
        &self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut P],
        pick: &'a Pick,
        field: &'a str,
        trail: &'a [TypeId],
    ) -> IncludeFuture<'a>;
}

impl<R, DB> FollowSelected<R::Parent, DB> for &Follow<R, DB>
where
    R: RelationOn<DB, Child: SelectModel<DB>>,
    DB: Engine,
{
    fn follow<'a, 'p: 'a>(
        &self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut R::Parent],
        pick: &'a Pick,
        field: &'a str,
        trail: &'a [TypeId],
    ) -> IncludeFuture<'a> {
        Box::pin(super::include_selected::<R, DB>(
            session, parents, pick, field, trail,
        ))
    }
}

/// A relation whose model cannot be read from the engine: selecting it is
/// [`DbError::NotSelectable`]. (The model's own row reads from the engine,
/// or its impl would not exist; so this is a relation to a model with a
/// column of another engine's type.)
#[doc(hidden)]
pub trait FollowNotSelectable<P, DB: Engine> {
    /// Fails when `pick` selects `field`.
    fn follow<'a, 'p: 'a>(
        &self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut P],
        pick: &'a Pick,
        field: &'a str,
        trail: &'a [TypeId],
    ) -> IncludeFuture<'a>;
}

impl<R: Relation, DB: Engine> FollowNotSelectable<R::Parent, DB> for Follow<R, DB> {
    fn follow<'a, 'p: 'a>(
        &self,
        _: &'a Session<DB>,
        parents: &'a mut [&'p mut R::Parent],
        pick: &'a Pick,
        field: &'a str,
        _: &'a [TypeId],
    ) -> IncludeFuture<'a> {
        let selected = !pick.field(field).is_skip() && !parents.is_empty();
        Box::pin(async move {
            if selected {
                return Err(DbError::NotSelectable { relation: R::NAME });
            }
            Ok(())
        })
    }
}

/// `$($item)*` once per enabled engine, in a block where `__UnokitDb` names it:
/// how `#[derive(Model)]` writes an impl per engine without naming in the
/// user's crate an engine unokit was built without.
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_each_engine {
    ($($item:tt)*) => {
        $crate::__unokit_on_sqlite! { $($item)* }
        $crate::__unokit_on_postgres! { $($item)* }
    };
}

#[cfg(feature = "sqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_on_sqlite {
    ($($item:tt)*) => {
        const _: () = {
            type __UnokitDb = $crate::db::sqlx::Sqlite;
            $($item)*
        };
    };
}

#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_on_sqlite {
    ($($item:tt)*) => {};
}

#[cfg(feature = "postgres")]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_on_postgres {
    ($($item:tt)*) => {
        const _: () = {
            type __UnokitDb = $crate::db::sqlx::Postgres;
            $($item)*
        };
    };
}

#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_on_postgres {
    ($($item:tt)*) => {};
}
