use unokit::cached;

// Pre-warming loads keys concurrently on the tokio runtime.
#[cached(prewarm = 100)]
fn name(id: u32) -> String {
    format!("user {id}")
}

// Nothing to track.
#[cached(prewarm = 0)]
async fn age(id: u32) -> u32 {
    id
}

// The body cannot be run again from a key that leaves an argument out.
#[cached(prewarm = 100)]
async fn email(id: u32, #[cache(skip)] trace: u64) -> String {
    format!("{id} {trace}")
}

fn main() {}
