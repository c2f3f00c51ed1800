//! "Did you mean": the known name closest to a misspelt one, when it is close enough to be the
//! likely intent (`clinet` → `client`, `flsh` → `flash`), and nothing otherwise.

/// The candidate nearest to `name`: at most one edit (insert, delete, substitute or swap two
/// neighbours) per three characters of `name`, and at least one allowed. Ties go to the first.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// ` (did you mean `NAME`?)` for the closest candidate, or nothing.
pub(crate) fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// Edits between `a` and `b`, a swap of two neighbours counting as one (optimal string
/// alignment distance).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(distance("clinet", "client"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(closest("clinet", ["monitor", "client"]), Some("client"));
        assert_eq!(closest("flsh", ["sonic", "flash"]), Some("flash"));
        assert_eq!(closest("imag", ["image", "command", "user"]), Some("image"));
        assert_eq!(closest("redis", ["cache", "sonic", "messaging"]), None);
        assert_eq!(closest("debug", ["client"]), None);
        assert_eq!(hint("sonc", ["sonic"]), " (did you mean `sonic`?)");
        assert_eq!(hint("zzz", ["sonic"]), "");
    }
}
