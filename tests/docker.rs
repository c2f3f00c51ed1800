//! The Docker runtime against the real engine. No registry is reachable here, so the tests run
//! a local image built by `scripts/test-image.sh` (`arc-test/backbone:1`: Debian with
//! nats-server, redis-server, PostgreSQL and pulsar-lite) through an overlay. Container names
//! are fixed (`arc-<service>`), so these tests take turns.

mod support;

use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;
use support::Project;

static ENGINE: Mutex<()> = Mutex::new(());

const IMAGE: &str = "arc-test/backbone:1";

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

/// The local image for Flash and Sonic, with commands the Debian packages understand.
const OVERLAY: &str = r#"  flash:
    image: arc-test/backbone:1
    command: [nats-server, --jetstream, --store_dir, /data/jetstream, --http_port, "8222", --server_name, arc-flash]
    health:
      docker_test: [CMD, bash, -c, "echo > /dev/tcp/127.0.0.1/8222"]
  sonic:
    image: arc-test/backbone:1
    command: [redis-server, --appendonly, "yes", --appendfsync, everysec, --maxmemory, 512mb, --maxmemory-policy, noeviction, --dir, /data]
"#;

fn project(extra: &str) -> Project {
    require_image();
    Project::with_overlay(&format!("{OVERLAY}{extra}")).on_docker()
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
    assert_eq!(c["State"]["Health"]["Status"], "healthy");
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
        assert_eq!(r["engine_health"], "healthy");
        assert_eq!(r["image"], IMAGE);
        assert!(r["container"].as_str().is_some_and(|c| c.len() == 12));
    }
    let health = p.arc(["--json", "health", "--deep"]).run().success().json();
    assert_eq!(health.as_array().unwrap().len(), 2);

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
    std::thread::sleep(std::time::Duration::from_millis(1200));
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
}
