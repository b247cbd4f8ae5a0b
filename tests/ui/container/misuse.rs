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

#[container(Config)]
enum NotAStruct {}

trait Repo {}

fn main() {}
