//! Helpers shared by the benches.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Polls `future` to completion on this thread with a no-op waker.
///
/// A cache hit completes on its first poll, so this measures the cached function
/// itself, not an executor.
pub fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// Runs `iterations` calls of `call`, split evenly over `threads` threads started
/// together, and returns the wall time from the start to the last thread's end.
pub fn split_over_threads(threads: u64, iterations: u64, call: impl Fn() + Sync) -> Duration {
    let start_line = std::sync::Barrier::new(usize::try_from(threads).expect("few threads") + 1);
    let mut start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                start_line.wait();
                for _ in 0..iterations / threads {
                    call();
                }
            });
        }
        start_line.wait();
        start = Instant::now();
    });
    start.elapsed()
}
