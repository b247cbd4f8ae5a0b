use unokit::cached;

struct Db;

#[cached]
fn config(#[cache(skip)] db: &Db, #[cache(skip)] verbose: bool) -> String {
    let _ = (db, verbose);
    String::from("config")
}

fn main() {
    let _ = config(&Db, true);
}
