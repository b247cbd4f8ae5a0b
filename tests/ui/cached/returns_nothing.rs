use unokit::cached;

#[cached]
fn log(line: &str) {
    println!("{line}");
}

fn main() {
    log("hello");
}
