//! A user crate that depends on `unokit` alone, shadows the names generated code
//! could lean on, and denies clippy's pedantic lints: the macros' output must
//! compile here without a warning.
#![deny(clippy::pedantic, missing_docs, warnings)]

// Shadows of crates, prelude types, variants and traits. Generated code must
// reach everything through absolute paths (`::core`, `::std`, `::unokit`).
#[allow(dead_code)]
mod core {}
#[allow(dead_code)]
mod std {}
#[allow(dead_code)]
mod unokit {}
#[allow(dead_code)]
struct Result;
#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
struct Some;
#[allow(dead_code)]
struct Ok;
#[allow(dead_code)]
struct Err;
#[allow(dead_code)]
struct String;
#[allow(dead_code)]
struct Vec;
#[allow(dead_code)]
struct Box;
#[allow(dead_code)]
trait Clone {}
#[allow(dead_code)]
trait ToOwned {}
#[allow(dead_code)]
trait PartialEq {}
#[allow(dead_code)]
trait Send {}
#[allow(dead_code)]
trait Sync {}

pub mod batch_load;
pub mod injectable;
pub mod model;
pub mod partial_response;

/// Uses of every macro, in a module without the prelude at all.
pub mod services {
    #![no_implicit_prelude]

    // The module's own code needs these; the generated code must not.
    use ::core::convert::From;
    use ::core::iter::Iterator;
    use ::std::string::String;
    use ::std::vec::Vec;
    use ::unokit::{cached, CacheKey};

    /// A query that derives its key.
    #[derive(CacheKey, ::core::clone::Clone, ::core::fmt::Debug)]
    pub struct Query<'a> {
        /// The text searched for.
        pub text: &'a str,
        /// The page wanted.
        pub page: u32,
        /// Not part of the key.
        #[cache_key(skip)]
        pub trace: u64,
    }

    /// Owned filters that derive their key.
    #[derive(CacheKey, ::core::clone::Clone, ::core::fmt::Debug)]
    pub enum Filter {
        /// Everything.
        All,
        /// One tag.
        Tag(String),
        /// A range.
        Between {
            /// From.
            low: u32,
            /// To.
            high: u32,
        },
    }

    /// A database stand-in, skipped from keys.
    pub struct Db;

    /// A sync function with a borrowed key argument and a skipped one.
    #[must_use]
    #[cached(capacity = 100, ttl = "1m")]
    pub fn search(#[cache(skip)] db: &Db, text: &str, page: u32) -> Vec<String> {
        let _ = db;
        ::std::vec![::std::format!("{text}#{page}")]
    }

    /// An async function returning a `Result`.
    ///
    /// # Errors
    ///
    /// When the user is 0.
    #[cached(tti = "30s")]
    pub async fn profile(user: u64, lang: &str) -> ::core::result::Result<String, String> {
        ::std::future::ready(()).await;
        if user == 0 {
            ::core::result::Result::Err(String::from("no user 0"))
        } else {
            ::core::result::Result::Ok(::std::format!("{user}:{lang}"))
        }
    }

    /// A function returning an `Option`, with a derived key argument.
    #[must_use]
    #[cached(cache_none)]
    pub fn filtered(filter: &Filter, values: &[u32]) -> ::core::option::Option<u32> {
        let keep = |value: &&u32| match filter {
            Filter::All | Filter::Tag(_) => true,
            Filter::Between { low, high } => (*low..=*high).contains(*value),
        };
        values.iter().find(keep).copied()
    }

    /// A custom key.
    #[must_use]
    #[cached(key = ::std::string::ToString::to_string(&query.text))]
    pub fn first_page(query: &Query<'_>) -> String {
        ::std::format!("{}@{}", query.text, query.page)
    }

    /// A service with cached methods.
    #[derive(CacheKey, ::core::clone::Clone)]
    pub struct Catalog {
        /// Prices are in this currency.
        pub currency: String,
    }

    impl Catalog {
        /// A method whose key includes `self`.
        #[must_use]
        #[cached(key_self)]
        pub fn price(&self, sku: &str) -> String {
            ::std::format!("{sku} in {}", self.currency)
        }

        /// An async method, `self` left out of the key.
        #[cached]
        pub async fn stock(&self, sku: u64) -> u64 {
            let _ = self;
            ::std::future::ready(()).await;
            sku * 2
        }

        /// An associated function.
        #[must_use]
        #[cached(in_impl)]
        pub fn tax(country: &str) -> u32 {
            if country == "DE" {
                19
            } else {
                20
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::services::{filtered, first_page, profile, search, Catalog, Db, Filter, Query};

    #[test]
    fn the_generated_code_runs() {
        assert_eq!(search(&Db, "a", 1), ["a#1"]);
        assert_eq!(search(&Db, "a", 1), ["a#1"]);
        assert_eq!(super::services::search_cache().stats().hits, 1);
        assert_eq!(
            filtered(&Filter::Between { low: 2, high: 3 }, &[1, 2, 3]),
            ::core::option::Option::Some(2)
        );
        assert_eq!(
            filtered(&Filter::Tag("x".into()), &[]),
            ::core::option::Option::None
        );
        let query = Query {
            text: "q",
            page: 2,
            trace: 1,
        };
        assert_eq!(first_page(&query), "q@2");
        let catalog = Catalog {
            currency: "EUR".into(),
        };
        assert_eq!(catalog.price("a"), "a in EUR");
        assert_eq!(Catalog::tax("DE"), 19);
    }

    #[tokio::test]
    async fn the_generated_async_code_runs() {
        assert!(profile(0, "en").await.is_err());
        assert_eq!(
            profile(1, "en").await.as_deref(),
            ::core::result::Result::Ok("1:en")
        );
        assert_eq!(
            Catalog {
                currency: "EUR".into()
            }
            .stock(2)
            .await,
            4
        );
        super::services::profile_invalidate(1, "en").await;
    }
}
