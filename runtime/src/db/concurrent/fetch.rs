//! One concurrent hop's statement: the root's keys bound into it, and its
//! rows decoded as they arrive, on a task of its own on a multi-thread
//! runtime, which ends when the load is dropped.

use crate::db::detect::Scope;
use crate::db::engine::{Engine, KeyColumn};
use crate::db::error::DbError;
use crate::db::session::Session;
use sqlx::error::BoxDynError;
use std::sync::Arc;
use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::task::JoinHandle;

/// Binds the root's keys into a hop's statement: every hop's statement ends
/// in the root's condition, bound the same way.
pub(super) trait BindRoot<DB: Engine>: Send + Sync + 'static {
    fn bind<'q>(&'q self, arguments: &mut DB::Arguments<'q>) -> Result<(), BoxDynError>;
}

pub(super) struct RootKeys<K>(pub(super) Vec<K>);

impl<DB: Engine, K: KeyColumn<DB> + Send + Sync + 'static> BindRoot<DB> for RootKeys<K> {
    fn bind<'q>(&'q self, arguments: &mut DB::Arguments<'q>) -> Result<(), BoxDynError> {
        K::add_keys(arguments, &self.0)
    }
}

/// Runs `sql` with the root's keys bound and decodes each row with `decode`
/// as it arrives (while the database sends the next ones): on a task of its
/// own on a multi-thread runtime (see `concurrent`'s doc), in place otherwise.
pub(super) async fn fetch_rows<DB, T, F>(
    session: &Session<DB>,
    sql: String,
    root: Option<Arc<dyn BindRoot<DB>>>,
    mut decode: F,
) -> Result<Vec<T>, DbError>
where
    DB: Engine,
    T: Send + 'static,
    F: FnMut(&DB::Row) -> Result<T, sqlx::Error> + Send + 'static,
{
    let session = session.clone();
    let fetch = async move {
        // Declared first: the statement's future borrows it and the root's
        // keys for one lifetime, so it must outlive the arguments.
        let mut decoded = Vec::new();
        let mut arguments = <DB::Arguments<'_>>::default();
        if let Some(root) = &root {
            root.bind(&mut arguments).map_err(sqlx::Error::Encode)?;
        }
        let each = |row: DB::Row| {
            decoded.push(decode(&row)?);
            Ok(())
        };
        session
            .within_deadline(DB::fetch_each(session.pool(), &sql, arguments, each))
            .await?;
        Ok(decoded)
    };
    let flavor = Handle::try_current().map(|handle| handle.runtime_flavor());
    if !matches!(flavor, Ok(RuntimeFlavor::MultiThread)) {
        return fetch.await;
    }
    // The task is no longer in the caller's detector scope: it takes it along.
    let task = match Scope::current() {
        Some(scope) => tokio::spawn(async move { scope.run(fetch).await }),
        None => tokio::spawn(fetch),
    };
    // Dropping the load (a timeout around it, a client gone) ends the
    // statement, as it does when the hop runs in place.
    let mut task = AbortOnDrop(task);
    match (&mut task.0).await {
        Ok(done) => done,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // Only the runtime shutting down cancels it: the load cannot finish.
        Err(_) => Err(DbError::from(sqlx::Error::PoolClosed)),
    }
}

struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
