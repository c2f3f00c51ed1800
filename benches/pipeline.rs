//! Ingress → NATS subscriber latency of a running pipeline at a fixed rate: single-message
//! `POST /v1/messages` at ARC_BENCH_RATE messages/s (default 5,000) for ARC_BENCH_SECS seconds
//! (default 10); each payload carries its send time, a NATS subscriber on the same machine takes
//! the difference. Prints p50/p90/p99/max and the ratios to the targets (p50 <= 1 ms, p99 <= 5 ms).
//!
//!     ARC_PIPELINE_URL=http://127.0.0.1:8090 ARC_NATS_URL=nats://127.0.0.1:4222 \
//!         cargo bench --bench pipeline
//!
//! scripts/bench-pipeline.sh brings the stack up and runs this after the throughput figures.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;

fn env(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let url = env("ARC_PIPELINE_URL", "http://127.0.0.1:8090");
    let nats_url = env("ARC_NATS_URL", "nats://127.0.0.1:4222");
    let rate: u64 = env("ARC_BENCH_RATE", "5000")
        .parse()
        .expect("ARC_BENCH_RATE");
    let secs: u64 = env("ARC_BENCH_SECS", "10").parse().expect("ARC_BENCH_SECS");
    let total = rate * secs;

    let nats = async_nats::connect(&nats_url)
        .await
        .expect("connect to NATS");
    let mut sub = nats.subscribe("bench.latency").await.expect("subscribe");
    nats.flush().await.expect("flush");
    let collector = tokio::spawn(async move {
        let mut lat = Vec::with_capacity(total as usize);
        while lat.len() < total as usize {
            match tokio::time::timeout(Duration::from_secs(10), sub.next()).await {
                Ok(Some(m)) => {
                    let sent: u64 = std::str::from_utf8(&m.payload)
                        .ok()
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(0);
                    lat.push(now_us().saturating_sub(sent));
                }
                _ => break,
            }
        }
        lat
    });

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let endpoint = format!("{url}/v1/messages");
    // 1 ms ticks, rate/1000 requests per tick, each on its own task (an open-loop load).
    let per_tick = (rate / 1000).max(1);
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent = 0u64;
    let failures = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    while sent < total {
        tick.tick().await;
        for _ in 0..per_tick.min(total - sent) {
            let http = http.clone();
            let endpoint = endpoint.clone();
            let failures = failures.clone();
            tokio::spawn(async move {
                let body = format!(r#"{{"subject":"bench.latency","payload":{}}}"#, now_us());
                let ok = http
                    .post(&endpoint)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().as_u16() == 202);
                if !ok {
                    failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
            sent += 1;
        }
    }
    let mut lat = collector.await.expect("collector");
    let failed = failures.load(std::sync::atomic::Ordering::Relaxed);
    lat.sort_unstable();
    if lat.is_empty() {
        eprintln!("no message reached the subscriber");
        std::process::exit(1);
    }
    let q = |p: f64| lat[((lat.len() - 1) as f64 * p) as usize] as f64 / 1000.0;
    let (p50, p90, p99, max) = (q(0.50), q(0.90), q(0.99), q(1.0));
    println!(
        "latency ingress -> NATS subscriber at {rate} msg/s for {secs} s: {} received, {failed} failed",
        lat.len()
    );
    println!("  p50 {p50:.3} ms  p90 {p90:.3} ms  p99 {p99:.3} ms  max {max:.3} ms");
    println!(
        "  p50/target {:.2} (target <= 1 ms), p99/target {:.2} (target <= 5 ms)",
        p50 / 1.0,
        p99 / 5.0
    );
}
