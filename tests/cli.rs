//! End-to-end tests of the `arc` binary: real nats-server, redis-server, pulsar-lite and
//! PostgreSQL, started by arc itself on free ports (see `support`).

mod support;

use std::net::{Ipv4Addr, TcpListener};

use serde_json::Value;
use support::{listen_addrs, require_servers, Project, Run};

fn rows(v: &Value) -> &Vec<Value> {
    v.as_array().expect("a JSON array")
}

fn row<'a>(v: &'a Value, service: &str) -> &'a Value {
    rows(v)
        .iter()
        .find(|r| r["service"] == service)
        .unwrap_or_else(|| panic!("no row for `{service}` in {v}"))
}

/// Issue 2: profile up/down round trip, idempotent up, health JSON, ps, env, logs, and every
/// listener on 127.0.0.1.
#[test]
fn think_profile_round_trip() {
    require_servers();
    let p = Project::new();

    let up = p.arc(["--json", "up", "think"]).run().success().json();
    assert_eq!(rows(&up).len(), 5, "{up}");
    for r in rows(&up) {
        assert_eq!(r["state"], "healthy", "{r}");
        assert_eq!(r["change"], "started", "{r}");
        assert!(r["ready_ms"].as_u64().is_some(), "{r}");
    }
    assert_eq!(
        row(&up, "messaging")["endpoints"]["ARC_NATS_URL"],
        format!("nats://127.0.0.1:{}", p.ports["nats_client"])
    );

    // Again: nothing changes, and it says so.
    let again = p.arc(["--json", "up", "think"]).run().success();
    assert!(
        again
            .stderr()
            .contains("everything is up to date (5 services"),
        "{}",
        again.stderr()
    );
    for r in rows(&again.json()) {
        assert_eq!(r["state"], "up to date", "{r}");
    }

    let health = p.arc(["--json", "health"]).run().success().json();
    assert_eq!(rows(&health).len(), 5);
    for r in rows(&health) {
        assert_eq!(r["healthy"], true, "{r}");
        assert!(r["latency_ms"].as_f64().is_some(), "{r}");
    }
    assert_eq!(row(&health, "messaging")["kind"], "nats");
    assert!(row(&health, "logstore")["detail"]
        .as_str()
        .unwrap()
        .contains("SELECT 1"));

    let deep = p.arc(["--json", "health", "--deep"]).run().success().json();
    let steps = |s: &str| -> Vec<String> {
        row(&deep, s)["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|st| {
                assert_eq!(st["ok"], true, "{st}");
                st["step"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(
        steps("messaging"),
        ["connect", "publish+receive", "jetstream publish+read"]
    );
    assert_eq!(steps("cache"), ["connect", "set", "get"]);
    assert_eq!(steps("logstore"), ["connect", "write", "read"]);
    assert_eq!(steps("streaming"), ["produce", "consume"]);

    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert_eq!(rows(&ps).len(), 5);
    for r in rows(&ps) {
        assert_eq!(r["state"], "running", "{r}");
        assert_eq!(r["health"], "healthy", "{r}");
        let pid = u32::try_from(r["pid"].as_u64().unwrap()).unwrap();
        let addrs = listen_addrs(pid);
        assert!(!addrs.is_empty(), "{} listens nowhere", r["service"]);
        for a in addrs {
            assert!(
                a.starts_with("127.0.0.1:"),
                "{} listens on {a}",
                r["service"]
            );
        }
    }

    let env = p.arc(["env"]).run().success().stdout();
    assert!(
        env.contains(&format!(
            "ARC_REDIS_URL=redis://127.0.0.1:{}\n",
            p.ports["redis"]
        )),
        "{env}"
    );
    assert!(
        env.contains(&format!(
            "ARC_PULSAR_URL=pulsar://127.0.0.1:{}\n",
            p.ports["pulsar_broker"]
        )),
        "{env}"
    );
    assert!(
        env.contains(&format!(
            "ARC_DATABASE_URL=postgres://arc@127.0.0.1:{}/arc\n",
            p.ports["postgres"]
        )),
        "{env}"
    );
    let env_json = p.arc(["env", "--format", "json"]).run().success().json();
    assert_eq!(
        env_json["ARC_NATS_URL"],
        format!("nats://127.0.0.1:{}", p.ports["nats_client"])
    );

    let logs = p
        .arc(["logs", "sonic", "--tail", "50"])
        .run()
        .success()
        .stdout();
    assert!(logs.lines().all(|l| l.starts_with("sonic |")), "{logs}");
    assert!(logs.contains("Ready to accept connections"), "{logs}");
    let logs = p
        .arc(["--json", "logs", "flash", "--since", "10m"])
        .run()
        .success()
        .stdout();
    let first: Value = serde_json::from_str(logs.lines().next().unwrap()).unwrap();
    assert_eq!(first["service"], "messaging");

    // A changed configuration restarts just that service.
    std::fs::write(
        p.dir.path().join("env.yaml"),
        "services:\n  sonic:\n    env: { ARC_TEST_CHANGE: \"1\" }\n",
    )
    .unwrap();
    let changed = p
        .arc([
            "-f",
            &p.dir.path().join("env.yaml").display().to_string(),
            "--json",
            "up",
            "think",
        ])
        .run()
        .success()
        .json();
    assert_eq!(row(&changed, "cache")["change"], "restarted");
    assert_eq!(row(&changed, "messaging")["state"], "up to date");

    p.arc(["down"]).run().success();
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert!(rows(&ps).is_empty(), "{ps}");
    let none = p.arc(["health"]).run().expect_code(1);
    assert!(
        none.stderr().contains("nothing is running in this project"),
        "{}",
        none.stderr()
    );
    let again = p.arc(["down"]).run().success();
    assert!(
        again.stderr().contains("nothing was running"),
        "{}",
        again.stderr()
    );
}

/// Issue 2: data survives `down`/`up`; `down --volumes` removes it.
#[test]
fn data_survives_down_and_up_unless_volumes() {
    require_servers();
    let p = Project::new();
    p.arc(["up", "sonic"]).run().success();
    let redis = |args: &[&str]| {
        let out = std::process::Command::new("redis-cli")
            .args(["-p", &p.ports["redis"].to_string()])
            .args(args)
            .output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    if std::process::Command::new("redis-cli")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("redis-cli is missing: apt-get install redis-tools");
    }
    assert_eq!(redis(&["SET", "arc:test", "kept"]), "OK");
    p.arc(["down", "sonic"]).run().success();
    p.arc(["up", "sonic"]).run().success();
    assert_eq!(redis(&["GET", "arc:test"]), "kept");
    p.arc(["down", "sonic", "--volumes"]).run().success();
    p.arc(["up", "sonic"]).run().success();
    assert_eq!(redis(&["GET", "arc:test"]), "");
}

/// Issue 2: a service whose binary exits at once: its log tail is shown, what started is
/// stopped, exit 1.
#[test]
fn failing_service_shows_its_log_and_rolls_back() {
    require_servers();
    let p = Project::with_overlay(
        "  sonic:\n    native:\n      command: [sh, -c, \"echo sonic-boom-{port.client} >&2; exit 3\"]\n",
    );
    let out = p.arc(["up", "flash", "sonic"]).run().expect_code(1);
    let err = out.stderr();
    assert!(
        err.contains("service `cache` failed: the process exited with status 3"),
        "{err}"
    );
    assert!(
        err.contains(&format!("| sonic-boom-{}", p.ports["redis"])),
        "{err}"
    );
    assert!(err.contains("stopped what this run started"), "{err}");
    assert!(err.contains("hint: `arc logs cache`"), "{err}");
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert!(rows(&ps).iter().all(|r| r["state"] != "running"), "{ps}");
}

/// Issue 2: `--keep` leaves what started running.
#[test]
fn keep_leaves_services_running_after_a_failure() {
    require_servers();
    let p = Project::with_overlay("  sonic:\n    native:\n      command: [sh, -c, \"exit 1\"]\n");
    p.arc(["up", "flash", "sonic", "--keep"])
        .run()
        .expect_code(1);
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert_eq!(row(&ps, "messaging")["state"], "running", "{ps}");
}

/// Issue 2: a service that never becomes healthy is given up on at `--timeout`.
#[test]
fn unhealthy_service_times_out() {
    require_servers();
    let p = Project::with_overlay("  sonic:\n    native:\n      command: [sleep, \"60\"]\n");
    let out = p
        .arc(["up", "sonic", "--timeout", "1s"])
        .run()
        .expect_code(1);
    let err = out.stderr();
    assert!(err.contains("not healthy after"), "{err}");
    assert!(
        err.contains(&format!("connect to 127.0.0.1:{}", p.ports["redis"])),
        "{err}"
    );
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert!(rows(&ps).iter().all(|r| r["state"] != "running"), "{ps}");
}

/// Issue 2: a port in use is named with its holder before anything starts.
#[test]
fn port_conflict_names_the_port_and_its_holder() {
    require_servers();
    let p = Project::new();
    let _held = TcpListener::bind((Ipv4Addr::LOCALHOST, p.ports["redis"])).unwrap();
    let out = p.arc(["up", "flash", "sonic"]).run().expect_code(1);
    let err = out.stderr();
    let want = format!(
        "error: port {} (`cache` port `client`) is already in use by pid {}",
        p.ports["redis"],
        std::process::id()
    );
    assert!(err.contains(&want), "{err}");
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert!(rows(&ps).is_empty(), "nothing may start: {ps}");
}

/// Issue 2: a missing program names the package that provides it.
#[test]
fn missing_binary_says_how_to_install_it() {
    let p = Project::with_overlay("  sonic:\n    native:\n      command: [arc-no-such-server]\n");
    let out = p.arc(["up", "sonic"]).run().expect_code(1);
    let err = out.stderr();
    assert!(
        err.contains("`arc-no-such-server` (needed by `cache`) is not installed or not on PATH"),
        "{err}"
    );
    assert!(
        err.contains("hint: install it: `apt-get install redis-server`"),
        "{err}"
    );
}

/// Issue 2: validation errors reach the user with file, line, column and field, exit 2.
#[test]
fn invalid_files_exit_2_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("services/cache")).unwrap();
    let stock =
        std::fs::read_to_string(support::repo().join("services/cache/service.yaml")).unwrap();
    std::fs::write(
        root.join("services/cache/service.yaml"),
        stock.replacen("host: 6379", "hots: 6379", 1),
    )
    .unwrap();
    std::fs::write(
        root.join("profiles.yaml"),
        "default: one\nprofiles:\n  one: { services: [sonic] }\n",
    )
    .unwrap();
    let out = Run::new(["config", "validate"])
        .cwd(root)
        .run()
        .expect_code(2);
    let err = out.stderr();
    assert!(err.contains("services/cache/service.yaml:"), "{err}");
    assert!(err.contains("`ports[0].hots`: unknown field `hots` (did you mean `host`?), expected one of `name`, `container`, `host`, `bind`"), "{err}");

    let out = Run::new(["--json", "config", "validate"])
        .cwd(root)
        .run()
        .expect_code(2);
    let v = out.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"][0]["field"], "ports[0].hots");
    assert!(v["problems"][0]["line"].as_u64().is_some());
}

#[test]
fn unknown_profile_lists_what_exists() {
    let out = Run::new(["up", "thinkk"]).run().expect_code(2);
    assert!(
        out.stderr().contains("unknown profile or service `thinkk`; known: profiles `messaging`, `observe`, `think`; services `cache` (sonic)"),
        "{}",
        out.stderr()
    );
}

#[test]
fn usage_errors_exit_2() {
    Run::new(["up", "--timeout", "soon"]).run().expect_code(2);
    Run::new(["no-such-command"]).run().expect_code(2);
    Run::new(["--project-dir", "/nonexistent", "ps"])
        .run()
        .expect_code(2);
}

#[test]
fn docker_unreachable_is_a_clear_error() {
    let out = Run::new(["--runtime", "docker", "ps"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .run()
        .expect_code(1);
    assert!(
        out.stderr().contains(
            "error: the `docker` runtime is not available: cannot reach the Docker engine: Socket not found: /nonexistent/docker.sock"
        ),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr().contains("hint: use `--runtime process`"),
        "{}",
        out.stderr()
    );
}

#[test]
fn listings_and_validate_work_outside_a_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let v = Run::new(["--json", "config", "validate"])
        .cwd(dir.path())
        .run()
        .success()
        .json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["source"], "<embedded>");
    let services = Run::new(["--json", "services", "ls"])
        .cwd(dir.path())
        .run()
        .success()
        .json();
    let names: Vec<&str> = rows(&services)
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for stock in ["cache", "logstore", "messaging", "streaming", "otel"] {
        assert!(names.contains(&stock), "{stock} is listed: {names:?}");
    }
    let profiles = Run::new(["--json", "profiles", "ls"])
        .run()
        .success()
        .json();
    let think = rows(&profiles)
        .iter()
        .find(|p| p["name"] == "think")
        .unwrap();
    assert_eq!(think["default"], true);
    assert_eq!(
        think["services"],
        serde_json::json!(["flash", "strange", "sonic", "logstore", "pipeline"])
    );
    let table = Run::new(["services", "ls"]).run().success().stdout();
    assert!(table.starts_with("NAME"), "{table}");
}

/// Issue 2: `completions/` is regenerated by `make completions`; this fails when it is stale.
#[test]
fn completions_are_up_to_date() {
    for (shell, file) in [
        ("bash", "arc.bash"),
        ("zsh", "_arc"),
        ("fish", "arc.fish"),
        ("powershell", "_arc.ps1"),
        ("elvish", "arc.elv"),
    ] {
        let out = Run::new(["completions", shell]).run().success().stdout();
        let committed = std::fs::read_to_string(support::repo().join("completions").join(file))
            .unwrap_or_default();
        assert!(
            out == committed,
            "completions/{file} is stale: run `make completions` and commit the result"
        );
    }
}

#[test]
fn version_prints() {
    let out = Run::new(["--version"]).run().success().stdout();
    assert!(out.starts_with("arc "), "{out}");
}

/// Issue 7: each service's `docker-compose.yml` is what `arc compose export` generates from
/// service.yaml, and docker-compose accepts it.
#[test]
fn compose_files_are_current_and_valid() {
    Run::new(["compose", "export", "--check"]).run().success();
    let has_compose = std::process::Command::new("docker-compose")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_compose,
        "docker-compose is missing: apt-get install docker-compose"
    );
    let dirs: Vec<String> = std::fs::read_dir(support::repo().join("services"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("service.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for stock in ["messaging", "streaming", "cache", "logstore", "otel"] {
        assert!(dirs.iter().any(|d| d == stock), "services/{stock}");
    }
    for dir in dirs.iter().map(String::as_str) {
        let file = support::repo()
            .join("services")
            .join(dir)
            .join("docker-compose.yml");
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        let service = &doc["services"][dir];
        for port in service["ports"].as_sequence().unwrap() {
            let port = port.as_str().unwrap();
            assert!(
                port.starts_with("127.0.0.1:"),
                "{dir}: {port} is not bound to loopback"
            );
        }
        assert_eq!(
            service["container_name"].as_str(),
            Some(format!("arc-{dir}").as_str())
        );
        assert_eq!(
            doc["networks"]["default"]["name"].as_str(),
            Some("arc_platform_net")
        );
        let out = std::process::Command::new("docker-compose")
            .args(["-f"])
            .arg(&file)
            .args(["config", "-q"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{dir}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A stale file is caught.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::repo().join("profiles.yaml"),
        dir.path().join("profiles.yaml"),
    )
    .unwrap();
    // Every service (profiles.yaml names them all), each directory whole: a Dockerfile decides
    // whether the compose file builds.
    for svc in std::fs::read_dir(support::repo().join("services"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("service.yaml").is_file())
    {
        let to = dir.path().join("services").join(svc.file_name());
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(svc.path()).unwrap().flatten() {
            if f.path().is_file() {
                std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
            }
        }
    }
    let cache = dir.path().join("services/cache/service.yaml");
    let text = std::fs::read_to_string(&cache)
        .unwrap()
        .replace("host: 6379", "host: 16379");
    std::fs::write(&cache, text).unwrap();
    let out = Run::new(["compose", "export", "--check"])
        .cwd(dir.path())
        .run()
        .expect_code(1);
    assert!(
        out.stderr()
            .contains("stale generated files: services/cache/docker-compose.yml\n"),
        "{}",
        out.stderr()
    );
}

/// Issue 7: `make messaging-up && make messaging-health` brings Flash, Strange and Sonic up
/// healthy through arc; `make messaging-down` stops them.
#[test]
fn make_messaging_targets_delegate_to_arc() {
    support::require_servers();
    let p = Project::new();
    let files = format!("{},{}", p.overlay().display(), p.extra_overlay().display());
    let make = |target: &str| {
        std::process::Command::new("make")
            .args(["-s", "-C"])
            .arg(support::repo())
            .arg(target)
            .arg(format!("ARC={}", env!("CARGO_BIN_EXE_arc")))
            .env("ARC_STATE_DIR", p.state())
            .env("ARC_FILE", &files)
            .env("CI", "true")
            .output()
            .expect("make")
    };
    for target in [
        "messaging-up",
        "messaging-up",
        "messaging-health",
        "flash-health",
        "messaging-down",
    ] {
        let out = make(target);
        assert!(
            out.status.success(),
            "make {target}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if target == "messaging-health" {
            let text = String::from_utf8_lossy(&out.stdout);
            for s in ["messaging", "streaming", "cache"] {
                assert!(
                    text.lines()
                        .any(|l| l.starts_with(s) && l.contains("healthy")),
                    "{s} healthy: {text}"
                );
            }
        }
    }
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert!(rows(&ps).is_empty(), "messaging-down stopped them: {ps}");
}

/// Issue 13: the offline overlay is valid, and a `build:` stage's args reach the exported
/// compose file.
#[test]
fn offline_overlay_validates_and_exports_its_build_args() {
    Run::new(["-f", "overlays/offline.yaml", "config", "validate"])
        .run()
        .success();
    let out = Run::new([
        "-f",
        "overlays/offline.yaml",
        "compose",
        "export",
        "pipeline",
    ])
    .run()
    .success()
    .stdout();
    assert!(
        out.contains("dockerfile: services/pipeline/Dockerfile\n      args:\n        ARC_BINARY: target/release/arc\n"),
        "{out}"
    );
}

/// Issue 16: one flag names the pipeline's URL (`--pipeline-url`, as on `replay --log` and
/// `tail --log`); `--server`, its older name on the admin commands, still works but is not in
/// the help; and a pipeline that cannot be reached is reported with the cause.
#[test]
fn pipeline_url_flag_and_its_hidden_alias() {
    // Nothing listens here: a port just freed.
    let url = format!("http://127.0.0.1:{}", support::free_port());
    for flag in ["--pipeline-url", "--server"] {
        let out = Run::new(["config", "get", "global", flag, &url])
            .env("ARC_ADMIN_TOKEN", "0123456789abcdef")
            .run()
            .expect_code(1);
        let err = out.stderr();
        assert!(
            err.contains(&format!(
                "error: cannot read global\n  Caused by: cannot reach the pipeline at {url}"
            )),
            "{flag}: {err}"
        );
        assert!(err.contains("Connection refused"), "{flag}: {err}");
        assert!(err.contains("hint: is it running?"), "{flag}: {err}");
    }
    let help = Run::new(["backbones", "ls", "--help"]).run().success();
    assert!(
        help.stdout().contains("--pipeline-url <URL>"),
        "{}",
        help.stdout()
    );
    assert!(!help.stdout().contains("--server"), "{}", help.stdout());
    // Not a URL: bad input, exit 2.
    let bad = Run::new(["backbones", "ls", "--pipeline-url", "127.0.0.1:8090"])
        .env("ARC_ADMIN_TOKEN", "0123456789abcdef")
        .run()
        .expect_code(2);
    assert!(
        bad.stderr()
            .contains("`127.0.0.1:8090` is not a usable pipeline URL"),
        "{}",
        bad.stderr()
    );
}

/// Issue 16: errors keep their causes. Nothing listens on a port just freed: `arc pub` says
/// "Connection refused" for NATS and for Pulsar; `arc serve` on a port that is taken says the
/// operating system's reason as a cause of its own line. All exit 1.
#[test]
fn a_cause_reaches_stderr() {
    let port = support::free_port();
    for (url_flag, url) in [
        ("--server", format!("nats://127.0.0.1:{port}")),
        ("--pulsar-url", format!("pulsar://127.0.0.1:{port}")),
    ] {
        let subject = if url_flag == "--server" {
            "x"
        } else {
            "persistent://public/default/x"
        };
        let out = Run::new([
            "pub",
            subject,
            "y",
            url_flag,
            &url,
            "--connect-timeout",
            "2s",
        ])
        .run()
        .expect_code(1);
        let err = out.stderr();
        assert!(err.starts_with("error: cannot connect to "), "{err}");
        assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
        assert!(err.contains("Connection refused"), "{err}");
        assert!(err.contains("\nhint: `arc up"), "{err}");
        assert!(out.stdout().is_empty(), "{}", out.stdout());
    }

    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, support::free_port())).expect("bind");
    let addr = taken.local_addr().expect("addr");
    let out = Run::new([
        "serve",
        "--components",
        "fanout",
        "--listen",
        &addr.to_string(),
    ])
    .run()
    .expect_code(1);
    let err = out.stderr();
    assert!(
        err.contains(&format!("error: cannot listen on {addr}")),
        "{err}"
    );
    assert!(
        err.contains("\n  Caused by: Address already in use"),
        "{err}"
    );
}

/// Issue 16: a broken overlay is never silently ignored. The messaging and pipeline commands
/// that take their address from the project's files fail with the overlay's diagnostic
/// (file:line:col) and exit 2, instead of talking to the stock 127.0.0.1:4222 (the wrong
/// server); `arc streams apply`, which reads the files for Flash's replica count even when
/// `--server` is given, too.
#[test]
fn a_broken_overlay_is_an_error_not_a_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("broken.yaml");
    std::fs::write(&overlay, "services:\n  messaging:\n    portz: 1\n").unwrap();
    let overlay = overlay.display().to_string();
    let closed = format!("nats://127.0.0.1:{}", support::free_port());
    let commands: [&[&str]; 6] = [
        &["pub", "x", "y"],
        &["sub", "x", "--count", "1"],
        &["streams", "ls"],
        &["pub", "persistent://public/default/x", "y"],
        &["config", "get", "global"],
        &["streams", "apply", "--server", &closed],
    ];
    for args in commands {
        let out = Run::new(["-f", &overlay].iter().chain(args))
            .env("ARC_ADMIN_TOKEN", "0123456789abcdef")
            .run()
            .expect_code(2);
        let err = out.stderr();
        assert!(
            err.contains(&format!("{overlay}:3:5: `services.messaging.portz`")),
            "{args:?}: {err}"
        );
        assert!(!err.contains("cannot connect"), "{args:?}: {err}");
        assert!(out.stdout().is_empty(), "{args:?}: {}", out.stdout());
    }
}

/// Issue 23: test servers never take a port from the kernel's ephemeral range, where any outgoing
/// connection can take it between the choice and the server's bind; a port is claimed for the
/// whole machine (another process cannot get it) and handed out once.
#[test]
fn test_ports_come_from_below_the_ephemeral_range_and_are_claimed() {
    use std::fs::{File, TryLockError};
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap();
    let low: u16 = text.split_whitespace().next().unwrap().parse().unwrap();
    let run = support::cluster::free_run(3);
    let one = support::free_port();
    assert!(run + 2 < low && one < low, "{run} {one} below {low}");
    assert!(!(run..run + 3).contains(&one));
    for p in [run, run + 1, run + 2, one] {
        // Another open of the lock (as another process would) finds it held.
        let f = File::open(support::ports::lock_dir().join(p.to_string())).unwrap();
        assert!(
            matches!(f.try_lock_shared(), Err(TryLockError::WouldBlock)),
            "port {p} is not claimed"
        );
    }
}
