//! The logger's and the query API's figures against running Redis, PostgreSQL and NATS
//! (scripts/bench-logger.sh brings them up on free ports and sets the URLs):
//!
//! 1. Sustained logging: ARC_BENCH_N envelopes of 1 KiB (default 250,000; Redis's 512mb ceiling
//!    bounds what can wait in the queue) are put in the log queue, then `arc serve --components
//!    logger` drains them; messages/s from its start to the last row. In the same run, the same
//!    rows go into a table of the same shape with a raw binary `COPY FROM STDIN`; the ratio
//!    logger/raw is printed (targets: >= 150,000 msg/s and >= 0.70).
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

use futures::pin_mut;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{Json, Type};

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

    // 1. Sustained logging.
    let ts = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let lines: Vec<String> = (0..n).map(|i| envelope(i, &ts)).collect();
    for chunk in lines.chunks(2000) {
        let _: () = redis::cmd("LPUSH")
            .arg("arc:log")
            .arg(chunk)
            .query_async(&mut redis)
            .await
            .expect("fill the log queue");
    }
    let began = Instant::now();
    let logger = serve("logger", free_port());
    loop {
        let left: usize = redis::cmd("LLEN")
            .arg("arc:log")
            .query_async(&mut redis)
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
    drop(logger);
    let logger_rate = n as f64 / logged.as_secs_f64();

    // The same rows, raw: binary COPY into a table of the same shape and indexes.
    pg.batch_execute(
        "DROP TABLE IF EXISTS arc_bench_raw;
         CREATE TABLE arc_bench_raw (LIKE arc_messages INCLUDING ALL);",
    )
    .await
    .expect("raw table");
    let envelopes: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("envelope"))
        .collect();
    let ts_parsed = chrono::DateTime::parse_from_rfc3339(&ts)
        .expect("ts")
        .with_timezone(&chrono::Utc);
    let began = Instant::now();
    let sink = pg
        .copy_in(
            "COPY arc_bench_raw (id, subject, topic, ts, source, sender, headers, payload)
             FROM STDIN BINARY",
        )
        .await
        .expect("copy");
    let writer = BinaryCopyInWriter::new(
        sink,
        &[
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TEXT,
            Type::TEXT,
            Type::JSONB,
            // The log keeps payloads as sent (`json`, schema 3).
            Type::JSON,
        ],
    );
    pin_mut!(writer);
    for e in &envelopes {
        let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
        writer
            .as_mut()
            .write(&[
                &s("id"),
                &s("subject"),
                &s("topic"),
                &ts_parsed,
                &s("source"),
                &s("sender"),
                &Json(&e["headers"]),
                &Json(&e["payload"]),
            ])
            .await
            .expect("copy row");
    }
    writer.finish().await.expect("finish copy");
    let raw = began.elapsed();
    let raw_rate = n as f64 / raw.as_secs_f64();
    pg.batch_execute("DROP TABLE arc_bench_raw").await.ok();

    println!("logging {n} envelopes of ~1 KiB:");
    println!(
        "  arc logger: {logger_rate:>10.0} msg/s ({:.2} s)   raw binary COPY: {raw_rate:>10.0} msg/s ({:.2} s)",
        logged.as_secs_f64(),
        raw.as_secs_f64()
    );
    println!(
        "  logger/150000 = {:.2} (target >= 1)   logger/raw = {:.2} (target >= 0.70)",
        logger_rate / 150_000.0,
        logger_rate / raw_rate
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
