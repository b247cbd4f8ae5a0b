use unokit::batch_load;

#[batch_load]
async fn names(ids: &[i64]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

fn main() {}
