//! The logger's and the query API's figures against running Redis, PostgreSQL and NATS
//! (scripts/bench-logger.sh brings them up on free ports and sets the URLs):
//!
//! 1. Sustained logging: ARC_BENCH_N envelopes of 1 KiB (default 250,000; Redis's 512mb ceiling
//!    bounds what can wait in the queue) are put in the log queue, then `arc serve --components
//!    logger` drains them; messages/s from its start to the last row, and where its time went (its
//!    `arc_logger_seconds_total` by phase). In the same run, the baseline: the same rows into the
//!    same table by binary `COPY FROM STDIN` over 1, 2 and 4 connections at once, the best of the
//!    three. ARC_BENCH_RUNS runs (default 3) alternate the two; each prints logger/best, and the
//!    median is printed (target >= 0.90).
//! 2. Queries on a log of ARC_BENCH_ROWS rows (default 10,000,000, generated in PostgreSQL):
//!    GET /v1/messages/{id} for random ids (p99 target <= 5 ms) and a subject + time window page
//!    of 100 (p99 target <= 20 ms), through `arc serve --components query`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::too_many_lines
)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::{pin_mut, SinkExt as _};

const ADMIN: &str = "bench-admin-token-0123456789";

fn env(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(components: &str, port: u16) -> Proc {
    let arc = env("ARC", "target/release/arc");
    // Extra flags for the logger (e.g. ARC_BENCH_LOGGER_ARGS="--log-batch 20000").
    let extra = env("ARC_BENCH_LOGGER_ARGS", "");
    Proc(
        Command::new(arc)
            .args([
                "serve",
                "--components",
                components,
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--consumer",
                "bench",
            ])
            .args(extra.split_whitespace())
            .env("ARC_ADMIN_TOKEN", ADMIN)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start arc serve"),
    )
}

/// Ports for the bench's servers: the tests' allocator (below the kernel's ephemeral range).
#[path = "../tests/support/ports.rs"]
mod ports;
use ports::free_port;

fn envelope(i: usize, ts: &str) -> String {
    // ~1 KiB: the fields plus a 900-byte text in the payload.
    format!(
        r#"{{"id":"bench-{i}","subject":"bench.log.s{}","topic":"default","ts":"{ts}","source":"http","sender":"bench","headers":{{"x-agent":"a{}"}},"payload":{{"n":{i},"text":"{}"}}}}"#,
        i % 16,
        i % 100,
        "x".repeat(900)
    )
}

/// One logger run: `arc serve --components logger` drains the `n` queued envelopes; returns
/// messages/s from its start to the last row, and its time by phase (from its /metrics).
async fn logger_run(
    pg: &tokio_postgres::Client,
    redis: &mut redis::aio::MultiplexedConnection,
    n: usize,
) -> (f64, String) {
    let port = free_port();
    let began = Instant::now();
    let _logger = serve("logger", port);
    loop {
        let left: usize = redis::cmd("LLEN")
            .arg("arc:log")
            .query_async(redis)
            .await
            .unwrap_or(1);
        if left == 0 {
            let count: i64 = pg
                .query_one("SELECT count(*) FROM arc_messages", &[])
                .await
                .expect("count")
                .get(0);
            if count as usize >= n {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let logged = began.elapsed();
    let metrics = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .expect("the logger's /metrics")
        .text()
        .await
        .expect("the logger's /metrics");
    let phases: Vec<String> = metrics
        .lines()
        .filter_map(|l| l.strip_prefix("arc_logger_seconds_total{phase=\""))
        .filter_map(|l| l.split_once("\"} "))
        .map(|(phase, secs)| format!("{phase} {:.2}", secs.parse::<f64>().unwrap_or(f64::NAN)))
        .collect();
    (
        n as f64 / logged.as_secs_f64(),
        format!("{:.2} in all: {}", logged.as_secs_f64(), phases.join(", ")),
    )
}

/// The baseline: the same rows into the same table by binary `COPY FROM STDIN`, split over
/// `conns` connections at once (the rows encoded beforehand, so only PostgreSQL's part is timed);
/// messages/s.
async fn raw_copy(
    db: &str,
    lines: &[String],
    ts: &chrono::DateTime<chrono::Utc>,
    conns: usize,
) -> f64 {
    let per = lines.len().div_ceil(conns);
    let mut clients = Vec::new();
    let mut bodies = Vec::new();
    for part in lines.chunks(per) {
        let (c, conn) = tokio_postgres::connect(db, tokio_postgres::NoTls)
            .await
            .expect("postgres");
        tokio::spawn(conn);
        clients.push(c);
        bodies.push(encode(part, ts));
    }
    let began = Instant::now();
    let copies = clients.iter().zip(bodies).map(|(c, body)| async move {
        let sink = c
            .copy_in::<_, bytes::Bytes>(
                "COPY arc_messages (id, subject, topic, ts, source, sender, headers, payload)
                 FROM STDIN BINARY",
            )
            .await
            .expect("copy");
        pin_mut!(sink);
        let mut at = 0;
        while at < body.len() {
            let to = (at + 256 * 1024).min(body.len());
            sink.as_mut()
                .send(body.slice(at..to))
                .await
                .expect("copy rows");
            at = to;
        }
        sink.finish().await.expect("finish copy")
    });
    let copied: u64 = futures::future::join_all(copies).await.into_iter().sum();
    let took = began.elapsed();
    assert_eq!(copied as usize, lines.len(), "rows copied");
    lines.len() as f64 / took.as_secs_f64()
}

/// `lines` as a binary COPY stream (header, rows, trailer): text as UTF-8, `ts` in microseconds
/// since 2000-01-01, headers `jsonb` (version 1), the payload `json` text.
fn encode(lines: &[String], ts: &chrono::DateTime<chrono::Utc>) -> bytes::Bytes {
    use bytes::BufMut as _;
    let mut b = bytes::BytesMut::with_capacity(lines.len() * 1100);
    b.put_slice(b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0");
    let field = |b: &mut bytes::BytesMut, prefix: &[u8], s: &[u8]| {
        b.put_i32((prefix.len() + s.len()) as i32);
        b.put_slice(prefix);
        b.put_slice(s);
    };
    for l in lines {
        let e: serde_json::Value = serde_json::from_str(l).expect("envelope");
        b.put_i16(8);
        for k in ["id", "subject", "topic"] {
            field(&mut b, b"", e[k].as_str().unwrap_or_default().as_bytes());
        }
        b.put_i32(8);
        b.put_i64(ts.timestamp_micros() - 946_684_800_000_000);
        for k in ["source", "sender"] {
            field(&mut b, b"", e[k].as_str().unwrap_or_default().as_bytes());
        }
        field(&mut b, b"\x01", e["headers"].to_string().as_bytes());
        field(&mut b, b"", e["payload"].to_string().as_bytes());
    }
    b.put_i16(-1);
    b.freeze()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let redis_url = env("ARC_REDIS_URL", "redis://127.0.0.1:6379");
    let db = env("ARC_DATABASE_URL", "postgres://arc@127.0.0.1:5432/arc");
    let n: usize = env("ARC_BENCH_N", "250000").parse().expect("ARC_BENCH_N");
    let rows: i64 = env("ARC_BENCH_ROWS", "10000000")
        .parse()
        .expect("ARC_BENCH_ROWS");

    let (pg, conn) = tokio_postgres::connect(&db, tokio_postgres::NoTls)
        .await
        .expect("postgres");
    tokio::spawn(conn);
    let mut redis = redis::Client::open(redis_url.as_str())
        .expect("redis url")
        .get_multiplexed_async_connection()
        .await
        .expect("redis");

    // The schema: a logger run once creates it.
    {
        let _boot = serve("logger", free_port());
        let deadline = Instant::now() + Duration::from_secs(20);
        while pg
            .query_opt("SELECT to_regclass('arc_messages')::text", &[])
            .await
            .ok()
            .flatten()
            .and_then(|r| r.get::<_, Option<String>>(0))
            .is_none()
        {
            assert!(
                Instant::now() < deadline,
                "the logger never made its schema"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    pg.batch_execute("TRUNCATE arc_messages")
        .await
        .expect("truncate");

    // 1. Sustained logging, alternating with the baseline in each run.
    let runs: usize = env("ARC_BENCH_RUNS", "3").parse().expect("ARC_BENCH_RUNS");
    let ts = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let lines: Vec<String> = (0..n).map(|i| envelope(i, &ts)).collect();
    let ts_parsed = chrono::DateTime::parse_from_rfc3339(&ts)
        .expect("ts")
        .with_timezone(&chrono::Utc);
    println!("logging {n} envelopes of ~1 KiB, {runs} runs (msg/s):");
    println!(
        "  {:>3}  {:>9}  {:>9} {:>9} {:>9}  {:>9}  {:>6}   logger's time by phase (s)",
        "run", "logger", "COPY x1", "COPY x2", "COPY x4", "best", "ratio"
    );
    let mut ratios = Vec::new();
    for run in 1..=runs {
        pg.batch_execute("TRUNCATE arc_messages")
            .await
            .expect("truncate");
        for chunk in lines.chunks(2000) {
            let _: () = redis::cmd("LPUSH")
                .arg("arc:log")
                .arg(chunk)
                .query_async(&mut redis)
                .await
                .expect("fill the log queue");
        }
        let (logger_rate, phases) = logger_run(&pg, &mut redis, n).await;
        let mut raw = Vec::new();
        for conns in [1, 2, 4] {
            pg.batch_execute("TRUNCATE arc_messages")
                .await
                .expect("truncate");
            raw.push(raw_copy(&db, &lines, &ts_parsed, conns).await);
        }
        let best = raw.iter().copied().fold(0.0, f64::max);
        ratios.push(logger_rate / best);
        println!(
            "  {run:>3}  {logger_rate:>9.0}  {:>9.0} {:>9.0} {:>9.0}  {best:>9.0}  {:>6.2}   {phases}",
            raw[0],
            raw[1],
            raw[2],
            logger_rate / best
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "  logger / best raw binary COPY (1, 2 or 4 connections), median of {runs}: {:.2} (target >= 0.90)",
        ratios[ratios.len() / 2]
    );

    // 2. Queries on a large log.
    let have: i64 = pg
        .query_one(
            "SELECT count(*) FROM arc_messages WHERE sender = 'gen'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    if have < rows {
        let began = Instant::now();
        pg.execute(
            "INSERT INTO arc_messages (id, subject, topic, ts, source, sender, headers, payload)
             SELECT 'gen-' || g, 'agent.a' || (g % 1000) || '.events', 'default',
                    now() - (g * interval '10 ms'), 'http', 'gen',
                    '{\"x-agent\": \"a\"}'::jsonb, json_build_object('n', g)
             FROM generate_series(1, $1::bigint) AS g
             ON CONFLICT DO NOTHING",
            &[&(rows - have)],
        )
        .await
        .expect("generate rows");
        // What autovacuum does on its own after a bulk insert (and lets index-only scans skip the
        // heap); done here so the figures do not depend on when it runs.
        pg.batch_execute("VACUUM ANALYZE arc_messages").await.ok();
        eprintln!(
            "generated {} rows in {:.0} s",
            rows - have,
            began.elapsed().as_secs_f64()
        );
    }
    let port = free_port();
    let _query = serve("query", port);
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the query server never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let quantile = |mut v: Vec<f64>, q: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * q) as usize]
    };
    let mut by_id = Vec::new();
    for _ in 0..2000 {
        let id = format!("gen-{}", 1 + rand() % (rows as u64 - 1));
        let t = Instant::now();
        let r = http
            .get(format!("{base}/v1/messages/{id}"))
            .bearer_auth(ADMIN)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 200, "{id}");
        let _ = r.bytes().await;
        by_id.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut pages = Vec::new();
    for _ in 0..500 {
        let agent = rand() % 1000;
        let minutes_ago = 1 + rand() % 1000;
        let since = (chrono::Utc::now() - chrono::TimeDelta::minutes(minutes_ago as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            .replace('+', "%2B")
            .replace(':', "%3A");
        let t = Instant::now();
        let r = http
            .get(format!(
                "{base}/v1/messages?subject=agent.a{agent}.%2A&since={since}&limit=100"
            ))
            .bearer_auth(ADMIN)
            .send()
            .await
            .expect("list");
        assert_eq!(r.status().as_u16(), 200);
        let _ = r.bytes().await;
        pages.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (id50, id99) = (quantile(by_id.clone(), 0.5), quantile(by_id, 0.99));
    let (pg50, pg99) = (quantile(pages.clone(), 0.5), quantile(pages, 0.99));
    println!("queries on a log of {rows} rows (through the HTTP API):");
    println!(
        "  by id:                          p50 {id50:.2} ms  p99 {id99:.2} ms   p99/5 ms = {:.2}",
        id99 / 5.0
    );
    println!(
        "  subject + time window, 100 rows: p50 {pg50:.2} ms  p99 {pg99:.2} ms   p99/20 ms = {:.2}",
        pg99 / 20.0
    );
}
