//! The Docker runtime against the real engine. No registry is reachable here, so the tests run
//! a local image built by `scripts/test-image.sh` (`arc-test/backbone:2`: Debian with
//! nats-server, redis-server, PostgreSQL and pulsar-lite) through an overlay. Container names
//! are fixed (`arc-<service>`), so these tests take turns.

mod support;

use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;
use support::Project;

static ENGINE: Mutex<()> = Mutex::new(());

const IMAGE: &str = "arc-test/backbone:2";

fn require_image() {
    let ok = Command::new("docker")
        .args(["image", "inspect", IMAGE])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "image `{IMAGE}` is missing: run `scripts/test-image.sh` (make test does)"
    );
}

fn inspect(what: &str) -> Value {
    let out = Command::new("docker")
        .args(["inspect", what])
        .output()
        .expect("docker inspect");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    v.get(0).cloned().unwrap_or(Value::Null)
}

fn wait_engine_healthy(container: &str) -> bool {
    (0..100).any(|_| {
        let healthy = inspect(container)["State"]["Health"]["Status"] == "healthy";
        if !healthy {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        healthy
    })
}

fn exists(kind: &str, name: &str) -> bool {
    Command::new("docker")
        .args([kind, "inspect", name])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn redis(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .output()
        .expect("redis-cli");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The overlay a machine without registry access runs the `think` profile with; the tests use
/// the same file.
const OFFLINE: &str = "overlays/offline.yaml";

/// The services of the offline overlay (its text after `services:`), so that a test's own
/// patches can follow them in one file.
fn offline_services() -> String {
    let text = std::fs::read_to_string(support::repo().join(OFFLINE)).expect(OFFLINE);
    let (_, services) = text
        .split_once("\nservices:\n")
        .unwrap_or_else(|| panic!("{OFFLINE} has no top-level `services:`"));
    services.to_owned()
}

fn project(extra: &str) -> Project {
    require_image();
    Project::with_overlay(&format!("{}{extra}", offline_services())).on_docker()
}

/// Issue 3: network and volumes, create/start/health, 127.0.0.1 bindings and the non-root
/// user by inspect, labels, idempotent re-up, recreate on change keeping data, logs, down and
/// up keeping Redis data, `down --volumes`.
#[test]
fn lifecycle_through_the_engine() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let p = project("");
    let up = p
        .arc(["--json", "up", "flash", "sonic"])
        .run()
        .success()
        .json();
    for r in up.as_array().unwrap() {
        assert_eq!(r["state"], "healthy", "{r}");
    }
    assert!(exists("network", "arc_platform_net"));
    assert!(exists("volume", "arc-cache-data") && exists("volume", "arc-messaging-data"));

    let c = inspect("arc-cache");
    assert_eq!(
        c["Config"]["User"], "1000:1000",
        "runs as the service's non-root user"
    );
    assert_eq!(c["Config"]["Labels"]["arc.service"], "cache");
    assert!(c["Config"]["Labels"]["arc.config-hash"].as_str().is_some());
    assert_eq!(c["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped");
    // arc's protocol probe decides readiness; Docker's own check follows within its interval.
    assert!(
        wait_engine_healthy("arc-cache"),
        "Docker never called arc-cache healthy"
    );
    assert!(
        wait_engine_healthy("arc-messaging"),
        "Docker never called arc-messaging healthy"
    );
    let m = inspect("arc-messaging");
    for (port, bindings) in m["HostConfig"]["PortBindings"].as_object().unwrap() {
        for b in bindings.as_array().unwrap() {
            assert_eq!(b["HostIp"], "127.0.0.1", "{port} binds {b}");
        }
    }
    assert!(
        m["HostConfig"]["PortBindings"].get("6222/tcp").is_none(),
        "the cluster port is not published"
    );
    assert!(m["NetworkSettings"]["Networks"]
        .get("arc_platform_net")
        .is_some());

    let ps = p.arc(["--json", "ps"]).run().success().json();
    for r in ps.as_array().unwrap() {
        assert_eq!(r["state"], "running");
        assert_eq!(r["engine_health"], "healthy", "{r}");
        assert_eq!(r["image"], IMAGE);
        assert!(r["container"].as_str().is_some_and(|c| c.len() == 12));
    }
    let health = p.arc(["--json", "health", "--deep"]).run().success().json();
    assert_eq!(health.as_array().unwrap().len(), 2);
    // Issue 22: the test image runs the nats-server the native tests do, the pinned one.
    let pinned = std::fs::read_to_string(support::repo().join("services/messaging/NATS_VERSION"))
        .expect("services/messaging/NATS_VERSION");
    let flash = health
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "messaging")
        .expect("messaging's health");
    assert_eq!(
        flash["version"],
        pinned.trim(),
        "{IMAGE} runs another nats-server: `scripts/test-image.sh --rebuild`: {flash}"
    );

    // Unchanged: nothing is touched.
    let id = inspect("arc-cache")["Id"].clone();
    let again = p.arc(["up", "flash", "sonic"]).run().success();
    assert!(
        again
            .stderr()
            .contains("everything is up to date (2 services"),
        "{}",
        again.stderr()
    );
    assert_eq!(inspect("arc-cache")["Id"], id);

    // A changed configuration recreates the container; the volume, and so the data, stays.
    let port = p.ports["redis"];
    assert_eq!(redis(port, &["SET", "arc:test", "kept"]), "OK");
    assert!(!redis(port, &["BGREWRITEAOF"]).is_empty());
    // The rewrite is done when Redis says so (INFO persistence), not after a guessed pause.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while redis(port, &["INFO", "persistence"])
        .lines()
        .any(|l| l.trim() == "aof_rewrite_in_progress:1" || l.trim() == "aof_rewrite_scheduled:1")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the AOF rewrite never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::fs::write(
        p.dir.path().join("env.yaml"),
        "services:\n  sonic:\n    env: { ARC_TEST: \"1\" }\n",
    )
    .unwrap();
    let env_overlay = p.dir.path().join("env.yaml").display().to_string();
    let changed = p
        .arc(["-f", &env_overlay, "--json", "up", "flash", "sonic"])
        .run()
        .success()
        .json();
    let cache = changed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "cache")
        .unwrap();
    assert_eq!(cache["change"], "restarted");
    assert_ne!(inspect("arc-cache")["Id"], id);
    assert_eq!(redis(port, &["GET", "arc:test"]), "kept");

    let logs = p.arc(["logs", "sonic"]).run().success().stdout();
    assert!(
        logs.contains("sonic | ") && logs.contains("Ready to accept connections"),
        "{logs}"
    );

    // Down keeps volumes and the network; up again finds the data.
    p.arc(["down"]).run().success();
    assert!(!exists("container", "arc-cache"));
    assert!(exists("volume", "arc-cache-data") && exists("network", "arc_platform_net"));
    p.arc(["up", "sonic"]).run().success();
    assert_eq!(redis(port, &["GET", "arc:test"]), "kept");
    p.arc(["down", "--volumes"]).run().success();
    assert!(!exists("volume", "arc-cache-data"));
}

/// Issue 3: a service that never becomes healthy: its logs are shown, what this run started is
/// stopped and removed, exit 1.
#[test]
fn never_healthy_rolls_back() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let p = project("");
    std::fs::write(
        p.dir.path().join("bad.yaml"),
        "services:\n  sonic:\n    command: [sh, -c, \"echo never-ready-$HOSTNAME; sleep 60\"]\n",
    )
    .unwrap();
    let bad = p.dir.path().join("bad.yaml").display().to_string();
    let out = p
        .arc(["-f", &bad, "up", "sonic", "--timeout", "3s"])
        .run()
        .expect_code(1);
    let err = out.stderr();
    assert!(
        err.contains("service `cache` failed: not healthy after"),
        "{err}"
    );
    assert!(
        err.contains("| never-ready-"),
        "the container's log is shown: {err}"
    );
    assert!(err.contains("stopped what this run started"), "{err}");
    assert!(!exists("container", "arc-cache"), "rolled back");
    p.arc(["down", "--volumes"]).run().success();
}

/// Issue 3: an image that is neither here nor pullable is named, with the reason.
#[test]
fn missing_image_is_named() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let p = project("");
    std::fs::write(
        p.dir.path().join("img.yaml"),
        "services:\n  sonic:\n    image: arc-test/no-such-image:0\n",
    )
    .unwrap();
    let img = p.dir.path().join("img.yaml").display().to_string();
    let out = p.arc(["-f", &img, "up", "sonic"]).run().expect_code(1);
    let err = out.stderr();
    assert!(
        err.contains("image `arc-test/no-such-image:0` is not here and cannot be pulled"),
        "{err}"
    );
    assert!(
        err.contains("point `image:` at it with an overlay"),
        "{err}"
    );
    // Issue 13: said once, not three times (progress, a per-service block, a summary).
    assert_eq!(
        err.matches("arc-test/no-such-image:0").count(),
        1,
        "the failure is reported once: {err}"
    );
    assert!(err.contains("`--runtime process`"), "{err}");
}

/// Flash and Sonic on images that can be neither found nor pulled.
const UNAVAILABLE: &str = "  flash:
    image: arc-test/no-such-image:0
  sonic:
    image: arc-test/no-such-image:0
";

/// Issue 13: `--runtime auto` where the engine answers but the images cannot be had, and every
/// server is installed: it says so and runs the services natively; later commands follow.
#[test]
fn auto_runtime_runs_natively_when_images_cannot_be_had() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    support::require_servers();
    let p = Project::with_overlay(UNAVAILABLE);
    let auto = |args: &[&str]| p.arc(args).env("ARC_RUNTIME", "auto");
    let up = auto(&["--json", "up", "flash", "sonic"]).run().success();
    let err = up.stderr();
    assert!(
        err.contains("cannot get `arc-test/no-such-image:0` (`cache`), `arc-test/no-such-image:0` (`messaging`)")
            && err.contains("runs the services as native processes")
            && err.contains("`--runtime docker` insists on containers"),
        "{err}"
    );
    for r in up.json().as_array().unwrap() {
        assert_eq!(r["state"], "healthy", "{r}");
    }
    assert!(!exists("container", "arc-cache"));
    let ps = auto(&["--json", "ps"]).run().success().json();
    for r in ps.as_array().unwrap() {
        assert!(
            r["pid"].as_u64().is_some() && r.get("container").is_none(),
            "{r}"
        );
    }
    assert_eq!(redis(p.ports["redis"], &["PING"]), "PONG");
    auto(&["down"]).run().success();
}

/// Issue 13: the same with a server missing too: one error that names each image once, what is
/// missing natively, and `--runtime process`; nothing starts.
#[test]
fn auto_runtime_without_images_or_servers_says_what_to_do() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let p = Project::with_overlay(&format!(
        "{UNAVAILABLE}    native: {{ command: [arc-test-no-such-server] }}\n"
    ));
    let out = p
        .arc(["up", "flash", "sonic"])
        .env("ARC_RUNTIME", "auto")
        .run()
        .expect_code(1);
    let err = out.stderr();
    assert_eq!(
        err.matches("`arc-test/no-such-image:0` (`cache`)").count(),
        1,
        "{err}"
    );
    assert_eq!(
        err.matches("`arc-test/no-such-image:0` (`messaging`)")
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("`arc-test-no-such-server`"), "{err}");
    assert!(err.contains("`--runtime process`"), "{err}");
    assert!(!exists("container", "arc-cache"));
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert!(
        ps.as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "stopped"),
        "{ps}"
    );
}

/// Issue 3: `arc build` makes a thin image from a service directory through the engine, and
/// `arc up --build` runs it.
#[test]
fn build_a_thin_image_from_the_service_directory() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    require_image();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("services/thin")).unwrap();
    std::fs::write(
        root.join("profiles.yaml"),
        "default: one\nprofiles:\n  one: { services: [thin] }\n",
    )
    .unwrap();
    std::fs::write(
        root.join("services/thin/Dockerfile"),
        "FROM arc-test/backbone:2\nCOPY greeting.txt /etc/arc-greeting\nLABEL arc.test=thin\nUSER 1000:1000\n",
    )
    .unwrap();
    std::fs::write(
        root.join("services/thin/greeting.txt"),
        "hello from the context\n",
    )
    .unwrap();
    std::fs::write(
        root.join("services/thin/service.yaml"),
        "name: thin
image: arc-test/thin:dev
build: {}
user: \"1000:1000\"
command: [redis-server, --port, \"6379\", --dir, /data]
ports: [ { name: client, container: 6379, host: PORT } ]
volumes: [ { name: arc-thin-data, target: /data } ]
health: { kind: redis, target: client, interval: 1s, timeout: 1s, start_period: 1s, retries: 10 }
native: { command: [redis-server] }
"
        .replace("PORT", &support::free_port().to_string()),
    )
    .unwrap();
    let state = root.join("state").display().to_string();
    let arc = |args: &[&str]| {
        support::Run::new(args.iter().copied())
            .cwd(root)
            .env("ARC_STATE_DIR", &state)
            .env("ARC_RUNTIME", "docker")
            .run()
    };
    let _ = Command::new("docker")
        .args(["image", "rm", "-f", "arc-test/thin:dev"])
        .output();
    let out = arc(&["build", "thin"]).success();
    assert!(
        out.stdout().contains("built arc-test/thin:dev for `thin`"),
        "{}",
        out.stdout()
    );
    let img = inspect("arc-test/thin:dev");
    assert_eq!(img["Config"]["Labels"]["arc.test"], "thin");
    let cat = Command::new("docker")
        .args([
            "run",
            "--rm",
            "arc-test/thin:dev",
            "cat",
            "/etc/arc-greeting",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&cat.stdout),
        "hello from the context\n"
    );
    arc(&["up", "--build", "thin"]).success();
    assert_eq!(inspect("arc-thin")["Config"]["Image"], "arc-test/thin:dev");
    arc(&["down", "--volumes"]).success();
    // A service without `build:` says so.
    let out = arc(&["build", "nope"]).expect_code(2);
    assert!(
        out.stderr().contains("unknown service `nope`"),
        "{}",
        out.stderr()
    );
}

/// Issue 3: a new volume at a path the image does not have belongs to root; arc gives it to the
/// service's non-root user once, so Redis can write its AOF there.
#[test]
fn new_volume_is_given_to_the_non_root_user() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let p = project("");
    std::fs::write(
        p.dir.path().join("vol.yaml"),
        "services:\n  sonic:\n    command: [redis-server, --appendonly, \"yes\", --dir, /var/arc-cache]\n    labels: { arc.test: volume }\n",
    )
    .unwrap();
    // Volumes are declared in service.yaml; the overlay cannot add one, so mount the stock
    // volume elsewhere by pointing the stock target at a new path through a second project.
    let root = p.dir.path().join("proj");
    // Every service directory: profiles.yaml names them all.
    for dir in std::fs::read_dir(support::repo().join("services"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("service.yaml").is_file())
    {
        let svc = dir.file_name();
        std::fs::create_dir_all(root.join("services").join(&svc)).unwrap();
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            std::fs::copy(
                f.path(),
                root.join("services").join(&svc).join(f.file_name()),
            )
            .unwrap();
        }
    }
    std::fs::copy(
        support::repo().join("profiles.yaml"),
        root.join("profiles.yaml"),
    )
    .unwrap();
    let cache = root.join("services/cache/service.yaml");
    let stock = std::fs::read_to_string(&cache).unwrap();
    std::fs::write(
        &cache,
        stock
            .replace("target: /data", "target: /var/arc-cache")
            .replace("arc-cache-data", "arc-test-fresh-data"),
    )
    .unwrap();
    let _ = Command::new("docker")
        .args(["volume", "rm", "-f", "arc-test-fresh-data"])
        .output();
    let vol = p.dir.path().join("vol.yaml").display().to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--project-dir", root.to_str().unwrap(), "-f", &vol];
        all.extend_from_slice(args);
        p.arc(all).run()
    };
    run(&["up", "sonic"]).success();
    let port = p.ports["redis"];
    assert_eq!(redis(port, &["SET", "k", "v"]), "OK");
    assert_eq!(
        redis(port, &["CONFIG", "GET", "dir"]),
        "dir\n/var/arc-cache"
    );
    let ls = Command::new("docker")
        .args(["exec", "arc-cache", "stat", "-c", "%u", "/var/arc-cache"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&ls.stdout).trim(), "1000");
    run(&["down", "--volumes"]).success();
    assert!(!exists("volume", "arc-test-fresh-data"));
}

/// Issue 7: the thin per-service Dockerfiles build (on the local base image here, through their
/// `BASE` argument), carry the OCI and `arc.service.*` labels and a HEALTHCHECK, and NATS and
/// Redis run as UID 1000; run through arc, their own configuration serves and binds loopback.
#[test]
fn thin_service_images_build_and_run_as_uid_1000() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    require_image();
    for (dir, codename, user) in [
        ("messaging", "flash", "1000:1000"),
        ("cache", "sonic", "1000:1000"),
        ("streaming", "strange", "10000"),
    ] {
        let tag = format!("arc-test/thin-{dir}:dev");
        let out = Command::new("docker")
            .args([
                "build",
                "-q",
                "--build-arg",
                &format!("BASE={IMAGE}"),
                "-t",
                &tag,
            ])
            .arg(support::repo().join("services").join(dir))
            .output()
            .expect("docker build");
        assert!(
            out.status.success(),
            "building {dir}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let img = inspect(&tag);
        assert_eq!(img["Config"]["User"], user, "{dir}");
        let labels = &img["Config"]["Labels"];
        assert_eq!(labels["arc.service.name"], dir);
        assert_eq!(labels["arc.service.codename"], codename);
        assert_eq!(
            labels["org.opencontainers.image.title"],
            format!("arc-{dir}")
        );
        assert!(
            img["Config"]["Healthcheck"]["Test"]
                .as_array()
                .is_some_and(|t| !t.is_empty()),
            "{dir} has a HEALTHCHECK"
        );
    }
    // Run the NATS and Redis images with their own CMD and configuration.
    let p = project("");
    std::fs::write(
        p.dir.path().join("thin.yaml"),
        "services:
  flash:
    image: arc-test/thin-messaging:dev
    command: []
  sonic:
    image: arc-test/thin-cache:dev
    command: []
    user: \"1000:1000\"
",
    )
    .unwrap();
    let thin = p.dir.path().join("thin.yaml").display().to_string();
    p.arc(["-f", &thin, "up", "flash", "sonic"]).run().success();
    for c in ["arc-messaging", "arc-cache"] {
        let status = Command::new("docker")
            .args(["exec", c, "cat", "/proc/1/status"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&status.stdout);
        let uid = text
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .unwrap_or_default()
            .to_owned();
        assert!(
            uid.split_whitespace().nth(1) == Some("1000"),
            "{c}'s server runs as UID 1000: {uid}"
        );
    }
    let port = p.ports["redis"];
    assert_eq!(
        redis(port, &["CONFIG", "GET", "maxmemory-policy"]),
        "maxmemory-policy\nnoeviction"
    );
    assert_eq!(
        redis(port, &["CONFIG", "GET", "appendonly"]),
        "appendonly\nyes"
    );
    p.arc(["-f", &thin, "down", "--volumes"]).run().success();
}

/// `POST path` to 127.0.0.1:`port` with a JSON body: (status, body).
fn http_post(port: u16, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the pipeline");
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    (status, body.to_owned())
}

/// `arc` until it succeeds (the logger writes a batch after the pipeline accepted it), up to 30 s.
fn eventually_success(p: &Project, args: &[&str]) -> support::Done {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let done = p.arc(args).run();
        if done.code() == 0 || std::time::Instant::now() > deadline {
            return done.success();
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The volumes of the `think` profile.
const THINK_VOLUMES: [&str; 4] = [
    "arc-messaging-data",
    "arc-streaming-data",
    "arc-cache-data",
    "arc-logstore-data",
];

/// Issue 13: the whole `think` profile on Docker from local images, through the offline overlay:
/// `--no-build` refuses the missing pipeline image, `arc up` builds it (from the binary under
/// test) and brings all five up healthy; pub/sub through Flash, produce/replay through Strange,
/// a message posted to the containerized pipeline is on NATS and in the containerized log;
/// `down` then `up` keeps Redis, JetStream and the log; `down --volumes` removes them.
#[test]
fn think_profile_from_local_images_end_to_end() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let p = project("");
    // The pipeline image takes arc from the build context (the repository): the binary under test.
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_arc"));
    let in_context = binary
        .strip_prefix(support::repo())
        .unwrap_or_else(|_| {
            panic!(
                "{} is outside the repository, so the pipeline image cannot take it: run the Docker tests with the default target directory",
                binary.display()
            )
        })
        .display()
        .to_string();
    let pipeline_image = "arc-test/pipeline:dev";
    let dev = p.dir.path().join("dev.yaml");
    std::fs::write(
        &dev,
        format!(
            "services:\n  pipeline:\n    image: {pipeline_image}\n    build: {{ args: {{ ARC_BINARY: {in_context} }} }}\n"
        ),
    )
    .unwrap();
    let dev = dev.display().to_string();
    let offline = support::repo().join(OFFLINE).display().to_string();
    let arc = |args: &[&str]| {
        let mut all = vec!["-f", offline.as_str(), "-f", dev.as_str()];
        all.extend_from_slice(args);
        p.arc(all)
    };
    // However the test ends, nothing of it stays running: Docker names are the engine's, and
    // a container left behind would show in the next test's `arc ps`.
    let _down = Guard(Some(arc(&["down", "--volumes"])));
    let _ = Command::new("docker")
        .args(["image", "rm", "-f", pipeline_image])
        .output();

    // --no-build refuses, naming the image and how to build it; nothing starts.
    let refused = arc(&["up", "--no-build", "think"]).run().expect_code(1);
    let err = refused.stderr();
    assert!(
        err.contains(&format!("`{pipeline_image}` (`pipeline`)"))
            && err.contains("`arc build pipeline`"),
        "{err}"
    );
    assert!(!exists("container", "arc-messaging"), "nothing started");

    // A missing image with `build:` is built, with progress, as docker compose does.
    let up = arc(&["--json", "up", "--progress", "plain", "think"])
        .run()
        .success();
    assert!(
        up.stderr().contains(&format!("building {pipeline_image}")),
        "{}",
        up.stderr()
    );
    let rows = up.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 5, "{rows:?}");
    for r in rows {
        assert_eq!(r["state"], "healthy", "{r}");
    }
    assert_eq!(inspect("arc-pipeline")["Config"]["Image"], pipeline_image);
    assert_eq!(inspect("arc-streaming")["Config"]["Image"], IMAGE);

    // Flash: pub -> sub.
    let mut sub = arc(&["--json", "sub", "docker.demo", "--count", "1"]).spawn();
    sub.wait_for("listening on `docker.demo`");
    arc(&["pub", "docker.demo", "through-flash"])
        .run()
        .success();
    let (code, out) = sub.finish();
    assert_eq!(code, 0);
    let m: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(m["data"], "through-flash");

    // Strange: produce, then replay.
    let topic = "persistent://public/default/arc-docker";
    arc(&["pub", topic, "s{{Count}}", "--count", "3"])
        .run()
        .success();
    let replayed = arc(&["--json", "replay", topic, "--since", "1h"])
        .run()
        .success();
    let data: Vec<Value> = replayed
        .stdout()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["data"].clone())
        .collect();
    assert_eq!(data, ["s1", "s2", "s3"]);

    // The pipeline: a posted message is on NATS and in the log.
    let mut piped = arc(&["--json", "sub", "agent.events.>", "--count", "1"]).spawn();
    piped.wait_for("listening");
    let (status, body) = http_post(
        p.ports["pipeline"],
        "/v1/messages",
        r#"{"subject": "agent.events.docker", "payload": {"via": "pipeline"}}"#,
    );
    assert_eq!(status, 202, "{body}");
    let accepted: Value = serde_json::from_str(&body).unwrap();
    let id = accepted["ids"][0].as_str().unwrap().to_owned();
    let (code, out) = piped.finish();
    assert_eq!(code, 0);
    let on_nats: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(on_nats["headers"]["Nats-Msg-Id"][0], id.as_str());
    let logged = eventually_success(
        &p,
        &["-f", &offline, "-f", &dev, "--json", "messages", "get", &id],
    );
    let logged: Value = serde_json::from_str(logged.stdout().trim()).unwrap();
    assert_eq!(logged["subject"], "agent.events.docker");
    assert_eq!(logged["payload"]["via"], "pipeline");

    // Data to outlive the containers: a Redis key and a JetStream message (the pipeline's
    // message above is in AGENT_EVENTS and in the log).
    let redis_port = p.ports["redis"];
    assert_eq!(redis(redis_port, &["SET", "arc:docker", "kept"]), "OK");
    assert!(!redis(redis_port, &["BGREWRITEAOF"]).is_empty());
    arc(&["pub", "agent.events.kept", "in-jetstream"])
        .run()
        .success();

    arc(&["down"]).run().success();
    for c in [
        "arc-messaging",
        "arc-streaming",
        "arc-cache",
        "arc-logstore",
        "arc-pipeline",
    ] {
        assert!(
            !exists("container", c),
            "{c} is still there after `arc down`"
        );
    }
    for v in THINK_VOLUMES {
        assert!(exists("volume", v), "`arc down` removed {v}");
    }
    let again = arc(&["up", "--progress", "plain", "think"]).run().success();
    assert!(
        !again.stderr().contains("building"),
        "the built image is used again: {}",
        again.stderr()
    );
    assert_eq!(redis(redis_port, &["GET", "arc:docker"]), "kept");
    let events = arc(&["--json", "replay", "AGENT_EVENTS", "--since", "1h"])
        .run()
        .success()
        .stdout();
    assert!(
        events.contains("\"in-jetstream\"") && events.contains("agent.events.docker"),
        "{events}"
    );
    let logged = eventually_success(
        &p,
        &["-f", &offline, "-f", &dev, "--json", "messages", "get", &id],
    );
    assert!(logged.stdout().contains("agent.events.docker"));

    arc(&["down", "--volumes"]).run().success();
    for v in THINK_VOLUMES {
        assert!(!exists("volume", v), "`arc down --volumes` left {v}");
    }
}

/// Issue 13: an installed arc outside a checkout has no Dockerfiles: `arc up` on Docker names
/// the image that is not built and says how to get it, before anything starts.
#[test]
fn installed_arc_without_sources_names_the_image_to_get() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("o.yaml");
    std::fs::write(
        &overlay,
        "services:\n  pipeline:\n    image: arc-test/never-built:0\n",
    )
    .unwrap();
    let out = support::Run::new(["-f", overlay.to_str().unwrap(), "up", "think", "--no-wait"])
        .cwd(dir.path())
        .env(
            "ARC_STATE_DIR",
            &dir.path().join("state").display().to_string(),
        )
        .env("ARC_RUNTIME", "docker")
        .run()
        .expect_code(1);
    let err = out.stderr();
    assert!(
        err.contains("the image `arc-test/never-built:0` (`pipeline`) is built from arc's sources, and this arc has none"),
        "{err}"
    );
    assert!(
        err.contains("pull or load a built image and name it in an overlay")
            && err.contains("`arc build pipeline` in an arc checkout"),
        "{err}"
    );
    assert!(!exists("container", "arc-messaging"), "nothing started");
}

/// Issue 13: a build whose `FROM` image is neither here nor pullable says which build failed
/// and how to build on local images instead.
#[test]
fn build_on_an_unavailable_base_says_how_to_build_locally() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("services/thin")).unwrap();
    std::fs::write(
        root.join("profiles.yaml"),
        "default: one\nprofiles:\n  one: { services: [thin] }\n",
    )
    .unwrap();
    std::fs::write(
        root.join("services/thin/Dockerfile"),
        "ARG BASE=arc-test/no-such-base:0\nFROM ${BASE}\nLABEL arc.test=thin\n",
    )
    .unwrap();
    std::fs::write(
        root.join("services/thin/service.yaml"),
        "name: thin
image: arc-test/thin-unbuildable:dev
build: {}
command: [redis-server]
ports: [ { name: client, container: 6379 } ]
health: { kind: redis, target: client, interval: 1s, timeout: 1s, start_period: 1s, retries: 1 }
native: { command: [redis-server] }
",
    )
    .unwrap();
    let out = support::Run::new(["build", "thin"])
        .cwd(root)
        .env("ARC_STATE_DIR", &root.join("state").display().to_string())
        .env("ARC_RUNTIME", "docker")
        .run()
        .expect_code(1);
    let err = out.stderr();
    assert!(
        err.contains("failed to build `arc-test/thin-unbuildable:dev` from")
            && err.contains("arc-test/no-such-base"),
        "{err}"
    );
    assert!(
        err.contains("build: { args: { BASE: … } }") && err.contains("overlays/offline.yaml"),
        "{err}"
    );
}

/// Issue 14: Flash as a three-node NATS cluster in containers on the platform network, from
/// `overlays/cluster.yaml` after the offline overlay (local image): each node routed to its
/// peers by container name, JetStream R3. A node killed with `docker kill`, then another cut off
/// with `docker network disconnect`: publishes through the server list keep being stored, the
/// survivors stay healthy, and each node is healthy again once `arc up` restarts it or the
/// network gives it back.
#[test]
fn a_nats_cluster_survives_a_killed_and_a_partitioned_node() {
    let _turn = ENGINE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (client, monitor) = (support::cluster::free_run(3), support::cluster::free_run(3));
    let p = project("");
    // The offline overlay already patches flash: the cluster's ports go in a file of their own.
    let ports = p.dir.path().join("cluster-ports.yaml");
    std::fs::write(
        &ports,
        format!(
            "services:
  flash:
    ports:
      - {{ name: client, host: {client} }}
      - {{ name: monitor, host: {monitor} }}
"
        ),
    )
    .expect("write");
    let ports = ports.display().to_string();
    let cluster = support::repo()
        .join("overlays/cluster.yaml")
        .display()
        .to_string();
    let arc = |args: &[&str]| {
        let mut all = vec!["-f", ports.as_str(), "-f", cluster.as_str()];
        all.extend_from_slice(args);
        p.arc(all).run()
    };
    // The project's own `arc down` does not read the cluster overlay: stop the instances first,
    // however the test ends.
    let down = {
        let mut all = vec![
            "-f".to_owned(),
            ports.clone(),
            "-f".to_owned(),
            cluster.clone(),
        ];
        all.extend(["down".to_owned(), "--volumes".to_owned()]);
        p.arc(all)
    };
    let _down = Guard(Some(down));
    let json = |args: &[&str]| {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        arc(&all).success().json()
    };
    let healthy = || -> Vec<bool> {
        // Exit 1 while a node is unhealthy: the rows say which.
        let v = arc(&["--json", "health"]).json();
        v.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["healthy"] == true)
            .collect()
    };
    let until_healthy = |want: &[bool]| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let have = healthy();
            if have == want {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "health stayed {have:?}, wanted {want:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    };
    arc(&["up", "flash"]).success();
    let ps = json(&["ps"]);
    // The flash cluster's rows (a container another test left behind under the engine's global
    // names is not this test's subject).
    let services: Vec<&str> = ps
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["service"].as_str())
        .filter(|s| s.starts_with("messaging"))
        .collect();
    assert_eq!(
        services,
        ["messaging-1", "messaging-2", "messaging-3"],
        "{ps}"
    );
    for c in ["arc-messaging-1", "arc-messaging-2", "arc-messaging-3"] {
        assert!(exists("container", c), "{c}");
        assert!(exists(
            "volume",
            &format!("arc-messaging-data-{}", &c[c.len() - 1..])
        ));
    }
    // Routed by container name on the platform network.
    let cmd = inspect("arc-messaging-1")["Config"]["Cmd"].clone();
    assert!(
        cmd.to_string()
            .contains("nats://arc-messaging-2:6222,nats://arc-messaging-3:6222"),
        "{cmd}"
    );
    until_healthy(&[true, true, true]);
    assert_eq!(
        json(&["streams", "info", "AGENT_EVENTS"])["config"]["num_replicas"],
        3
    );
    // The batches' messages in the stream (probes have their own subject).
    let stored = || -> usize {
        // A read can time out too while a leader is elected: retried for up to 60 s.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let out = loop {
            let out = arc(&["--json", "replay", "AGENT_EVENTS", "--since", "1h"]);
            if out.code() == 0 || std::time::Instant::now() > deadline {
                break out.success();
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        };
        // Each batch message's id with the stream sequences it is stored at: an id at two
        // sequences is a message stored twice, and the assertion names it.
        let mut seqs = std::collections::BTreeMap::<String, Vec<String>>::new();
        for v in out
            .stdout()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["subject"] == "agent.events.c")
        {
            seqs.entry(v["headers"]["Nats-Msg-Id"].to_string())
                .or_default()
                .push(v["seq"].to_string());
        }
        let twice: Vec<_> = seqs.iter().filter(|(_, s)| s.len() > 1).collect();
        assert!(twice.is_empty(), "stored more than once: {twice:?}");
        seqs.len()
    };
    // During a failover (and when a node rejoins and leaders move) a JetStream publisher sees
    // acknowledgement timeouts until the stream has a leader among the reachable nodes. A
    // publisher that must not lose a message does what this one does: it gives each message a
    // `Nats-Msg-Id` and publishes it again until it is acknowledged; the stream stores it once
    // (duplicate window). Each message gets 60 s.
    let batch = std::cell::Cell::new(0);
    let publish = |n: usize| {
        batch.set(batch.get() + 1);
        for i in 0..n {
            let id = format!("Nats-Msg-Id:batch-{}-{i}", batch.get());
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            loop {
                let out = arc(&["pub", "agent.events.c", "x", "--jetstream", "-H", &id]);
                if out.code() == 0 {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "`{id}` not stored for 60 s: {}",
                    out.stderr()
                );
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        }
    };
    publish(50);
    assert_eq!(stored(), 50);

    // Killed: the survivors hold quorum; publishes go on through the list.
    assert!(Command::new("docker")
        .args(["kill", "arc-messaging-1"])
        .status()
        .expect("docker kill")
        .success());
    until_healthy(&[false, true, true]);
    publish(50);
    assert_eq!(stored(), 100);
    arc(&["up", "flash"]).success();
    until_healthy(&[true, true, true]);

    // Partitioned: node 2 off the network; the others carry on, and it rejoins.
    let network = |how: &str| {
        assert!(Command::new("docker")
            .args(["network", how, "arc_platform_net", "arc-messaging-2"])
            .status()
            .expect("docker network")
            .success());
    };
    network("disconnect");
    until_healthy(&[true, false, true]);
    publish(50);
    assert_eq!(stored(), 150);
    network("connect");
    until_healthy(&[true, true, true]);
    publish(50);
    assert_eq!(stored(), 200);
}

/// Runs its `arc` invocation when dropped.
struct Guard(Option<support::Run>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(r) = self.0.take() {
            let _ = r.run();
        }
    }
}
