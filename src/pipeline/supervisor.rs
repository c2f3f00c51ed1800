//! The one place the pipeline's background tasks are started: each ingress path, the logger, the
//! feed relay, the config watcher, the log-queue writer. A task that fails (returns an error) or
//! panics is restarted after a pause that grows with [`Backoff`] (the crate's one retry policy),
//! and its state — starting, up, down with the last error, done — is what `/readyz` and
//! `/metrics` report. A task never dies silently.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a run of a task stopped: an error value, whose causes are kept (`/readyz` shows the
/// chain), or a text reason (`String` and `&str` convert into it).
pub(crate) type TaskError = Box<dyn std::error::Error + Send + Sync>;

/// An error with what the task was doing when it happened (`cannot subscribe to x`).
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub(crate) struct Doing {
    what: String,
    #[source]
    source: TaskError,
}

/// `map_err(doing("cannot subscribe to x"))`: the error, with what the task was doing.
pub(crate) fn doing<E: Into<TaskError>>(what: impl Into<String>) -> impl FnOnce(E) -> TaskError {
    let what = what.into();
    move |e| {
        Box::new(Doing {
            what,
            source: e.into(),
        })
    }
}

/// Retry pauses: 100 ms, doubling, at most 5 s; back to the start after a good run.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    pub(crate) const FIRST: Duration = Duration::from_millis(100);
    pub(crate) const MAX: Duration = Duration::from_secs(5);

    pub(crate) fn new() -> Self {
        Backoff { next: Self::FIRST }
    }

    /// The pause to take now; the one after it is longer.
    pub(crate) fn next_pause(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        d
    }

    pub(crate) fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a task stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "state", content = "error")]
pub(crate) enum State {
    /// Started (or restarted), not yet working.
    Starting,
    Up,
    /// Failed; restarting after a pause. The last error.
    Down(String),
    /// Finished its job (one-shot tasks).
    Done,
}

#[derive(Debug, Clone)]
struct Entry {
    state: State,
    restarts: u64,
}

/// The tasks and their states.
#[derive(Clone, Default)]
pub(crate) struct Supervisor {
    tasks: Arc<Mutex<BTreeMap<&'static str, Entry>>>,
}

/// A task's handle on its own state: it says when it is working.
#[derive(Clone)]
pub(crate) struct Beat {
    name: &'static str,
    tasks: Arc<Mutex<BTreeMap<&'static str, Entry>>>,
}

impl Beat {
    /// The task is connected and doing its job.
    pub(crate) fn up(&self) {
        if let Ok(mut t) = self.tasks.lock() {
            if let Some(e) = t.get_mut(self.name) {
                e.state = State::Up;
            }
        }
    }
}

/// A run that lasted this long was a good one: the next failure starts the backoff over.
const GOOD_RUN: Duration = Duration::from_secs(10);

impl Supervisor {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn set(&self, name: &'static str, state: State, restarted: bool) {
        if let Ok(mut t) = self.tasks.lock() {
            let e = t.entry(name).or_insert(Entry {
                state: State::Starting,
                restarts: 0,
            });
            e.state = state;
            if restarted {
                e.restarts += 1;
            }
        }
    }

    /// Starts `task` under supervision: `make` makes a fresh run of it, given its [`Beat`]. A run
    /// that returns `Ok` is done; one that returns `Err` or panics is restarted.
    pub(crate) fn spawn<F, Fut>(&self, name: &'static str, make: F)
    where
        F: Fn(Beat) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), TaskError>> + Send + 'static,
    {
        self.set(name, State::Starting, false);
        let this = self.clone();
        let beat = Beat {
            name,
            tasks: self.tasks.clone(),
        };
        tokio::spawn(async move {
            let mut backoff = Backoff::new();
            loop {
                let began = Instant::now();
                let error = match tokio::spawn(make(beat.clone())).await {
                    Ok(Ok(())) => {
                        this.set(name, State::Done, false);
                        return;
                    }
                    Ok(Err(e)) => crate::format::chain(&*e),
                    Err(j) if j.is_panic() => {
                        let p = j.into_panic();
                        let text = p
                            .downcast_ref::<&str>()
                            .map(|s| (*s).to_owned())
                            .or_else(|| p.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        format!("panicked: {text}")
                    }
                    Err(j) => format!("stopped: {j}"),
                };
                if began.elapsed() >= GOOD_RUN {
                    backoff.reset();
                }
                let pause = backoff.next_pause();
                tracing::warn!("{name}: {error}; restarting in {} ms", pause.as_millis());
                this.set(name, State::Down(error), false);
                tokio::time::sleep(pause).await;
                this.set(name, State::Starting, true);
            }
        });
    }

    /// Every task's state and restart count, by name.
    pub(crate) fn states(&self) -> Vec<(&'static str, State, u64)> {
        self.tasks
            .lock()
            .map(|t| {
                t.iter()
                    .map(|(n, e)| (*n, e.state.clone(), e.restarts))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The tasks that are not working, with why (empty: all are up or done).
    pub(crate) fn not_ready(&self) -> Vec<String> {
        self.states()
            .into_iter()
            .filter_map(|(n, s, _)| match s {
                State::Up | State::Done => None,
                State::Starting => Some(format!("{n}: starting")),
                State::Down(e) => Some(format!("{n}: {e}")),
            })
            .collect()
    }

    /// Prometheus lines: `arc_component_up` and `arc_component_restarts_total` per task.
    pub(crate) fn render(&self) -> String {
        let states = self.states();
        let mut out = String::new();
        out.push_str("# HELP arc_component_up Whether a pipeline task is working (1) or not (0).\n# TYPE arc_component_up gauge\n");
        for (n, s, _) in &states {
            let up = u8::from(matches!(s, State::Up | State::Done));
            let _ = writeln!(out, "arc_component_up{{component=\"{n}\"}} {up}");
        }
        out.push_str("# HELP arc_component_restarts_total Restarts of a pipeline task after a failure or a panic.\n# TYPE arc_component_restarts_total counter\n");
        for (n, _, r) in &states {
            let _ = writeln!(out, "arc_component_restarts_total{{component=\"{n}\"}} {r}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    async fn eventually(what: &str, f: impl Fn() -> bool) {
        for _ in 0..500 {
            if f() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{what} did not happen within 5 s");
    }

    #[tokio::test]
    async fn failed_and_panicking_tasks_are_restarted_and_reported() {
        let s = Supervisor::new();
        let runs = Arc::new(AtomicU32::new(0));
        let r = runs.clone();
        s.spawn("flaky", move |beat| {
            let r = r.clone();
            async move {
                match r.fetch_add(1, Ordering::SeqCst) {
                    0 => Err("first run fails".into()),
                    1 => panic!("second run panics"),
                    _ => {
                        beat.up();
                        std::future::pending::<()>().await;
                        Ok(())
                    }
                }
            }
        });
        s.spawn("once", |_| async { Ok(()) });
        eventually("the third run", || runs.load(Ordering::SeqCst) >= 3).await;
        eventually("all up", || s.not_ready().is_empty()).await;
        let states = s.states();
        assert_eq!(states[0], ("flaky", State::Up, 2));
        assert_eq!(states[1], ("once", State::Done, 0));
        let text = s.render();
        assert!(
            text.contains("arc_component_up{component=\"flaky\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("arc_component_restarts_total{component=\"flaky\"} 2"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_down_task_is_named() {
        let s = Supervisor::new();
        s.spawn("logger", |_| async {
            let refused =
                std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
            Err(doing("log store")(refused))
        });
        eventually("down", || {
            s.not_ready()
                .iter()
                .any(|e| e == "logger: log store: connection refused")
        })
        .await;
    }

    #[test]
    fn backoff_doubles_to_its_ceiling_and_resets() {
        let mut b = Backoff::new();
        let pauses: Vec<u128> = (0..8).map(|_| b.next_pause().as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        b.reset();
        assert_eq!(b.next_pause(), Backoff::FIRST);
    }
}
