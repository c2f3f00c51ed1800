//! Issue 28: consumers hold leases, not names. A processing list whose owner's lease lapsed is
//! claimed by a live instance and replayed once, whatever the dead consumer was called: the
//! logger's lists (a message accepted while the log store is paused is in the log after its
//! pipeline is killed and another one, under another name and port, starts; or the survivor of
//! two claims it) and Redis ingress's list; and two instances claiming at once move it once.
//! Real Redis, PostgreSQL and NATS (`support::stack`), real `arc serve` processes.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use redis::AsyncCommands as _;
use serde_json::Value;
use support::{pg, redis_conn, stack, Serve, Stack};

/// The lease the tests give their pipelines: short, so a claim comes soon after a kill.
const TTL: &str = "2s";
/// Long enough for any claim on a loaded machine (the verdict never depends on it).
const WITHIN: Duration = Duration::from_secs(90);

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

/// The stack's PostgreSQL (the postmaster and every backend) stopped with SIGSTOP until dropped:
/// connections stay open and nothing answers, so the logger holds its batch.
struct PausedStore {
    pids: Vec<u32>,
}

impl PausedStore {
    fn pause(s: &Stack) -> Self {
        let postmaster = support::port_holder(s.p.ports["postgres"]).expect("postgres runs");
        let mut pids = vec![postmaster];
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(postmaster) {
                pids.push(pid);
            }
        }
        for p in &pids {
            signal(*p, "STOP");
        }
        PausedStore { pids }
    }
}

impl Drop for PausedStore {
    fn drop(&mut self) {
        for p in &self.pids {
            let _ = std::process::Command::new("kill")
                .args(["-CONT", &p.to_string()])
                .status();
        }
    }
}

fn serve(s: &Stack, consumer: &str, components: &str) -> Serve {
    s.serve(&[
        "--components",
        components,
        "--consumer",
        consumer,
        "--lease-ttl",
        TTL,
    ])
}

/// Posts `n` messages with ids `{prefix}-{i}`, each answered 202.
async fn post_all(url: &str, prefix: &str, n: usize) -> Vec<String> {
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{prefix}-{i}");
        let r = http
            .post(format!("{url}/v1/messages"))
            .body(format!(
                r#"{{"subject": "lease.t", "payload": {{"i": {i}}}, "id": "{id}"}}"#
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202, "{id}");
        ids.push(id);
    }
    ids
}

/// How many entries consumer `name`'s processing lists of `kind` hold.
async fn held(redis: &str, kind: &str, name: &str) -> usize {
    let mut r = redis_conn(redis).await;
    let keys: Vec<String> = match kind {
        "log" => (0..2)
            .map(|s| format!("arc:log:processing:{name}:{s}"))
            .collect(),
        _ => vec![format!("arc:ingest:processing:{name}")],
    };
    let mut n = 0;
    for k in keys {
        let len: usize = r.llen(k).await.unwrap();
        n += len;
    }
    n
}

/// How many times each of `ids` is in the log (none while no logger has made the table yet).
async fn log_counts(db: &str, ids: &[String]) -> BTreeMap<String, i64> {
    let c = pg(db).await;
    let rows = c
        .query(
            "SELECT id, count(*) FROM arc_messages WHERE id = ANY($1) GROUP BY id",
            &[&ids],
        )
        .await;
    match rows {
        Ok(rows) => rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => {
            BTreeMap::new()
        }
        Err(e) => panic!("{e}"),
    }
}

/// Waits until every id of `ids` is in the log, then checks each is there exactly once.
async fn logged_exactly_once(db: &str, ids: &[String]) {
    support::eventually("every accepted id in the log", WITHIN, || async {
        log_counts(db, ids).await.len() == ids.len()
    })
    .await;
    let counts = log_counts(db, ids).await;
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "not exactly once: {twice:?}");
}

/// A counter of `/metrics` (`name{labels}`), 0 when absent.
async fn metric(url: &str, series: &str) -> u64 {
    let text = reqwest::get(format!("{url}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0)
}

/// The `leases` part of `/readyz`.
async fn leases(url: &str) -> Value {
    support::readyz(url).await.1["leases"].clone()
}

/// The log store paused, messages accepted (they sit in the logger's processing lists), the
/// pipeline killed: a new pipeline under another consumer name and on another port claims the
/// lists once the lease lapsed, and every message is in the log exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_loggers_lists_are_claimed_under_another_name() {
    let s = stack();
    let first = serve(&s, "first", "fanout,logger");
    support::ready(&first.url).await;
    let paused = PausedStore::pause(&s);
    let ids = post_all(&first.url, "renamed", 50).await;
    support::eventually("the logger holds a batch", WITHIN, || async {
        held(&s.redis, "log", "first").await > 0
    })
    .await;
    first.kill();
    drop(paused);

    let second = serve(&s, "second", "fanout,logger,query");
    support::eventually("the dead logger's lists claimed", WITHIN, || async {
        held(&s.redis, "log", "first").await == 0
    })
    .await;
    logged_exactly_once(&s.db, &ids).await;
    // One list per batch in flight: the one being written, and perhaps the next one taken.
    let lists = metric(&second.url, "arc_queue_lists_claimed_total{kind=\"log\"}").await;
    // A logger holds up to one list per writer (`--log-writers`, 2) and the one being taken.
    assert!((1..=3).contains(&lists), "{lists} lists claimed");
    support::ready(&second.url).await;
    let l = leases(&second.url).await;
    assert_eq!(l["last_claim"]["owner"], "first", "{l}");
    assert_eq!(l["last_claim"]["kind"], "log", "{l}");
    assert_eq!(
        l["held"],
        serde_json::json!(["log:second", "ingest:second"])
    );
}

/// Two pipelines; the one holding a batch (the store paused) is killed: the survivor claims its
/// lists and logs them, each id exactly once, and says so in /metrics and /readyz.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_survivor_of_two_claims_the_killed_ones_lists() {
    let s = stack();
    let doomed = serve(&s, "doomed", "fanout,logger");
    support::ready(&doomed.url).await;
    let paused = PausedStore::pause(&s);
    let mut ids = post_all(&doomed.url, "survivor", 50).await;
    support::eventually("the doomed logger holds a batch", WITHIN, || async {
        held(&s.redis, "log", "doomed").await > 0
    })
    .await;
    // The survivor runs before the other dies (its logger is as stuck as the other's).
    let survivor = serve(&s, "survivor", "fanout,logger,query");
    doomed.kill();
    drop(paused);
    support::ready(&survivor.url).await;
    ids.extend(post_all(&survivor.url, "survivor-more", 10).await);
    logged_exactly_once(&s.db, &ids).await;
    assert_eq!(held(&s.redis, "log", "doomed").await, 0);
    let lists = metric(&survivor.url, "arc_queue_lists_claimed_total{kind=\"log\"}").await;
    // A logger holds up to one list per writer (`--log-writers`, 2) and the one being taken.
    assert!((1..=3).contains(&lists), "{lists} lists claimed");
    assert!(
        metric(
            &survivor.url,
            "arc_queue_entries_claimed_total{kind=\"log\"}"
        )
        .await
            > 0
    );
    assert_eq!(leases(&survivor.url).await["last_claim"]["owner"], "doomed");
}

/// Redis ingress: entries taken while NATS is down stay in the consumer's processing list; the
/// consumer is killed; the other instance claims the list once the lease lapsed, and once NATS
/// is back every entry is accepted and logged exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_redis_ingress_list_is_claimed_by_the_survivor() {
    let s = stack();
    let doomed = serve(&s, "ingress-doomed", "fanout,logger");
    support::ready(&doomed.url).await;
    s.p.arc(["down", "flash"]).run().success();
    support::eventually("the pipeline sees NATS gone", WITHIN, || async {
        support::readyz(&doomed.url).await.1["nats"] == "not connected"
    })
    .await;
    let n = 100;
    let ids: Vec<String> = (0..n).map(|i| format!("ingress-{i}")).collect();
    let entries: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!(r#"{{"subject": "lease.r", "payload": {i}, "id": "{id}"}}"#))
        .collect();
    let mut r = redis_conn(&s.redis).await;
    let _: () = r.lpush("arc:ingest", &entries).await.unwrap();
    support::eventually("the doomed consumer holds every entry", WITHIN, || async {
        held(&s.redis, "ingest", "ingress-doomed").await == n
    })
    .await;
    let survivor = serve(&s, "ingress-survivor", "fanout,logger,query");
    doomed.kill();
    support::eventually("the dead consumer's list claimed", WITHIN, || async {
        held(&s.redis, "ingest", "ingress-doomed").await == 0
    })
    .await;
    s.p.arc(["up", "flash"]).run().success();
    logged_exactly_once(&s.db, &ids).await;
    assert_eq!(
        metric(
            &survivor.url,
            "arc_queue_lists_claimed_total{kind=\"ingest\"}"
        )
        .await,
        1
    );
    assert_eq!(
        metric(
            &survivor.url,
            "arc_queue_entries_claimed_total{kind=\"ingest\"}"
        )
        .await,
        u64::try_from(n).unwrap()
    );
    let l = leases(&survivor.url).await;
    assert_eq!(l["last_claim"]["owner"], "ingress-doomed", "{l}");
}

/// Envelopes for a processing list, with ids `{prefix}-{i}`.
fn envelopes(prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"{prefix}-{i}","subject":"lease.race","topic":"default","ts":"2026-12-07T00:00:00.000Z","source":"http","sender":"anonymous","headers":{{}},"payload":{i}}}"#
            )
        })
        .collect()
}

/// The claim race: sixteen claims at once of a list whose owner holds no lease move it once
/// (one claim gets every entry, the others nothing, the queue holds each entry once); a held
/// lease keeps the lists where they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_move_a_list_once() {
    let s = stack();
    let mut r = redis_conn(&s.redis).await;
    let planted = envelopes("race", 3000);
    let _: () = r
        .rpush("arc:log:processing:ghost:0", &planted[..2000])
        .await
        .unwrap();
    let _: () = r
        .rpush("arc:log:processing:ghost:1", &planted[2000..])
        .await
        .unwrap();
    let claims: Vec<(u64, u64)> = futures::future::join_all(
        (0..16).map(|_| arc::testing::lease::claim_once(&s.redis, "log", "ghost")),
    )
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    let won: Vec<&(u64, u64)> = claims.iter().filter(|c| **c != (0, 0)).collect();
    assert_eq!(won, [&(2, 3000)], "{claims:?}");
    // Back at the consuming end (the right), each list's oldest taken first, each entry once.
    let mut queued: Vec<String> = r.lrange("arc:log", 0, -1).await.unwrap();
    queued.reverse();
    for list in [&planted[..2000], &planted[2000..]] {
        let order: Vec<&String> = queued.iter().filter(|e| list.contains(e)).collect();
        assert!(
            order.len() == list.len() && order.iter().zip(list).all(|(a, b)| *a == b),
            "a claimed list is not back in its order, or not once"
        );
    }
    assert_eq!(queued.len(), planted.len());

    // A live owner's lists stay.
    let _: () = r.del("arc:log").await.unwrap();
    let _: () = r
        .set_ex("arc:lease:ingest:alive", "token", 60)
        .await
        .unwrap();
    let _: () = r.lpush("arc:ingest:processing:alive", "x").await.unwrap();
    assert_eq!(
        arc::testing::lease::claim_once(&s.redis, "ingest", "alive")
            .await
            .unwrap(),
        (0, 0)
    );
    assert_eq!(held(&s.redis, "ingest", "alive").await, 1);
}

/// Two pipelines start together beside the lists of a consumer that never registered (an older
/// arc's, named after a container's host name): both find them by scanning, one claims them, and
/// every entry is logged exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_claim_an_unregistered_list_once() {
    let s = stack();
    let mut r = redis_conn(&s.redis).await;
    let planted = envelopes("legacy", 500);
    let _: () = r
        .rpush("arc:log:processing:86071f62c3d8:8090:1", &planted)
        .await
        .unwrap();
    let a = serve(&s, "race-a", "logger,query");
    let b = serve(&s, "race-b", "logger,query");
    let ids: Vec<String> = (0..500).map(|i| format!("legacy-{i}")).collect();
    logged_exactly_once(&s.db, &ids).await;
    let lists = metric(&a.url, "arc_queue_lists_claimed_total{kind=\"log\"}").await
        + metric(&b.url, "arc_queue_lists_claimed_total{kind=\"log\"}").await;
    let entries = metric(&a.url, "arc_queue_entries_claimed_total{kind=\"log\"}").await
        + metric(&b.url, "arc_queue_entries_claimed_total{kind=\"log\"}").await;
    assert_eq!((lists, entries), (1, 500));
}

/// Stable names where they help: on Docker each instance's consumer is named after the instance
/// (`pipeline-1`, `pipeline-2` under the cluster overlay; the single instance's image CMD says
/// `pipeline`), not after the container's host name.
#[test]
fn docker_instances_are_given_their_own_consumer_names() {
    let out = support::Run::new([
        "-f",
        "overlays/cluster.yaml",
        "compose",
        "export",
        "pipeline",
    ])
    .run()
    .success()
    .stdout();
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let consumers: Vec<&str> = lines
        .windows(2)
        .filter(|w| w[0] == "- --consumer")
        .map(|w| w[1].trim_start_matches("- "))
        .collect();
    assert_eq!(consumers, ["pipeline-1", "pipeline-2"], "{out}");
    let dockerfile =
        std::fs::read_to_string(support::repo().join("services/pipeline/Dockerfile")).unwrap();
    assert!(
        dockerfile
            .contains(r#"CMD ["serve", "--listen", "0.0.0.0:8090", "--consumer", "pipeline"]"#),
        "the image's CMD names its consumer"
    );
}
