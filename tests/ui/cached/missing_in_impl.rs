// An associated function without `self` looks like a free function to the macro,
// which cannot see the `impl` around it: `in_impl` says where it is.
use unokit::cached;

struct Tax;

impl Tax {
    #[cached]
    fn rate(country: &str) -> u32 {
        if country == "DE" { 19 } else { 20 }
    }
}

fn main() {
    let _ = Tax::rate("DE");
}
