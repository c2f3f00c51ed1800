//! Issue 7, observability: the OpenTelemetry collector's configuration against the services it
//! scrapes, and the exporters run for real through arc's process runtime.
//!
//! The collector has two configurations: `services/otel/collector.yaml` (the container's, with
//! container names and container ports) and its twin in `services/otel/service.yaml`
//! (`native.files`, 127.0.0.1 and the published ports). These tests keep both in step with each
//! other and with every service.yaml, so neither can drift.
//!
//! What could not run on this machine: `otelcol-contrib` and `prometheus-nats-exporter` are not
//! packaged for Debian, there is no Go toolchain to build them and no registry to pull their
//! images from. The collector is therefore checked as configuration only (its scrapes are
//! emulated against the real targets below), and the NATS exporter runs only where its binary is
//! on PATH. `prometheus-redis-exporter` (Debian) and pulsar-lite's /metrics run for real.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::Path;
use std::time::Duration;

use serde_json::Value as Json;
use serde_yaml_ng::Value;
use support::{listen_addrs, require_servers, Project, Run};

/// The services the collector scrapes, by job: Flash through the NATS exporter (NATS serves
/// JSON, not Prometheus text), Strange itself, Sonic through the Redis exporter, the pipeline.
const JOBS: [(&str, &str); 4] = [
    ("flash", "nats-exporter"),
    ("strange", "streaming"),
    ("sonic", "redis-exporter"),
    ("pipeline", "pipeline"),
];

/// Where the pipeline will listen until its service.yaml exists (`arc serve`, port 8090).
const PIPELINE_PORT: u16 = 8090;

/// The environment variable that points the collector at an OTLP backend.
const OTLP_VAR: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `services/<dir>/service.yaml` of the checkout, by name.
fn services() -> BTreeMap<String, Value> {
    std::fs::read_dir(support::repo().join("services"))
        .expect("services/")
        .flatten()
        .map(|e| e.path().join("service.yaml"))
        .filter(|p| p.is_file())
        .map(|p| {
            let v = yaml(&p);
            (v["name"].as_str().expect("a name").to_owned(), v)
        })
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_sequence()
        .map(|s| {
            s.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => panic!("not a string: {other:?}"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A port of a service: (container, the port the process runtime uses).
fn port(svc: &Value, name: &str) -> (u16, u16) {
    let p = svc["ports"]
        .as_sequence()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("{}: no port `{name}`", svc["name"].as_str().unwrap_or("?")));
    let num = |v: &Value| v.as_u64().and_then(|n| u16::try_from(n).ok());
    let container = num(&p["container"]).expect("a container port");
    (container, num(&p["host"]).unwrap_or(container))
}

/// The service and port name listening at `target` (`host:port`): on the Docker network
/// (`arc-<service>:<container port>`) or natively (`127.0.0.1:<published port>`).
fn resolve(
    services: &BTreeMap<String, Value>,
    target: &str,
    docker: bool,
) -> Option<(String, String)> {
    let (host, num) = target.rsplit_once(':')?;
    let num: u16 = num.parse().ok()?;
    let candidates: Vec<(&String, &Value)> = if docker {
        let name = host.strip_prefix("arc-")?;
        services.get_key_value(name).into_iter().collect()
    } else {
        if host != "127.0.0.1" {
            return None;
        }
        services.iter().collect()
    };
    candidates.into_iter().find_map(|(name, svc)| {
        svc["ports"].as_sequence()?.iter().find_map(|p| {
            let pname = p["name"].as_str()?;
            let (container, native) = port(svc, pname);
            (if docker { container } else { native } == num)
                .then(|| (name.clone(), pname.to_owned()))
        })
    })
}

/// One scrape job: name, path, targets.
struct Job {
    name: String,
    path: String,
    targets: Vec<String>,
}

fn jobs(config: &Value, which: &str) -> Vec<Job> {
    let scrapes = config["receivers"]["prometheus"]["config"]["scrape_configs"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{which}: no receivers.prometheus.config.scrape_configs"));
    // Only the keys that say what to scrape: nothing that changes how a failure is handled.
    let allowed = [
        "job_name",
        "metrics_path",
        "static_configs",
        "scrape_interval",
        "scrape_timeout",
        "scheme",
    ];
    scrapes
        .iter()
        .map(|s| {
            let name = s["job_name"].as_str().expect("job_name").to_owned();
            for key in s.as_mapping().expect("a scrape config").keys() {
                let key = key.as_str().unwrap_or_default();
                assert!(
                    allowed.contains(&key),
                    "{which}: job `{name}` sets `{key}`; only {allowed:?} are expected"
                );
            }
            let targets = s["static_configs"]
                .as_sequence()
                .expect("static_configs")
                .iter()
                .flat_map(|c| strs(&c["targets"]))
                .collect();
            Job {
                path: s["metrics_path"].as_str().unwrap_or("/metrics").to_owned(),
                name,
                targets,
            }
        })
        .collect()
}

/// The collector's configuration as the process runtime writes it, `{host}` and the collector's
/// own ports filled in as arc does.
fn native_config(otel: &Value) -> (String, Value) {
    let files = otel["native"]["files"].as_sequence().expect("native.files");
    assert_eq!(
        files.len(),
        1,
        "one native file: the collector's configuration"
    );
    let path = files[0]["path"].as_str().unwrap().to_owned();
    let mut content = files[0]["content"]
        .as_str()
        .unwrap()
        .replace("{host}", "127.0.0.1");
    for p in otel["ports"].as_sequence().unwrap() {
        let name = p["name"].as_str().unwrap();
        content = content.replace(&format!("{{port.{name}}}"), &port(otel, name).1.to_string());
    }
    assert!(
        !content.contains('{'),
        "a placeholder arc would not fill: {content}"
    );
    (
        path,
        serde_yaml_ng::from_str(&content).expect("the native file is YAML"),
    )
}

/// Keys anywhere in `v`.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                out.push(k.as_str().unwrap_or_default().to_owned());
                keys(v, out);
            }
        }
        Value::Sequence(s) => s.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

/// Every component a pipeline names is defined, every defined one is used, and the metrics
/// pipeline runs the prometheus receiver into the otlp and debug exporters.
fn check_pipelines(config: &Value, which: &str) {
    let pipelines = config["service"]["pipelines"]
        .as_mapping()
        .unwrap_or_else(|| panic!("{which}: no service.pipelines"));
    let metrics = &config["service"]["pipelines"]["metrics"];
    assert!(
        strs(&metrics["receivers"]).contains(&"prometheus".to_owned()),
        "{which}: the metrics pipeline does not take the prometheus receiver"
    );
    for e in ["otlp", "debug"] {
        assert!(
            strs(&metrics["exporters"]).contains(&e.to_owned()),
            "{which}: the metrics pipeline does not export to `{e}`"
        );
    }
    for section in ["receivers", "processors", "exporters"] {
        let used: BTreeSet<String> = pipelines.values().flat_map(|p| strs(&p[section])).collect();
        let defined: BTreeSet<String> = config[section]
            .as_mapping()
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            used, defined,
            "{which}: {section} defined vs used in pipelines"
        );
    }
    let extensions: BTreeSet<String> = strs(&config["service"]["extensions"]).into_iter().collect();
    let defined: BTreeSet<String> = config["extensions"]
        .as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        extensions, defined,
        "{which}: extensions defined vs enabled"
    );
}

/// Nothing turns a failed scrape (or an unreachable backend) into a fatal error or an unhealthy
/// collector: the receiver's default (`up 0`, a warning, retry next interval) stands.
fn check_failures_not_fatal(config: &Value, which: &str) {
    let mut all = Vec::new();
    keys(config, &mut all);
    for k in &all {
        assert!(
            ![
                "check_collector_pipeline",
                "component_health",
                "include_permanent_errors",
                "include_recoverable_errors",
            ]
            .contains(&k.as_str())
                && !k.contains("fatal"),
            "{which}: `{k}` would make a failure fatal or the collector unhealthy"
        );
    }
    let receiver = config["receivers"]["prometheus"].as_mapping().unwrap();
    let receiver_keys: Vec<&str> = receiver.keys().filter_map(Value::as_str).collect();
    assert_eq!(
        receiver_keys,
        ["config"],
        "{which}: prometheus receiver options"
    );
}

/// Issue 7: every scrape target of the collector (both configurations) is a port a service.yaml
/// declares, the two configurations differ only in addresses, the receivers and exporters are
/// wired into a metrics pipeline, and nothing makes an unreachable target fatal.
#[test]
fn collector_config_matches_the_declared_services() {
    let services = services();
    let otel = &services["otel"];
    let docker = yaml(&support::repo().join("services/otel/collector.yaml"));
    let (native_path, native) = native_config(otel);

    // The native command reads the file arc writes, with and without the endpoint variable.
    let config_arg = format!("--config={native_path}");
    let command = strs(&otel["native"]["command"]);
    assert_eq!(command, ["otelcol-contrib", config_arg.as_str()]);
    let variant = otel["native"]["variants"]
        .as_sequence()
        .and_then(|vs| vs.iter().find(|v| v["when_env"] == OTLP_VAR))
        .expect("a native variant for OTEL_EXPORTER_OTLP_ENDPOINT");
    assert_eq!(
        strs(&variant["command"]),
        [
            "otelcol-contrib".to_owned(),
            config_arg.clone(),
            format!("--set=exporters.otlp.endpoint={{env.{OTLP_VAR}}}"),
        ]
    );

    let mut by_job: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (which, config, on_docker) in [
        ("services/otel/collector.yaml", &docker, true),
        ("services/otel/service.yaml native.files", &native, false),
    ] {
        check_pipelines(config, which);
        check_failures_not_fatal(config, which);
        let jobs = jobs(config, which);
        let names: BTreeSet<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
        let expected: BTreeSet<&str> = JOBS.iter().map(|(j, _)| *j).collect();
        assert_eq!(names, expected, "{which}: jobs");
        for job in &jobs {
            assert_eq!(job.path, "/metrics", "{which}: job `{}`", job.name);
            assert_eq!(job.targets.len(), 1, "{which}: job `{}`", job.name);
            let target = &job.targets[0];
            let service = JOBS.iter().find(|(j, _)| *j == job.name).unwrap().1;
            let found = if service == "pipeline" && !services.contains_key("pipeline") {
                // The pipeline's service.yaml is not there yet: its agreed address, on a port
                // nothing else declares.
                let expected = if on_docker {
                    format!("arc-pipeline:{PIPELINE_PORT}")
                } else {
                    format!("127.0.0.1:{PIPELINE_PORT}")
                };
                assert_eq!(target, &expected, "{which}: job `pipeline`");
                assert!(
                    resolve(&services, &format!("127.0.0.1:{PIPELINE_PORT}"), false).is_none(),
                    "port {PIPELINE_PORT} belongs to another service"
                );
                ("pipeline".to_owned(), "metrics".to_owned())
            } else {
                resolve(&services, target, on_docker).unwrap_or_else(|| {
                    panic!(
                        "{which}: job `{}` scrapes `{target}`, which no service.yaml declares \
                         ({})",
                        job.name,
                        if on_docker {
                            "expected arc-<service>:<container port>"
                        } else {
                            "expected 127.0.0.1:<published port>"
                        }
                    )
                })
            };
            assert_eq!(
                found.0, service,
                "{which}: job `{}` scrapes {found:?}",
                job.name
            );
            if let Some(other) = by_job.insert(job.name.clone(), found.clone()) {
                assert_eq!(
                    other, found,
                    "job `{}`: the two configurations scrape different ports",
                    job.name
                );
            }
        }
    }
    // Strange is scraped on its web/admin port (Pulsar's /metrics; pulsar-lite's, natively).
    assert_eq!(by_job["strange"].1, "admin");

    // The collector's health check listens on its `health` port: every interface inside the
    // container (published on 127.0.0.1 only), 127.0.0.1 natively.
    let (container, published) = port(otel, "health");
    assert_eq!(
        docker["extensions"]["health_check"]["endpoint"].as_str(),
        Some(format!("0.0.0.0:{container}").as_str())
    );
    assert_eq!(
        native["extensions"]["health_check"]["endpoint"].as_str(),
        Some(format!("127.0.0.1:{published}").as_str())
    );
    assert_eq!(otel["health"]["target"], "health");

    // The OTLP endpoint is one variable, with the same default in both.
    let docker_endpoint = docker["exporters"]["otlp"]["endpoint"].as_str().unwrap();
    let default = docker_endpoint
        .strip_prefix(&format!("${{env:{OTLP_VAR}:-"))
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or_else(|| {
            panic!("the otlp endpoint is not ${{env:{OTLP_VAR}:-…}}: {docker_endpoint}")
        });
    assert_eq!(
        native["exporters"]["otlp"]["endpoint"].as_str(),
        Some(default)
    );

    // Apart from those addresses the two configurations are the same.
    let blank = |config: &Value| {
        let mut c = config.clone();
        c["extensions"]["health_check"]["endpoint"] = Value::Null;
        c["exporters"]["otlp"]["endpoint"] = Value::Null;
        for s in c["receivers"]["prometheus"]["config"]["scrape_configs"]
            .as_sequence_mut()
            .unwrap()
        {
            s["static_configs"] = Value::Null;
        }
        c
    };
    assert!(
        blank(&docker) == blank(&native),
        "collector.yaml and its native twin differ in more than addresses"
    );

    // The container's image carries collector.yaml where the upstream image reads its config.
    let dockerfile = std::fs::read_to_string(support::repo().join("services/otel/Dockerfile"))
        .expect("services/otel/Dockerfile");
    let base = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("ARG BASE=otel/opentelemetry-collector-contrib:"))
        .expect("ARG BASE=otel/opentelemetry-collector-contrib:<version>");
    assert!(
        base.split('.').count() == 3 && base.split('.').all(|n| n.parse::<u32>().is_ok()),
        "the upstream collector is pinned to a version, not `{base}`"
    );
    assert!(dockerfile.contains("COPY collector.yaml /etc/otelcol-contrib/config.yaml"));
    assert!(dockerfile.contains(r#"CMD ["--config=/etc/otelcol-contrib/config.yaml"]"#));
    assert!(otel["build"].is_mapping(), "otel builds its thin image");
}

/// Issue 7: each exporter reads the service it exports where that service listens (Docker and
/// native), and listens where the collector scrapes it.
#[test]
fn exporters_point_at_their_services() {
    let services = services();
    let (nats, redis) = (&services["nats-exporter"], &services["redis-exporter"]);
    let (monitor_c, monitor_n) = port(&services["messaging"], "monitor");
    let (client_c, client_n) = port(&services["cache"], "client");
    let (nats_c, _) = port(nats, "metrics");
    let (redis_c, _) = port(redis, "metrics");

    let after = |args: &[String], flag: &str| -> String {
        let i = args
            .iter()
            .position(|a| a == flag)
            .unwrap_or_else(|| panic!("no `{flag}` in {args:?}"));
        args[i + 1].clone()
    };

    let docker = strs(&nats["command"]);
    assert_eq!(
        docker.last().unwrap(),
        &format!("http://arc-messaging:{monitor_c}")
    );
    assert_eq!(after(&docker, "-port"), nats_c.to_string());
    let native = strs(&nats["native"]["command"]);
    assert_eq!(native[0], "prometheus-nats-exporter");
    assert_eq!(
        native.last().unwrap(),
        &format!("http://{{host}}:{monitor_n}")
    );
    assert_eq!(after(&native, "-addr"), "{host}");
    assert_eq!(after(&native, "-port"), "{port.metrics}");
    assert_eq!(nats["depends_on"], Value::from(vec!["flash"]));

    let docker = strs(&redis["command"]);
    assert_eq!(
        after(&docker, "--redis.addr"),
        format!("redis://arc-cache:{client_c}")
    );
    assert_eq!(
        after(&docker, "--web.listen-address"),
        format!(":{redis_c}")
    );
    let native = strs(&redis["native"]["command"]);
    assert_eq!(native[0], "prometheus-redis-exporter");
    assert_eq!(
        after(&native, "--redis.addr"),
        format!("redis://{{host}}:{client_n}")
    );
    assert_eq!(
        after(&native, "--web.listen-address"),
        "{host}:{port.metrics}"
    );
    assert_eq!(redis["depends_on"], Value::from(vec!["sonic"]));
}

/// Issue 7: `observe` is the backbone (every service of `think`) plus the collector and both
/// exporters, and arc accepts the files.
#[test]
fn observe_profile_is_the_backbone_plus_observability() {
    let v = Run::new(["--json", "config", "validate"])
        .run()
        .success()
        .json();
    assert_eq!(v["valid"], true, "{v}");
    let profiles = Run::new(["--json", "profiles", "ls"])
        .run()
        .success()
        .json();
    let services_of = |name: &str| -> BTreeSet<String> {
        profiles
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no profile `{name}`: {profiles}"))["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let observe = services_of("observe");
    for s in services_of("think").iter().map(String::as_str).chain([
        "otel",
        "nats-exporter",
        "redis-exporter",
    ]) {
        assert!(observe.contains(s), "`observe` lacks `{s}`: {observe:?}");
    }
}

/// `GET path` on 127.0.0.1:`port`: the status and body.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

/// Asserts `body` is Prometheus text exposition: `name{labels} value` samples and `#` lines.
fn assert_prometheus_text(what: &str, body: &str) {
    let mut samples = 0;
    for line in body
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let name_end = line.find(['{', ' ']).unwrap_or(line.len());
        let name = &line[..name_end];
        assert!(
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "{what}: `{line}` is not a Prometheus sample"
        );
        let rest = match line[name_end..].strip_prefix('{') {
            Some(_) => &line[line.rfind('}').expect("closing }") + 1..],
            None => &line[name_end..],
        };
        let value = rest.split_whitespace().next().unwrap_or_default();
        assert!(
            value.parse::<f64>().is_ok(),
            "{what}: `{line}` has no numeric value"
        );
        samples += 1;
    }
    assert!(samples > 0, "{what}: no samples in:\n{body}");
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

fn require_redis_exporter() {
    assert!(
        on_path("prometheus-redis-exporter") && on_path("redis-server"),
        "prometheus-redis-exporter or redis-server is not installed: \
         apt-get install prometheus-redis-exporter redis-server, or run `make deps`"
    );
}

/// An overlay entry for `service` with its `metrics` port moved to `metrics` and, in its stock
/// native command, the stock port `from` of the service it reads replaced by `to`.
fn exporter_overlay(
    services: &BTreeMap<String, Value>,
    service: &str,
    metrics: u16,
    from: u16,
    to: u16,
) -> String {
    let command: Vec<String> = strs(&services[service]["native"]["command"])
        .into_iter()
        .map(|a| a.replace(&format!("{{host}}:{from}"), &format!("{{host}}:{to}")))
        .collect();
    format!(
        "  {service}:\n    ports: [ {{ name: metrics, host: {metrics} }} ]\n    native:\n      command: {}\n",
        serde_json::to_string(&command).unwrap()
    )
}

fn ps_row<'a>(ps: &'a Json, service: &str) -> &'a Json {
    ps.as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service)
        .unwrap_or_else(|| panic!("no row for `{service}`: {ps}"))
}

/// Issue 7: the Debian redis exporter, started by arc's process runtime beside a real Sonic,
/// serves `redis_up 1` on 127.0.0.1 only, and keeps serving (`redis_up 0`) when Sonic is gone:
/// a missing target is not fatal.
#[test]
fn redis_exporter_scrapes_sonic_through_arc() {
    require_servers();
    require_redis_exporter();
    let services = services();
    let metrics = support::free_port();
    let p = Project::new();
    // The harness moves Sonic to a free port; the exporter's stock command reads Sonic's stock
    // port, so the test's overlay moves that too (and the exporter's own port).
    let stock_redis = port(&services["cache"], "client").1;
    let overlay = exporter_overlay(
        &services,
        "redis-exporter",
        metrics,
        stock_redis,
        p.ports["redis"],
    );
    std::fs::write(p.extra_overlay(), format!("services:\n{overlay}")).unwrap();
    let up = p
        .arc(["--json", "up", "redis-exporter"])
        .run()
        .success()
        .json();
    let started: BTreeSet<&str> = up
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service"].as_str().unwrap())
        .collect();
    assert_eq!(started, BTreeSet::from(["cache", "redis-exporter"]), "{up}");

    let (status, body) = http_get(metrics, "/metrics").expect("the exporter answers");
    assert_eq!(status, 200);
    assert_prometheus_text("redis-exporter", &body);
    assert!(
        body.lines().any(|l| l == "redis_up 1"),
        "redis_up 1 in:\n{body}"
    );

    let health = p
        .arc(["--json", "health", "redis-exporter"])
        .run()
        .success()
        .json();
    assert_eq!(health[0]["healthy"], true, "{health}");
    let ps = p.arc(["--json", "ps"]).run().success().json();
    let pid = u32::try_from(ps_row(&ps, "redis-exporter")["pid"].as_u64().unwrap()).unwrap();
    let addrs = listen_addrs(pid);
    assert_eq!(
        addrs,
        [format!("127.0.0.1:{metrics}")],
        "the exporter listens on"
    );

    p.arc(["down", "sonic"]).run().success();
    let (status, body) = http_get(metrics, "/metrics").expect("the exporter still answers");
    assert_eq!(status, 200);
    assert!(
        body.lines().any(|l| l == "redis_up 0"),
        "redis_up 0 in:\n{body}"
    );
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert_eq!(ps_row(&ps, "redis-exporter")["state"], "running", "{ps}");
}

/// Issue 7: the collector's native scrapes, done by hand: every job whose service this machine
/// can run is started by arc on free ports, and its target answers the job's path with
/// Prometheus text. Flash's job needs prometheus-nats-exporter (not packaged for Debian: run only
/// where it is on PATH); the pipeline's runs once its service.yaml is declared (`arc serve`, with
/// Flash, Sonic and the log store under it).
#[test]
fn collector_targets_serve_prometheus_text() {
    require_servers();
    require_redis_exporter();
    let services = services();
    let (_, native) = native_config(&services["otel"]);
    let p = Project::new();
    let (redis_metrics, nats_metrics) = (support::free_port(), support::free_port());
    let with_nats = on_path("prometheus-nats-exporter");
    let mut overlay = exporter_overlay(
        &services,
        "redis-exporter",
        redis_metrics,
        port(&services["cache"], "client").1,
        p.ports["redis"],
    );
    let mut start = vec!["--json", "up", "strange", "redis-exporter"];
    let mut moved: BTreeMap<(String, String), u16> = BTreeMap::from([
        (
            ("streaming".into(), "admin".into()),
            p.ports["pulsar_admin"],
        ),
        (("redis-exporter".into(), "metrics".into()), redis_metrics),
        (("nats-exporter".into(), "metrics".into()), nats_metrics),
    ]);
    let pipeline = jobs(&native, "the native configuration")
        .into_iter()
        .find(|j| j.name == "pipeline")
        .and_then(|j| resolve(&services, &j.targets[0], false));
    if let Some((service, port_name)) = &pipeline {
        let at = support::free_port();
        overlay += &format!("  {service}:\n    ports: [ {{ name: {port_name}, host: {at} }} ]\n");
        moved.insert((service.clone(), port_name.clone()), at);
        start.push("pipeline");
    }
    if with_nats {
        overlay += &exporter_overlay(
            &services,
            "nats-exporter",
            nats_metrics,
            port(&services["messaging"], "monitor").1,
            p.ports["nats_monitor"],
        );
        start.push("nats-exporter");
    }
    std::fs::write(p.extra_overlay(), format!("services:\n{overlay}")).unwrap();
    p.arc(start).run().success();

    let mut scraped = BTreeSet::new();
    for job in jobs(&native, "the native configuration") {
        let Some((service, port_name)) = resolve(&services, &job.targets[0], false) else {
            // The pipeline, until its service.yaml exists.
            continue;
        };
        if service == "nats-exporter" && !with_nats {
            continue;
        }
        let at = moved
            .get(&(service.clone(), port_name.clone()))
            .unwrap_or_else(|| panic!("job `{}`: {service}.{port_name} was not started", job.name));
        let (status, body) = http_get(*at, &job.path)
            .unwrap_or_else(|| panic!("job `{}`: nothing answers on {at}", job.name));
        assert_eq!(status, 200, "job `{}`: GET {}: {body}", job.name, job.path);
        assert_prometheus_text(&job.name, &body);
        scraped.insert(job.name);
    }
    let expected = ["strange", "sonic"]
        .into_iter()
        .chain(pipeline.is_some().then_some("pipeline"))
        .chain(with_nats.then_some("flash"));
    for job in expected {
        assert!(
            scraped.contains(job),
            "job `{job}` was not scraped: {scraped:?}"
        );
    }
}
