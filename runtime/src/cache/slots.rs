//! One shard's map from hash to entry: an open-addressing array of slots
//! probed linearly, each holding an entry inline.

use super::entry::Entry;

/// Slots a shard starts with (a power of two).
const FIRST_SLOTS: usize = 16;

/// A slot: an entry and the tag of the hash it is stored under, or empty
/// (tag 0, no entry).
///
/// The tag comes first and says whether the slot is full: a probe reads the
/// slot's first line, not also the line where the entry's `Option` keeps its
/// niche. Slots are aligned to 32 bytes, so that one of up to 64 bytes never
/// spans more lines than it must, wherever the allocator puts the array.
#[repr(C, align(32))]
struct Slot<K, V> {
    tag: u64,
    entry: Option<Entry<K, V>>,
}

/// A hash as a slot's tag: never 0, which marks an empty slot. Hashes 0 and 1
/// share a tag, and so a probe; the key tells them apart.
#[inline]
fn tag(hash: u64) -> u64 {
    hash | u64::from(hash == 0)
}

const EMPTY: u64 = 0;

/// A map from hash to entry: a power-of-two array of slots, at most three
/// quarters full, so that a probe always ends at an empty slot.
pub(crate) struct Slots<K, V> {
    slots: Box<[Slot<K, V>]>,
    len: usize,
}

impl<K, V> Slots<K, V> {
    pub(crate) fn new() -> Self {
        Self::empty(FIRST_SLOTS)
    }

    fn empty(slots: usize) -> Self {
        Self {
            slots: (0..slots)
                .map(|_| Slot {
                    tag: EMPTY,
                    entry: None,
                })
                .collect(),
            len: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    #[allow(clippy::cast_possible_truncation)] // The mask keeps fewer bits than a usize.
    fn home(&self, tag: u64) -> usize {
        tag as usize & self.mask()
    }

    /// The index of the slot whose tag is `tag`, if any.
    #[inline]
    fn find(&self, tag: u64) -> Option<usize> {
        let mut at = self.home(tag);
        loop {
            match self.slots[at].tag {
                EMPTY => return None,
                held if held == tag => return Some(at),
                _ => at = (at + 1) & self.mask(),
            }
        }
    }

    #[inline]
    pub(crate) fn get(&self, hash: u64) -> Option<&Entry<K, V>> {
        let at = self.find(tag(hash))?;
        self.slots[at].entry.as_ref()
    }

    /// The first empty slot of `tag`'s probe.
    fn vacancy(&self, tag: u64) -> usize {
        let mut at = self.home(tag);
        while self.slots[at].tag != EMPTY {
            at = (at + 1) & self.mask();
        }
        at
    }

    /// Stores `entry` under `hash`; returns the entry it replaced.
    pub(crate) fn insert(&mut self, hash: u64, entry: Entry<K, V>) -> Option<Entry<K, V>> {
        let tag = tag(hash);
        if let Some(at) = self.find(tag) {
            return self.slots[at].entry.replace(entry);
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let at = self.vacancy(tag);
        self.slots[at] = Slot {
            tag,
            entry: Some(entry),
        };
        self.len += 1;
        None
    }

    fn grow(&mut self) {
        let doubled = Self::empty(self.slots.len() * 2).slots;
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old {
            if slot.tag != EMPTY {
                let at = self.vacancy(slot.tag);
                self.slots[at] = slot;
            }
        }
    }

    /// Takes the entry under `hash` out if it is the one numbered `id`, and shifts
    /// the slots after it back so that no probe stops early at the hole.
    pub(crate) fn remove(&mut self, hash: u64, id: u64) -> Option<Entry<K, V>> {
        let mut hole = self.find(tag(hash))?;
        if self.slots[hole]
            .entry
            .as_ref()
            .is_none_or(|held| held.id != id)
        {
            return None;
        }
        self.slots[hole].tag = EMPTY;
        let removed = self.slots[hole].entry.take();
        self.len -= 1;
        let mask = self.mask();
        let mut next = (hole + 1) & mask;
        while self.slots[next].tag != EMPTY {
            // The slot may fill the hole if the hole lies between its home and
            // itself: its probe passes the hole before it reaches `next`.
            let home = self.home(self.slots[next].tag);
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(hole) & mask) {
                self.slots.swap(hole, next);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        removed
    }

    /// Every entry with its tag (its hash, but 0 reads 1).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &Entry<K, V>)> {
        self.slots
            .iter()
            .filter_map(|slot| slot.entry.as_ref().map(|entry| (slot.tag, entry)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::entry::Deadlines;
    use std::collections::HashMap;

    fn entry(value: u64) -> Entry<u64, u64> {
        let never = Deadlines {
            expires: None,
            refresh: None,
        };
        Entry::new(value, value, 0, never)
    }

    /// Random inserts, replacements and removals on hashes crowded into few home
    /// slots (long runs that wrap around the array), checked against a `HashMap`
    /// of the entries' ids after every step, through growth.
    #[test]
    fn slots_behave_as_a_map() {
        let mut slots = Slots::new();
        let mut model: HashMap<u64, u64> = HashMap::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for step in 0..20_000_u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // 300 hashes on five home slots, three of them the array's last:
            // runs collide and wrap around.
            let key = state % 300;
            let hash = key << 40 | [3, 250, 511, 1023, 0x7FF][(key % 5) as usize];
            match (state >> 32) % 3 {
                0 | 1 => {
                    let new = entry(step);
                    let id = new.id;
                    let replaced = slots.insert(hash, new);
                    let expected = model.insert(hash, id);
                    assert_eq!(replaced.map(|old| old.id), expected);
                }
                _ => {
                    if let Some(held) = model.get(&hash).copied() {
                        // Another entry under the same hash is not removed.
                        assert!(slots.remove(hash, u64::MAX).is_none());
                        assert_eq!(slots.remove(hash, held).map(|old| old.id), Some(held));
                        model.remove(&hash);
                    } else {
                        assert!(slots.remove(hash, 0).is_none());
                    }
                }
            }
            assert_eq!(slots.len, model.len());
            if step % 97 == 0 {
                for (hash, held) in &model {
                    assert_eq!(slots.get(*hash).expect("present").id, *held);
                }
            }
            assert!(slots.get(hash ^ 0x10).is_none() || model.contains_key(&(hash ^ 0x10)));
        }
        assert!(slots.slots.len() > FIRST_SLOTS, "the test grew the array");
    }
}
