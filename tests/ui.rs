//! Every misuse of a macro is a compile error that points at the offending tokens
//! and says what to do: one case per mistake in `tests/ui/<macro>/`.
//!
//! `TRYBUILD=overwrite cargo test --test ui` rewrites the `.stderr` files; review
//! the diff before committing it.

#[test]
fn misuse_is_a_clear_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
    // The axum integration's misuses, which need the feature.
    #[cfg(feature = "axum")]
    cases.compile_fail("tests/ui_axum/*.rs");
    // `#[cached(l2)]` without the `redis` feature: `cargo test -p unokit --test ui`
    // without `--all-features` (where cases of other features differ, as before).
    #[cfg(not(feature = "redis"))]
    cases.compile_fail("tests/ui_no_redis/*.rs");
}
