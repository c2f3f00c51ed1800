//! Small formatting helpers shared by every layer (durations, ages, hex, an error's causes).

use std::error::Error;
use std::time::Duration;

/// `340ms`, `1.2s`, `3m04s`, `2h05m`: short and stable for tables.
pub(crate) fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 10 {
        format!("{:.1}ms", d.as_secs_f64() * 1000.0)
    } else if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else if ms < 3_600_000 {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    } else {
        format!("{}h{:02}m", ms / 3_600_000, (ms / 60_000) % 60)
    }
}

/// The causes of `e` (its `source` chain) that its message does not already say, outermost
/// first: what the top-level report prints as `Caused by:` lines.
pub(crate) fn causes(e: &(dyn Error + 'static)) -> Vec<String> {
    let mut said = e.to_string();
    let mut out = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() && !said.contains(&text) {
            said.push('\n');
            said.push_str(&text);
            out.push(text);
        }
        source = s.source();
    }
    out
}

/// `e` and the causes its message does not already say, on one line (`what: cause: cause`):
/// for the places an error becomes text (a task's state in `/readyz`, a log line).
pub(crate) fn chain(e: &(dyn Error + 'static)) -> String {
    let mut text = e.to_string();
    for c in causes(e) {
        text.push_str(": ");
        text.push_str(&c);
    }
    text
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A run of sequence numbers in words: `2`, or `2 to 5` (never Rust's `2..=5`).
pub(crate) fn seq_range(first: u64, last: u64) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{what}")]
    struct Wrapped {
        what: &'static str,
        #[source]
        source: std::io::Error,
    }

    #[test]
    fn a_chain_says_each_cause_once() {
        let refused = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = Wrapped {
            what: "cannot reach x",
            source: refused(),
        };
        assert_eq!(causes(&e), ["refused"]);
        assert_eq!(chain(&e), "cannot reach x: refused");
        // A message that already says its cause does not say it twice.
        let e = Wrapped {
            what: "cannot reach x: refused",
            source: refused(),
        };
        assert!(causes(&e).is_empty());
        assert_eq!(chain(&e), "cannot reach x: refused");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::from_millis(340)), "340ms");
        assert_eq!(duration(Duration::from_micros(420)), "0.4ms");
        assert_eq!(duration(Duration::from_millis(1240)), "1.2s");
        assert_eq!(duration(Duration::from_secs(184)), "3m04s");
        assert_eq!(duration(Duration::from_secs(7500)), "2h05m");
    }

    #[test]
    fn sequence_ranges_read_as_words() {
        assert_eq!(seq_range(2, 2), "2");
        assert_eq!(seq_range(2, 5), "2 to 5");
    }
}
