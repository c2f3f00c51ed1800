//! End-to-end tests of the messaging commands against a real nats-server with JetStream (and
//! pulsar-lite), started by `arc up` on free ports.

mod support;

use serde_json::Value;
use support::{require_servers, Project};

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn flash() -> Project {
    require_servers();
    let p = Project::new();
    p.arc(["up", "flash"]).run().success();
    p
}

/// Issue 4: pub → sub round trip with templates and headers, JSON Lines out.
#[test]
fn pub_sub_round_trip() {
    let p = flash();
    let mut sub = p.arc(["--json", "sub", "demo.>", "--count", "3"]).spawn();
    sub.wait_for("listening on `demo.>`");
    p.arc([
        "pub",
        "demo.x",
        "n={{Count}}",
        "--count",
        "3",
        "-H",
        "kind:test",
    ])
    .run()
    .success();
    let (code, out) = sub.finish();
    assert_eq!(code, 0);
    let msgs = lines(&out);
    assert_eq!(msgs.len(), 3, "{out}");
    for (i, m) in msgs.iter().enumerate() {
        assert_eq!(m["subject"], "demo.x");
        assert_eq!(m["data"], format!("n={}", i + 1));
        assert_eq!(m["headers"]["kind"][0], "test");
        assert_eq!(m["encoding"], "utf8");
        assert!(m["received"].as_str().unwrap().ends_with('Z'));
    }
    // --raw prints the payload only.
    let mut raw = p.arc(["sub", "demo.raw", "--count", "1", "--raw"]).spawn();
    raw.wait_for("listening");
    p.arc(["pub", "demo.raw", "just-this"]).run().success();
    assert_eq!(raw.finish().1, "just-this\n");
}

/// Issue 4: a queue group splits the messages between its members.
#[test]
fn queue_group_distributes() {
    let p = flash();
    let mut a = p
        .arc(["--json", "sub", "jobs", "--queue", "workers"])
        .spawn();
    let mut b = p
        .arc(["--json", "sub", "jobs", "--queue", "workers"])
        .spawn();
    a.wait_for("queue group `workers`");
    b.wait_for("queue group `workers`");
    p.arc(["pub", "jobs", "{{Count}}", "--count", "40"])
        .run()
        .success();
    // Delivery is asynchronous: wait for all 40 before stopping the members.
    support::eventually_blocking(
        "40 messages delivered",
        std::time::Duration::from_secs(20),
        || a.stdout_lines() + b.stdout_lines() >= 40,
    );
    let (a, b) = (lines(&a.stop()), lines(&b.stop()));
    assert_eq!(a.len() + b.len(), 40, "every message once");
    assert!(
        !a.is_empty() && !b.is_empty(),
        "both members got some: {} / {}",
        a.len(),
        b.len()
    );
}

/// Issue 4: request/reply, no responders, timeout, and a reply computed by a command.
#[test]
fn request_reply() {
    let p = flash();
    let out = p.arc(["request", "nobody.home", "x"]).run().expect_code(1);
    assert!(
        out.stderr()
            .contains("no responders on `nobody.home`: nothing is subscribed to it"),
        "{}",
        out.stderr()
    );

    let mut r = p
        .arc([
            "reply",
            "svc.echo",
            "got {{Request}} on {{Subject}}",
            "--count",
            "1",
        ])
        .spawn();
    r.wait_for("replying on `svc.echo`");
    let out = p.arc(["request", "svc.echo", "ping"]).run().success();
    assert_eq!(out.stdout(), "got ping on svc.echo\n");
    assert_eq!(r.finish().0, 0);

    let mut r = p
        .arc([
            "reply",
            "svc.upper",
            "--command",
            "tr a-z A-Z",
            "--count",
            "1",
        ])
        .spawn();
    r.wait_for("replying");
    let out = p
        .arc(["--json", "request", "svc.upper", "hello"])
        .run()
        .success()
        .json();
    assert_eq!(out["data"], "HELLO");
    r.finish();

    // A subscriber that never answers: a timeout, said as such.
    let mut silent = p.arc(["sub", "svc.silent"]).spawn();
    silent.wait_for("listening");
    let out = p
        .arc(["request", "svc.silent", "x", "--timeout", "300ms"])
        .run()
        .expect_code(1);
    assert!(
        out.stderr()
            .contains("no reply on `svc.silent` within 300ms"),
        "{}",
        out.stderr()
    );
    silent.stop();
}

/// Issue 4: `arc up` applies the streams; apply again is a no-op; an edit shows its diff;
/// --dry-run changes nothing; ls, info and rm.
#[test]
fn streams_apply_is_declarative() {
    let p = flash();
    let again = p
        .arc(["--json", "streams", "apply", "--no-topics"])
        .run()
        .success()
        .json();
    for s in again["streams"].as_array().unwrap() {
        assert_eq!(s["action"], "unchanged", "{s}");
    }
    let names: Vec<String> = p
        .arc(["--json", "streams", "ls"])
        .run()
        .success()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["AGENT_COMMANDS", "AGENT_EVENTS", "SYSTEM_METRICS"]);

    let stock =
        std::fs::read_to_string(support::repo().join("services/messaging/streams.yaml")).unwrap();
    let edited = p.dir.path().join("streams.yaml");
    std::fs::write(&edited, stock.replacen("max_age: 7d", "max_age: 14d", 1)).unwrap();
    let file = edited.display().to_string();
    let dry = p
        .arc(["streams", "apply", &file, "--dry-run", "--no-topics"])
        .run()
        .success()
        .stdout();
    assert!(
        dry.contains("stream AGENT_EVENTS would update\n  max_age: 7days -> 14days"),
        "{dry}"
    );
    let info = p
        .arc(["--json", "streams", "info", "AGENT_EVENTS"])
        .run()
        .success()
        .json();
    assert_eq!(
        info["config"]["max_age"],
        7 * 24 * 3600 * 1_000_000_000_u64,
        "dry run changed nothing"
    );
    let applied = p
        .arc(["streams", "apply", &file, "--no-topics"])
        .run()
        .success()
        .stdout();
    assert!(
        applied.contains("stream AGENT_EVENTS updated\n  max_age: 7days -> 14days"),
        "{applied}"
    );
    assert!(
        applied.contains("stream AGENT_COMMANDS unchanged"),
        "{applied}"
    );
    let again = p
        .arc(["streams", "apply", &file, "--no-topics"])
        .run()
        .success()
        .stdout();
    assert!(!again.contains("updated"), "{again}");

    p.arc(["streams", "rm", "SYSTEM_METRICS"]).run().success();
    let out = p
        .arc(["streams", "info", "SYSTEM_METRICS"])
        .run()
        .expect_code(1);
    assert!(
        out.stderr().contains(
            "stream `SYSTEM_METRICS` does not exist; streams: `AGENT_COMMANDS`, `AGENT_EVENTS`"
        ),
        "{}",
        out.stderr()
    );
    let bad = p.dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "streams:\n  - name: X\n    subjects: [a]\n    storage: disk\n",
    )
    .unwrap();
    let out = p
        .arc([
            "streams",
            "apply",
            &bad.display().to_string(),
            "--no-topics",
        ])
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains(
            ":4:14: `streams[0].storage`: unknown variant `disk`, expected `file` or `memory`"
        ),
        "{}",
        out.stderr()
    );
}

/// Issue 4: replay windows are exact to the message, in every time form; --subject filters;
/// --to re-publishes live.
#[test]
fn replay_windows_are_exact() {
    let p = flash();
    let batch = |tag: &str| {
        p.arc([
            "pub",
            &format!("agent.events.{tag}"),
            &format!("{tag}{{{{Count}}}}"),
            "--count",
            "3",
            "--jetstream",
        ])
        .run()
        .success();
    };
    let pause = || std::thread::sleep(std::time::Duration::from_millis(250));
    batch("a");
    pause();
    let t1 = chrono::Utc::now();
    pause();
    batch("b");
    pause();
    let t2 = chrono::Utc::now();
    pause();
    batch("c");

    let data = |out: &str| -> Vec<String> {
        lines(out)
            .iter()
            .map(|m| m["data"].as_str().unwrap().to_owned())
            .collect()
    };
    let rfc =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let out = p
        .arc([
            "--json",
            "replay",
            "AGENT_EVENTS",
            "--since",
            &rfc(t1),
            "--until",
            &rfc(t2),
        ])
        .run()
        .success();
    assert_eq!(data(&out.stdout()), ["b1", "b2", "b3"]);
    assert!(
        out.stderr()
            .contains("replayed 3 messages from `AGENT_EVENTS`"),
        "{}",
        out.stderr()
    );
    let out = p
        .arc([
            "--json",
            "replay",
            "AGENT_EVENTS",
            "--since",
            &t1.timestamp_millis().to_string(),
        ])
        .run()
        .success();
    assert_eq!(data(&out.stdout()), ["b1", "b2", "b3", "c1", "c2", "c3"]);
    let out = p
        .arc([
            "--json",
            "replay",
            "AGENT_EVENTS",
            "--since",
            "1h",
            "--subject",
            "agent.events.a",
        ])
        .run()
        .success();
    assert_eq!(data(&out.stdout()), ["a1", "a2", "a3"]);
    let first = &lines(&out.stdout())[0];
    assert_eq!(first["stream"], "AGENT_EVENTS");
    assert_eq!(first["seq"], "1");
    assert!(first["published"].as_str().is_some());
    // Nothing in the window: exits at once with nothing printed.
    pause();
    let after = rfc(chrono::Utc::now());
    let out = p
        .arc(["--json", "replay", "AGENT_EVENTS", "--since", &after])
        .run()
        .success();
    assert!(out.stdout().is_empty());

    let mut live = p
        .arc(["--json", "sub", "debug.events", "--count", "3"])
        .spawn();
    live.wait_for("listening");
    p.arc([
        "replay",
        "AGENT_EVENTS",
        "--since",
        "1h",
        "--subject",
        "agent.events.c",
        "--to",
        "debug.events",
    ])
    .run()
    .success();
    assert_eq!(data(&live.finish().1), ["c1", "c2", "c3"]);
}

/// Issue 21: the caller's `Nats-Msg-Id` is the one JetStream sees (`arc pub --jetstream` used to
/// replace it with its own, so a publisher retrying with its id stored the message twice); a
/// retry with the same id is acknowledged as a duplicate and stored once; the same id on every
/// message of a batch is refused before anything is sent; `{{Count}}` gives one per message.
#[test]
fn a_callers_message_id_names_one_message() {
    let p = flash();
    let publish = |args: &[&str]| {
        let mut all = vec!["--json", "pub", "agent.commands.retry", "x", "--jetstream"];
        all.extend_from_slice(args);
        p.arc(all).run()
    };
    let first = publish(&["-H", "Nats-Msg-Id:order-7"]).success().json();
    assert!(first["duplicates"].is_null(), "{first}");
    // A retry, with the key in another case (JetStream matches it exactly: arc writes it so).
    let again = publish(&["-H", "nats-msg-id:order-7"]).success().json();
    assert_eq!(again["duplicates"], 1, "{again}");
    assert_eq!(again["first_seq"], first["first_seq"], "{again}");

    let out = publish(&["-H", "Nats-Msg-Id:order-8", "--count", "3"]).expect_code(2);
    assert!(
        out.stderr().contains("names one message")
            && out.stderr().contains("Nats-Msg-Id:order-8-{{Count}}"),
        "{}",
        out.stderr()
    );
    let batch = publish(&["-H", "Nats-Msg-Id:order-9-{{Count}}", "--count", "3"])
        .success()
        .json();
    assert!(batch["duplicates"].is_null(), "{batch}");
    let again = publish(&["-H", "Nats-Msg-Id:order-9-{{Count}}", "--count", "3"])
        .success()
        .json();
    assert_eq!(again["duplicates"], 3, "{again}");

    let stored: Vec<String> = lines(
        &p.arc([
            "--json",
            "replay",
            "AGENT_COMMANDS",
            "--since",
            "1h",
            "--subject",
            "agent.commands.retry",
        ])
        .run()
        .success()
        .stdout(),
    )
    .iter()
    // A header is a list of values: one each, the caller's.
    .map(|m| m["headers"]["Nats-Msg-Id"].to_string())
    .collect();
    assert_eq!(
        stored,
        [
            r#"["order-7"]"#,
            r#"["order-9-1"]"#,
            r#"["order-9-2"]"#,
            r#"["order-9-3"]"#
        ],
        "{stored:?}"
    );
}

/// Issue 4: tail shows application traffic and hides the server's own.
#[test]
fn tail_follows_everything() {
    let p = flash();
    let mut t = p.arc(["--json", "tail", "--count", "2"]).spawn();
    t.wait_for("tailing `>`");
    p.arc(["request", "nobody", "x", "--timeout", "100ms"])
        .run();
    p.arc(["pub", "one.two", "1"]).run().success();
    p.arc(["pub", "three", "2"]).run().success();
    let subjects: Vec<String> = lines(&t.finish().1)
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(subjects, ["nobody", "one.two"]);
}

/// Issue 4: bad input is refused before connecting, with what is wrong and an example; exit 2.
#[test]
fn bad_input_is_explained() {
    let p = Project::new();
    let cases: [(&[&str], &str); 8] = [
        (
            &["pub", "a..b", "x"],
            "subject `a..b` is not valid: it has an empty token",
        ),
        (
            &["pub", "a.*", "x"],
            "wildcards (`*`, `>`) are for subscribing, not publishing",
        ),
        (
            &["sub", "a.>.b"],
            "`>` must be a whole token and the last one",
        ),
        (&["pub", "$SYS.x", "x"], "reserved for the server"),
        (
            &["replay", "AGENT_EVENTS", "--since", "yesterday"],
            "time `yesterday` is not valid",
        ),
        (
            &["replay", "AGENT.EVENTS", "--since", "1h"],
            "stream name `AGENT.EVENTS` is not valid",
        ),
        (&["pub", "a", "{{Nope}}"], "unknown placeholder `{{Nope}}`"),
        (
            &["pub", "a", "x", "-H", "novalue"],
            "header `novalue` is not valid",
        ),
    ];
    for (args, want) in cases {
        let out = p.arc(args).run().expect_code(2);
        assert!(
            out.stderr().contains(want),
            "arc {args:?}: {}",
            out.stderr()
        );
        assert!(
            out.stderr().contains("hint: for example"),
            "arc {args:?}: {}",
            out.stderr()
        );
    }
}

/// Issue 4: payloads over max_payload, unreachable servers, and secrets kept out of output.
#[test]
fn payload_limit_connection_failure_and_secrets() {
    let p = flash();
    let out = p
        .arc(["pub", "big", "--size", "2000000"])
        .run()
        .expect_code(2);
    assert!(
        out.stderr()
            .contains("the message is 2000000 bytes; the server at nats://127.0.0.1:"),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr()
            .contains("accepts at most 1048576 (max_payload)"),
        "{}",
        out.stderr()
    );
    let out = p
        .arc([
            "pub",
            "x",
            "y",
            "--server",
            "nats://arcuser:s3cr3t@127.0.0.1:1",
            "--connect-timeout",
            "1s",
        ])
        .run()
        .expect_code(1);
    assert!(
        out.stderr()
            .contains("cannot connect to nats://***@127.0.0.1:1"),
        "{}",
        out.stderr()
    );
    assert!(!out.stderr().contains("s3cr3t"), "{}", out.stderr());
    let out = p
        .arc([
            "pub",
            "x",
            "y",
            "--token",
            "t0psecret",
            "--server",
            "nats://127.0.0.1:1",
            "--connect-timeout",
            "1s",
        ])
        .run()
        .expect_code(1);
    assert!(!out.stderr().contains("t0psecret"), "{}", out.stderr());
}

fn strange() -> Project {
    require_servers();
    let p = Project::new();
    let up = p.arc(["up", "strange"]).run().success();
    // pulsar-lite has no admin API: arc says so once and relies on topic auto-creation.
    assert!(
        up.stderr()
            .contains("strange: no Pulsar admin API at http://127.0.0.1:"),
        "{}",
        up.stderr()
    );
    assert!(
        up.stderr().contains("relying on topic auto-creation"),
        "{}",
        up.stderr()
    );
    p
}

/// Issue 4: Pulsar produce → subscribe, and replay windows exact to the message (seek by
/// publish time), against pulsar-lite.
#[test]
fn pulsar_produce_subscribe_and_replay() {
    let p = strange();
    let topic = "persistent://public/default/arc-test";
    let batch = |tag: &str| {
        p.arc([
            "pub",
            topic,
            &format!("{tag}{{{{Count}}}}"),
            "--count",
            "3",
            "-H",
            &format!("batch:{tag}"),
        ])
        .run()
        .success();
    };
    let pause = || std::thread::sleep(std::time::Duration::from_millis(250));
    batch("a");
    pause();
    let t1 = chrono::Utc::now();
    pause();
    batch("b");
    pause();
    let t2 = chrono::Utc::now();
    pause();
    batch("c");
    let rfc =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let data = |out: &str| -> Vec<String> {
        lines(out)
            .iter()
            .map(|m| m["data"].as_str().unwrap().to_owned())
            .collect()
    };

    let out = p
        .arc([
            "--json",
            "replay",
            topic,
            "--since",
            &rfc(t1),
            "--until",
            &rfc(t2),
        ])
        .run()
        .success();
    assert_eq!(data(&out.stdout()), ["b1", "b2", "b3"]);
    let first = &lines(&out.stdout())[0];
    assert_eq!(first["headers"]["batch"][0], "b");
    assert!(first["published"].as_str().is_some());
    let out = p
        .arc(["--json", "replay", topic, "--since", "1h"])
        .run()
        .success();
    assert_eq!(
        data(&out.stdout()),
        ["a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3"]
    );
    let out = p
        .arc([
            "--json",
            "replay",
            topic,
            "--since",
            &t2.timestamp_millis().to_string(),
        ])
        .run()
        .success();
    assert_eq!(data(&out.stdout()), ["c1", "c2", "c3"]);
    pause();
    let after = rfc(chrono::Utc::now());
    let out = p
        .arc(["--json", "replay", topic, "--since", &after])
        .run()
        .success();
    assert!(out.stdout().is_empty(), "{}", out.stdout());

    // A subscription from the earliest message reads what is there; `--count` ends it.
    let out = p
        .arc([
            "--json",
            "sub",
            topic,
            "--position",
            "earliest",
            "--subscription",
            "t1",
            "--count",
            "4",
        ])
        .run()
        .success();
    assert_eq!(data(&out.stdout()), ["a1", "a2", "a3", "b1"]);
    // A live one sees new messages only.
    let mut live = p
        .arc([
            "--json",
            "sub",
            topic,
            "--subscription",
            "t2",
            "--count",
            "1",
        ])
        .spawn();
    live.wait_for("listening on `persistent://public/default/arc-test`");
    p.arc(["pub", topic, "fresh"]).run().success();
    assert_eq!(data(&live.finish().1), ["fresh"]);
}

/// Issue 4: Pulsar-specific bad input.
#[test]
fn pulsar_bad_input() {
    let p = Project::new();
    let out = p
        .arc(["pub", "persistent://public/default", "x"])
        .run()
        .expect_code(2);
    assert!(
        out.stderr()
            .contains("Pulsar topic `persistent://public/default` is not valid"),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr()
            .contains("hint: for example: `persistent://public/default/agent-events`"),
        "{}",
        out.stderr()
    );
    let out = p
        .arc([
            "replay",
            "persistent://public/default/t",
            "--since",
            "1h",
            "--subject",
            "a",
        ])
        .run()
        .expect_code(2);
    assert!(
        out.stderr()
            .contains("it filters JetStream subjects; a Pulsar topic has none"),
        "{}",
        out.stderr()
    );
    let out = p
        .arc(["pub", "persistent://public/default/t", "x", "--jetstream"])
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("it is a NATS option"),
        "{}",
        out.stderr()
    );
    let out = p
        .arc([
            "replay",
            "persistent://public/default/t",
            "--since",
            "2h",
            "--until",
            "3h",
        ])
        .run()
        .expect_code(2);
    assert!(
        out.stderr().contains("`--until` is before `--since`"),
        "{}",
        out.stderr()
    );
}

/// The NATS version pinned in `services/messaging/NATS_VERSION`, and its `major.minor`.
fn pinned_nats() -> (String, String) {
    let path = support::repo().join("services/messaging/NATS_VERSION");
    let pinned = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .to_owned();
    let Some((minor, _)) = pinned.rsplit_once('.') else {
        panic!("{}: `{pinned}` is not MAJOR.MINOR.PATCH", path.display());
    };
    let minor = minor.to_owned();
    (pinned, minor)
}

/// Issue 22: the nats-server that runs is the one pinned in `services/messaging/NATS_VERSION`
/// (what `make deps` installs), and `arc health` says which version runs, in the table and in
/// `--json`.
#[test]
fn the_pinned_nats_version_is_the_one_that_runs() {
    let (pinned, _) = pinned_nats();
    let p = flash();
    let health = p.arc(["--json", "health", "flash"]).run().success().json();
    assert_eq!(
        health[0]["version"],
        pinned.as_str(),
        "the nats-server that runs is not the pinned {pinned}: `make deps` installs it: {health}"
    );
    let table = p.arc(["health", "flash"]).run().success().stdout();
    assert!(
        table.to_ascii_lowercase().contains("version") && table.contains(&pinned),
        "{table}"
    );
}

/// Issue 22: every place that names Flash's NATS version names the pinned one's minor (the
/// image tags, `NATS 2.x` in the README, service.yaml and the Dockerfile), and the Docker tests'
/// image has one tag everywhere, the one `scripts/test-image.sh` builds.
#[test]
fn the_nats_version_is_pinned_in_one_place() {
    let (pinned, minor) = pinned_nats();
    let read = |f: &str| {
        std::fs::read_to_string(support::repo().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
    };
    let image = format!("nats:{minor}-alpine");
    for (file, wants) in [
        ("services/messaging/service.yaml", format!("image: {image}")),
        ("services/messaging/Dockerfile", format!("ARG BASE={image}")),
        ("README.md", format!("| NATS {minor} + JetStream |")),
        (
            "scripts/deps.sh",
            "services/messaging/NATS_VERSION".to_owned(),
        ),
        (
            "scripts/test-image.sh",
            "services/messaging/NATS_VERSION".to_owned(),
        ),
    ] {
        assert!(
            read(file).contains(&wants),
            "{file} lacks `{wants}` (pinned: {pinned})"
        );
    }
    // No other NATS version named anywhere that describes Flash.
    for file in [
        "README.md",
        "services/messaging/service.yaml",
        "services/messaging/Dockerfile",
        "services/messaging/docker-compose.yml",
        "services/messaging/flash.mk",
    ] {
        for (n, line) in read(file).lines().enumerate() {
            for named in nats_versions_named(line) {
                assert_eq!(
                    named,
                    minor,
                    "{file}:{}: names NATS {named} but {pinned} is pinned (services/messaging/NATS_VERSION): {line}",
                    n + 1,
                );
            }
        }
    }
    // One tag for the Docker tests' image, the one scripts/test-image.sh builds.
    let tags = |text: &str| -> Vec<String> {
        text.split("arc-test/backbone:")
            .skip(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
            .filter(|t: &String| !t.is_empty())
            .collect()
    };
    let built = tags(&read("scripts/test-image.sh"))[0].clone();
    for file in [
        "tests/docker.rs",
        "tests/gateway.rs",
        "overlays/offline.yaml",
        "scripts/bench-docker.sh",
        "services/pipeline/Dockerfile",
        "README.md",
    ] {
        for t in tags(&read(file)) {
            assert_eq!(
                t, built,
                "{file} uses arc-test/backbone:{t}, scripts/test-image.sh builds :{built}"
            );
        }
    }
}

/// The `MAJOR.MINOR` of every "NATS 2.x", "nats:2.x…" or "NATS v2.x" in `line`.
fn nats_versions_named(line: &str) -> Vec<String> {
    let lower = line.to_ascii_lowercase();
    let mut found = Vec::new();
    for (at, _) in lower.match_indices("nats") {
        let rest = &lower[at + 4..];
        let Some(rest) = rest.strip_prefix([' ', ':']) else {
            continue;
        };
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Some(after) = rest[major.len()..].strip_prefix('.') else {
            continue;
        };
        let minor: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !major.is_empty() && !minor.is_empty() {
            found.push(format!("{major}.{minor}"));
        }
    }
    found
}
