//! Reads service log files: tails, time filters and following.
//!
//! The servers write their own timestamps (NATS, Redis, PostgreSQL, pulsar-lite each their own
//! way); a line without one belongs to the last line that had one.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};

/// A service's log is rotated, when it starts, once it has grown past this.
pub(crate) const ROTATE_BYTES: u64 = 64 << 20;
/// How many rotated logs are kept beside it (`service.log.1` newest … `.3` oldest).
pub(crate) const ROTATE_KEEP: u32 = 3;

/// Moves `path` to `path.1` (and `.1` to `.2`, …, dropping the oldest) when it is larger than
/// [`ROTATE_BYTES`]. Called before a service starts writing to it, so no process holds it then.
pub(crate) fn rotate_if_large(path: &Path) {
    if std::fs::metadata(path).map_or(true, |m| m.len() <= ROTATE_BYTES) {
        return;
    }
    let numbered = |i: u32| PathBuf::from(format!("{}.{i}", path.display()));
    let _ = std::fs::remove_file(numbered(ROTATE_KEEP));
    for i in (1..ROTATE_KEEP).rev() {
        let _ = std::fs::rename(numbered(i), numbered(i + 1));
    }
    let _ = std::fs::rename(path, numbered(1));
}

/// Every line of `path`, ANSI escapes removed.
pub(crate) fn read_lines(path: &Path) -> Vec<String> {
    lines_from_end(path, |_| false)
}

/// The lines to show of `path`: the last `n` (when given) of those written at or after `since`
/// (when given). Read from the end backwards, so a large log costs what is shown, not its size
/// (the servers' timestamps only grow, so the first line older than `since` ends the search).
pub(crate) fn read_recent(
    path: &Path,
    n: Option<usize>,
    since: Option<DateTime<Utc>>,
) -> Vec<String> {
    let mut lines = match (n, since) {
        (None, None) => read_lines(path),
        (Some(n), None) => lines_from_end(path, |ls| ls.len() >= n),
        (_, Some(since)) => filter_since(
            lines_from_end(path, |ls| {
                ls.iter().any(|l| line_time(l).is_some_and(|t| t < since))
            }),
            since,
        ),
    };
    if let Some(n) = n {
        lines = lines.split_off(lines.len().saturating_sub(n));
    }
    lines
}

/// The last `n` lines written since the service was last started (for failure reports).
pub(crate) fn tail_of_last_run(path: &Path, n: usize) -> Vec<String> {
    let lines = lines_from_end(path, |ls| ls.len() > n || ls.iter().any(|l| is_start(l)));
    let start = lines.iter().rposition(|l| is_start(l)).map_or(0, |i| i + 1);
    let run = &lines[start..];
    run[run.len().saturating_sub(n)..].to_vec()
}

/// arc's own line before each start of a service.
fn is_start(line: &str) -> bool {
    line.starts_with("--- arc ") && line.contains(": starting ")
}

/// The complete lines at the end of `path`, read backwards a growing chunk at a time until
/// `enough` says the lines read so far (oldest first) suffice, or the file's start.
fn lines_from_end(path: &Path, mut enough: impl FnMut(&[String]) -> bool) -> Vec<String> {
    let Ok(mut f) = File::open(path) else {
        return Vec::new();
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let mut start = len;
    let mut chunk: u64 = 64 << 10;
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let from = start.saturating_sub(chunk);
        let mut head = Vec::new();
        if f.seek(SeekFrom::Start(from)).is_err()
            || Read::by_ref(&mut f)
                .take(start - from)
                .read_to_end(&mut head)
                .is_err()
        {
            return Vec::new();
        }
        head.extend_from_slice(&bytes);
        bytes = head;
        start = from;
        let text = String::from_utf8_lossy(&bytes);
        let mut lines: Vec<&str> = text.lines().collect();
        // Mid-file, the first line read is only the end of a line.
        if start > 0 && !lines.is_empty() {
            lines.remove(0);
        }
        let lines: Vec<String> = lines.into_iter().map(strip_ansi).collect();
        if start == 0 || enough(&lines) {
            return lines;
        }
        chunk = chunk.saturating_mul(2);
    }
}

/// Keeps lines written at or after `since`; untimed lines follow the line before them.
pub(crate) fn filter_since(lines: Vec<String>, since: DateTime<Utc>) -> Vec<String> {
    let mut keep = true;
    lines
        .into_iter()
        .filter(|l| {
            if let Some(t) = line_time(l) {
                keep = t >= since;
            }
            keep
        })
        .collect()
}

/// The time a log line was written, when it starts with a timestamp arc recognises.
pub(crate) fn line_time(line: &str) -> Option<DateTime<Utc>> {
    // arc's own markers: `--- arc 2026-11-23T13:20:37.123+00:00: …`
    if let Some(rest) = line.strip_prefix("--- arc ") {
        let stamp = rest.split_whitespace().next()?.trim_end_matches(':');
        return DateTime::parse_from_rfc3339(stamp)
            .ok()
            .map(|t| t.with_timezone(&Utc));
    }
    // pulsar-lite (env_logger): `[2026-11-23T13:20:37Z INFO  pulsar_lite] …`
    if let Some(first) = line.trim_start_matches('[').split_whitespace().next() {
        if let Ok(t) = DateTime::parse_from_rfc3339(first) {
            return Some(t.with_timezone(&Utc));
        }
    }
    // PostgreSQL: `2026-11-23 13:20:37.123 UTC [42] LOG: …`
    if line.len() >= 23 && line.as_bytes()[4] == b'-' {
        if let Ok(t) = NaiveDateTime::parse_from_str(&line[..23], "%Y-%m-%d %H:%M:%S%.3f") {
            let utc = line[23..].trim_start().starts_with("UTC");
            return Some(if utc {
                Utc.from_utc_datetime(&t)
            } else {
                local(t)?
            });
        }
    }
    // NATS: `[42] 2026/11/23 13:20:37.123456 [INF] …` (local time)
    if let Some(rest) = line
        .strip_prefix('[')
        .and_then(|l| l.split_once("] "))
        .map(|(_, r)| r)
    {
        if rest.len() >= 26 {
            if let Ok(t) = NaiveDateTime::parse_from_str(&rest[..26], "%Y/%m/%d %H:%M:%S%.6f") {
                return local(t);
            }
        }
    }
    // Redis: `42:M 23 Nov 2026 13:20:37.123 * Ready …` (local time)
    if let Some((_, rest)) = line.split_once(' ') {
        if rest.len() >= 24 {
            if let Ok(t) = NaiveDateTime::parse_from_str(&rest[..24], "%d %b %Y %H:%M:%S%.3f") {
                return local(t);
            }
        }
    }
    None
}

fn local(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Removes ANSI colour escapes.
pub(crate) fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Follows a log file from a position, like `tail -f`, surviving truncation and re-creation.
#[derive(Debug)]
pub(crate) struct Follower {
    path: PathBuf,
    pos: u64,
    partial: String,
}

impl Follower {
    /// Follows `path` from its current end.
    pub(crate) fn from_end(path: PathBuf) -> Self {
        let pos = std::fs::metadata(&path).map_or(0, |m| m.len());
        Self {
            path,
            pos,
            partial: String::new(),
        }
    }

    /// Complete lines written since the last call.
    pub(crate) fn poll(&mut self) -> Vec<String> {
        let Ok(mut f) = File::open(&self.path) else {
            return Vec::new();
        };
        let len = f.metadata().map_or(0, |m| m.len());
        if len < self.pos {
            // Truncated or replaced: start over.
            self.pos = 0;
            self.partial.clear();
        }
        if len == self.pos || f.seek(SeekFrom::Start(self.pos)).is_err() {
            return Vec::new();
        }
        let mut bytes = Vec::new();
        let Ok(read) = f.take(len - self.pos).read_to_end(&mut bytes) else {
            return Vec::new();
        };
        self.pos += read as u64;
        self.partial.push_str(&String::from_utf8_lossy(&bytes));
        let mut lines = Vec::new();
        while let Some(nl) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=nl).collect();
            lines.push(strip_ansi(line.trim_end_matches(['\n', '\r'])));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_servers_timestamps() {
        let pg = line_time("2026-11-23 13:20:37.123 UTC [42] LOG:  ready").unwrap();
        assert_eq!(pg.to_rfc3339(), "2026-11-23T13:20:37.123+00:00");
        assert!(line_time("[42] 2026/11/23 13:20:37.123456 [INF] Server is ready").is_some());
        assert!(line_time("42:M 23 Nov 2026 13:20:37.123 * Ready to accept connections").is_some());
        assert!(line_time("2026-11-23T13:20:37.123456Z  INFO pulsar_lite: listening").is_some());
        assert!(line_time("[2026-11-23T13:37:06Z INFO  pulsar_lite] Connection closed").is_some());
        assert!(
            line_time("--- arc 2026-11-23T13:20:37.1+00:00: starting cache: redis-server")
                .is_some()
        );
        assert!(line_time("just text").is_none());
    }

    #[test]
    fn since_keeps_untimed_lines_with_their_predecessor() {
        let lines = vec![
            "2026-11-23 13:00:00.000 UTC [1] LOG: old".to_owned(),
            "continued old".to_owned(),
            "2026-11-23 14:00:00.000 UTC [1] LOG: new".to_owned(),
            "continued new".to_owned(),
        ];
        let since = DateTime::parse_from_rfc3339("2026-11-23T13:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            filter_since(lines, since),
            vec!["2026-11-23 14:00:00.000 UTC [1] LOG: new", "continued new"]
        );
    }

    #[test]
    fn recent_lines_are_read_from_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.log");
        // Two old lines, then enough to span several chunks, then a timed tail.
        let mut text = String::from("2026-11-23 13:00:00.000 UTC [1] LOG: old\ncontinued old\n");
        for i in 0..20_000 {
            text.push_str(&format!(
                "2026-11-23 13:10:00.000 UTC [1] LOG: filler {i}\n"
            ));
        }
        text.push_str("2026-11-23 14:00:00.000 UTC [1] LOG: new\ncontinued new\n");
        std::fs::write(&p, &text).unwrap();
        assert_eq!(
            read_recent(&p, Some(2), None),
            vec!["2026-11-23 14:00:00.000 UTC [1] LOG: new", "continued new"]
        );
        let since = DateTime::parse_from_rfc3339("2026-11-23T13:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(read_recent(&p, None, Some(since)).len(), 2);
        assert_eq!(read_recent(&p, Some(1), Some(since)), vec!["continued new"]);
        assert_eq!(read_recent(&p, None, None).len(), 20_004);
        assert_eq!(read_recent(&p, Some(30_000), None).len(), 20_004);
        std::fs::write(
            &p,
            "a\n--- arc 2026-11-23T13:20:37.1+00:00: starting cache: x\nb\nc\n",
        )
        .unwrap();
        assert_eq!(tail_of_last_run(&p, 5), vec!["b", "c"]);
        assert_eq!(tail_of_last_run(&p, 1), vec!["c"]);
    }

    #[test]
    fn strips_colour() {
        assert_eq!(strip_ansi("\x1b[32mINFO\x1b[0m ok"), "INFO ok");
    }

    #[test]
    fn follower_reads_new_complete_lines_and_survives_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.log");
        std::fs::write(&p, "old\n").unwrap();
        let mut f = Follower::from_end(p.clone());
        assert!(f.poll().is_empty());
        std::fs::write(&p, "old\nnew\npart").unwrap();
        assert_eq!(f.poll(), vec!["new"]);
        std::fs::write(&p, "x\n").unwrap();
        assert_eq!(f.poll(), vec!["x"]);
    }
}
