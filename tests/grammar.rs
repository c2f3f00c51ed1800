//! Issue 25 part 5, "one grammar": sizes, times, durations and yes/no values read the same in
//! every flag and `ARC_*` variable; `--progress json` prints only JSON lines; and no message a
//! user reads shows Rust syntax or a parser's internals. Most cases need no server: they run the
//! binary down each error path it can reach and check the words and the exit code.

mod support;

use serde_json::Value;
use support::{require_servers, Project};

/// Words that are Rust's or a parser's, never the user's.
fn assert_plain_words(what: &str, text: &str) {
    for banned in [
        "..=",
        "expected ident",
        "invalid digit",
        "Some(",
        "Ok(",
        "Err(",
        "{:?}",
        "\\\"",
        "panicked",
    ] {
        assert!(
            !text.contains(banned),
            "{what}: `{banned}` in what the user reads:\n{text}"
        );
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .collect();
    assert!(
        !words.contains(&"None"),
        "{what}: Rust's `None` in what the user reads:\n{text}"
    );
}

/// One invocation, its expected exit code, and words its stderr must hold.
struct Case {
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    code: i32,
    says: &'static str,
}

fn case(args: &[&str], code: i32, says: &'static str) -> Case {
    Case {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        env: Vec::new(),
        code,
        says,
    }
}

fn with_env(mut c: Case, k: &'static str, v: &str) -> Case {
    c.env.push((k, v.to_owned()));
    c
}

/// Issue 25: every error path reachable without a server names the input in plain words and
/// exits with the usage code (2) where the input is wrong.
#[test]
fn error_paths_speak_plainly() {
    let p = Project::new();
    // Nothing listens there: a command that gets past its flags fails to connect (exit 1).
    let nats = format!("nats://127.0.0.1:{}", p.ports["nats_client"]);
    let pipeline = format!("http://127.0.0.1:{}", p.ports["pipeline"]);
    let n = nats.as_str();
    let pulsar = format!("pulsar://127.0.0.1:{}", p.ports["pulsar_broker"]);
    let cases = vec![
        // Sizes: one grammar (`2MiB`, `1GB`, bytes) in every flag and variable.
        case(&["pub", "x", "--size", "2X"], 2, "unknown size unit `X`"),
        case(&["pub", "x", "--size", "10G"], 2, "`10G` is ambiguous"),
        case(&["pub", "x", "--size", "lots"], 2, "`lots` is not a size"),
        case(&["pub", "x", "--size=-3"], 2, "is not a size"),
        case(
            &["pub", "x", "--size", "2MiB", "--server", n],
            1,
            "cannot connect",
        ),
        case(
            &["pub", "x", "--size", "1MB", "--server", n],
            1,
            "cannot connect",
        ),
        case(
            &["pub", "x", "--size", "4096", "--server", n],
            1,
            "cannot connect",
        ),
        case(
            &["serve", "--log-batch-bytes", "1X"],
            2,
            "unknown size unit",
        ),
        case(&["serve", "--body-budget", "1MiB"], 2, "at least 128MiB"),
        with_env(
            case(&["serve"], 2, "unknown size unit"),
            "ARC_BODY_BUDGET",
            "2X",
        ),
        // Times: durations ago, RFC 3339, unix seconds or milliseconds, in every time flag.
        case(
            &["logs", "--since", "yesterday"],
            2,
            "`yesterday` is not valid",
        ),
        case(
            &["logs", "--since", "2026-12-07T20:00:00Z"],
            1,
            "no service has a log",
        ),
        case(
            &["logs", "--since", "1763892000"],
            1,
            "no service has a log",
        ),
        case(
            &["logs", "--since", "1763892000000"],
            1,
            "no service has a log",
        ),
        case(&["logs", "--since", "90s"], 1, "no service has a log"),
        case(
            &[
                "replay",
                "AGENT_EVENTS",
                "--since",
                "yesterday",
                "--server",
                n,
            ],
            2,
            "`yesterday` is not valid",
        ),
        case(
            &[
                "replay",
                "AGENT_EVENTS",
                "--since",
                "1h",
                "--until",
                "soon",
                "--server",
                n,
            ],
            2,
            "`soon` is not valid",
        ),
        // Durations: zero or negative where they make no sense.
        case(&["request", "x", "--timeout", "0"], 2, "more than zero"),
        case(&["request", "x", "--timeout", "0ms"], 2, "more than zero"),
        case(&["request", "x", "--timeout=-5s"], 2, "cannot be negative"),
        case(
            &["request", "x", "--timeout", "soon"],
            2,
            "`soon` is not a duration",
        ),
        case(
            &["request", "x", "--timeout", "1x2"],
            2,
            "is not a duration",
        ),
        case(
            &["request", "x", "--timeout", "2s", "--server", n],
            1,
            "cannot connect",
        ),
        case(&["up", "--timeout", "0"], 2, "more than zero"),
        case(&["health", "--wait", "0s"], 2, "more than zero"),
        case(&["pub", "x", "--connect-timeout", "0"], 2, "more than zero"),
        with_env(
            case(
                &["sub", "persistent://public/default/t"],
                2,
                "more than zero",
            ),
            "ARC_PULSAR_KEEPALIVE",
            "0",
        ),
        case(&["serve", "--lease-ttl", "0"], 2, "at least 1s"),
        // Yes/no variables.
        with_env(
            case(&["ps"], 2, "`maybe` is neither yes nor no"),
            "ARC_JSON",
            "maybe",
        ),
        with_env(
            case(&["ps"], 2, "`2` is neither yes nor no"),
            "ARC_QUIET",
            "2",
        ),
        // Other usage errors, and failures past the flags.
        case(&["up", "nosuch"], 2, "unknown profile or service `nosuch`"),
        case(
            &["pub", "x", "y", "--event-time", "1h", "--server", n],
            2,
            "Pulsar option",
        ),
        case(
            &["messages", "dead", "--pipeline-url", &pipeline],
            2,
            "no admin token",
        ),
        with_env(
            case(
                &["messages", "dead", "--pipeline-url", &pipeline],
                1,
                "cannot list",
            ),
            "ARC_ADMIN_TOKEN",
            "t",
        ),
        case(&["sub", "a..b", "--server", n], 2, "`a..b`"),
        case(
            &["pub", "agent events", "x", "--server", n],
            2,
            "whitespace",
        ),
        case(
            &["sub", "persistent://te$nant/ns/t", "--pulsar-url", &pulsar],
            2,
            "character `$` in the tenant",
        ),
        case(
            &["pub", "persistent://a/b/c/d", "x", "--pulsar-url", &pulsar],
            2,
            "inside the topic's own name",
        ),
        case(&["nosuchcommand"], 2, "unrecognized subcommand"),
    ];
    let mut wrong = Vec::new();
    for c in cases {
        let what = format!("arc {} (env {:?})", c.args.join(" "), c.env);
        let mut run = p.arc(&c.args);
        for (k, v) in &c.env {
            run = run.env(k, v);
        }
        let done = run.run();
        let (out, err) = (done.stdout(), done.stderr());
        if done.code() != c.code || !err.contains(c.says) {
            wrong.push(format!(
                "{what}: expected exit {} and `{}`, got exit {}:\nstdout: {out}\nstderr: {err}",
                c.code,
                c.says,
                done.code()
            ));
        }
        assert_plain_words(&what, &out);
        assert_plain_words(&what, &err);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// Issue 25: `ARC_JSON`/`ARC_QUIET` take 1/0, true/false, yes/no (any case), not only `true`.
#[test]
fn yes_no_variables_take_the_usual_spellings() {
    let p = Project::new();
    for yes in ["1", "true", "TRUE", "yes", "Yes", "on"] {
        let done = p.arc(["ps"]).env("ARC_JSON", yes).run().success();
        assert_eq!(done.json(), Value::Array(vec![]), "ARC_JSON={yes}");
        let done = p.arc(["ps"]).env("ARC_QUIET", yes).run().success();
        assert_eq!(done.stderr(), "", "ARC_QUIET={yes}");
    }
    for no in ["0", "false", "No", "off"] {
        let done = p.arc(["ps"]).env("ARC_JSON", no).run().success();
        assert!(
            done.stderr().contains("nothing is running"),
            "ARC_JSON={no}"
        );
        assert!(!done.stdout().starts_with('['), "ARC_JSON={no}");
    }
}

/// Issue 25: with `--progress json` every line on stdout and stderr is one JSON object, the
/// final error included.
#[test]
fn progress_json_prints_only_json_lines() {
    let p = Project::new();
    let done = p
        .arc(["up", "nosuch", "--progress", "json"])
        .run()
        .expect_code(2);
    let err = done.stderr();
    let lines: Vec<&str> = err.lines().collect();
    assert!(!lines.is_empty(), "nothing on stderr");
    for line in lines
        .iter()
        .chain(done.stdout().lines().collect::<Vec<_>>().iter())
    {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}\nstderr: {err}"));
        assert!(v.is_object(), "{line}");
    }
    let last: Value = serde_json::from_str(lines[lines.len() - 1]).expect("JSON");
    assert_eq!(last["level"], "error", "{last}");
    assert!(
        last["message"]
            .as_str()
            .is_some_and(|m| m.contains("`nosuch`")),
        "{last}"
    );
}

/// Issue 25: a size flag takes units, and JetStream sequences read as words (`seq 1 to 3`,
/// not `1..=3`), against a real NATS server.
#[test]
fn sizes_and_sequences_against_nats() {
    require_servers();
    let p = Project::new();
    p.arc(["up", "flash"]).run().success();
    let done = p
        .arc([
            "pub",
            "agent.events.grammar",
            "--size",
            "2KiB",
            "--count",
            "3",
            "--jetstream",
        ])
        .run()
        .success();
    let err = done.stderr();
    assert!(err.contains("(6144 bytes)"), "{err}");
    assert!(err.contains("stored in `AGENT_EVENTS` seq 1 to 3"), "{err}");
    assert_plain_words("arc pub --jetstream", &err);
    let done = p
        .arc(["pub", "agent.events.grammar", "x", "--jetstream"])
        .run()
        .success();
    assert!(
        done.stderr().contains("stored in `AGENT_EVENTS` seq 4"),
        "{}",
        done.stderr()
    );
    let info = p.arc(["streams", "info", "AGENT_EVENTS"]).run().success();
    let out = info.stdout();
    assert!(
        out.lines()
            .any(|l| l.starts_with("sequences") && l.trim_end().ends_with("1 to 4")),
        "{out}"
    );
    assert_plain_words("arc streams info", &out);

    // `arc logs --since` takes the time forms of `arc replay --since`.
    let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    for since in [
        an_hour_ago.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        an_hour_ago.timestamp().to_string(),
        an_hour_ago.timestamp_millis().to_string(),
        "1h".to_owned(),
    ] {
        let done = p.arc(["logs", "flash", "--since", &since]).run().success();
        assert!(!done.stdout().is_empty(), "--since {since}: no lines");
    }
    let future = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let done = p.arc(["logs", "flash", "--since", &future]).run().success();
    assert_eq!(done.stdout(), "", "--since {future}");
}
