impl Catalog {
    #[cached(key_self)]
    pub fn price(&self, sku: &str, quantity: u32) -> Option<Price> {
        self.lookup(sku).map(|unit| unit * quantity)
    }
}
