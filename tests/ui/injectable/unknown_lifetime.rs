use unokit::injectable;

#[injectable(singelton)]
struct Config;

#[injectable(request)]
struct Session;

#[injectable]
struct Clock;

#[injectable(scoped, transient)]
struct Both;

fn main() {}
