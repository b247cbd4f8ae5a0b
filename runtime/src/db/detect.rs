//! The N+1 detector and the statement counter of a request scope.
//!
//! A [`Scope`] records every statement run within it: how many (the counter
//! tests read instead of installing a `tracing` subscriber), and each statement
//! *shape* (its text: values are always bound, so the text is the shape) with
//! the place in the code that ran it. The same shape run more than
//! [`threshold`](Scope::with_threshold) times (default 2) from the same place
//! is an N+1 finding: a loop issuing one statement per row. Findings are
//! reported as `tracing` warnings when the scope ends (its last clone is
//! dropped) or on [`report`](Scope::report); a [strict](Scope::strict) scope
//! fails the offending statement instead, like Rails' prosopite or Django's
//! zeal.
//!
//! Statements join the scope that is current when they first run: the one a
//! [`Scope::run`] future sets for its task, or the scope of the [`Session`]
//! they run for (a session takes the current scope when it is made, or the one
//! given to [`Session::with_scope`]), which also covers the statements its
//! batch loaders run in their own tasks.
//!
//! # On and off
//!
//! Detection is compiled in when `debug_assertions` are on (tests and
//! development builds) or with the runtime's `detect` feature, and compiled out
//! otherwise: [`ENABLED`] is then `false`, recording is a constant-false branch
//! the optimizer removes, and a scope counts nothing.
//!
//! The place of a statement is the caller of [`Engine::fetch_all`] or
//! [`Engine::execute`] (`#[track_caller]`): your code for statements you run;
//! for loads through a session (an `async fn`, which `#[track_caller]` cannot
//! see through) the runtime's loader, with the statement's text to find it by.
//!
//! [`Session`]: super::Session
//! [`Session::with_scope`]: super::Session::with_scope
//! [`Engine::fetch_all`]: super::Engine::fetch_all
//! [`Engine::execute`]: super::Engine::execute

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};

/// Whether detection is compiled in: with `debug_assertions` or the `detect`
/// feature.
pub const ENABLED: bool = cfg!(any(debug_assertions, feature = "detect"));

tokio::task_local! {
    static CURRENT: Scope;
}

/// A request scope: counts its statements and finds the N+1 loops among them.
///
/// ```
/// use unokit::db::detect::Scope;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let scope = Scope::new();
/// let answer = scope.run(async { 42 }).await; // statements in here are recorded
/// assert_eq!(answer, 42);
/// assert_eq!(scope.statements(), 0);
/// assert!(scope.check().is_ok());
/// # });
/// ```
#[derive(Clone)]
pub struct Scope {
    inner: Arc<Inner>,
}

struct Inner {
    threshold: u64,
    strict: bool,
    statements: AtomicU64,
    selects: AtomicU64,
    shapes: Mutex<HashMap<(u64, &'static Location<'static>), Shape>>,
}

struct Shape {
    statement: Box<str>,
    count: u64,
    reported: bool,
}

/// One N+1 finding: a statement shape run `count` times from `location`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The statement's text.
    pub statement: String,
    /// Where it was run from.
    pub location: &'static Location<'static>,
    /// How many times, more than the scope's threshold.
    pub count: u64,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "N+1 query: `{}` ran {} times from {}; load the rows in one statement (an `include`, a batch loader, or an `IN` list)",
            self.statement, self.count, self.location
        )
    }
}

/// The N+1 findings of a scope, as an error: [`Scope::check`], and a strict
/// scope's failed statement (as the source of `sqlx::Error::Configuration`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NPlusOne(pub Vec<Finding>);

impl fmt::Display for NPlusOne {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, finding) in self.0.iter().enumerate() {
            if position > 0 {
                f.write_str("; ")?;
            }
            finding.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for NPlusOne {}

impl Default for Scope {
    fn default() -> Self {
        Self::new()
    }
}

impl Scope {
    /// The threshold of a new scope: a shape run 3 times from one place is a
    /// finding.
    pub const DEFAULT_THRESHOLD: u64 = 2;

    /// A scope that warns about shapes run more than twice from one place.
    #[must_use]
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                threshold: Self::DEFAULT_THRESHOLD,
                strict: false,
                statements: AtomicU64::new(0),
                selects: AtomicU64::new(0),
                shapes: Mutex::new(HashMap::new()),
            }),
        }
    }

    fn configure(mut self, change: impl FnOnce(&mut Inner)) -> Self {
        change(Arc::get_mut(&mut self.inner).expect("configure a scope before cloning it"));
        self
    }

    /// Findings are shapes run more than `threshold` times from one place.
    ///
    /// # Panics
    ///
    /// If the scope was cloned before: configure it first.
    #[must_use]
    pub fn with_threshold(self, threshold: u64) -> Self {
        self.configure(|inner| inner.threshold = threshold)
    }

    /// Fails the statement that makes a finding, with [`NPlusOne`] as the
    /// source of a `sqlx::Error::Configuration`.
    ///
    /// # Panics
    ///
    /// If the scope was cloned before: configure it first.
    #[must_use]
    pub fn strict(self) -> Self {
        self.configure(|inner| inner.strict = true)
    }

    /// The scope of the running task, if it runs within [`Scope::run`].
    #[must_use]
    pub fn current() -> Option<Self> {
        CURRENT.try_with(Self::clone).ok()
    }

    /// Runs `future` with this scope current in its task.
    pub async fn run<F: Future>(&self, future: F) -> F::Output {
        CURRENT.scope(self.clone(), future).await
    }

    /// Calls `f` with this scope current, for code that is not a future (a
    /// handler's future being made, say).
    pub fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        CURRENT.sync_scope(self.clone(), f)
    }

    /// Statements run in the scope so far (0 when detection is compiled out).
    #[must_use]
    pub fn statements(&self) -> u64 {
        self.inner.statements.load(Relaxed)
    }

    /// The `SELECT`s among them.
    #[must_use]
    pub fn selects(&self) -> u64 {
        self.inner.selects.load(Relaxed)
    }

    /// Forgets what was recorded: counts start from zero again.
    pub fn reset(&self) {
        self.inner.statements.store(0, Relaxed);
        self.inner.selects.store(0, Relaxed);
        self.inner.shapes().clear();
    }

    /// The shapes run more than the threshold from one place, most run first.
    #[must_use]
    pub fn findings(&self) -> Vec<Finding> {
        let shapes = self.inner.shapes();
        let mut findings: Vec<Finding> = shapes
            .iter()
            .filter(|(_, shape)| shape.count > self.inner.threshold)
            .map(|((_, location), shape)| Finding {
                statement: shape.statement.to_string(),
                location,
                count: shape.count,
            })
            .collect();
        drop(shapes);
        findings.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.location.to_string().cmp(&b.location.to_string()))
        });
        findings
    }

    /// `Ok` without findings.
    ///
    /// # Errors
    ///
    /// The findings, when there are any.
    pub fn check(&self) -> Result<(), NPlusOne> {
        let findings = self.findings();
        if findings.is_empty() {
            Ok(())
        } else {
            Err(NPlusOne(findings))
        }
    }

    /// Warns (`tracing`, target `unokit::n_plus_one`) about each finding not
    /// reported before; the scope does it when its last clone is dropped.
    pub fn report(&self) {
        self.inner.report();
    }

    /// Records a statement run from `location`.
    fn record(&self, sql: &str, location: &'static Location<'static>) -> Result<(), NPlusOne> {
        let inner = &self.inner;
        inner.statements.fetch_add(1, Relaxed);
        if sql
            .trim_start()
            .get(..6)
            .is_some_and(|word| word.eq_ignore_ascii_case("select"))
        {
            inner.selects.fetch_add(1, Relaxed);
        }
        let hash = foldhash::fast::FixedState::with_seed(0).hash_one(sql);
        let mut shapes = inner.shapes();
        let shape = shapes.entry((hash, location)).or_insert_with(|| Shape {
            statement: sql.into(),
            count: 0,
            reported: false,
        });
        shape.count += 1;
        if inner.strict && shape.count > inner.threshold {
            shape.reported = true;
            return Err(NPlusOne(vec![Finding {
                statement: shape.statement.to_string(),
                location,
                count: shape.count,
            }]));
        }
        Ok(())
    }
}

impl Inner {
    fn shapes(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(u64, &'static Location<'static>), Shape>> {
        self.shapes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn report(&self) {
        let mut shapes = self.shapes();
        for ((_, location), shape) in shapes.iter_mut() {
            if shape.count > self.threshold && !shape.reported {
                shape.reported = true;
                tracing::warn!(
                    target: "unokit::n_plus_one",
                    location = %location,
                    count = shape.count,
                    statement = %shape.statement,
                    "N+1 query: the same statement ran {} times from {location}",
                    shape.count,
                );
            }
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.report();
        #[cfg(feature = "metrics")]
        if ENABLED {
            crate::metrics::statements(self.statements.load(Relaxed));
        }
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("threshold", &self.inner.threshold)
            .field("strict", &self.inner.strict)
            .field("statements", &self.statements())
            .finish_non_exhaustive()
    }
}

/// Records `sql`, run from `location`, in the current scope, if any: called by
/// the engines when a statement first runs.
#[inline]
pub(crate) fn record(sql: &str, location: &'static Location<'static>) -> Result<(), sqlx::Error> {
    if !ENABLED {
        return Ok(());
    }
    CURRENT
        .try_with(|scope| scope.record(sql, location))
        .unwrap_or(Ok(()))
        .map_err(|found| sqlx::Error::Configuration(Box::new(found)))
}

/// Runs `future` in `scope`, if there is one (a session's statements, some of
/// which run in its loaders' own tasks).
pub(crate) async fn within<F: Future>(scope: Option<&Scope>, future: F) -> F::Output {
    match scope {
        Some(scope) if ENABLED => scope.run(future).await,
        _ => future.await,
    }
}
