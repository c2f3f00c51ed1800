//! Load through the gateway and what it left behind: producers that record every answer, the
//! figures a failover test prints, and the two places an accepted message must be (the log, the
//! stream). Shared by the native cluster test and the Docker one.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// One request of a producer: its id, when it was sent, how long the answer took and what it
/// was (an HTTP status; for a WebSocket ack 202 or the rejection's code; 0: no answer).
pub struct Answer {
    pub id: String,
    pub began: Instant,
    pub took: Duration,
    pub status: u16,
    /// What a refusal said (its body, or the WebSocket frame), for the figures.
    pub detail: String,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Single messages `POST`ed to the gateway one after the other (ids `http-N`) until `stop`;
/// `ok` counts the 2xx.
pub async fn http_producer(
    gateway: String,
    stop: Arc<AtomicBool>,
    ok: Arc<AtomicU64>,
) -> Vec<Answer> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut answers = Vec::new();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let id = format!("http-{n}");
        let body = format!(r#"{{"subject": "agent.events.pl", "id": "{id}", "payload": {n}}}"#);
        let began = Instant::now();
        let (status, detail) = match http
            .post(format!("{gateway}/v1/messages"))
            .body(body)
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => (r.status().as_u16(), String::new()),
            Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
            Err(e) => (0, e.to_string()),
        };
        let a = Answer {
            id,
            began,
            took: began.elapsed(),
            status,
            detail,
        };
        if a.ok() {
            ok.fetch_add(1, Ordering::Relaxed);
        } else {
            // What a producer does when refused: waits a little, goes on.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        answers.push(a);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    answers
}

/// A WebSocket producer on the gateway's `/v1/ws` (ids `ws-N`): one frame, then its ack, then
/// the next; a connection that breaks (its instance killed) leaves the frame in flight
/// unanswered, and the producer connects again (the gateway picks a live instance).
pub async fn ws_producer(
    gateway: String,
    stop: Arc<AtomicBool>,
    ok: Arc<AtomicU64>,
) -> Vec<Answer> {
    use futures::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    let url = format!("{}/v1/ws", gateway.replace("http://", "ws://"));
    let mut answers = Vec::new();
    let mut n = 0u64;
    'connect: while !stop.load(Ordering::Relaxed) {
        let Ok(Ok((mut ws, _))) = tokio::time::timeout(
            Duration::from_secs(5),
            tokio_tungstenite::connect_async(&url),
        )
        .await
        else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let id = format!("ws-{n}");
            let frame =
                format!(r#"{{"subject": "agent.events.pl", "id": "{id}", "payload": {n}}}"#);
            let began = Instant::now();
            let mut answer = Answer {
                id,
                began,
                took: Duration::ZERO,
                status: 0,
                detail: String::new(),
            };
            let sent = ws.send(Message::text(frame)).await.is_ok();
            let ack = if sent {
                tokio::time::timeout(Duration::from_secs(10), ws.next()).await
            } else {
                Ok(None)
            };
            answer.took = began.elapsed();
            let Ok(Some(Ok(Message::Text(t)))) = ack else {
                answers.push(answer);
                continue 'connect;
            };
            let v: Value = serde_json::from_str(&t).unwrap_or_default();
            answer.status = if v["status"] == "accepted" {
                202
            } else {
                answer.detail = t.to_string();
                v["code"]
                    .as_u64()
                    .and_then(|c| u16::try_from(c).ok())
                    .unwrap_or(500)
            };
            if answer.ok() {
                ok.fetch_add(1, Ordering::Relaxed);
            } else {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            answers.push(answer);
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    answers
}

/// The longest stretch without a 2xx (up to the last answer), the refusals by status, and the
/// p99 latency of the 2xx sent before `marks[0]`, between `marks[0]` and `marks[1]`, and after.
pub fn figures(answers: &[Answer], marks: [Instant; 3]) -> String {
    let mut gap = Duration::ZERO;
    let mut last = answers.first().map_or(marks[0], |a| a.began);
    for a in answers.iter().filter(|a| a.ok()) {
        let at = a.began + a.took;
        gap = gap.max(at.saturating_duration_since(last));
        last = at;
    }
    if let Some(end) = answers.last().map(|a| a.began + a.took) {
        gap = gap.max(end.saturating_duration_since(last));
    }
    // By status: how many, and what the first one said.
    let mut refusals: BTreeMap<u16, (usize, String)> = BTreeMap::new();
    for a in answers.iter().filter(|a| !a.ok()) {
        let e = refusals
            .entry(a.status)
            .or_insert((0, a.detail.chars().take(160).collect()));
        e.0 += 1;
    }
    let p99 = |from: Instant, to: Instant| {
        let mut l: Vec<Duration> = answers
            .iter()
            .filter(|a| a.ok() && a.began >= from && a.began < to)
            .map(|a| a.took)
            .collect();
        l.sort();
        l.get((l.len() * 99 / 100).min(l.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let start = answers.first().map_or(marks[0], |a| a.began);
    format!(
        "sent {}, 2xx {}, 5xx {}, no answer {} (not 2xx by status, 0 = no answer: {refusals:?}); longest gap without a 2xx {gap:?}; p99 latency before {:?}, during {:?}, after {:?}",
        answers.len(),
        answers.iter().filter(|a| a.ok()).count(),
        answers.iter().filter(|a| a.status >= 500).count(),
        answers.iter().filter(|a| a.status == 0).count(),
        p99(start, marks[0]),
        p99(marks[0], marks[1]),
        p99(marks[1], marks[2]),
    )
}

/// The instance (`messaging-N`) whose node leads `stream`: nodes are named `arc-flash-N`.
pub async fn stream_leader(urls: &str, stream: &str) -> String {
    let nats = async_nats::connect(urls.split(',').collect::<Vec<_>>().as_slice())
        .await
        .expect("nats");
    let mut s = async_nats::jetstream::new(nats)
        .get_stream(stream)
        .await
        .expect("stream");
    let info = s.info().await.expect("info");
    let leader = info
        .cluster
        .as_ref()
        .and_then(|c| c.leader.clone())
        .expect("the stream has a leader");
    let n = leader.strip_prefix("arc-flash-").expect("arc-flash-N");
    format!("messaging-{n}")
}

/// `f()` until it succeeds, for up to `deadline`; `what` names it when it never does.
async fn again<T, E, F>(deadline: Instant, what: &str, mut f: impl FnMut() -> F) -> T
where
    E: std::fmt::Debug,
    F: std::future::Future<Output = Result<T, E>>,
{
    loop {
        match f().await {
            Ok(v) => return v,
            Err(e) => {
                assert!(Instant::now() < deadline, "{what}: {e:?}");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
}

/// How often each id is in `stream` (by the `Nats-Msg-Id` the pipeline gives every message),
/// read through the server list `urls` once the stream has settled: a leader, and both other
/// replicas current (a node that just got back catches up first; until then a leader that was
/// cut off may still answer with what it had). A cluster electing leaders answers "JetStream
/// system temporarily unavailable" for a while: each read is asked again for up to 60 s.
pub async fn ids_in_stream(urls: &str, stream: &str) -> BTreeMap<String, u64> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let nats = async_nats::connect(urls.split(',').collect::<Vec<_>>().as_slice())
        .await
        .expect("nats");
    let js = async_nats::jetstream::new(nats);
    let s = loop {
        let s = again(deadline, "the stream", || js.get_stream(stream)).await;
        let settled = s.cached_info().cluster.as_ref().is_some_and(|c| {
            c.leader.is_some() && c.replicas.len() == 2 && c.replicas.iter().all(|r| r.current)
        });
        if settled {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "{stream} never settled: {:?}",
            s.cached_info().cluster
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let info = s.cached_info().clone();
    assert_eq!(info.config.num_replicas, 3);
    let mut ids: BTreeMap<String, u64> = BTreeMap::new();
    for seq in info.state.first_sequence..=info.state.last_sequence {
        let m = again(deadline, "a message", || s.get_raw_message(seq)).await;
        let id = m
            .headers
            .get(async_nats::header::NATS_MESSAGE_ID)
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default();
        *ids.entry(id).or_default() += 1;
    }
    ids
}

/// Once the loggers have written them (60 s at most): how many rows the log holds for
/// `accepted`, and how many distinct ids.
pub async fn logged(db: &str, accepted: &[String]) -> (i64, i64) {
    let pg = super::pg(db).await;
    let want = i64::try_from(accepted.len()).unwrap_or(i64::MAX);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let row = pg
            .query_one(
                "SELECT count(*), count(DISTINCT id) FROM arc_messages WHERE id = ANY($1)",
                &[&accepted],
            )
            .await
            .expect("query");
        let (logged, distinct): (i64, i64) = (row.get(0), row.get(1));
        if distinct >= want || Instant::now() > deadline {
            return (logged, distinct);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every id of `accepted` in the log (`db`) exactly once and in `stream` (read through `urls`)
/// exactly once; what the stream holds, by id.
pub async fn assert_placed(
    db: &str,
    urls: &str,
    stream: &str,
    accepted: &[String],
) -> BTreeMap<String, u64> {
    let want = i64::try_from(accepted.len()).unwrap_or(i64::MAX);
    assert_eq!(
        logged(db, accepted).await,
        (want, want),
        "every accepted id in the log exactly once"
    );
    let in_stream = ids_in_stream(urls, stream).await;
    let missing: Vec<&String> = accepted
        .iter()
        .filter(|id| in_stream.get(*id) != Some(&1))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} accepted ids are not in {stream} once ({} ids read): {missing:?}",
        missing.len(),
        accepted.len(),
        in_stream.len(),
    );
    in_stream
}

/// Which of `ids` the log holds.
pub async fn logged_of(db: &str, ids: &[String]) -> Vec<String> {
    super::pg(db)
        .await
        .query("SELECT id FROM arc_messages WHERE id = ANY($1)", &[&ids])
        .await
        .expect("query")
        .iter()
        .map(|r| r.get(0))
        .collect()
}
