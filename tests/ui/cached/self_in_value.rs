use unokit::cached;

#[derive(Clone)]
struct Node {
    id: u64,
}

impl Node {
    #[cached]
    fn child(&self, index: u64) -> Self {
        Node { id: self.id * 10 + index }
    }
}

fn main() {
    let _ = Node { id: 1 }.child(2);
}
