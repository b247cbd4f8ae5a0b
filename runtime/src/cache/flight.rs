//! Single flight for the misses of an `async` function: one caller per key runs
//! the body, the others await its landing.
//!
//! Moka's own single flight blocks the thread; this one awaits instead. Flights live in a
//! few mutex-guarded maps keyed by the keyed hash, which only misses touch, each
//! for an insert or a removal: callers of different keys never wait on each other.

use super::base::MokaHasher;
use super::entry::Stamp;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;

const SHARDS: usize = 16;

/// How a flight ended, as its followers see it.
pub(crate) enum Landing {
    /// The leader is still running the body.
    Pending,
    /// The leader stored the entry with this stamp.
    Stored(Stamp),
    /// The leader's result is not to be cached (an `Err`, a `None`): each follower
    /// runs its own body, since an error cannot in general be cloned.
    NotStored,
    /// The leader's body panicked with this message: each follower re-raises it.
    Panicked(Arc<str>),
}

struct Flight {
    id: u64,
    landing: watch::Receiver<Landing>,
}

type Shard = Mutex<HashMap<u64, Flight, MokaHasher>>;

pub(crate) struct Flights {
    shards: Box<[Shard]>,
}

/// What a caller that missed does: lead the flight of its key, or follow it.
pub(crate) enum Role<'a> {
    Lead(Lead<'a>),
    Follow(watch::Receiver<Landing>),
}

/// The leader's side of a flight. Dropping it without [`land`](Self::land)ing
/// (the leader's future was dropped mid-body) wakes the followers, who try again:
/// one of them leads the next flight. A body that panics lands
/// [`Landing::Panicked`] instead.
pub(crate) struct Lead<'a> {
    flights: &'a Flights,
    hash: u64,
    id: u64,
    sender: watch::Sender<Landing>,
}

impl Flights {
    pub(crate) fn new() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    #[allow(clippy::cast_possible_truncation)]
    fn shard(&self, hash: u64) -> &Shard {
        &self.shards[(hash >> 60) as usize % SHARDS]
    }

    /// Joins the flight of `hash`, starting one if there is none.
    pub(crate) fn join(&self, hash: u64) -> Role<'_> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        // A panic never happens under this lock, so a poisoned map is still whole.
        let mut flights = self
            .shard(hash)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(flight) = flights.get(&hash) {
            return Role::Follow(flight.landing.clone());
        }
        let (sender, landing) = watch::channel(Landing::Pending);
        let id = NEXT_ID.fetch_add(1, Relaxed);
        flights.insert(hash, Flight { id, landing });
        Role::Lead(Lead {
            flights: self,
            hash,
            id,
            sender,
        })
    }
}

impl Lead<'_> {
    /// Tells the followers how the flight ended, and ends it.
    pub(crate) fn land(self, landing: Landing) {
        self.sender.send_replace(landing);
    }
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        let mut flights = self
            .flights
            .shard(self.hash)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if flights
            .get(&self.hash)
            .is_some_and(|flight| flight.id == self.id)
        {
            flights.remove(&self.hash);
        }
    }
}
