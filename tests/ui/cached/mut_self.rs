use unokit::cached;

struct Counter {
    total: u64,
}

impl Counter {
    #[cached]
    fn add(&mut self, n: u64) -> u64 {
        self.total += n;
        self.total
    }
}

fn main() {
    let _ = Counter { total: 0 }.add(1);
}
