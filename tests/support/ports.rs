//! Ports for test servers: below the kernel's ephemeral range, each handed out once per machine.
//!
//! A port the kernel gives for `bind(0)` comes from the ephemeral range
//! (`/proc/sys/net/ipv4/ip_local_port_range`), the same range every outgoing connection on the
//! machine takes its local port from: between the moment a test learns such a port and the moment
//! its server binds it, any connection (a NATS client, a proxy, another test's servers) may take
//! it, and the server fails with "address already in use". So ports come from below that range,
//! where only an explicit `bind` can land, and each is claimed with a lock file shared by every
//! process on the machine (`$TMPDIR/arc-test-ports/PORT`, an advisory lock the kernel releases when
//! the process ends): two test binaries, or two checkouts running their suites at once, never get
//! the same port. A port is free when claimed (a bind probe), and handed out once per process.
//!
//! `ARC_TEST_PORTS=LOW-HIGH` chooses the range by hand (for a machine whose ephemeral range starts
//! too low to leave room below it).
//!
//! This file is shared: tests/support uses it, and so do the crate's own unit tests and the
//! benches (`#[path]`), so every test server on the machine is placed by one rule.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions, TryLockError};
use std::net::{Ipv4Addr, TcpListener};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

/// The lowest port handed out (clear of the well-known and registered ports servers default to).
const FLOOR: u16 = 10_000;
/// How many ports below the ephemeral range are used.
const SPAN: u16 = 16_384;

/// What this process holds: the ports it handed out and the locks that claim them.
struct Claims {
    given: BTreeSet<u16>,
    locks: Vec<File>,
    next: Option<u16>,
}

static CLAIMS: Mutex<Claims> = Mutex::new(Claims {
    given: BTreeSet::new(),
    locks: Vec::new(),
    next: None,
});

/// A free TCP port on 127.0.0.1 for a test server, outside the ephemeral range, claimed for this
/// process (no other test on the machine gets it).
pub fn free_port() -> u16 {
    free_run(1)
}

/// The first of `n` consecutive free ports (instance `i` of a replicated service takes the
/// declared port plus `i - 1`), all claimed for this process.
pub fn free_run(n: u16) -> u16 {
    assert!(n > 0, "a run of no ports");
    let range = range();
    let len = range.end - range.start;
    let mut claims = CLAIMS.lock().unwrap_or_else(PoisonError::into_inner);
    // Start where this process left off; the first time, at a place drawn from the pid and the
    // clock, so test processes starting together seldom probe the same ports.
    let mut at = claims.next.unwrap_or_else(|| {
        let seed = u64::from(std::process::id()) ^ u64::from(nanos());
        range.start
            + u16::try_from(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % u64::from(len)).unwrap_or(0)
    });
    for _ in 0..len {
        if at + n > range.end {
            at = range.start;
        }
        let run = at..at + n;
        at += n;
        if run.clone().any(|p| claims.given.contains(&p)) {
            continue;
        }
        let Some(locks) = lock_all(run.clone()) else {
            continue;
        };
        if !run.clone().all(bindable) {
            continue;
        }
        claims.given.extend(run.clone());
        claims.locks.extend(locks);
        claims.next = Some(at);
        return run.start;
    }
    panic!(
        "no run of {n} free ports in {}..{} (below the kernel's ephemeral range; set \
         ARC_TEST_PORTS=LOW-HIGH to choose another)",
        range.start, range.end
    );
}

/// The ports tests take: `ARC_TEST_PORTS`, or the `SPAN` ports below the ephemeral range (not
/// below `FLOOR`).
pub fn range() -> Range<u16> {
    if let Ok(v) = std::env::var("ARC_TEST_PORTS") {
        let parsed = v.split_once('-').and_then(|(a, b)| {
            Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?))
        });
        match parsed {
            Some((lo, hi)) if lo >= 1024 && lo < hi => return lo..hi,
            _ => panic!("ARC_TEST_PORTS=`{v}` is not LOW-HIGH (1024 <= LOW < HIGH <= 65535)"),
        }
    }
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .unwrap_or_else(|_| "32768 60999".to_owned());
    let low = text
        .split_whitespace()
        .next()
        .and_then(|w| w.parse::<u16>().ok())
        .unwrap_or(32_768);
    assert!(
        low > FLOOR + 1024,
        "the ephemeral range starts at {low} (ip_local_port_range), leaving no room for test \
         ports below it: set ARC_TEST_PORTS=LOW-HIGH to a range no outgoing connection uses"
    );
    low.saturating_sub(SPAN).max(FLOOR)..low
}

/// Locks on every port of `run`, or `None` (and nothing held) when another process has one.
fn lock_all(run: Range<u16>) -> Option<Vec<File>> {
    let dir = lock_dir();
    let mut held = Vec::new();
    for p in run {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(p.to_string()))
            .unwrap_or_else(|e| panic!("cannot open the test port lock {}: {e}", dir.display()));
        match file.try_lock() {
            Ok(()) => held.push(file),
            Err(TryLockError::WouldBlock) => return None,
            Err(TryLockError::Error(e)) => panic!("cannot lock test port {p}: {e}"),
        }
    }
    Some(held)
}

/// Where the lock files are.
pub fn lock_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("arc-test-ports");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Nothing listens on 127.0.0.1:`port` (or on every address) now.
fn bindable(port: u16) -> bool {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
        && TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)).is_ok()
}

fn nanos() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}
