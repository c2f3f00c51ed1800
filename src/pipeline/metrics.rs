//! The pipeline's Prometheus metrics, kept in atomics and rendered as text for `GET /metrics`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::envelope::Source;

/// Why a message was refused (the `reason` label).
pub(crate) const REASONS: [&str; 15] = [
    "malformed",
    "unauthenticated",
    "forbidden",
    "subject_denied",
    "reply_denied",
    "id_conflict",
    "policy_denied",
    "policy_error",
    "policy_budget",
    "too_large",
    "backbone_refused",
    "rate_limited",
    "unavailable",
    "queue_full",
    "outcome_unknown",
];

/// What the Redis ingress holds back (see `ingest::Held`), for `/readyz` and `/metrics`.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub(crate) struct HeldReport {
    /// Entries held in the processing list after a transient failure.
    pub entries: usize,
    /// How long the oldest of them has been held, in seconds.
    pub oldest_s: f64,
    /// The last refusal that held one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Upper bounds (seconds) of the ingest latency histogram.
const BUCKETS: [f64; 12] = [
    0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
];

#[derive(Default)]
pub(crate) struct Metrics {
    accepted: [AtomicU64; 4],
    rejected: [AtomicU64; REASONS.len()],
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
    queue_depth: AtomicU64,
    config_reloads: AtomicU64,
    dead_letters: [AtomicU64; 2],
    feed_dropped: AtomicU64,
    logger_micros: [AtomicU64; LoggerPhase::ALL.len()],
    logged_rows: AtomicU64,
    logged_batches: AtomicU64,
    held: std::sync::Mutex<HeldReport>,
    unsaved: AtomicU64,
}

/// Where the logger's time goes (`arc_logger_seconds_total{phase}`). The taker runs beside the
/// writer (it takes the next batch while the last one is written); the other phases are the
/// writer's, one after the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoggerPhase {
    /// Moving a batch from the log queue into a processing list (the Lua script).
    Take,
    /// Reading the envelopes and encoding them as binary COPY rows.
    Encode,
    /// The COPY and the commit in PostgreSQL.
    Copy,
    /// Releasing the batch: deleting its processing list (and setting aside dead letters).
    Release,
    /// Announcing the new rows on NATS for the live feed.
    Announce,
}

impl LoggerPhase {
    pub(crate) const ALL: [LoggerPhase; 5] = [
        LoggerPhase::Take,
        LoggerPhase::Encode,
        LoggerPhase::Copy,
        LoggerPhase::Release,
        LoggerPhase::Announce,
    ];

    fn as_str(self) -> &'static str {
        match self {
            LoggerPhase::Take => "take",
            LoggerPhase::Encode => "encode",
            LoggerPhase::Copy => "copy",
            LoggerPhase::Release => "release",
            LoggerPhase::Announce => "announce",
        }
    }
}

fn source_index(s: Source) -> usize {
    match s {
        Source::Http => 0,
        Source::Ws => 1,
        Source::Redis => 2,
        Source::Nats => 3,
    }
}

impl Metrics {
    pub(crate) fn accepted(&self, source: Source, n: usize) {
        self.accepted[source_index(source)].fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn rejected(&self, reason: &str, n: usize) {
        if let Some(i) = REASONS.iter().position(|r| *r == reason) {
            self.rejected[i].fetch_add(n as u64, Ordering::Relaxed);
        }
    }

    /// Records how long one request (one message or one batch) took from arrival to answer.
    pub(crate) fn observe(&self, took: Duration) {
        let secs = took.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub(crate) fn queue_depth(&self, depth: u64) {
        self.queue_depth.store(depth, Ordering::Relaxed);
    }

    /// The last depth seen (a push, or the once-a-second refresh).
    pub(crate) fn current_queue_depth(&self) -> u64 {
        self.queue_depth.load(Ordering::Relaxed)
    }

    /// Letters set aside by this process (see `dead`).
    pub(crate) fn dead_letters(&self, place: super::dead::Place, n: usize) {
        self.dead_letters[place as usize].fetch_add(n as u64, Ordering::Relaxed);
    }

    /// What the Redis ingress holds after its last run.
    pub(crate) fn held(&self, entries: usize, oldest: Option<Duration>, reason: Option<String>) {
        *self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = HeldReport {
            entries,
            oldest_s: oldest.unwrap_or_default().as_secs_f64(),
            reason: reason.filter(|_| entries > 0),
        };
    }

    /// NATS ingress letters waiting for Redis to take them (see `ingest::Unsaved`).
    pub(crate) fn unsaved(&self, n: usize) {
        self.unsaved.store(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn unsaved_letters(&self) -> u64 {
        self.unsaved.load(Ordering::Relaxed)
    }

    pub(crate) fn held_report(&self) -> HeldReport {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A live-feed client dropped for being too slow.
    pub(crate) fn feed_client_dropped(&self) {
        self.feed_dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// Time the logger spent in `phase`.
    pub(crate) fn logger_spent(&self, phase: LoggerPhase, took: Duration) {
        self.logger_micros[phase as usize].fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// A batch of `rows` entries committed to the log (new rows and duplicates alike).
    pub(crate) fn logged(&self, rows: usize) {
        self.logged_rows.fetch_add(rows as u64, Ordering::Relaxed);
        self.logged_batches.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn config_reloaded(&self) {
        self.config_reloads.fetch_add(1, Ordering::Relaxed);
    }

    /// Prometheus text exposition format 0.0.4.
    pub(crate) fn render(&self) -> String {
        let mut s = String::with_capacity(2048);
        s.push_str("# HELP arc_pipeline_accepted_total Messages accepted (on NATS and in the log queue).\n# TYPE arc_pipeline_accepted_total counter\n");
        for src in Source::ALL {
            let _ = writeln!(
                s,
                "arc_pipeline_accepted_total{{source=\"{src}\"}} {}",
                self.accepted[source_index(src)].load(Ordering::Relaxed)
            );
        }
        s.push_str("# HELP arc_pipeline_rejected_total Messages refused, by reason.\n# TYPE arc_pipeline_rejected_total counter\n");
        for (i, r) in REASONS.iter().enumerate() {
            let _ = writeln!(
                s,
                "arc_pipeline_rejected_total{{reason=\"{r}\"}} {}",
                self.rejected[i].load(Ordering::Relaxed)
            );
        }
        s.push_str("# HELP arc_pipeline_ingest_seconds Time from a request's arrival to its answer.\n# TYPE arc_pipeline_ingest_seconds histogram\n");
        let mut cumulative = 0;
        for (i, b) in BUCKETS.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                s,
                "arc_pipeline_ingest_seconds_bucket{{le=\"{b}\"}} {cumulative}"
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            s,
            "arc_pipeline_ingest_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        #[allow(clippy::cast_precision_loss)]
        let sum = self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(s, "arc_pipeline_ingest_seconds_sum {sum}");
        let _ = writeln!(s, "arc_pipeline_ingest_seconds_count {count}");
        s.push_str("# HELP arc_pipeline_queue_depth Messages in the log queue at the last push.\n# TYPE arc_pipeline_queue_depth gauge\n");
        let _ = writeln!(
            s,
            "arc_pipeline_queue_depth {}",
            self.queue_depth.load(Ordering::Relaxed)
        );
        s.push_str("# HELP arc_pipeline_config_reloads_total Configuration snapshots applied.\n# TYPE arc_pipeline_config_reloads_total counter\n");
        let _ = writeln!(
            s,
            "arc_pipeline_config_reloads_total {}",
            self.config_reloads.load(Ordering::Relaxed)
        );
        s.push_str("# HELP arc_pipeline_dead_letters_total Entries this process set aside (refused at Redis or NATS ingress without a reply, or refused by the log store).\n# TYPE arc_pipeline_dead_letters_total counter\n");
        for place in super::dead::Place::ALL {
            let _ = writeln!(
                s,
                "arc_pipeline_dead_letters_total{{place=\"{}\"}} {}",
                place.as_str(),
                self.dead_letters[place as usize].load(Ordering::Relaxed)
            );
        }
        s.push_str("# HELP arc_feed_clients_dropped_total Live-feed clients closed for being too slow.\n# TYPE arc_feed_clients_dropped_total counter\n");
        let _ = writeln!(
            s,
            "arc_feed_clients_dropped_total {}",
            self.feed_dropped.load(Ordering::Relaxed)
        );
        s.push_str("# HELP arc_logger_seconds_total Time the logger spent, by phase (take runs beside the others).\n# TYPE arc_logger_seconds_total counter\n");
        for phase in LoggerPhase::ALL {
            #[allow(clippy::cast_precision_loss)]
            let secs = self.logger_micros[phase as usize].load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(
                s,
                "arc_logger_seconds_total{{phase=\"{}\"}} {secs}",
                phase.as_str()
            );
        }
        s.push_str("# HELP arc_logger_rows_total Log queue entries written to the log store (duplicates included).\n# TYPE arc_logger_rows_total counter\n");
        let _ = writeln!(
            s,
            "arc_logger_rows_total {}",
            self.logged_rows.load(Ordering::Relaxed)
        );
        let held = self.held_report();
        s.push_str("# HELP arc_ingress_held_entries Redis ingress entries held after a transient failure (retried with backoff, set aside past `--hold-limit`).\n# TYPE arc_ingress_held_entries gauge\n");
        let _ = writeln!(s, "arc_ingress_held_entries {}", held.entries);
        s.push_str("# HELP arc_ingress_held_seconds How long the oldest held Redis ingress entry has been held.\n# TYPE arc_ingress_held_seconds gauge\n");
        let _ = writeln!(s, "arc_ingress_held_seconds {}", held.oldest_s);
        s.push_str("# HELP arc_ingress_unsaved_letters NATS ingress letters waiting for Redis to take them (kept in the process, retried every second).\n# TYPE arc_ingress_unsaved_letters gauge\n");
        let _ = writeln!(s, "arc_ingress_unsaved_letters {}", self.unsaved_letters());
        s.push_str("# HELP arc_logger_batches_total Batches the logger committed.\n# TYPE arc_logger_batches_total counter\n");
        let _ = writeln!(
            s,
            "arc_logger_batches_total {}",
            self.logged_batches.load(Ordering::Relaxed)
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.accepted(Source::Http, 3);
        m.rejected("too_large", 1);
        m.observe(Duration::from_micros(700));
        m.observe(Duration::from_secs(3));
        m.queue_depth(42);
        let t = m.render();
        assert!(
            t.contains("arc_pipeline_accepted_total{source=\"http\"} 3\n"),
            "{t}"
        );
        assert!(t.contains("arc_pipeline_rejected_total{reason=\"too_large\"} 1\n"));
        assert!(t.contains("arc_pipeline_ingest_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(t.contains("arc_pipeline_ingest_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(t.contains("arc_pipeline_queue_depth 42\n"));
        m.logger_spent(LoggerPhase::Copy, Duration::from_millis(1500));
        m.logged(5000);
        let t = m.render();
        assert!(
            t.contains("arc_logger_seconds_total{phase=\"copy\"} 1.5\n"),
            "{t}"
        );
        assert!(t.contains("arc_logger_rows_total 5000\n"), "{t}");
    }
}
