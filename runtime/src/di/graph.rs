//! The dependency graph, read once by `build()`: cycles, and which eager
//! singletons wait for which.

/// A cycle's services, first one repeated at the end, if the graph has one.
pub(crate) fn find_cycle(dependencies: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; dependencies.len()];
    for start in 0..dependencies.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Depth-first, with an explicit stack of (node, next edge to follow).
        let mut path = vec![(start, 0)];
        marks[start] = Mark::OnPath;
        while let Some(&mut (node, ref mut edge)) = path.last_mut() {
            match dependencies[node].get(*edge) {
                Some(&next) => {
                    *edge += 1;
                    match marks[next] {
                        Mark::New => {
                            marks[next] = Mark::OnPath;
                            path.push((next, 0));
                        }
                        Mark::OnPath => {
                            let from = path.iter().position(|&(on, _)| on == next)?;
                            let mut cycle: Vec<usize> =
                                path[from..].iter().map(|&(on, _)| on).collect();
                            cycle.push(next);
                            return Some(cycle);
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    marks[node] = Mark::Done;
                    path.pop();
                }
            }
        }
    }
    None
}

/// For each service, the eager singletons it needs built first: its eager
/// dependencies, and those reached through lazy ones (which an eager singleton's
/// factory builds on the spot). The graph has no cycle.
pub(crate) fn eager_prerequisites(dependencies: &[Vec<usize>], eager: &[bool]) -> Vec<Vec<usize>> {
    (0..dependencies.len())
        .map(|node| {
            let mut found = Vec::new();
            let mut seen = vec![false; dependencies.len()];
            let mut stack: Vec<usize> = dependencies[node].clone();
            while let Some(next) = stack.pop() {
                if std::mem::replace(&mut seen[next], true) {
                    continue;
                }
                if eager[next] {
                    found.push(next);
                } else {
                    stack.extend_from_slice(&dependencies[next]);
                }
            }
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_cycle_path() {
        // 0 -> 1 -> 2 -> 1, and 3 alone.
        let graph = vec![vec![1], vec![2], vec![1], vec![]];
        assert_eq!(find_cycle(&graph), Some(vec![1, 2, 1]));
        assert_eq!(find_cycle(&[vec![0]]), Some(vec![0, 0]));
        assert_eq!(find_cycle(&[vec![1, 2], vec![2], vec![]]), None);
    }

    #[test]
    fn eager_prerequisites_look_through_lazy_services() {
        // 0 (eager) -> 1 (lazy) -> 2 (eager); 3 (eager) -> 0.
        let graph = vec![vec![1], vec![2], vec![], vec![0]];
        let eager = [true, false, true, true];
        assert_eq!(
            eager_prerequisites(&graph, &eager),
            vec![vec![2], vec![2], vec![], vec![0]]
        );
    }
}
