use std::sync::LazyLock;
use unokit::cache::{GuardError, KeyGuard};

static USERS: LazyLock<KeyGuard<u64>> =
    LazyLock::new(|| KeyGuard::new(100, 0.01, || async { Ok::<_, GuardError>(vec![1]) }));

// A `String` has no "absent" value to return for a refused key.
#[unokit::cached(guard = &*USERS)]
fn name(id: u64) -> String {
    format!("user {id}")
}

// Nor does a `Result` of something other than an `Option`.
#[unokit::cached(guard = &*USERS)]
async fn age(id: u64) -> Result<u32, String> {
    Ok(id as u32)
}

// The guard's keys are not the function's key.
#[unokit::cached(guard = &*USERS)]
fn email(address: &str) -> Option<String> {
    Some(address.to_owned())
}

fn main() {}
