//! `#[injectable]` and `#[container]` in a module that shadows the prelude and
//! denies pedantic lints and missing docs: generated code names everything by
//! absolute path and documents what it makes public.
#![deny(clippy::pedantic, missing_docs)]
#![allow(dead_code, non_snake_case, clippy::unused_async)]

mod core {}
mod std {}
struct Result;
struct Option;
struct Box;
struct Vec;
struct Arc;
struct String;
fn Some() {}
fn Ok() {}
fn Err() {}
fn None() {}

/// A configuration, made by `Default`.
#[unokit::injectable(singleton, eager, default)]
#[derive(Default)]
pub struct Config {
    /// A name.
    pub name: ::std::string::String,
}

/// A unit of work per scope, with async cleanup.
#[unokit::injectable(scoped, dispose)]
pub struct Work {
    config: ::std::sync::Arc<Config>,
    #[inject(default)]
    steps: ::std::sync::Mutex<::std::vec::Vec<u32>>,
}

impl unokit::di::Dispose for Work {
    async fn dispose(&self) {}
}

/// A handler per resolve.
#[unokit::injectable(transient)]
pub struct Handler {
    work: ::std::sync::Arc<Work>,
    repo: ::std::sync::Arc<dyn Repo>,
}

/// A repository trait, bound in the container.
pub trait Repo: Send + Sync {}

/// Its implementation.
#[unokit::injectable(singleton)]
pub struct MemoryRepo;

impl Repo for MemoryRepo {}

/// A database handle, made by a fallible async factory.
pub struct Db(u8);

/// Connects.
///
/// # Errors
///
/// Never, here.
#[unokit::injectable(singleton, eager)]
pub async fn connect(
    config: ::std::sync::Arc<Config>,
) -> ::core::result::Result<Db, ::std::io::Error> {
    ::core::result::Result::Ok(Db(u8::try_from(config.name.len()).unwrap_or(0)))
}

/// A clock with a sync factory.
#[unokit::injectable(singleton, factory = Clock::system)]
pub struct Clock;

impl Clock {
    fn system() -> Self {
        Self
    }
}

/// The container.
#[unokit::container(Config, Work, Handler, Db, Clock, dyn Repo = MemoryRepo)]
pub struct App;

#[cfg(test)]
mod tests {
    use super::{App, Config, Db, Handler, Work};

    #[tokio::test]
    async fn generated_code_works_in_a_shadowed_module() {
        let app = App::build().await.expect("builds");
        assert_eq!(app.resolve_ref::<Db>().0, 0);
        let scope = app.scope();
        let handler: Handler = scope.resolve();
        handler.work.steps.lock().expect("not poisoned").push(1);
        assert!(::std::sync::Arc::ptr_eq(
            &handler.work,
            &scope.resolve::<::std::sync::Arc<Work>>()
        ));
        assert_eq!(scope.resolve_ref::<Config>().name, "");
        scope.close().await;
        app.close().await;
    }
}
