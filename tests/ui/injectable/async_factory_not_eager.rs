use unokit::injectable;

#[injectable(singleton, factory = async Config::load)]
struct Config;

impl Config {
    async fn load() -> Self {
        Self
    }
}

struct Db;

#[injectable(scoped)]
async fn connect() -> Result<Db, std::io::Error> {
    Ok(Db)
}

#[injectable(transient, eager)]
struct Handler;

fn main() {}
