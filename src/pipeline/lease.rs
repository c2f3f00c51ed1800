//! Leases: which Redis consumers are alive, and the claim of a dead one's processing lists.
//!
//! A Redis consumer (the logger on the log queue, Redis ingress on `arc:ingest`) keeps what it
//! took in processing lists named after it (`--consumer`), and runs them again when it starts
//! under the same name. A name does not always survive (a new container has a new host name, a
//! native instance a new port), so names are not what keeps the promise: each consumer holds a
//! lease, the key `arc:lease:<kind>:<name>` holding this process's token with a TTL (`--lease-ttl`,
//! 10 s by default), renewed every fifth of it by the `leases` task. A consumer takes its lease
//! (and enters its name in the registry `arc:consumers:<kind>`) before it touches its lists.
//!
//! Every round the same task looks for processing lists whose owner holds no lease: the owners in
//! the registry each round, and every processing list in the keyspace (`SCAN`, for lists of
//! consumers that never registered: an older arc's) at start and once a minute. Such lists are
//! claimed by one script that checks the lease is still absent and moves every entry back to the
//! consuming end of its queue, oldest taken first, in one step: two instances claiming at once
//! move them once, and a consumer that takes its lease back first keeps them. Whoever takes them
//! next replays them; the log's insert is idempotent on the id, so the log holds each once.
//!
//! A consumer that stalls longer than the TTL (SIGSTOP, a frozen VM) may find its lists claimed
//! while it still works on them: the logger's rows are still written once; an id-less Redis
//! ingress entry may then be accepted twice, as after any crash. This module never reads or
//! writes an entry's content.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;

use super::queue::{Redis, INGEST_LIST, LOG_QUEUE};
use super::supervisor::{doing, Beat, TaskError};

/// Beats per TTL: four may be missed (a Redis restart, a busy machine) before the lease lapses.
const BEATS_PER_TTL: u32 = 5;
/// How often the keyspace is scanned for lists of consumers that never registered.
const SCAN_EVERY: Duration = Duration::from_secs(60);
/// The most writers a logger has (`arc serve --log-writers`): its slots are 0 to this.
pub(crate) const MAX_LOG_WRITERS: usize = 64;

/// Which queue a consumer takes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// The logger, on the log queue `arc:log`.
    Log,
    /// Redis ingress, on `arc:ingest`.
    Ingest,
}

impl Kind {
    pub(crate) const ALL: [Kind; 2] = [Kind::Log, Kind::Ingest];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Log => "log",
            Kind::Ingest => "ingest",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Kind::Log => "arc:log:processing:",
            Kind::Ingest => "arc:ingest:processing:",
        }
    }

    /// The processing lists of consumer `name`: the logger has one per batch in flight (one
    /// being written while the next is taken), Redis ingress one.
    pub(crate) fn lists(self, name: &str) -> Vec<String> {
        match self {
            // Every slot a logger can have (`--log-writers` up to 64, and the one being taken).
            Kind::Log => (0..=MAX_LOG_WRITERS)
                .map(|slot| super::queue::processing_list(name, slot))
                .collect(),
            Kind::Ingest => vec![ingest_list(name)],
        }
    }

    /// The queue whose entries the lists hold.
    pub(crate) fn queue(self) -> &'static str {
        match self {
            Kind::Log => LOG_QUEUE,
            Kind::Ingest => INGEST_LIST,
        }
    }

    /// Whether a processing list holds its oldest entry first (the logger appends batches in
    /// order; ingress's `BLMOVE … LEFT` puts the newest first).
    fn oldest_first(self) -> bool {
        self == Kind::Log
    }

    pub(crate) fn lease_key(self, name: &str) -> String {
        format!("arc:lease:{}:{name}", self.as_str())
    }

    fn registry(self) -> String {
        format!("arc:consumers:{}", self.as_str())
    }

    /// The consumer whose processing list `key` is, if it is one.
    fn owner_of(self, key: &str) -> Option<String> {
        let rest = key.strip_prefix(self.prefix())?;
        let name = match self {
            Kind::Log => {
                let (name, slot) = rest.rsplit_once(':')?;
                slot.parse::<usize>()
                    .ok()
                    .filter(|s| *s <= MAX_LOG_WRITERS)?;
                name
            }
            Kind::Ingest => rest,
        };
        (!name.is_empty() && self.lists(name).iter().any(|l| l == key)).then(|| name.to_owned())
    }
}

/// The processing list of Redis-ingress consumer `name`.
pub(crate) fn ingest_list(name: &str) -> String {
    format!("{}{name}", Kind::Ingest.prefix())
}

/// Claims the lists of a consumer whose lease is absent. KEYS: the lease, the registry, the
/// queue, then the lists. ARGV: the owner's name, `1` when a list holds its oldest entry first.
/// Each list's entries go to the queue's right end (where consumers take from) with the oldest
/// last, so it is taken first; the lists are deleted and the owner leaves the registry. Returns
/// {lists, entries} moved, or {-1, 0} when the lease is held.
const CLAIM: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return {-1, 0} end
local lists, entries = 0, 0
for i = 4, #KEYS do
  local items = redis.call('LRANGE', KEYS[i], 0, -1)
  local n = #items
  if n > 0 then
    local out = items
    if ARGV[2] == '1' then
      out = {}
      for j = n, 1, -1 do out[#out + 1] = items[j] end
    end
    local j = 1
    while j <= n do
      local k = math.min(j + 999, n)
      redis.call('RPUSH', KEYS[3], unpack(out, j, k))
      j = k + 1
    end
    redis.call('DEL', KEYS[i])
    lists = lists + 1
    entries = entries + n
  end
end
redis.call('SREM', KEYS[2], ARGV[1])
return {lists, entries}
";

/// One claim: whose lists, how many, when.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Claim {
    pub kind: &'static str,
    /// The consumer whose lease had expired.
    pub owner: String,
    pub lists: u64,
    pub entries: u64,
    /// RFC 3339.
    pub at: String,
}

/// This process's leases, and what it claimed.
#[derive(Clone)]
pub(crate) struct Leases {
    inner: Arc<Inner>,
}

struct Inner {
    /// Says "this process" in every lease it holds.
    token: String,
    ttl: Duration,
    held: Mutex<BTreeSet<(Kind, String)>>,
    /// Leases another live process holds too (the same `--consumer` twice), named once.
    shared: Mutex<BTreeSet<(Kind, String)>>,
    lists_claimed: [AtomicU64; 2],
    entries_claimed: [AtomicU64; 2],
    last: Mutex<Option<Claim>>,
}

impl Leases {
    pub(crate) fn new(ttl: Duration) -> Self {
        Leases {
            inner: Arc::new(Inner {
                token: super::envelope::new_id(),
                ttl,
                held: Mutex::default(),
                shared: Mutex::default(),
                lists_claimed: Default::default(),
                entries_claimed: Default::default(),
                last: Mutex::default(),
            }),
        }
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.inner.ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Takes the lease of consumer `name` (a previous life's under the same name included) and
    /// enters the name in the registry; call before touching its processing lists.
    pub(crate) async fn acquire(
        &self,
        conn: &mut ConnectionManager,
        kind: Kind,
        name: &str,
    ) -> Result<(), redis::RedisError> {
        let (old,): (Option<String>,) = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(kind.lease_key(name))
            .arg(&self.inner.token)
            .arg("PX")
            .arg(self.ttl_ms())
            .arg("GET")
            .cmd("SADD")
            .arg(kind.registry())
            .arg(name)
            .ignore()
            .query_async(conn)
            .await?;
        if let Some(old) = old.filter(|o| *o != self.inner.token) {
            tracing::info!(
                "{} consumer `{name}`: took over the lease of another process (`{old}`): its last life under this name, or a live twin if two instances were given the same --consumer",
                kind.as_str()
            );
        }
        if let Ok(mut h) = self.inner.held.lock() {
            h.insert((kind, name.to_owned()));
        }
        Ok(())
    }

    fn held(&self) -> Vec<(Kind, String)> {
        self.inner
            .held
            .lock()
            .map(|h| h.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Renews every lease held (one round trip).
    async fn renew(&self, conn: &mut ConnectionManager) -> Result<(), redis::RedisError> {
        let held = self.held();
        if held.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for (kind, name) in &held {
            pipe.cmd("SET")
                .arg(kind.lease_key(name))
                .arg(&self.inner.token)
                .arg("PX")
                .arg(self.ttl_ms())
                .arg("GET");
        }
        let olds: Vec<Option<String>> = pipe.query_async(conn).await?;
        for ((kind, name), old) in held.iter().zip(olds) {
            let key = (*kind, name.clone());
            match old {
                Some(o) if o == self.inner.token => {}
                None => tracing::warn!(
                    "{} consumer `{name}`: its lease lapsed before it was renewed (was this process paused, or Redis unreachable, for {}?); another instance may have claimed what it held",
                    kind.as_str(),
                    crate::format::duration(self.inner.ttl)
                ),
                Some(o) => {
                    let first = self.inner.shared.lock().is_ok_and(|mut s| s.insert(key));
                    if first {
                        tracing::warn!(
                            "{} consumer `{name}` is also used by another live process (`{o}`); give each instance its own --consumer",
                            kind.as_str()
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// The consumers of `kind` that may hold lists: the registered ones, and with `scan` the
    /// owners of every processing list in the keyspace. This process's own are left out.
    async fn candidates(
        &self,
        conn: &mut ConnectionManager,
        kind: Kind,
        scan: bool,
    ) -> Result<BTreeSet<String>, redis::RedisError> {
        let mut names: BTreeSet<String> = redis::cmd("SMEMBERS")
            .arg(kind.registry())
            .query_async::<Vec<String>>(conn)
            .await?
            .into_iter()
            .collect();
        if scan {
            let mut cursor: u64 = 0;
            loop {
                let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(format!("{}*", kind.prefix()))
                    .arg("COUNT")
                    .arg(1000)
                    .query_async(conn)
                    .await?;
                names.extend(keys.iter().filter_map(|k| kind.owner_of(k)));
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        for (k, name) in self.held() {
            if k == kind {
                names.remove(&name);
            }
        }
        Ok(names)
    }

    /// Claims the lists of `owner` if its lease is absent; `None` when it is held (or there was
    /// nothing to move: an owner without lists just leaves the registry).
    pub(crate) async fn claim(
        &self,
        conn: &mut ConnectionManager,
        kind: Kind,
        owner: &str,
    ) -> Result<Option<Claim>, redis::RedisError> {
        let script = redis::Script::new(CLAIM);
        let mut inv = script.key(kind.lease_key(owner));
        inv.key(kind.registry()).key(kind.queue());
        for l in kind.lists(owner) {
            inv.key(l);
        }
        inv.arg(owner)
            .arg(if kind.oldest_first() { "1" } else { "0" });
        let (lists, entries): (i64, i64) = inv.invoke_async(conn).await?;
        if lists <= 0 {
            return Ok(None);
        }
        let claim = Claim {
            kind: kind.as_str(),
            owner: owner.to_owned(),
            lists: lists.unsigned_abs(),
            entries: entries.unsigned_abs(),
            at: super::envelope::now_ms().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        };
        let i = kind as usize;
        self.inner.lists_claimed[i].fetch_add(claim.lists, Ordering::Relaxed);
        self.inner.entries_claimed[i].fetch_add(claim.entries, Ordering::Relaxed);
        if let Ok(mut last) = self.inner.last.lock() {
            *last = Some(claim.clone());
        }
        tracing::warn!(
            "{} consumer `{owner}` holds no lease: claimed its {} processing list(s), {} entries back onto {} to be replayed",
            kind.as_str(),
            claim.lists,
            claim.entries,
            kind.queue()
        );
        Ok(Some(claim))
    }

    /// One round: renew, then claim what dead consumers of the kinds this process runs hold.
    async fn round(&self, conn: &mut ConnectionManager, scan: bool) -> Result<(), TaskError> {
        self.renew(conn)
            .await
            .map_err(doing("could not renew this instance's leases"))?;
        let kinds: BTreeSet<Kind> = self.held().into_iter().map(|(k, _)| k).collect();
        for kind in kinds {
            let owners = self
                .candidates(conn, kind, scan)
                .await
                .map_err(doing(format!(
                    "could not list the {} consumers",
                    kind.as_str()
                )))?;
            for owner in owners {
                self.claim(conn, kind, &owner).await.map_err(doing(format!(
                    "could not claim the lists of {} consumer `{owner}`",
                    kind.as_str()
                )))?;
            }
        }
        Ok(())
    }

    /// What `/readyz` shows: the TTL, the leases held, and the claims made.
    pub(crate) fn report(&self) -> serde_json::Value {
        let held: Vec<String> = self
            .held()
            .iter()
            .map(|(k, n)| format!("{}:{n}", k.as_str()))
            .collect();
        let shared: Vec<String> = self
            .inner
            .shared
            .lock()
            .map(|s| {
                s.iter()
                    .map(|(k, n)| format!("{}:{n}", k.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let claimed: serde_json::Map<String, serde_json::Value> = Kind::ALL
            .iter()
            .map(|k| {
                let i = *k as usize;
                (
                    k.as_str().to_owned(),
                    serde_json::json!({
                        "lists": self.inner.lists_claimed[i].load(Ordering::Relaxed),
                        "entries": self.inner.entries_claimed[i].load(Ordering::Relaxed),
                    }),
                )
            })
            .collect();
        let last = self.inner.last.lock().ok().and_then(|l| l.clone());
        serde_json::json!({
            "ttl_ms": self.ttl_ms(),
            "held": held,
            "shared_with_another_process": shared,
            "claimed": claimed,
            "last_claim": last,
        })
    }

    /// Prometheus lines: `arc_queue_lists_claimed_total{kind}` and
    /// `arc_queue_entries_claimed_total{kind}`.
    pub(crate) fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        s.push_str("# HELP arc_queue_lists_claimed_total Processing lists of consumers whose lease had expired, claimed by this process and put back on their queue.\n# TYPE arc_queue_lists_claimed_total counter\n");
        for k in Kind::ALL {
            let _ = writeln!(
                s,
                "arc_queue_lists_claimed_total{{kind=\"{}\"}} {}",
                k.as_str(),
                self.inner.lists_claimed[k as usize].load(Ordering::Relaxed)
            );
        }
        s.push_str("# HELP arc_queue_entries_claimed_total Entries of those lists.\n# TYPE arc_queue_entries_claimed_total counter\n");
        for k in Kind::ALL {
            let _ = writeln!(
                s,
                "arc_queue_entries_claimed_total{{kind=\"{}\"}} {}",
                k.as_str(),
                self.inner.entries_claimed[k as usize].load(Ordering::Relaxed)
            );
        }
        s
    }
}

/// The heartbeat: renews this process's leases every fifth of the TTL and claims the lists of
/// dead consumers, scanning the keyspace at start and once a minute. A run ends when Redis fails
/// (the supervisor starts another; the leases lapse only if that lasts a whole TTL).
pub(crate) async fn run(leases: Leases, redis: Redis, beat: Beat) -> Result<(), TaskError> {
    let mut conn = redis.connect(Duration::from_secs(2)).await?;
    let mut tick = tokio::time::interval(leases.inner.ttl / BEATS_PER_TTL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut scanned: Option<Instant> = None;
    loop {
        tick.tick().await;
        let scan = scanned.is_none_or(|t| t.elapsed() >= SCAN_EVERY);
        leases.round(&mut conn, scan).await?;
        // Scan only once there is a kind to scan for (a consumer has taken its lease).
        if scan && !leases.held().is_empty() {
            scanned = Some(Instant::now());
        }
        beat.up();
    }
}

/// One claim of `owner`'s lists of `kind` (`log` or `ingest`) on Redis at `redis_url`, as a live
/// instance makes it: `(lists, entries)` moved, `(0, 0)` when its lease is held or it holds
/// nothing. For tests (the claim race runs many at once).
pub async fn claim_once(redis_url: &str, kind: &str, owner: &str) -> Result<(u64, u64), String> {
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(|| format!("unknown kind `{kind}`"))?;
    let redis = Redis::new(redis_url.to_owned());
    let mut conn = redis
        .connect(Duration::from_secs(5))
        .await
        .map_err(|e| e.to_string())?;
    let claim = Leases::new(Duration::from_secs(1))
        .claim(&mut conn, kind, owner)
        .await
        .map_err(|e| e.to_string())?;
    Ok(claim.map_or((0, 0), |c| (c.lists, c.entries)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_read_back_from_list_names() {
        assert_eq!(
            Kind::Log.owner_of("arc:log:processing:86071f62c3d8:8090:1"),
            Some("86071f62c3d8:8090".into())
        );
        assert_eq!(
            Kind::Log.owner_of("arc:log:processing:pipeline-1:0"),
            Some("pipeline-1".into())
        );
        // Slots go up to --log-writers' bound (a slot past it is no logger's).
        assert_eq!(
            Kind::Log.owner_of("arc:log:processing:x:2"),
            Some("x".into())
        );
        assert_eq!(Kind::Log.owner_of("arc:log:processing:x:65"), None);
        assert_eq!(Kind::Log.owner_of("arc:log:processing:x:y"), None);
        assert_eq!(Kind::Log.owner_of("arc:log:dead"), None);
        assert_eq!(
            Kind::Ingest.owner_of("arc:ingest:processing:host:8090"),
            Some("host:8090".into())
        );
        assert_eq!(Kind::Ingest.owner_of("arc:ingest:rejected"), None);
        assert_eq!(Kind::Log.lease_key("a:1"), "arc:lease:log:a:1");
    }
}
