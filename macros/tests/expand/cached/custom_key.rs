#[cached(key = name.as_ref().to_lowercase(), cache_none)]
pub fn find<S: AsRef<str>>(name: S) -> Option<User> {
    USERS.find(name.as_ref())
}
