use unokit::{CacheKey, cached};

#[derive(Clone, CacheKey)]
struct Catalog {
    region: u8,
}

impl Catalog {
    #[cached]
    fn price(#[cache(skip)] &self, sku: u64) -> u64 {
        sku + u64::from(self.region)
    }

    #[cached(key_self)]
    fn stock(self, sku: u64) -> u64 {
        sku * u64::from(self.region)
    }
}

fn main() {
    let catalog = Catalog { region: 1 };
    let _ = catalog.price(7);
    let _ = catalog.stock(7);
}
