use unokit::cached;

#[cached(capacity = 10)]
struct Settings {
    verbose: bool,
}

fn main() {
    let settings = Settings { verbose: true };
    let _ = settings.verbose;
}
