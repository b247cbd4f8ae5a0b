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

/// The documented algorithm, written out independently of the crate: parts as
/// 64-bit words (numbers as one word, byte strings as their length and then their
/// bytes in little-endian words, zero-padded), folded two words at a time.
mod reference {
    pub enum Part<'a> {
        Word(u64),
        Bytes(&'a [u8]),
    }

    pub fn encode(parts: &[Part<'_>]) -> Vec<u64> {
        let mut words = Vec::new();
        for part in parts {
            match part {
                Part::Word(word) => words.push(*word),
                Part::Bytes(bytes) => {
                    words.push(bytes.len() as u64);
                    for chunk in bytes.chunks(8) {
                        let mut word = [0; 8];
                        word[..chunk.len()].copy_from_slice(chunk);
                        words.push(u64::from_le_bytes(word));
                    }
                }
            }
        }
        words
    }

    const P: [u64; 4] = [
        0x2d35_8dcc_aa6c_78a5,
        0x8bb8_4b93_962e_acc9,
        0x4b33_a62e_d433_d4a3,
        0x4d5a_2da5_1de1_aa47,
    ];

    #[allow(clippy::cast_possible_truncation)]
    fn fold(x: u64, y: u64) -> u64 {
        let product = u128::from(x) * u128::from(y);
        (product as u64) ^ ((product >> 64) as u64)
    }

    pub fn fingerprint(parts: &[Part<'_>]) -> u64 {
        let words = encode(parts);
        let mut acc = P[0];
        for pair in words.chunks(2) {
            acc = fold(pair[0] ^ acc, pair.get(1).copied().unwrap_or(0) ^ P[1]);
        }
        fold(acc ^ P[2], words.len() as u64 ^ P[3])
    }
}

#[test]
fn fingerprints_follow_the_documented_algorithm() {
    use reference::Part::{Bytes, Word};
    let long_text = "0123456789".repeat(100);
    let long_list: Vec<u64> = (0..100).collect();
    let mut long_parts = vec![Word(100)];
    long_parts.extend(long_list.iter().map(|&n| Word(n)));
    let cases: [(u64, u64); 8] = [
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
        // Long parts, and a text that is not a whole number of words.
        (
            long_text.as_str().fingerprint(),
            reference::fingerprint(&[Bytes(long_text.as_bytes())]),
        ),
        (long_list.fingerprint(), reference::fingerprint(&long_parts)),
        (
            (7_u64, long_text.as_str(), 9_u64).fingerprint(),
            reference::fingerprint(&[Word(7), Bytes(long_text.as_bytes()), Word(9)]),
        ),
    ];
    for (case, (ours, expected)) in cases.into_iter().enumerate() {
        assert_eq!(ours, expected, "case {case}");
    }
    // Every length of a text's last word, and texts of one and two words.
    let text = "abcdefghijklmnopq";
    for len in 0..=text.len() {
        assert_eq!(
            text[..len].fingerprint(),
            reference::fingerprint(&[Bytes(&text.as_bytes()[..len])]),
            "a text of {len} bytes"
        );
    }
}

/// Fingerprints may be stored (a later release keys Redis with them), so they must
/// never change: these values were computed once, when the fingerprint became
/// the word-wise multiply-fold hash of `Fingerprinter`'s docs, and are fixed from
/// then on, and agree with a third implementation (a few lines of Python).
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
    0x32ec_a1a2_0536_5e7e,
    0xb646_0285_11c0_37ca,
    0x0d18_1a9f_0c6a_665b,
    0xb646_0285_11c0_37ca,
    0x5fbf_d26f_620e_60e3,
    0x3468_ac5e_be78_3475,
    0xe06d_bf9b_e2b0_265c,
    0xd8ef_525b_6167_6a1b,
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
