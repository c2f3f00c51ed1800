//! Finds whether a TCP port is free and, when not, which process holds it (from `/proc`).

use std::fmt;
use std::net::{Ipv4Addr, TcpListener};

use serde::Serialize;

/// A port another process already holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PortConflict {
    /// The service that wants it.
    pub service: String,
    /// The port's name in the service.
    pub name: String,
    /// The port.
    pub port: u16,
    /// The holder, as `pid 123 (nats-server)`, when the OS tells.
    pub holder: Option<String>,
}

impl fmt::Display for PortConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "port {} (`{}` port `{}`) is already in use",
            self.port, self.service, self.name
        )?;
        match &self.holder {
            Some(h) => write!(f, " by {h}"),
            None => f.write_str(" by a process arc cannot see"),
        }
    }
}

/// Whether `port` can be bound on 127.0.0.1 now.
pub(crate) fn is_free(port: u16) -> bool {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// The process listening on `port`, as `pid N (name)`, when `/proc` tells.
pub(crate) fn holder(port: u16) -> Option<String> {
    holder_pid(port).map(|(pid, comm)| format!("pid {pid} ({comm})"))
}

/// The process listening on `port` (pid, command name), when `/proc` tells.
pub(crate) fn holder_pid(port: u16) -> Option<(u32, String)> {
    let inodes = listening_inodes(port);
    if inodes.is_empty() {
        return None;
    }
    let procs = std::fs::read_dir("/proc").ok()?;
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let target = target.to_string_lossy();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|s| s.strip_suffix(']'))
            {
                if inodes.iter().any(|i| i == inode) {
                    let comm = std::fs::read_to_string(entry.path().join("comm"))
                        .map_or_else(|_| "?".into(), |c| c.trim().to_owned());
                    return Some((pid, comm));
                }
            }
        }
    }
    None
}

/// Socket inodes listening on `port`, from `/proc/net/tcp` and `/proc/net/tcp6`.
fn listening_inodes(port: u16) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 10 || cols[3] != "0A" {
                continue;
            }
            let local_port = cols[1]
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            if local_port == Some(port) && cols[9] != "0" {
                out.push(cols[9].to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_this_process_holding_a_port() {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = l.local_addr().unwrap().port();
        assert!(!is_free(port));
        let h = holder(port).expect("holder found");
        assert!(h.starts_with(&format!("pid {}", std::process::id())), "{h}");
        drop(l);
        assert!(is_free(port));
    }
}
