//! `#[cached]` on methods and associated functions.

use crate::Runs;
use unokit::{CacheKey, cached};

pub struct Pricing {
    pub margin: u32,
}

static METHOD: Runs = Runs::new();
static KEYED: Runs = Runs::new();
static ASSOCIATED: Runs = Runs::new();

impl Pricing {
    /// `self` is not part of the key: every `Pricing` shares these entries.
    #[cached]
    pub fn base_price(&self, sku: &str) -> u32 {
        METHOD.record();
        u32::try_from(sku.len()).unwrap() * 100
    }

    #[cached(key_self)]
    pub fn price(&self, sku: &str) -> u32 {
        KEYED.record();
        u32::try_from(sku.len()).unwrap() * 100 + self.margin
    }

    #[cached(in_impl)]
    pub fn tax_rate(country: &str) -> u32 {
        ASSOCIATED.record();
        if country == "DE" { 19 } else { 20 }
    }
}

#[derive(Clone, CacheKey)]
pub struct Tenant {
    pub id: u32,
}

static ASYNC_METHOD: Runs = Runs::new();

impl Tenant {
    #[cached(key_self)]
    pub async fn quota(&self, resource: &str) -> u64 {
        ASYNC_METHOD.record();
        u64::from(self.id) * 1000 + resource.len() as u64
    }
}

impl CacheKey for Pricing {
    fn write_key<S: unokit::key::KeySink + ?Sized>(&self, sink: &mut S) {
        self.margin.write_key(sink);
    }
}

impl Clone for Pricing {
    fn clone(&self) -> Self {
        Self {
            margin: self.margin,
        }
    }
}

#[test]
fn self_is_left_out_of_the_key_by_default() {
    let cheap = Pricing { margin: 1 };
    let dear = Pricing { margin: 50 };
    assert_eq!(cheap.base_price("ab"), 200);
    assert_eq!(dear.base_price("ab"), 200);
    assert_eq!(METHOD.count(), 1);
    Pricing::base_price_invalidate("ab");
    dear.base_price("ab");
    assert_eq!(METHOD.count(), 2);
}

#[test]
fn key_self_puts_self_into_the_key() {
    let cheap = Pricing { margin: 1 };
    let dear = Pricing { margin: 50 };
    assert_eq!(cheap.price("ab"), 201);
    assert_eq!(dear.price("ab"), 250);
    assert_eq!(cheap.price("ab"), 201);
    assert_eq!(KEYED.count(), 2);
    dear.price_invalidate("ab");
    assert_eq!(cheap.price("ab"), 201);
    assert_eq!(dear.price("ab"), 250);
    assert_eq!(KEYED.count(), 3);
    Pricing { margin: 7 }.price_prime("x", 1);
    assert_eq!(Pricing { margin: 7 }.price("x"), 1);
}

#[test]
fn associated_functions_in_an_impl_need_in_impl() {
    assert_eq!(Pricing::tax_rate("DE"), 19);
    assert_eq!(Pricing::tax_rate("DE"), 19);
    assert_eq!(ASSOCIATED.count(), 1);
    assert_eq!(Pricing::tax_rate_cache().stats().hits, 1);
}

#[tokio::test]
async fn async_methods_with_key_self() {
    let (a, b) = (Tenant { id: 1 }, Tenant { id: 2 });
    assert_eq!(a.quota("cpu").await, 1003);
    assert_eq!(b.quota("cpu").await, 2003);
    assert_eq!(a.quota("cpu").await, 1003);
    assert_eq!(ASYNC_METHOD.count(), 2);
    a.quota_invalidate("cpu").await;
    assert_eq!(a.quota("cpu").await, 1003);
    assert_eq!(ASYNC_METHOD.count(), 3);
}
