//! `CacheKey`: derived and built-in keys, collision-free bytes, and a fingerprint
//! that is the same on every run, process and platform.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use unokit::CacheKey;
use unokit::key::{Fingerprinter, KeyBytes, KeySink};

#[derive(CacheKey)]
struct Query<'a> {
    user_id: u64,
    lang: &'a str,
    #[cache_key(skip)]
    #[allow(dead_code)]
    request_id: u128,
}

#[derive(CacheKey)]
struct Point(i32, i32);

#[derive(CacheKey)]
struct Marker;

#[derive(CacheKey)]
enum Lookup<T> {
    ById(u64),
    ByName { name: String, scope: T },
    All,
}

#[derive(CacheKey)]
struct Nested {
    point: Point,
    tags: Vec<String>,
    limit: Option<u32>,
}

#[test]
fn skipped_fields_do_not_change_the_key() {
    let a = Query {
        user_id: 1,
        lang: "en",
        request_id: 1,
    };
    let b = Query {
        user_id: 1,
        lang: "en",
        request_id: 2,
    };
    assert_eq!(a.key_bytes(), b.key_bytes());
    assert_eq!(a.fingerprint(), b.fingerprint());
    let c = Query {
        user_id: 1,
        lang: "de",
        request_id: 1,
    };
    assert_ne!(a.key_bytes(), c.key_bytes());
    assert_ne!(a.fingerprint(), c.fingerprint());
}

#[test]
fn keys_are_equal_when_their_parts_are() {
    let a = Query {
        user_id: 1,
        lang: "en",
        request_id: 1,
    };
    let b = Query {
        user_id: 1,
        lang: "en",
        request_id: 2,
    };
    assert!(a.key_eq(&b), "skipped fields are not compared");
    assert!(!a.key_eq(&Query { user_id: 2, ..b }));
    let by_name = |name: &str| Lookup::ByName {
        name: name.into(),
        scope: 1_u8,
    };
    assert!(by_name("ada").key_eq(&by_name("ada")));
    assert!(!by_name("ada").key_eq(&by_name("bob")));
    assert!(!Lookup::<u8>::ById(1).key_eq(&Lookup::All));
    assert!(Lookup::<u8>::All.key_eq(&Lookup::All));
    assert!(Marker.key_eq(&Marker));
    assert!(f64::NAN.key_eq(&f64::NAN), "floats compare by bit pattern");
    assert!(!0.0_f64.key_eq(&-0.0));
    assert!((1, "a", vec![Some(2_u8)]).key_eq(&(1, "a", vec![Some(2_u8)])));
    assert!(!(1, "a", vec![Some(2_u8)]).key_eq(&(1, "a", vec![None])));
}

#[test]
fn a_struct_writes_its_fields_like_a_tuple_of_them() {
    let query = Query {
        user_id: 1,
        lang: "en",
        request_id: 9,
    };
    assert_eq!(query.key_bytes(), (1_u64, "en").key_bytes());
    assert_eq!(query.fingerprint(), (1_u64, "en").fingerprint());
    assert_eq!(Point(-1, 2).fingerprint(), (-1_i32, 2_i32).fingerprint());
    assert_eq!(Marker.key_bytes(), Vec::<u8>::new());
}

#[test]
fn variants_with_equal_fields_have_different_keys() {
    let by_id: Lookup<u8> = Lookup::ById(0);
    let all: Lookup<u8> = Lookup::All;
    let by_name = Lookup::ByName {
        name: String::new(),
        scope: 0_u8,
    };
    let keys = [by_id.key_bytes(), all.key_bytes(), by_name.key_bytes()];
    assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 3);
    assert_eq!(all.key_bytes(), [2], "the variant's position");
}

#[test]
fn length_prefixes_keep_neighbouring_parts_apart() {
    assert_ne!(("ab", "c").key_bytes(), ("a", "bc").key_bytes());
    assert_ne!(("ab", "c").fingerprint(), ("a", "bc").fingerprint());
    assert_ne!(
        (vec![1_u8, 2], Vec::<u8>::new()).key_bytes(),
        (vec![1_u8], vec![2_u8]).key_bytes()
    );
    assert_ne!(None::<u32>.key_bytes(), Some(0_u32).key_bytes());
    assert_ne!(Some(None::<u8>).key_bytes(), None::<Option<u8>>.key_bytes());
}

/// Every pair of strings over a small alphabet, up to three characters each:
/// thousands of keys, no two with the same bytes.
#[test]
fn key_bytes_never_collide() {
    let mut words = vec![String::new()];
    for length in 1..=3 {
        let shorter: Vec<String> = words
            .iter()
            .filter(|word| word.len() == length - 1)
            .cloned()
            .collect();
        for word in shorter {
            for letter in ['a', 'b', '\u{0}'] {
                words.push(format!("{word}{letter}"));
            }
        }
    }
    let mut seen = HashSet::new();
    for first in &words {
        for second in &words {
            assert!(
                seen.insert((first.as_str(), second.as_str()).key_bytes()),
                "{first:?} {second:?}"
            );
        }
    }
    assert_eq!(seen.len(), words.len() * words.len());
}

#[test]
fn borrowed_and_owned_forms_write_the_same_parts() {
    let owned = (
        String::from("ada"),
        vec![1_u32, 2],
        Box::new(3_u8),
        Arc::new(4_i64),
    );
    let borrowed = ("ada", &[1_u32, 2][..], &3_u8, &4_i64);
    assert_eq!(owned.key_bytes(), borrowed.key_bytes());
    assert_eq!(owned.fingerprint(), borrowed.fingerprint());
    assert_eq!(
        VecDeque::from([1_u8, 2]).key_bytes(),
        vec![1_u8, 2].key_bytes(),
        "sequences write their length, then their items"
    );
    assert_eq!(
        std::borrow::Cow::Borrowed("x").fingerprint(),
        "x".fingerprint()
    );
}

#[test]
fn the_compact_encoding_is_documented() {
    assert_eq!((1_u8, "ab").key_bytes(), [1, 2, b'a', b'b']);
    assert_eq!(300_u32.key_bytes(), [0xAC, 0x02]);
    assert_eq!((-1_i64, 1_i64).key_bytes(), [0x01, 0x02], "zigzag");
    assert_eq!(
        [7_u8; 3].key_bytes(),
        [7, 7, 7],
        "arrays have no length prefix"
    );
    assert_eq!(true.key_bytes(), [1]);
    assert_eq!('é'.key_bytes(), [0xE9, 0x01]);
    let map = BTreeMap::from([(2_u8, "b"), (1, "a")]);
    assert_eq!(
        map.key_bytes(),
        [2, 1, 1, b'a', 2, 1, b'b'],
        "maps in key order"
    );
    assert_eq!(BTreeSet::from([3_u8, 1]).key_bytes(), [2, 1, 3]);
    assert_eq!(
        Duration::from_millis(1500).key_bytes(),
        [1, 0x80, 0xCA, 0xB5, 0xEE, 0x01]
    );
    assert_eq!(u128::MAX.key_bytes().len(), 20, "two varint words");
    assert_eq!(1.5_f64.key_bytes(), 1.5_f64.to_bits().key_bytes());
}

/// The documented algorithm, written out independently of the crate: every word
/// folds into the state as `fold(state ^ word, MULTIPLIER)`, bytes go as their
/// length and then zero-padded little-endian words, and MurmurHash3's finalizer ends it.
mod reference {
    const SEED: u64 = 0x243F_6A88_85A3_08D3;
    const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

    pub enum Part<'a> {
        Word(u64),
        Bytes(&'a [u8]),
    }

    pub fn fingerprint(parts: &[Part<'_>]) -> u64 {
        let fold = |state: u64, word: u64| {
            let product = u128::from(state ^ word) * u128::from(MULTIPLIER);
            (product as u64) ^ ((product >> 64) as u64)
        };
        let mut state = SEED;
        for part in parts {
            match part {
                Part::Word(word) => state = fold(state, *word),
                Part::Bytes(bytes) => {
                    state = fold(state, bytes.len() as u64);
                    for chunk in bytes.chunks(8) {
                        let mut word = [0; 8];
                        word[..chunk.len()].copy_from_slice(chunk);
                        state = fold(state, u64::from_le_bytes(word));
                    }
                }
            }
        }
        state ^= state >> 33;
        state = state.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        state ^= state >> 33;
        state = state.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        state ^ (state >> 33)
    }
}

#[test]
fn fingerprints_follow_the_documented_algorithm() {
    use reference::Part::{Bytes, Word};
    let cases: [(u64, u64); 5] = [
        (().fingerprint(), reference::fingerprint(&[])),
        (42_u64.fingerprint(), reference::fingerprint(&[Word(42)])),
        (
            (-1_i8).fingerprint(),
            reference::fingerprint(&[Word(u64::MAX)]),
        ),
        (
            "hello, world!".fingerprint(),
            reference::fingerprint(&[Bytes(b"hello, world!")]),
        ),
        (
            (7_u64, "en", Some(3_u32), vec![1_u64, 2]).fingerprint(),
            reference::fingerprint(&[
                Word(7),
                Bytes(b"en"),
                Word(1),
                Word(3),
                Word(2),
                Word(1),
                Word(2),
            ]),
        ),
    ];
    for (ours, expected) in cases {
        assert_eq!(ours, expected);
    }
}

/// Fingerprints may be stored (a later release keys Redis with them), so they must
/// never change: these values were computed once and are fixed forever.
#[test]
fn fingerprints_are_stable_across_runs_and_platforms() {
    let query = Query {
        user_id: 7,
        lang: "en",
        request_id: 99,
    };
    let lookup: Lookup<u8> = Lookup::ByName {
        name: "ada".into(),
        scope: 1,
    };
    let nested = Nested {
        point: Point(-3, 4),
        tags: vec!["a".into(), "bc".into()],
        limit: None,
    };
    let fingerprints = [
        ().fingerprint(),
        0_u64.fingerprint(),
        42_u64.fingerprint(),
        // Equal to `0_u64`'s: keys of different types may write the same parts.
        "".fingerprint(),
        "hello, world!".fingerprint(),
        query.fingerprint(),
        lookup.fingerprint(),
        nested.fingerprint(),
    ];
    assert_eq!(fingerprints, EXPECTED, "got {fingerprints:#018x?}");
}

const EXPECTED: [u64; 8] = [
    0x7acd_bb98_b134_4213,
    0xebec_de93_ce52_f108,
    0xbcdd_e348_e6a1_ba05,
    0xebec_de93_ce52_f108,
    0xc64f_13fe_8c3a_134e,
    0xe852_1632_4e6b_9dec,
    0x07ac_99e6_11c7_9b65,
    0x04ea_4d38_525d_d66c,
];

#[test]
fn fingerprinting_by_hand_matches_the_derive() {
    let mut fingerprinter = Fingerprinter::new();
    fingerprinter.put_u64(7);
    fingerprinter.put_bytes(b"en");
    assert_eq!(
        fingerprinter.finish(),
        Query {
            user_id: 7,
            lang: "en",
            request_id: 0
        }
        .fingerprint()
    );
    let mut bytes = KeyBytes::new();
    bytes.put_len(2);
    assert_eq!(bytes.into_vec(), [2]);
}

#[cfg(feature = "uuid")]
#[test]
fn uuids_are_keys() {
    let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    assert_eq!(id.fingerprint(), id.as_u128().fingerprint());
}
