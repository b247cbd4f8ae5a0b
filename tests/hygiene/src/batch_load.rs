//! `#[batch_load]` in a user crate that shadows prelude names and denies
//! `clippy::pedantic` and missing docs.
#![deny(clippy::pedantic, missing_docs)]
#![allow(dead_code, non_camel_case_types)]

mod core {}
mod std {}
type Result = ();
type Option = ();
struct Some;
struct Ok;
struct Clone;
struct Default;
struct HashMap;

use unokit::batch_load;

/// Stands in for a connection pool.
pub struct Db {
    /// Added to every id.
    pub offset: u64,
}

/// Names by id.
///
/// # Errors
///
/// Never.
#[batch_load(max_batch = 100, window = "1ms", capacity = 100, ttl = "1m")]
pub async fn names(
    #[ctx] db: &Db,
    ids: &[u64],
) -> ::core::result::Result<::std::collections::HashMap<u64, ::std::string::String>, ::std::io::Error>
{
    ::core::result::Result::Ok(
        ids.iter()
            .map(|id| (*id, ::std::format!("{}", id + db.offset)))
            .collect(),
    )
}

/// Squares, with no context, a plain map and tuple keys.
#[batch_load(no_cache, loader = SquareLoader)]
pub async fn squares(pairs: &[(u32, u32)]) -> ::std::collections::BTreeMap<(u32, u32), u64> {
    pairs
        .iter()
        .map(|&(a, b)| ((a, b), u64::from(a) * u64::from(b)))
        .collect()
}

/// An owned context argument, cloned into every call.
#[batch_load]
pub(crate) async fn labelled(
    #[ctx] label: ::std::string::String,
    ids: &[i64],
) -> ::std::collections::HashMap<i64, ::std::string::String> {
    ids.iter()
        .map(|id| (*id, ::std::format!("{label}{id}")))
        .collect()
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn generated_loaders_work_here() {
        let loader = super::NamesLoader::new(super::Db { offset: 1 });
        ::core::assert_eq!(
            loader.load(1).await.unwrap().as_deref(),
            ::core::option::Option::Some("2")
        );
        let squares = super::SquareLoader::default();
        ::core::assert_eq!(
            squares.load((3, 4)).await.unwrap(),
            ::core::option::Option::Some(12)
        );
        let labelled = super::LabelledLoader::new("#".into());
        ::core::assert_eq!(
            labelled.load(5).await.unwrap().as_deref(),
            ::core::option::Option::Some("#5")
        );
    }
}
