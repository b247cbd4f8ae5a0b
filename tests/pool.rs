//! `unokit::task::Pool`: bounded, cancel-safe, checked, evicting, counted.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};
use tokio::time::sleep;
use unokit::task::{Pool, PoolError, Pooled, Strategy};

/// A pooled resource that counts how many of it are alive.
#[derive(Debug)]
struct Conn {
    id: usize,
    healthy: Arc<AtomicBool>,
    alive: Arc<AtomicUsize>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.alive.fetch_sub(1, SeqCst);
    }
}

#[derive(Clone, Default)]
struct Factory {
    made: Arc<AtomicUsize>,
    alive: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Factory {
    fn make(&self) -> Conn {
        let now = self.alive.fetch_add(1, SeqCst) + 1;
        self.peak.fetch_max(now, SeqCst);
        Conn {
            id: self.made.fetch_add(1, SeqCst),
            healthy: Arc::new(AtomicBool::new(true)),
            alive: self.alive.clone(),
        }
    }

    fn pool(&self) -> unokit::task::PoolBuilder<Conn> {
        let factory = self.clone();
        Pool::builder(move || {
            let conn = factory.make();
            async move {
                tokio::task::yield_now().await;
                Ok::<_, std::io::Error>(conn)
            }
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_tasks_share_four_objects() {
    let factory = Factory::default();
    let pool = factory.pool().max_size(4).build();
    let mut tasks = tokio::task::JoinSet::new();
    let completed = Arc::new(AtomicUsize::new(0));
    for _ in 0..64 {
        let (pool, completed) = (pool.clone(), completed.clone());
        tasks.spawn(async move {
            for _ in 0..5 {
                let conn = pool.get().await.expect("an object within the timeout");
                sleep(Duration::from_micros(200)).await;
                drop(conn);
            }
            completed.fetch_add(1, SeqCst);
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap();
    }
    assert_eq!(completed.load(SeqCst), 64);
    assert!(
        factory.peak.load(SeqCst) <= 4,
        "peak {}",
        factory.peak.load(SeqCst)
    );
    let stats = pool.stats();
    assert!(stats.size <= 4 && stats.created <= 4);
    assert_eq!((stats.in_use, stats.waiting, stats.timeouts), (0, 0, 0));
    assert_eq!(stats.created + stats.reused, 64 * 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_borrower_returns_its_object() {
    let factory = Factory::default();
    let pool = factory.pool().max_size(1).build();
    let borrowed = Arc::new(tokio::sync::Notify::new());
    let (task_pool, signal) = (pool.clone(), borrowed.clone());
    let borrower = tokio::spawn(async move {
        let _conn = task_pool.get().await.unwrap();
        signal.notify_one();
        std::future::pending::<()>().await;
    });
    borrowed.notified().await;
    assert_eq!(pool.stats().in_use, 1);
    borrower.abort();
    assert!(borrower.await.unwrap_err().is_cancelled());
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.in_use), (1, 0));
    let conn = pool.get().await.unwrap();
    assert_eq!(conn.id, 0, "the returned object was not reused");
    assert_eq!(factory.made.load(SeqCst), 1);
}

#[tokio::test]
async fn a_checkout_cancelled_while_waiting_leaves_no_trace() {
    let pool = Factory::default().pool().max_size(1).build();
    let held = pool.get().await.unwrap();
    let waiting = tokio::time::timeout(Duration::from_millis(10), pool.get()).await;
    assert!(waiting.is_err());
    assert_eq!(pool.stats().waiting, 0);
    drop(held);
    assert!(pool.get().await.is_ok());
}

#[tokio::test]
async fn get_gives_up_after_the_acquire_timeout() {
    let pool = Factory::default()
        .pool()
        .max_size(1)
        .acquire_timeout(Duration::from_millis(30))
        .build();
    let _held = pool.get().await.unwrap();
    let started = Instant::now();
    let error = pool.get().await.unwrap_err();
    assert!(matches!(error, PoolError::Timeout(after) if after == Duration::from_millis(30)));
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "hung for {:?}",
        started.elapsed()
    );
    assert_eq!(pool.stats().timeouts, 1);
}

#[tokio::test]
async fn a_waiting_checkout_gets_the_next_returned_object() {
    let pool = Factory::default().pool().max_size(1).build();
    let held = pool.get().await.unwrap();
    let releaser = async {
        sleep(Duration::from_millis(10)).await;
        drop(held);
    };
    let (conn, ()) = tokio::join!(pool.get(), releaser);
    assert_eq!(conn.unwrap().id, 0);
}

async fn ids_after_returning_three(strategy: Strategy) -> usize {
    let pool = Factory::default()
        .pool()
        .max_size(3)
        .strategy(strategy)
        .build();
    let (a, b, c) = (
        pool.get().await.unwrap(),
        pool.get().await.unwrap(),
        pool.get().await.unwrap(),
    );
    assert_eq!((a.id, b.id, c.id), (0, 1, 2));
    drop((a, b, c)); // returned in order 0, 1, 2
    pool.get().await.unwrap().id
}

#[tokio::test]
async fn lifo_takes_the_newest_idle_object_and_fifo_the_oldest() {
    assert_eq!(ids_after_returning_three(Strategy::Lifo).await, 2);
    assert_eq!(ids_after_returning_three(Strategy::Fifo).await, 0);
}

#[tokio::test]
async fn an_unhealthy_object_is_dropped_at_checkout() {
    let factory = Factory::default();
    let pool = factory
        .pool()
        .health_check(|conn: &mut Conn| conn.healthy.load(SeqCst))
        .build();
    let conn = pool.get().await.unwrap();
    conn.healthy.store(false, SeqCst);
    drop(conn);
    let fresh = pool.get().await.unwrap();
    assert_eq!(fresh.id, 1);
    let stats = pool.stats();
    assert_eq!((stats.unhealthy, stats.created, stats.size), (1, 2, 1));
    assert_eq!(
        factory.alive.load(SeqCst),
        1,
        "the broken object is still alive"
    );
}

#[tokio::test]
async fn an_async_health_check_runs_on_checkout() {
    let checks = Arc::new(AtomicUsize::new(0));
    let counted = checks.clone();
    let pool = Factory::default()
        .pool()
        .health_check_async(move |conn: &mut Conn| {
            counted.fetch_add(1, SeqCst);
            Box::pin(async move {
                tokio::task::yield_now().await; // a ping
                conn.healthy.load(SeqCst)
            })
        })
        .build();
    let conn = pool.get().await.unwrap();
    conn.healthy.store(false, SeqCst);
    drop(conn);
    assert_eq!(pool.get().await.unwrap().id, 1);
    assert_eq!(
        checks.load(SeqCst),
        1,
        "a fresh object is not checked; the idle one is"
    );
    assert!(matches!(pool.try_get(), Err(PoolError::WouldWait)));
}

#[tokio::test]
async fn idle_objects_past_their_idle_timeout_are_evicted() {
    let factory = Factory::default();
    let pool = factory
        .pool()
        .idle_timeout(Duration::from_millis(20))
        .build();
    drop(pool.get().await.unwrap());
    sleep(Duration::from_millis(40)).await;
    assert_eq!(
        pool.get().await.unwrap().id,
        1,
        "a stale object was handed out"
    );
    assert_eq!(pool.stats().evicted, 1);

    // `evict_expired` sweeps without a checkout.
    drop(pool.get().await.unwrap());
    sleep(Duration::from_millis(40)).await;
    assert_eq!(pool.evict_expired(), 1);
    assert_eq!(pool.stats().idle, 0);
    assert_eq!(factory.alive.load(SeqCst), 0);
}

#[tokio::test]
async fn objects_past_their_max_lifetime_are_not_kept() {
    let factory = Factory::default();
    let pool = factory
        .pool()
        .max_lifetime(Duration::from_millis(20))
        .build();
    let conn = pool.get().await.unwrap();
    sleep(Duration::from_millis(40)).await;
    drop(conn);
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.size), (0, 0));
    assert_eq!(factory.alive.load(SeqCst), 0);
}

#[tokio::test]
async fn a_failed_creation_frees_its_room() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = attempts.clone();
    let pool = Pool::builder(move || {
        let attempt = counted.fetch_add(1, SeqCst);
        async move {
            if attempt == 0 {
                Err("refused".to_owned())
            } else {
                Ok(attempt)
            }
        }
    })
    .max_size(1)
    .build();
    let error = pool.get().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "creating a pooled object failed: refused"
    );
    assert_eq!(
        *pool.get().await.unwrap(),
        1,
        "the failed creation kept its room"
    );
    let stats = pool.stats();
    assert_eq!((stats.create_errors, stats.created), (1, 1));
}

#[test]
fn try_get_never_waits() {
    let pool = Pool::builder_sync(|| Ok::<_, std::convert::Infallible>(vec![0_u8; 16]))
        .max_size(1)
        .build();
    let held = pool.try_get().unwrap();
    assert!(matches!(pool.try_get(), Err(PoolError::WouldWait)));
    let detached = Pooled::detach(held);
    assert_eq!(detached.len(), 16);
    assert_eq!(pool.stats().size, 0, "a detached object still counts");
    assert!(pool.try_get().is_ok());
}

/// A pool of four whose object 0 answers its async health check never (a ping
/// to a wedged peer) or with a failure; the others answer at once.
fn four_with_one_broken_check(factory: &Factory, wedged: bool) -> Pool<Conn> {
    factory
        .pool()
        .max_size(4)
        .acquire_timeout(Duration::from_secs(5))
        .health_check_timeout(Duration::from_millis(50))
        .health_check_async(move |conn: &mut Conn| {
            let broken = conn.id == 0;
            Box::pin(async move {
                tokio::task::yield_now().await;
                if broken && wedged {
                    std::future::pending::<()>().await;
                }
                !broken
            })
        })
        .build()
}

/// Fills the pool with objects 0..4 and returns them so that a LIFO checkout
/// meets object 0 first.
async fn return_zero_last(pool: &Pool<Conn>) {
    let conns = [
        pool.get().await.unwrap(),
        pool.get().await.unwrap(),
        pool.get().await.unwrap(),
        pool.get().await.unwrap(),
    ];
    assert_eq!(
        conns.iter().map(|conn| conn.id).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    let [zero, one, two, three] = conns;
    drop((one, two, three));
    drop(zero);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wedged_health_check_discards_its_object_and_get_goes_on() {
    for wedged in [true, false] {
        let factory = Factory::default();
        let pool = four_with_one_broken_check(&factory, wedged);
        return_zero_last(&pool).await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let pool = pool.clone();
            tasks.spawn(async move {
                // Far below the 5 s acquire timeout: a wedged check costs its own
                // 50 ms timeout, once.
                let conn = tokio::time::timeout(Duration::from_secs(2), pool.get())
                    .await
                    .expect("get is prompt")
                    .expect("an object");
                assert_ne!(conn.id, 0, "the broken object was handed out");
                sleep(Duration::from_millis(1)).await;
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.unwrap();
        }
        let stats = pool.stats();
        assert_eq!(stats.timeouts, 0, "wedged {wedged}");
        assert_eq!(
            stats.unhealthy, 1,
            "wedged {wedged}: the broken object is dropped once"
        );
        assert_eq!(stats.check_timeouts, u64::from(wedged));
        assert!(stats.size <= 4);
        assert_eq!(
            factory.alive.load(SeqCst),
            stats.size,
            "the broken object is gone"
        );
    }
}

#[tokio::test]
async fn a_checkout_cancelled_during_its_health_check_drops_the_object() {
    let factory = Factory::default();
    let pool = four_with_one_broken_check(&factory, true);
    return_zero_last(&pool).await;
    let cancelled = tokio::time::timeout(Duration::from_millis(10), pool.get()).await;
    assert!(cancelled.is_err(), "the check of object 0 never finishes");
    let stats = pool.stats();
    assert_eq!(
        (stats.idle, stats.size),
        (3, 3),
        "object 0, half-checked, is not put back"
    );
    assert_ne!(pool.get().await.unwrap().id, 0);
}
