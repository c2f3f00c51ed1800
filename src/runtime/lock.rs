//! One writer of a project's state at a time: an advisory lock on `<state dir>/arc.lock`, held by
//! `arc up`, `arc down` and `arc build` for as long as they change what runs.
//!
//! The kernel releases the lock when its holder exits, however it exits (a SIGKILL included), so
//! a lock is never left behind. The file also says who holds it (pid, command, since), written by
//! the holder once it has the lock, so a waiting command can name it. Nothing here prints: the
//! command says that it waits.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::RuntimeError;

/// The lock file's name in the state directory.
const FILE: &str = "arc.lock";

/// Who holds a project's lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LockHolder {
    pub pid: u32,
    /// The command line, e.g. `arc up think`.
    pub command: String,
    pub since: DateTime<Utc>,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` (pid {}, since {})",
            self.command,
            self.pid,
            self.since.format("%H:%M:%S UTC")
        )
    }
}

/// A held project lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub(crate) struct ProjectLock {
    _file: File,
}

/// Whether the lock was had at once.
pub(crate) enum TryLock {
    Held(ProjectLock),
    /// Another process holds it (who, when it said so).
    Busy(Option<LockHolder>),
}

impl ProjectLock {
    /// Takes the lock if it is free.
    pub(crate) fn try_acquire(state_dir: &Path, command: &str) -> Result<TryLock, RuntimeError> {
        let (path, mut file) = open(state_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(TryLock::Held(Self::claimed(path, file, command)?)),
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                Ok(TryLock::Busy(serde_json::from_str(&text).ok()))
            }
            Err(TryLockError::Error(source)) => Err(RuntimeError::Io {
                op: "lock",
                path,
                source,
            }),
        }
    }

    /// Waits for the lock (on a blocking thread) and takes it.
    pub(crate) async fn acquire(state_dir: &Path, command: &str) -> Result<Self, RuntimeError> {
        let (path, file) = open(state_dir)?;
        let command = command.to_owned();
        tokio::task::spawn_blocking(move || match file.lock() {
            Ok(()) => Self::claimed(path, file, &command),
            Err(source) => Err(RuntimeError::Io {
                op: "lock",
                path,
                source,
            }),
        })
        .await
        .map_err(|e| RuntimeError::Io {
            op: "lock",
            path: state_dir.join(FILE),
            source: std::io::Error::other(e.to_string()),
        })?
    }

    /// Writes who holds the lock into its file, now that this process does.
    fn claimed(path: PathBuf, mut file: File, command: &str) -> Result<Self, RuntimeError> {
        let holder = LockHolder {
            pid: std::process::id(),
            command: command.to_owned(),
            since: Utc::now(),
        };
        let text = serde_json::to_string(&holder).unwrap_or_default();
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(text.as_bytes()))
            .map_err(|source| RuntimeError::Io {
                op: "write",
                path,
                source,
            })?;
        Ok(Self { _file: file })
    }
}

fn open(state_dir: &Path) -> Result<(PathBuf, File), RuntimeError> {
    std::fs::create_dir_all(state_dir).map_err(|source| RuntimeError::Io {
        op: "create directory",
        path: state_dir.to_path_buf(),
        source,
    })?;
    let path = state_dir.join(FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|source| RuntimeError::Io {
            op: "open",
            path: path.clone(),
            source,
        })?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_taker_is_told_who_holds_it_and_gets_it_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let TryLock::Held(first) = ProjectLock::try_acquire(dir.path(), "arc up think").unwrap()
        else {
            panic!("the lock was free");
        };
        let TryLock::Busy(Some(holder)) = ProjectLock::try_acquire(dir.path(), "arc down").unwrap()
        else {
            panic!("the lock is held");
        };
        assert_eq!(holder.pid, std::process::id());
        assert_eq!(holder.command, "arc up think");
        let waiter = tokio::spawn({
            let dir = dir.path().to_path_buf();
            async move { ProjectLock::acquire(&dir, "arc down").await }
        });
        drop(first);
        let second = waiter.await.unwrap().unwrap();
        drop(second);
        assert!(matches!(
            ProjectLock::try_acquire(dir.path(), "arc up").unwrap(),
            TryLock::Held(_)
        ));
    }
}
