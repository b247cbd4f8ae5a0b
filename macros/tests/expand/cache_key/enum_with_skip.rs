#[derive(CacheKey)]
enum Lookup<'a, T> {
    ById(u64),
    ByName { name: &'a str, #[cache_key(skip)] trace: u128, scope: T },
    Everything,
}
