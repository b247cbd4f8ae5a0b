use unokit::{container, injectable};

#[injectable(singleton)]
struct Config;

#[container(Config, Config)]
struct Twice;

#[container(Config)]
struct WithFields {
    config: Config,
}

#[container(Config, Repo = Config)]
struct NotATrait;

#[container()]
struct Empty;

trait Repo {}

fn main() {}
