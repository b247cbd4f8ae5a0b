//! Fuzzes the `fields` parser: any text must parse or fail with an error inside
//! the text, never panic, never recurse without bound (nesting is capped at
//! `MAX_DEPTH`) and never allocate without bound (`MAX_NODES`). What parses
//! must print a canonical text that parses back to the same selection, and
//! must compile leniently against a dynamic shape.
//!
//! `cargo +nightly fuzz run fields_parser fuzz/corpus/fields_parser fuzz/regressions/fields_parser`
//! (from the repository root): new inputs go to the first directory, which git
//! ignores; inputs that once failed are kept in `fuzz/regressions/fields_parser`
//! (checked on stable by `tests/partial_response_prop.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unokit_runtime::select::{Fields, Selectable};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Fields::parse(text) {
        Ok(fields) => {
            let canonical = fields.to_string();
            let again = Fields::parse(&canonical).expect("the canonical text parses");
            assert_eq!(again, fields, "{text:?} -> {canonical:?}");
            assert_eq!(again.to_string(), canonical);
            let selection = fields.compile_lenient::<serde_json::Value>();
            let value = serde_json::json!({"a": [1, {"b": 2}], "c": {"d": null}});
            let _ = serde_json::to_vec(&value.select(&selection)).expect("serializes");
        }
        Err(error) => {
            assert!(error.offset() <= text.len(), "{text:?}: {error}");
            assert!(!error.message().is_empty());
        }
    }
});
