// After an error in the attribute, code that uses the loader type reports
// nothing more: the fallback emits a stub loader beside the one real error.
use std::collections::HashMap;
use unokit::batch::LoadError;
use unokit::batch_load;

#[derive(Debug)]
struct Down;

#[batch_load(max_batch = 0)]
async fn names(#[ctx] prefix: &String, ids: &[u64]) -> Result<HashMap<u64, String>, Down> {
    Ok(ids.iter().map(|id| (*id, format!("{prefix}{id}"))).collect())
}

async fn greeting(loader: &NamesLoader) -> Result<String, LoadError<Down>> {
    let one = loader.load(1).await?.unwrap_or_default();
    let many = loader.load_many([2, 3]).await?;
    loader.prime(4, "four".to_owned());
    loader.clear(&4);
    loader.clear_all();
    let batches = loader.stats().batches;
    Ok(format!("{one} {} {batches}", many.len()))
}

fn main() {
    let loader = NamesLoader::new("name ".to_owned());
    drop(greeting(&loader));
}
