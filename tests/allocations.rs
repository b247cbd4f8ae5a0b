//! Key derivation and cache hits allocate nothing: counted by a global allocator.
// A counting allocator needs `unsafe impl GlobalAlloc`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use unokit::{CacheKey, cached};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call forwards to `System` unchanged; the thread-local counter is
// const-initialised and has no destructor, so touching it never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// How many allocations this thread made while running `f`.
fn allocations_in<R>(f: impl FnOnce() -> R) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    std::hint::black_box(f());
    ALLOCATIONS.with(Cell::get) - before
}

fn poll_once<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a hit completes on its first poll"),
    }
}

#[derive(CacheKey)]
struct Request<'a> {
    user_id: u64,
    lang: &'a str,
    limit: Option<u32>,
    tags: Vec<u64>,
    #[cache_key(skip)]
    trace: u64,
}

#[test]
fn deriving_and_comparing_keys_allocates_nothing() {
    let request = Request {
        user_id: 7,
        lang: "en",
        limit: Some(10),
        tags: vec![1, 2, 3],
        trace: 0,
    };
    let other = Request {
        trace: 1,
        tags: vec![1, 2, 3],
        ..request
    };
    assert_eq!(allocations_in(|| request.fingerprint()), 0);
    assert_ne!(request.trace, other.trace);
    assert_eq!(allocations_in(|| request.key_eq(&other)), 0);
    assert_eq!(
        allocations_in(|| (7_u64, "en", Some(1_u32), &request.tags[..]).fingerprint()),
        0
    );
}

#[cached]
fn sync_lookup(user_id: u64, lang: &str) -> u64 {
    user_id + lang.len() as u64
}

#[cached]
async fn async_lookup(user_id: u64, lang: &str) -> u64 {
    user_id + lang.len() as u64
}

#[test]
fn a_sync_hit_allocates_nothing() {
    sync_lookup(7, "en");
    // Moka's first maintenance after an insert allocates its bookkeeping; what
    // is measured is the steady state, the read log filled several times over.
    sync_lookup_cache().run_pending_tasks();
    assert_eq!(
        allocations_in(|| (0..1000).map(|_| sync_lookup(7, "en")).sum::<u64>()),
        0
    );
    assert_eq!(sync_lookup_cache().stats().hits, 1000);
}

/// An async hit never awaits moka nor boxes a lookup: it allocates nothing, the
/// read log filled several times over.
#[test]
fn an_async_hit_allocates_nothing() {
    poll_once(async_lookup(7, "en"));
    poll_once(async_lookup_cache().run_pending_tasks());
    let hits: usize = 1000;
    assert_eq!(
        allocations_in(|| {
            (0..hits)
                .map(|_| poll_once(async_lookup(7, "en")))
                .sum::<u64>()
        }),
        0
    );
    assert_eq!(async_lookup_cache().stats().hits, hits as u64);
}

/// Live keys far beyond what the processor's caches hold.
const MANY: u64 = 100_000;

#[cached(capacity = 200_000)]
fn sync_many(user_id: u64, lang: &str) -> u64 {
    user_id + lang.len() as u64
}

#[cached(capacity = 200_000)]
async fn async_many(user_id: u64, lang: &str) -> u64 {
    user_id + lang.len() as u64
}

/// A key order that is not the insertion order, without a random number generator.
fn scattered(round: u64) -> impl Iterator<Item = u64> {
    // 7919 is prime, so it is coprime with MANY: every key once per round.
    (0..MANY).map(move |i| (i * 7919 + round) % MANY)
}

/// Every other call on one of 64 hot keys, the others scattered.
fn skewed() -> impl Iterator<Item = u64> {
    (0..MANY).map(|i| {
        if i % 2 == 0 {
            (i / 2) % 64
        } else {
            (i * 7919) % MANY
        }
    })
}

#[test]
fn a_sync_hit_among_100_000_live_keys_allocates_nothing() {
    for id in 0..MANY {
        sync_many(id, "en");
    }
    sync_many_cache().run_pending_tasks();
    let misses = sync_many_cache().stats().misses;
    for round in 0..2 {
        let allocations =
            allocations_in(|| scattered(round).map(|id| sync_many(id, "en")).sum::<u64>());
        assert_eq!(
            allocations, 0,
            "round {round}: {allocations} allocations in {MANY} hits"
        );
    }
    let allocations = allocations_in(|| skewed().map(|id| sync_many(id, "en")).sum::<u64>());
    assert_eq!(allocations, 0, "skewed: {allocations} allocations");
    assert_eq!(
        sync_many_cache().stats().misses,
        misses,
        "every call was a hit"
    );
}

#[test]
fn an_async_hit_among_100_000_live_keys_allocates_nothing() {
    for id in 0..MANY {
        poll_once(async_many(id, "en"));
    }
    poll_once(async_many_cache().run_pending_tasks());
    let misses = async_many_cache().stats().misses;
    for round in 0..2 {
        let allocations = allocations_in(|| {
            scattered(round)
                .map(|id| poll_once(async_many(id, "en")))
                .sum::<u64>()
        });
        assert_eq!(
            allocations, 0,
            "round {round}: {allocations} allocations in {MANY} hits"
        );
    }
    let allocations = allocations_in(|| {
        skewed()
            .map(|id| poll_once(async_many(id, "en")))
            .sum::<u64>()
    });
    assert_eq!(allocations, 0, "skewed: {allocations} allocations");
    assert_eq!(
        async_many_cache().stats().misses,
        misses,
        "every call was a hit"
    );
}
