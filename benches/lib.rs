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

/// Awaits every future of `futures` in this task, polling each unfinished one
/// whenever the task is woken, and returns their outputs in order.
///
/// Unlike `futures::future::join_all`, which gives each of many futures a task
/// of its own (an allocation, a waker, a ready queue), this costs almost nothing
/// per future: it suits futures that finish together, such as the loads of one
/// batch, and shows what a loader itself costs. Futures that are not `Unpin`
/// must be boxed to go in.
pub async fn poll_all<F: Future + Unpin>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    enum Slot<F: Future> {
        Running(F),
        Finished(Option<F::Output>),
    }
    let mut slots: Vec<Slot<F>> = futures.into_iter().map(Slot::Running).collect();
    let mut running = slots.len();
    std::future::poll_fn(move |context| {
        for slot in &mut slots {
            if let Slot::Running(future) = slot
                && let Poll::Ready(output) = std::pin::Pin::new(future).poll(context)
            {
                *slot = Slot::Finished(Some(output));
                running -= 1;
            }
        }
        if running > 0 {
            return Poll::Pending;
        }
        Poll::Ready(
            slots
                .iter_mut()
                .map(|slot| match slot {
                    Slot::Finished(output) => output.take().expect("each output is taken once"),
                    Slot::Running(_) => unreachable!("every future has finished"),
                })
                .collect(),
        )
    })
    .await
}

/// Each named benchmark's time per call, one entry per criterion sample: what
/// [`print_ratios`] reads after the run.
static MEDIANS: std::sync::Mutex<std::collections::BTreeMap<&'static str, Vec<Duration>>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Benchmarks `run` as `group/name`, recording each sample's time per call for
/// [`print_ratios`].
pub fn measure(
    c: &mut criterion::Criterion,
    group: &str,
    name: &'static str,
    mut run: impl FnMut(),
) {
    c.benchmark_group(group).bench_function(name, |b| {
        b.iter_custom(|iterations| {
            let start = Instant::now();
            for _ in 0..iterations {
                run();
            }
            let elapsed = start.elapsed();
            let per_call = elapsed / u32::try_from(iterations).unwrap_or(u32::MAX);
            MEDIANS
                .lock()
                .unwrap()
                .entry(name)
                .or_default()
                .push(per_call);
            elapsed
        });
    });
}

/// The median time per call of the benchmark [`measure`]d as `name` (zero if
/// it did not run, e.g. filtered out).
#[must_use]
pub fn median(name: &str) -> Duration {
    let mut samples = MEDIANS
        .lock()
        .unwrap()
        .get(name)
        .cloned()
        .unwrap_or_default();
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Prints `title`, then one line per `(group, name, reference)`: the median of
/// `name` and its ratio to the median of `reference`.
pub fn print_ratios(title: &str, rows: &[(&str, &str, &str)]) {
    println!("\n{title}");
    for (group, name, reference) in rows {
        let time = median(name);
        let ratio = time.as_secs_f64() / median(reference).as_secs_f64();
        println!("  {group:8} {name:20} {time:>12.2?}  {ratio:6.2}x");
    }
}

/// Rounds an interleaved bench runs first and does not count.
pub const WARM_UP: usize = 100;

/// The rounds an interleaved bench counts: `ROUNDS` from the environment,
/// 1 500 unless it is set to a number.
#[must_use]
pub fn rounds() -> usize {
    std::env::var("ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(1500)
}

/// The median of `times` (sorted in place), for the interleaved benches.
///
/// # Panics
///
/// When `times` is empty.
pub fn median_of(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// Times one call of `load` and adds it to `times`.
pub fn timed<T>(times: &mut Vec<Duration>, load: impl FnOnce() -> T) {
    let start = Instant::now();
    std::hint::black_box(load());
    times.push(start.elapsed());
}
