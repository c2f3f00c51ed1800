//! Sonic (Redis) for the pipeline: the log queue (with group commit and a bound) and the shared
//! rate limiter.
//!
//! Keys: the log queue is the list `arc:log` (the pipeline `LPUSH`es serialized envelopes, the
//! logger takes from the right: first in, first out).

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::bus::nats::redact;

/// The list the logger drains.
pub(crate) const LOG_QUEUE: &str = "arc:log";
/// The list producers push to (Redis ingress); here with the other keys, so that `dead` names
/// it without importing `ingest`, which imports `dead`.
pub(crate) const INGEST_LIST: &str = "arc:ingest";
/// Where Redis ingress sets aside what it refused.
pub(crate) const REJECTED_LIST: &str = "arc:ingest:rejected";

/// The processing list of slot `slot` of logger `name`: one per batch in flight (one being
/// written by each writer, and the next one being taken). Here with the other keys, so that
/// `lease` names a logger's lists without importing `logger`, which imports `lease`.
pub(crate) fn processing_list(name: &str, slot: usize) -> String {
    format!("arc:log:processing:{name}:{slot}")
}

#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum QueueError {
    /// Redis did not answer, or refused; the client's error is kept (shared: one failed push
    /// answers every job of its batch).
    #[error("Redis at {url} is unavailable: {source}")]
    Unavailable {
        url: String,
        #[source]
        source: std::sync::Arc<redis::RedisError>,
    },
    /// The queue's writer task is gone (the server is stopping).
    #[error("the log queue's writer stopped")]
    WriterStopped,
    #[error("the log queue holds {depth} messages and its bound is {bound}; the logger is behind")]
    Full { depth: u64, bound: u64 },
}

/// A Redis connection made on first use and re-made after failures; commands time out instead of
/// hanging while Redis is down.
#[derive(Clone)]
pub(crate) struct Redis {
    url: String,
    conn: std::sync::Arc<Mutex<Option<ConnectionManager>>>,
}

impl Redis {
    pub(crate) fn new(url: String) -> Self {
        Redis {
            url,
            conn: std::sync::Arc::default(),
        }
    }

    fn unavailable(&self, e: redis::RedisError) -> QueueError {
        QueueError::Unavailable {
            url: redact(&self.url),
            source: std::sync::Arc::new(e),
        }
    }

    /// The shared connection (commands on it are pipelined; never block on it).
    pub(crate) async fn conn(&self) -> Result<ConnectionManager, QueueError> {
        let mut slot = self.conn.lock().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let c = self.connect(Duration::from_secs(2)).await?;
        *slot = Some(c.clone());
        Ok(c)
    }

    /// A connection of its own (for blocking commands such as `BLMOVE`).
    pub(crate) async fn connect(
        &self,
        response_timeout: Duration,
    ) -> Result<ConnectionManager, QueueError> {
        let client = redis::Client::open(self.url.as_str()).map_err(|e| self.unavailable(e))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(response_timeout)
            .set_number_of_retries(1)
            .set_max_delay(500);
        ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| self.unavailable(e))
    }

    pub(crate) fn error(&self, e: redis::RedisError) -> QueueError {
        self.unavailable(e)
    }
}

/// Pushes groups of envelopes atomically, each group whole or not at all, each refused when it
/// would take the queue past its bound. ARGV: k, then (size, bound) per group, then the items.
const PUSH: &str = r"
local k = tonumber(ARGV[1])
local len = redis.call('LLEN', KEYS[1])
local out = {}
local pos = 2 + 2 * k
for g = 1, k do
  local n = tonumber(ARGV[2 * g])
  local bound = tonumber(ARGV[2 * g + 1])
  if len + n > bound then
    out[g] = -1 - len
  else
    local i = pos
    while i < pos + n do
      local j = math.min(i + 999, pos + n - 1)
      len = redis.call('LPUSH', KEYS[1], unpack(ARGV, i, j))
      i = j + 1
    end
    out[g] = len
  end
  pos = pos + n
end
return out
";

struct Job {
    items: Vec<String>,
    bound: u64,
    reply: oneshot::Sender<Result<u64, QueueError>>,
}

/// The log queue's writer: concurrent pushes are gathered into one script call (group commit),
/// so a busy pipeline makes one Redis round trip for many requests.
#[derive(Clone)]
pub(crate) struct LogQueue {
    tx: mpsc::Sender<Job>,
}

impl LogQueue {
    /// Starts the writer under `supervisor` (a restarted writer takes the same channel again).
    pub(crate) fn start(redis: Redis, supervisor: &super::supervisor::Supervisor) -> Self {
        let (tx, rx) = mpsc::channel(8192);
        let rx = std::sync::Arc::new(Mutex::new(rx));
        supervisor.spawn("log-queue", move |beat| {
            let (redis, rx) = (redis.clone(), rx.clone());
            async move {
                let mut rx = rx.lock().await;
                beat.up();
                writer(redis, &mut rx).await;
                Err("the log-queue writer stopped".into())
            }
        });
        LogQueue { tx }
    }

    /// Appends serialized envelopes; returns the queue's depth after the push.
    pub(crate) async fn push(&self, items: Vec<String>, bound: u64) -> Result<u64, QueueError> {
        let (reply, rx) = oneshot::channel();
        let closed = || QueueError::WriterStopped;
        self.tx
            .send(Job {
                items,
                bound,
                reply,
            })
            .await
            .map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?
    }
}

async fn writer(redis: Redis, rx: &mut mpsc::Receiver<Job>) {
    let script = redis::Script::new(PUSH);
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        let mut count = jobs[0].items.len();
        while count < 20_000 && jobs.len() < 1024 {
            match rx.try_recv() {
                Ok(j) => {
                    count += j.items.len();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        let result = match redis.conn().await {
            Ok(mut conn) => {
                let mut inv = script.key(LOG_QUEUE);
                inv.arg(jobs.len());
                for j in &jobs {
                    inv.arg(j.items.len()).arg(j.bound);
                }
                for j in &jobs {
                    for item in &j.items {
                        inv.arg(item.as_str());
                    }
                }
                inv.invoke_async::<Vec<i64>>(&mut conn)
                    .await
                    .map_err(|e| redis.error(e))
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(depths) => {
                for (j, d) in jobs.into_iter().zip(depths) {
                    let answer = if d < 0 {
                        Err(QueueError::Full {
                            depth: u64::try_from(-1 - d).unwrap_or(0),
                            bound: j.bound,
                        })
                    } else {
                        Ok(u64::try_from(d).unwrap_or(0))
                    };
                    let _ = j.reply.send(answer);
                }
            }
            Err(e) => {
                for j in jobs {
                    let _ = j.reply.send(Err(e.clone()));
                }
            }
        }
    }
}

/// GCRA over several keys at once, all or nothing. ARGV per key: interval (µs per message),
/// burst, quantity. Returns 0 when allowed, else the wait in µs. Uses Redis's clock, so every
/// pipeline instance shares one notion of time.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tats = {}
local wait = 0
for i = 1, #KEYS do
  local interval = tonumber(ARGV[3 * i - 2])
  local burst = tonumber(ARGV[3 * i - 1])
  local qty = tonumber(ARGV[3 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local new_tat = tat + interval * qty
  local allow_at = new_tat - interval * burst
  if allow_at > now and allow_at - now > wait then wait = allow_at - now end
  tats[i] = new_tat
end
if wait > 0 then return string.format('%.0f', wait) end
for i = 1, #KEYS do
  local ttl = math.ceil((tats[i] - now) / 1000) + 1
  redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX', string.format('%.0f', ttl))
end
return '0'
";

/// One limit to take from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Take {
    pub key: String,
    pub per_second: f64,
    pub burst: u32,
    pub quantity: u32,
}

/// The shared rate limiter.
#[derive(Clone)]
pub(crate) struct RateLimiter {
    redis: Redis,
    script: std::sync::Arc<redis::Script>,
}

impl RateLimiter {
    pub(crate) fn new(redis: Redis) -> Self {
        RateLimiter {
            redis,
            script: std::sync::Arc::new(redis::Script::new(GCRA)),
        }
    }

    /// Takes from every limit or from none; `Ok(None)` when allowed, `Ok(Some(wait))` when not.
    pub(crate) async fn take(&self, takes: &[Take]) -> Result<Option<Duration>, QueueError> {
        if takes.is_empty() {
            return Ok(None);
        }
        let mut conn = self.redis.conn().await?;
        let mut inv = self.script.prepare_invoke();
        for t in takes {
            inv.key(&t.key);
        }
        for t in takes {
            let interval = (1_000_000.0 / t.per_second).round().max(1.0);
            inv.arg(format!("{interval:.0}"))
                .arg(t.burst)
                .arg(t.quantity);
        }
        let wait: String = inv
            .invoke_async(&mut conn)
            .await
            .map_err(|e| self.redis.error(e))?;
        let us: u64 = wait.parse().unwrap_or(0);
        Ok((us > 0).then(|| Duration::from_micros(us)))
    }
}
