//! A batch function for loader tests: it records each call's keys, can be held
//! at a gate while a test looks at a batch in flight, and can fail or panic.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;
use unokit::batch::BatchFn;

/// The error of a failed batch: deliberately not `Clone`.
#[derive(Debug, PartialEq, Eq)]
pub struct Down(pub &'static str);

impl std::fmt::Display for Down {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

#[derive(Clone, Copy, Default)]
pub enum Behaviour {
    /// Every key `k` but the multiples of 7 maps to `k * 10`.
    #[default]
    Values,
    Fail,
    Panic,
}

#[derive(Clone, Default)]
pub struct Recorder {
    pub calls: Arc<Mutex<Vec<Vec<u64>>>>,
    /// When set, each call waits for a permit before answering.
    pub gate: Option<Arc<Semaphore>>,
    pub behaviour: Behaviour,
}

impl Recorder {
    pub fn gated() -> (Self, Arc<Semaphore>) {
        let gate = Arc::new(Semaphore::new(0));
        let recorder = Self {
            gate: Some(Arc::clone(&gate)),
            ..Self::default()
        };
        (recorder, gate)
    }

    pub fn behaving(behaviour: Behaviour) -> Self {
        Self {
            behaviour,
            ..Self::default()
        }
    }

    /// The keys of each call so far, each call's keys sorted.
    pub fn calls(&self) -> Vec<Vec<u64>> {
        let mut calls = self.calls.lock().unwrap().clone();
        for call in &mut calls {
            call.sort_unstable();
        }
        calls
    }
}

/// What the recorder loads for `key`: `None` for multiples of 7.
pub fn value_of(key: u64) -> Option<u64> {
    (key % 7 != 0).then_some(key * 10)
}

impl BatchFn for Recorder {
    type Key = u64;
    type Value = u64;
    type Error = Down;
    type Map = HashMap<u64, u64>;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, Down> {
        self.calls.lock().unwrap().push(keys.to_vec());
        if let Some(gate) = &self.gate {
            gate.acquire().await.expect("open gate").forget();
        }
        match self.behaviour {
            Behaviour::Values => Ok(keys
                .iter()
                .filter_map(|&key| Some((key, value_of(key)?)))
                .collect()),
            Behaviour::Fail => Err(Down("database down")),
            Behaviour::Panic => panic!("the batch function broke"),
        }
    }
}
