use std::collections::BTreeMap;
use unokit::batch_load;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Slug(String);

#[batch_load]
async fn pages(slugs: &[Slug]) -> BTreeMap<Slug, String> {
    slugs.iter().map(|slug| (slug.clone(), slug.0.clone())).collect()
}

fn main() {}
