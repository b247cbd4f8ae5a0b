//! The futures of `load` and `load_many`: named types, no boxing, one lock per
//! key on the first poll and no lock to read a finished batch.

use super::cell::read;
use super::dispatch;
use super::error::LoadError;
use super::fetch::BatchFn;
use super::state::{Cell, Loaded, LoaderState, Lookup, Ticket, Watch};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The future of [`BatchLoader::load`](super::BatchLoader::load).
///
/// Nothing happens until it is first polled; then the key joins a batch (or is
/// answered from the cache). Dropping it never affects other loads: the batch
/// runs in its own task.
#[must_use = "a load does nothing until it is awaited"]
pub struct Load<'a, F: BatchFn> {
    state: &'a Arc<LoaderState<F>>,
    step: Step<F>,
}

enum Step<F: BatchFn> {
    Start(F::Key),
    Wait(Ticket<F>),
    Done,
}

// Nothing in `Load` is pinned: it moves its key out by value.
impl<F: BatchFn> Unpin for Load<'_, F> {}

impl<'a, F: BatchFn> Load<'a, F> {
    pub(crate) fn new(state: &'a Arc<LoaderState<F>>, key: F::Key) -> Self {
        Self {
            state,
            step: Step::Start(key),
        }
    }
}

impl<F: BatchFn> Future for Load<'_, F> {
    type Output = Loaded<F>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match std::mem::replace(&mut this.step, Step::Done) {
            Step::Start(key) => {
                let lookup = {
                    let mut locked = this.state.lock();
                    this.state.enqueue(&mut locked, key, Some(cx.waker()))
                };
                match lookup {
                    Lookup::Ready(loaded) => Poll::Ready(loaded),
                    Lookup::Refreshing(value, next) => {
                        dispatch::start(this.state, next);
                        Poll::Ready(Ok(Some(value)))
                    }
                    Lookup::Wait(ticket, next) => {
                        dispatch::start(this.state, next);
                        this.step = Step::Wait(ticket);
                        Poll::Pending
                    }
                }
            }
            Step::Wait(ticket) => {
                if let Some(outcome) = ticket.batch.outcome() {
                    return Poll::Ready(read(outcome, ticket.index));
                }
                let slot = ticket.waker.expect("a load waits with its waker");
                match this.state.rewatch(&ticket.batch, slot, cx.waker()) {
                    Watch::Finished => Poll::Ready(read(
                        ticket
                            .batch
                            .outcome()
                            .expect("a finished batch has an outcome"),
                        ticket.index,
                    )),
                    Watch::Slot(slot) => {
                        this.step = Step::Wait(Ticket {
                            waker: Some(slot),
                            ..ticket
                        });
                        Poll::Pending
                    }
                }
            }
            Step::Done => panic!("a `Load` was polled after it completed"),
        }
    }
}

/// The future of [`BatchLoader::load_many`](super::BatchLoader::load_many).
#[must_use = "a load does nothing until it is awaited"]
pub struct LoadMany<'a, F: BatchFn> {
    state: &'a Arc<LoaderState<F>>,
    step: ManyStep<F>,
}

enum ManyStep<F: BatchFn> {
    Start(Vec<F::Key>),
    Wait {
        keys: Vec<F::Key>,
        found: Vec<Found<F>>,
        /// The distinct batches waited on, with this future's waker slot in each.
        batches: Vec<(Arc<Cell<F>>, Option<u32>)>,
    },
    Done,
}

enum Found<F: BatchFn> {
    Value(Option<F::Value>),
    /// Position `index` of `batches[batch]`.
    InBatch {
        batch: usize,
        index: u32,
    },
}

impl<F: BatchFn> Unpin for LoadMany<'_, F> {}

impl<'a, F: BatchFn> LoadMany<'a, F> {
    pub(crate) fn new(state: &'a Arc<LoaderState<F>>, keys: Vec<F::Key>) -> Self {
        Self {
            state,
            step: ManyStep::Start(keys),
        }
    }
}

type Many<F> =
    Result<HashMap<<F as BatchFn>::Key, <F as BatchFn>::Value>, LoadError<<F as BatchFn>::Error>>;

impl<F: BatchFn> Future for LoadMany<'_, F> {
    type Output = Many<F>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let (keys, found, mut batches) = match std::mem::replace(&mut this.step, ManyStep::Done) {
            ManyStep::Start(keys) => match enqueue_all(this.state, &keys) {
                Ok((found, batches)) => (keys, found, batches),
                Err(error) => return Poll::Ready(Err(error)),
            },
            ManyStep::Wait {
                keys,
                found,
                batches,
            } => (keys, found, batches),
            ManyStep::Done => panic!("a `LoadMany` was polled after it completed"),
        };
        let mut waiting = false;
        for (batch, slot) in &mut batches {
            if batch.outcome().is_some() {
                continue;
            }
            let watch = match slot {
                None => this.state.watch(batch, cx.waker()),
                Some(slot) => this.state.rewatch(batch, *slot, cx.waker()),
            };
            if let Watch::Slot(index) = watch {
                *slot = Some(index);
                waiting = true;
            }
        }
        if waiting {
            this.step = ManyStep::Wait {
                keys,
                found,
                batches,
            };
            return Poll::Pending;
        }
        Poll::Ready(collect(keys, found, &batches))
    }
}

type Enqueued<F> = (Vec<Found<F>>, Vec<(Arc<Cell<F>>, Option<u32>)>);

/// Puts every key into its batch under one lock; wakers are registered per batch
/// afterwards, not per key.
fn enqueue_all<F: BatchFn>(
    state: &Arc<LoaderState<F>>,
    keys: &[F::Key],
) -> Result<Enqueued<F>, LoadError<F::Error>> {
    let mut found = Vec::with_capacity(keys.len());
    let mut batches: Vec<(Arc<Cell<F>>, Option<u32>)> = Vec::new();
    let mut locked = state.lock();
    LoaderState::reserve(&mut locked, keys.len());
    for key in keys {
        match state.enqueue(&mut locked, key.clone(), None) {
            Lookup::Ready(loaded) => found.push(Found::Value(loaded?)),
            Lookup::Refreshing(value, next) => {
                dispatch::start(state, next);
                found.push(Found::Value(Some(value)));
            }
            Lookup::Wait(ticket, next) => {
                dispatch::start(state, next);
                // Keys mostly share the last batch; look there first.
                let batch = batches
                    .iter()
                    .rposition(|(held, _)| Arc::ptr_eq(held, &ticket.batch))
                    .unwrap_or_else(|| {
                        batches.push((ticket.batch, None));
                        batches.len() - 1
                    });
                found.push(Found::InBatch {
                    batch,
                    index: ticket.index,
                });
            }
        }
    }
    Ok((found, batches))
}

fn collect<F: BatchFn>(
    keys: Vec<F::Key>,
    found: Vec<Found<F>>,
    batches: &[(Arc<Cell<F>>, Option<u32>)],
) -> Many<F> {
    let mut values = HashMap::with_capacity(keys.len());
    for (key, found) in keys.into_iter().zip(found) {
        let value = match found {
            Found::Value(value) => value,
            Found::InBatch { batch, index } => read(
                batches[batch]
                    .0
                    .outcome()
                    .expect("every batch has finished"),
                index,
            )?,
        };
        if let Some(value) = value {
            values.insert(key, value);
        }
    }
    Ok(values)
}
