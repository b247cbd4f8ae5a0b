//! Sort keys checked at compile time: what `#[derive(Sort)]` implements.

use super::Filter;
use super::select::{Filtered, Order};
use crate::db::engine::{Column, Engine};
use crate::db::include::Include;
use crate::db::model::{Model, ModelRow};

/// A sort key of rows of [`Sort::Model`]: `#[derive(Sort)]` implements it for
/// an enum whose variants each sort by one column of the model, checked at
/// compile time. See the `unokit::Sort` derive.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a sort key",
    note = "derive it: `#[derive(unokit::Sort)]` with `#[sort(model = ...)]`"
)]
pub trait Sort: Copy {
    /// The model whose rows it sorts.
    type Model: Model;

    /// The column and direction.
    fn order(self) -> Order;
}

impl<M, DB, I, F> Filtered<'_, '_, M, DB, I, F>
where
    M: ModelRow<DB>,
    DB: Engine,
    I: Include<M, DB>,
    F: Filter<DB, Model = M>,
    i64: Column<DB>,
{
    /// Sorts by `sort`, a sort key of this query's model, after the orders
    /// given before (the key still comes last): [`order_by`](Self::order_by)
    /// with the model checked by the compiler.
    pub fn sort<S: Sort<Model = M>>(self, sort: S) -> Self {
        self.order_by(sort.order())
    }
}
