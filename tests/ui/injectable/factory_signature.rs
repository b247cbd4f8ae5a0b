use unokit::{container, injectable};

#[injectable(singleton, eager, factory = Config::load)]
struct Config;

impl Config {
    fn load() -> String {
        String::new()
    }
}

// An `async fn` used as a sync factory returns a future, not the service.
#[injectable(singleton, eager, factory = Secrets::fetch)]
struct Secrets;

impl Secrets {
    async fn fetch() -> Result<Self, std::io::Error> {
        Ok(Self)
    }
}

// Made on resolve, so it cannot fail.
#[injectable(scoped, factory = Session::open)]
struct Session;

impl Session {
    fn open() -> Result<Self, std::io::Error> {
        Ok(Self)
    }
}

#[container(Config, Secrets, Session)]
struct App;

fn main() {}
