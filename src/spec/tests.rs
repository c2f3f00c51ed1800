//! Loading, overlays and every validation error, with its exact message.

use super::service::HealthSpec;
use super::*;

const CACHE: &str = "name: cache
codename: sonic
image: redis:7.4-alpine
ports:
  - { name: client, container: 6379, host: 6379 }
health: { kind: redis, target: client, interval: 1s, timeout: 1s, start_period: 2s, retries: 5 }
native:
  command: [redis-server, --port, \"{port.client}\", --dir, \"{data}\"]
exports:
  ARC_REDIS_URL: \"redis://{host}:{port.client}\"
";

const NATS: &str = "name: messaging
codename: flash
image: nats:2.15-alpine
ports:
  - { name: client, container: 4222, host: 4222 }
  - { name: monitor, container: 8222, host: 8222 }
health: { kind: nats, target: monitor, interval: 1s, timeout: 1s, start_period: 2s, retries: 5 }
native:
  command: [nats-server, -p, \"{port.client}\"]
";

const PROFILES: &str = "default: think
profiles:
  think:
    services: [flash, sonic]
";

fn src(name: &str, text: &str) -> Source {
    Source {
        name: name.to_owned(),
        text: text.to_owned(),
    }
}

fn load(
    services: &[(&str, &str)],
    profiles: &str,
    overlays: &[(&str, &str)],
) -> Result<Catalog, SpecError> {
    let services: Vec<Source> = services.iter().map(|(n, t)| src(n, t)).collect();
    let overlays: Vec<Source> = overlays.iter().map(|(n, t)| src(n, t)).collect();
    Catalog::from_sources(
        Origin::Embedded,
        &src("profiles.yaml", profiles),
        &services,
        &overlays,
    )
}

fn stock(overlays: &[(&str, &str)]) -> Result<Catalog, SpecError> {
    load(
        &[
            ("services/cache/service.yaml", CACHE),
            ("services/messaging/service.yaml", NATS),
        ],
        PROFILES,
        overlays,
    )
}

/// The diagnostics of a load that must fail, rendered one per line.
fn problems(r: Result<Catalog, SpecError>) -> Vec<String> {
    match r {
        Err(SpecError::Invalid(d)) => d.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("expected diagnostics, got {e}"),
        Ok(_) => panic!("expected diagnostics, the files loaded"),
    }
}

#[test]
fn the_embedded_stock_files_are_valid() {
    let c = Catalog::load(None, &[]).unwrap();
    let names: Vec<&str> = c.services.iter().map(|s| s.name.as_str()).collect();
    // Every service directory of the checkout is built in (a profile naming one that is not
    // would make the embedded files invalid).
    let mut dirs: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/services"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("service.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(names, dirs);
    assert_eq!(c.default_profile, "think");
    assert_eq!(c.select(&["think".into()]).unwrap().len(), 5);
    assert_eq!(c.select(&["messaging".into()]).unwrap().len(), 3);
    for s in &c.services {
        assert!(s.ports.iter().all(|p| p.bind.is_loopback()), "{}", s.name);
    }
    let pulsar = c.service("strange").unwrap();
    assert_eq!(pulsar.port("admin").unwrap().host, Some(8082));
    assert_eq!(pulsar.port("admin").unwrap().container, 8080);
    assert!(c
        .service("flash")
        .unwrap()
        .port("cluster")
        .unwrap()
        .host
        .is_none());
}

#[test]
fn unknown_field_names_file_line_column_field_and_the_expected_ones() {
    let bad = CACHE.replace("host: 6379", "hots: 6379");
    let p = problems(load(
        &[("services/cache/service.yaml", &bad)],
        "default: think\nprofiles: {think: {services: [sonic]}}\n",
        &[],
    ));
    assert_eq!(
        p,
        ["services/cache/service.yaml:5:38: `ports[0].hots`: unknown field `hots` (did you mean `host`?), expected one of `name`, `container`, `host`, `bind`"]
    );
}

#[test]
fn wrong_type_names_what_was_expected() {
    let bad = CACHE.replace("retries: 5", "retries: many");
    let p = problems(load(
        &[("services/cache/service.yaml", &bad)],
        "default: think\nprofiles: {think: {services: [sonic]}}\n",
        &[],
    ));
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("services/cache/service.yaml:6:"),
        "{}",
        p[0]
    );
    assert!(
        p[0].contains("`health.retries`: invalid type: string \"many\", expected u32"),
        "{}",
        p[0]
    );
}

#[test]
fn bad_duration_is_explained() {
    let bad = CACHE.replace("interval: 1s", "interval: soon");
    let p = problems(load(
        &[("services/cache/service.yaml", &bad)],
        "default: think\nprofiles: {think: {services: [sonic]}}\n",
        &[],
    ));
    assert!(
        p[0].contains("`health.interval`: `soon` is not a duration"),
        "{}",
        p[0]
    );
}

#[test]
fn semantic_errors_point_at_their_line() {
    let bad = CACHE
        .replace("target: client", "target: admin")
        .replace("\"{data}\"]", "\"{datadir}\"]")
        .replace("host: 6379 }", "host: 6379, bind: 0.0.0.0 }");
    let p = problems(load(
        &[("services/cache/service.yaml", &bad)],
        "default: think\nprofiles: {think: {services: [sonic]}}\n",
        &[],
    ));
    assert_eq!(
        p,
        [
            "services/cache/service.yaml:5:50: `ports[0].bind`: `0.0.0.0` is not a loopback address; arc publishes ports on 127.0.0.1 only",
            "services/cache/service.yaml:6:24: `health.target`: unknown port `admin`; the service's ports: `client`",
            "services/cache/service.yaml:8:59: `native.command[4]`: unknown placeholder `{datadir}`; use {data}, {host}, {service}, {replica}, {replicas}, {env.NAME}, {instances.SERVICE.PORT}, {each.SERVICE.PORT}, {port.NAME} or {peers.NAME} with one of the ports: client",
        ]
    );
}

#[test]
fn unknown_dependency_lists_the_known_services() {
    let bad = format!("{CACHE}depends_on: [nats]\n");
    let p = problems(stock_with_cache(&bad));
    assert_eq!(
        p,
        ["services/cache/service.yaml:11:14: `depends_on[0]`: unknown service `nats`; known: `cache` (sonic), `messaging` (flash)"]
    );
}

fn stock_with_cache(cache: &str) -> Result<Catalog, SpecError> {
    load(
        &[
            ("services/cache/service.yaml", cache),
            ("services/messaging/service.yaml", NATS),
        ],
        PROFILES,
        &[],
    )
}

#[test]
fn a_dependency_cycle_is_named() {
    let cache = format!("{CACHE}depends_on: [flash]\n");
    let nats = format!("{NATS}depends_on: [sonic]\n");
    let p = problems(load(
        &[
            ("services/cache/service.yaml", &cache),
            ("services/messaging/service.yaml", &nats),
        ],
        PROFILES,
        &[],
    ));
    assert_eq!(p, ["services/cache/service.yaml:11:1: `depends_on`: dependency cycle: cache -> messaging -> cache"]);
}

#[test]
fn depending_on_itself_is_reported_once() {
    let p = problems(stock_with_cache(&format!("{CACHE}depends_on: [sonic]\n")));
    assert_eq!(
        p,
        ["services/cache/service.yaml:11:14: `depends_on[0]`: a service cannot depend on itself"]
    );
}

#[test]
fn a_profile_naming_an_unknown_service_is_reported_in_profiles_yaml() {
    let p = problems(load(
        &[
            ("services/cache/service.yaml", CACHE),
            ("services/messaging/service.yaml", NATS),
        ],
        "default: think\nprofiles:\n  think:\n    services: [flash, pulsar]\n",
        &[],
    ));
    assert_eq!(
        p,
        ["profiles.yaml:4:23: `profiles.think.services[1]`: unknown service `pulsar`; known: `cache` (sonic), `messaging` (flash)"]
    );
}

#[test]
fn a_directory_mismatch_is_reported() {
    let p = problems(load(
        &[("services/redis/service.yaml", CACHE)],
        "default: think\nprofiles: {think: {services: [sonic]}}\n",
        &[],
    ));
    assert_eq!(p, ["services/redis/service.yaml:1:1: `name`: `cache` does not match its directory `redis`; a service is named after its directory"]);
}

#[test]
fn two_services_on_one_port_is_an_error() {
    let nats = NATS.replace("host: 4222", "host: 6379");
    let p = problems(load(
        &[
            ("services/cache/service.yaml", CACHE),
            ("services/messaging/service.yaml", &nats),
        ],
        PROFILES,
        &[],
    ));
    assert_eq!(p, ["services/messaging/service.yaml:5:5: `ports[0]`: port 6379 is also used by `cache` (port `client`)"]);
}

#[test]
fn overlays_merge_ports_by_name_env_by_key_and_replace_commands() {
    let overlay = "services:
  sonic:
    ports:
      - { name: client, host: 16379 }
    env: { A: b }
    native:
      command: [redis-server, --port, \"{port.client}\"]
  flash:
    image: local/nats:test
profiles:
  quick:
    services: [sonic]
default: quick
";
    let c = stock(&[("o.yaml", overlay)]).unwrap();
    let cache = c.service("cache").unwrap();
    assert_eq!(cache.port("client").unwrap().host, Some(16379));
    assert_eq!(cache.port("client").unwrap().container, 6379);
    assert_eq!(cache.env["A"], "b");
    assert_eq!(cache.native.command.len(), 3);
    assert_eq!(
        cache.resolved_exports()["ARC_REDIS_URL"],
        "redis://127.0.0.1:16379"
    );
    assert_eq!(c.service("flash").unwrap().image, "local/nats:test");
    assert_eq!(c.default_profile, "quick");
    assert_eq!(c.select(&[]).unwrap().len(), 1);
}

/// Issue 13: an overlay gives a service a `build:` (stage and args), and a later one merges
/// its args key by key.
#[test]
fn overlays_give_and_merge_build_sections() {
    let first = "services:
  sonic:
    image: local/redis:offline
    build:
      context: .
      dockerfile: services/cache/Dockerfile
      target: slim
      args: { BASE: \"local/base:1\", BINARY: target/release/x }
";
    let second = "services:\n  sonic:\n    build: { args: { BINARY: target/debug/x } }\n";
    let c = stock(&[("a.yaml", first), ("b.yaml", second)]).unwrap();
    let b = c.service("cache").unwrap().build.clone().unwrap();
    assert_eq!(b.context.as_deref(), Some("."));
    assert_eq!(b.dockerfile, "services/cache/Dockerfile");
    assert_eq!(b.target.as_deref(), Some("slim"));
    assert_eq!(b.args["BASE"], "local/base:1");
    assert_eq!(b.args["BINARY"], "target/debug/x");
    assert!(c.service("flash").unwrap().build.is_none());
}

#[test]
fn overlay_errors_point_into_the_overlay() {
    let p = problems(stock(&[("o.yaml", "services:\n  redis:\n    image: x\n")]));
    assert_eq!(p, ["o.yaml:2:3: `services.redis`: unknown service `redis`; known: `cache` (sonic), `messaging` (flash); an overlay changes services, a new one is a new `services/<dir>/service.yaml`"]);
    let p = problems(stock(&[("o.yaml", "services:\n  sonc:\n    image: x\n")]));
    assert!(
        p[0].starts_with(
            "o.yaml:2:3: `services.sonc`: unknown service `sonc` (did you mean `sonic`?); known:"
        ),
        "{}",
        p[0]
    );
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  sonic:\n    health:\n      target: nope\n",
    )]));
    assert_eq!(
        p,
        ["o.yaml:4:7: `health.target`: unknown port `nope`; the service's ports: `client`"]
    );
    let p = problems(stock(&[("o.yaml", "services:\n  sonic:\n    imag: x\n")]));
    assert!(
        p[0].starts_with(
            "o.yaml:3:5: `services.sonic.imag`: unknown field `imag` (did you mean `image`?), expected one of `image`, "
        ),
        "{}",
        p[0]
    );
}

/// Issue 25: a port an overlay names that the service does not have is a misspelling unless
/// the overlay declares it whole; it is refused where it is written, never added beside the
/// port meant (which would never move).
#[test]
fn an_overlay_port_the_service_lacks_is_refused_unless_declared_whole() {
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  sonic:\n    ports:\n      - { name: clinet, host: 16379 }\n",
    )]));
    assert_eq!(p, ["o.yaml:4:11: `services.sonic.ports[0].name`: unknown port `clinet` (did you mean `client`?); the service's ports: `client`; to add a port, give its `container` port too"]);
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  flash:\n    ports:\n      - { name: debug, host: 9229 }\n",
    )]));
    assert_eq!(p, ["o.yaml:4:11: `services.flash.ports[0].name`: unknown port `debug`; the service's ports: `client`, `monitor`; to add a port, give its `container` port too"]);

    // Declared whole but on a container port the service already has: a misspelt move too.
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  sonic:\n    ports:\n      - { name: clinet, container: 6379, host: 16379 }\n",
    )]));
    assert_eq!(p, ["o.yaml:4:11: `services.sonic.ports[0].name`: unknown port `clinet` (did you mean `client`?): the service's port `client` is already container port 6379; to move it, name it `client`"]);

    // Declared whole, a new port is added, and its placeholder works.
    let c = stock(&[(
        "o.yaml",
        "services:\n  sonic:\n    ports:\n      - { name: debug, container: 9229, host: 19229 }\n    native:\n      command: [redis-server, --port, \"{port.debug}\"]\n",
    )])
    .unwrap();
    let cache = c.service("cache").unwrap();
    assert_eq!(cache.port("debug").unwrap().container, 9229);
    assert_eq!(cache.port("debug").unwrap().host, Some(19229));
    assert_eq!(cache.port("client").unwrap().host, Some(6379));
}

/// Issue 25: a problem with a port an overlay wrote is reported at that overlay's entry for the
/// port (the overlay lists ports in its own order), and one it did not write at the file that
/// did.
#[test]
fn port_problems_point_at_the_entry_that_wrote_the_port() {
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  flash:\n    ports:\n      - { name: monitor, host: 4222 }\n",
    )]));
    assert_eq!(
        p,
        ["o.yaml:4:9: `ports[0]`: port 4222 is also used by `messaging` (port `client`)"]
    );
    // The second overlay moves `client` onto the first overlay's new port.
    let p = problems(stock(&[
        (
            "a.yaml",
            "services:\n  flash:\n    ports:\n      - { name: extra, container: 7000, host: 7000 }\n",
        ),
        (
            "b.yaml",
            "services:\n  sonic:\n    env: { A: b }\n  flash:\n    ports:\n      - { name: client, host: 7000 }\n",
        ),
    ]));
    assert_eq!(
        p,
        ["a.yaml:4:9: `ports[0]`: port 7000 is also used by `messaging` (port `client`)"]
    );
}

/// Issue 25: a profile or default an overlay writes is reported in the overlay, at its line
/// and column, not at profiles.yaml's.
#[test]
fn profile_problems_point_into_the_overlay_that_wrote_the_profile() {
    let p = problems(stock(&[(
        "o.yaml",
        "default: quik\nprofiles:\n  quick:\n    services: [sonic, flsh]\n",
    )]));
    assert_eq!(
        p,
        [
            "o.yaml:1:1: `default`: unknown profile `quik` (did you mean `quick`?); known: `quick`, `think`",
            "o.yaml:4:23: `profiles.quick.services[1]`: unknown service `flsh` (did you mean `flash`?); known: `cache` (sonic), `messaging` (flash)",
        ]
    );
    // A later overlay that replaces the profile takes the blame; one that does not, does not.
    let p = problems(stock(&[
        ("a.yaml", "profiles:\n  quick:\n    services: [nope]\n"),
        ("b.yaml", "profiles:\n  other:\n    services: [sonic]\n"),
    ]));
    assert_eq!(p, ["a.yaml:3:16: `profiles.quick.services[0]`: unknown service `nope`; known: `cache` (sonic), `messaging` (flash)"]);
    let p = problems(stock(&[(
        "a.yaml",
        "profiles:\n  think:\n    services: []\n",
    )]));
    assert_eq!(
        p,
        ["a.yaml:3:5: `profiles.think.services`: a profile needs at least one service"]
    );
}

#[test]
fn unknown_targets_list_profiles_and_services() {
    let c = stock(&[]).unwrap();
    let e = c.select(&["thinking".into()]).unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown profile or service `thinking`; known: profiles `think`; services `cache` (sonic), `messaging` (flash)"
    );
    assert_eq!(
        c.select(&["sonic".into(), "cache".into()]).unwrap().len(),
        1
    );
}

#[test]
fn waves_put_dependencies_first() {
    let cache = format!("{CACHE}depends_on: [flash]\n");
    let c = stock_with_cache(&cache).unwrap();
    let selected = c.select(&["sonic".into()]).unwrap();
    let waves = crate::plan::waves(&c, &selected).unwrap();
    let names: Vec<Vec<&str>> = waves
        .iter()
        .map(|w| w.iter().map(|s| s.name.as_str()).collect())
        .collect();
    assert_eq!(names, [vec!["messaging"], vec!["cache"]]);
}

#[test]
fn a_key_written_twice_is_an_error_not_a_silent_override() {
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  sonic:\n    image: a\n  sonic:\n    image: b\n",
    )]));
    assert_eq!(
        p,
        ["o.yaml:4:3: `services.sonic`: this key is written twice in the same mapping; keep one"]
    );
}

/// Found by the `spec` fuzz target (fuzz/seeds/spec/crash-a093bb44…): libyaml reports the end of
/// a text without a final line break one line past it, its messages held their own position,
/// which then disagreed with the diagnostic's, and a syntax error's field was `?`.
#[test]
fn errors_at_the_end_of_the_text_point_into_it() {
    let one = |text: &str| match parse_document::<ServiceSpec>("s.yaml", text) {
        Err(SpecError::Invalid(d)) if d.len() == 1 => d[0].to_string(),
        other => panic!("expected one diagnostic, got {other:?}"),
    };
    assert_eq!(one("#"), "s.yaml:1:2: missing field `name`");
    assert_eq!(one("\u{feff}# é"), "s.yaml:1:4: missing field `name`");
    assert_eq!(one("#\n"), "s.yaml:2:1: missing field `name`");
    assert_eq!(one("#\r\n#\r#"), "s.yaml:3:2: missing field `name`");
    assert_eq!(
        one("name: x\nimage\n"),
        "s.yaml:3:1: could not find expected ':', while scanning a simple key"
    );
    assert_eq!(
        one("name: x\nimage"),
        "s.yaml:2:6: could not find expected ':', while scanning a simple key"
    );
}

#[test]
fn positions_are_taken_out_of_messages_and_nothing_else() {
    assert_eq!(
        strip_positions("could not find expected ':' at line 10 column 1, while scanning a simple key at line 9 column 1"),
        "could not find expected ':', while scanning a simple key"
    );
    assert_eq!(
        strip_positions("invalid type: string \"at line 3\" at line 2 column 7"),
        "invalid type: string \"at line 3\""
    );
    assert_eq!(strip_positions("x at line 1 column"), "x at line 1 column");
    assert_eq!(within_text("a\u{2028}b", 3, 1), (2, 2));
    assert_eq!(within_text("a\nb", 2, 2), (2, 2));
}

/// Found by the `spec` fuzz target (fuzz/seeds/spec/crash-c1c53245…, crash-e3332dbc…,
/// crash-20b25d4b…): the error for a second document had no position; it points at the second
/// document's first node.
#[test]
fn a_second_document_is_pointed_at() {
    let e = parse_document::<Overlay>("o.yaml", "services: {}\n---\nprofiles: {}\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid configuration:\n  o.yaml:3:1: deserializing from YAML containing more than one document is not supported"
    );
    // libyaml reads a second document in `! ]` and `! !a b`: yaml-rust2 a syntax error and one
    // document.
    let e = parse_document::<Overlay>("o.yaml", "! !a b")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("invalid configuration:\n  o.yaml:1:3: "),
        "{e}"
    );
    let e = parse_document::<Overlay>("o.yaml", "! ]")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("invalid configuration:\n  o.yaml:1:3: "),
        "{e}"
    );
    assert_eq!(
        locate::fallback_position("# c\n--- a\n...\n--- b\n"),
        Some((4, 5))
    );
    assert_eq!(locate::fallback_position("a: 1\n...\n"), None);
}

/// Found by the `spec` fuzz target (fuzz/seeds/spec/crash-2a7fea19…, crash-20b25d4b…): a file
/// saved with a byte order mark (as some Windows editors do) did not load, its second top-level
/// key read as a second document.
#[test]
fn a_byte_order_mark_is_not_part_of_the_document() {
    let o = parse_document::<Overlay>("o.yaml", "\u{feff}default: quick\nprofiles: {}\n").unwrap();
    assert_eq!(o.default.as_deref(), Some("quick"));
    let c = stock_with_cache(&format!("\u{feff}{CACHE}")).unwrap();
    assert_eq!(c.service("sonic").unwrap().ports.len(), 1);
    let p = problems(stock_with_cache(&format!(
        "\u{feff}{}",
        CACHE.replace("retries: 5", "retries: x")
    )));
    assert!(
        p[0].starts_with("services/cache/service.yaml:6:"),
        "{}",
        p[0]
    );
}

/// Found by running the `spec` target's checks on an overlay: a start period of u64::MAX seconds
/// validated, and `HealthSpec::deadline` (which `arc up` adds to the clock) panicked on overflow.
#[test]
fn health_durations_are_bounded() {
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  sonic:\n    health:\n      start_period: 18446744073709551615\n",
    )]));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("o.yaml:4:7: `health.start_period`: `"),
        "{}",
        p[0]
    );
    assert!(
        p[0].ends_with("is too long; health durations are at most 1day"),
        "{}",
        p[0]
    );
    let c = stock(&[(
        "o.yaml",
        "services:\n  sonic:\n    health: { interval: 24h, retries: 4294967295 }\n",
    )])
    .unwrap();
    let h = &c.service("sonic").unwrap().health;
    assert_eq!(h.deadline(), h.start_period + h.interval * 4_294_967_295);
    let huge = HealthSpec {
        start_period: std::time::Duration::MAX,
        ..h.clone()
    };
    assert_eq!(huge.deadline(), std::time::Duration::MAX);
}

/// Issue 14: `replicas: N` makes N instances with their own names, ports, volumes and peers.
#[test]
fn replicas_expand_into_named_instances_with_offset_ports_and_peers() {
    let overlay = "services:
  flash:
    replicas: 3
    command: [nats-server, --routes, \"{peers.cluster.nats}\", --name, \"n{replica}of{replicas}\"]
    ports:
      - { name: cluster, container: 6222 }
    native:
      command: [nats-server, -p, \"{port.client}\", --cluster, \"nats://{host}:{port.cluster}\", --routes, \"{peers.cluster.nats}\"]
";
    let cache = format!(
        "{CACHE}depends_on: [flash]\nvolumes: [{{ name: arc-cache-data, target: /data }}]\n"
    );
    let c = load(
        &[
            ("services/cache/service.yaml", &cache),
            ("services/messaging/service.yaml", NATS),
        ],
        PROFILES,
        &[("cluster.yaml", overlay)],
    )
    .unwrap();
    let names: Vec<&str> = c.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["cache", "messaging-1", "messaging-2", "messaging-3"]
    );
    let m2 = c.service("messaging-2").unwrap();
    assert_eq!(m2.codename.as_deref(), Some("flash-2"));
    assert_eq!(m2.port("client").unwrap().native_port(), 4223);
    assert_eq!(m2.port("client").unwrap().host, Some(4223));
    // Not published: the container port in Docker, offset natively.
    assert_eq!(m2.port("cluster").unwrap().container, 6222);
    assert_eq!(m2.port("cluster").unwrap().native_port(), 6223);
    assert_eq!(m2.command[4], "n2of3");
    assert_eq!(
        m2.peers_placeholder("peers.cluster.nats", false).unwrap(),
        "nats://127.0.0.1:6222,nats://127.0.0.1:6224"
    );
    assert_eq!(
        m2.peers_placeholder("peers.cluster", true).unwrap(),
        "arc-messaging-1:6222,arc-messaging-3:6222"
    );
    assert_eq!(m2.labels["arc.replica.of"], "messaging");
    // The group's name and codename mean every instance: in targets, profiles, dependencies.
    assert_eq!(c.select(&["flash".into()]).unwrap().len(), 3);
    assert_eq!(c.select(&["think".into()]).unwrap().len(), 4);
    assert_eq!(c.service("flash").unwrap().name, "messaging-1");
    let selected = c.select(&["sonic".into()]).unwrap();
    let waves = crate::plan::waves(&c, &selected).unwrap();
    let names: Vec<Vec<&str>> = waves
        .iter()
        .map(|w| w.iter().map(|s| s.name.as_str()).collect())
        .collect();
    assert_eq!(
        names,
        [
            vec!["messaging-1", "messaging-2", "messaging-3"],
            vec!["cache"]
        ]
    );
    // A service that is not replicated keeps its name and volume; `{replica}` is 1 there.
    assert_eq!(
        c.service("cache").unwrap().volumes[0].name,
        "arc-cache-data"
    );
}

#[test]
fn replica_volumes_and_exports_follow_the_instance() {
    let nats = format!(
        "{NATS}replicas: 2\nvolumes: [{{ name: arc-messaging-data, target: /data }}]\nexports:\n  ARC_NATS_URL: \"nats://{{host}}:{{port.client}}\"\n"
    );
    let c = load(
        &[
            ("services/cache/service.yaml", CACHE),
            ("services/messaging/service.yaml", &nats),
        ],
        PROFILES,
        &[],
    )
    .unwrap();
    let vols: Vec<&str> = c
        .services
        .iter()
        .flat_map(|s| s.volumes.iter().map(|v| v.name.as_str()))
        .collect();
    assert_eq!(vols, ["arc-messaging-data-1", "arc-messaging-data-2"]);
    let joined = join_exports(
        c.services
            .iter()
            .filter(|s| s.belongs_to("flash"))
            .map(ServiceSpec::resolved_exports),
    );
    assert_eq!(
        joined["ARC_NATS_URL"],
        "nats://127.0.0.1:4222,nats://127.0.0.1:4223"
    );
}

#[test]
fn a_bad_replica_count_or_port_range_points_at_its_line() {
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  flash:\n    replicas: 0\n",
    )]));
    assert_eq!(
        p,
        ["o.yaml:3:5: `replicas`: expected a number of instances from 1 to 9, got 0"]
    );
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  flash:\n    replicas: 3\n    ports:\n      - { name: client, host: 65534 }\n",
    )]));
    assert_eq!(
        p,
        ["o.yaml:3:5: `replicas`: 3 instances of port `client` would need ports past 65535; use a lower port"]
    );
    // An instance's port meets another service's.
    let p = problems(stock(&[("o.yaml", "services:\n  sonic:\n    ports:\n      - { name: client, host: 4223 }\n  flash:\n    replicas: 2\n")]));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("port 4223 is also used by"), "{}", p[0]);
    // `{peers.NAME}` must name a port.
    let p = problems(stock(&[(
        "o.yaml",
        "services:\n  flash:\n    native:\n      command: [x, \"{peers.nope}\"]\n",
    )]));
    assert!(
        p[0].contains("unknown placeholder `{peers.nope}`"),
        "{}",
        p[0]
    );
}

/// A gateway-like service in front of a replicated `messaging`: `{each.…}` lines and
/// `{instances.…}` lists, for both runtimes.
const FRONT: &str = "name: front
image: proxy
ports:
  - { name: http, container: 8000, host: 8000 }
health: { kind: tcp, target: http, interval: 1s, timeout: 1s, start_period: 1s, retries: 1 }
depends_on: [flash]
fronts: [flash]
files:
  - target: /etc/proxy.yml
    content: |
      servers:
        - url: \"{each.flash.client.nats}\"
native:
  command: [proxy, \"--to={instances.messaging.client}\"]
  files:
    - path: \"{data}/Caddyfile\"
      content: |
        http://:{port.http} {
        \treverse_proxy {
        \t\tto {each.messaging.client}
        \t}
        }
exports:
  ARC_NATS_URL: \"nats://{host}:{port.http}\"
";

fn fronted() -> Catalog {
    load(
        &[
            ("services/cache/service.yaml", CACHE),
            ("services/front/service.yaml", FRONT),
            (
                "services/messaging/service.yaml",
                &format!("{NATS}replicas: 2\nexports:\n  ARC_NATS_URL: \"nats://{{host}}:{{port.client}}\"\n"),
            ),
        ],
        PROFILES,
        &[],
    )
    .unwrap()
}

#[test]
fn each_lines_repeat_per_instance_and_instances_join_with_commas() {
    let c = fronted();
    let front = c.service("front").unwrap();
    let native = front.expand_file(&front.native.files[0].content, false, |k| {
        (k == "port.http").then(|| "8000".to_owned())
    });
    // The Caddyfile's own braces are text, not placeholders.
    assert_eq!(
        native,
        "http://:8000 {\n\treverse_proxy {\n\t\tto 127.0.0.1:4222\n\t\tto 127.0.0.1:4223\n\t}\n}\n"
    );
    let docker = front.expand_file(&front.files[0].content, true, |_| None);
    assert_eq!(
        docker,
        "servers:\n  - url: \"nats://arc-messaging-1:4222\"\n  - url: \"nats://arc-messaging-2:4222\"\n"
    );
    assert_eq!(
        front.instances_placeholder("instances.messaging.client", false),
        Some(vec![
            "127.0.0.1:4222".to_owned(),
            "127.0.0.1:4223".to_owned()
        ])
    );
    assert_eq!(
        expand_placeholders("a {b} {not a key} {c", |k| (k == "b").then(|| "B".into())),
        "a B {not a key} {c"
    );
}

#[test]
fn a_front_replaces_what_it_stands_for_where_both_run() {
    let c = fronted();
    let all: Vec<&ServiceSpec> = c.services.iter().collect();
    let both = fronted_exports(&all, ServiceSpec::resolved_exports);
    assert_eq!(both["ARC_NATS_URL"], "nats://127.0.0.1:8000");
    let without: Vec<&ServiceSpec> = c.services.iter().filter(|s| s.name != "front").collect();
    let alone = fronted_exports(&without, ServiceSpec::resolved_exports);
    assert_eq!(
        alone["ARC_NATS_URL"],
        "nats://127.0.0.1:4222,nats://127.0.0.1:4223"
    );
}

#[test]
fn an_instances_placeholder_must_name_a_service_and_its_port() {
    let bad = FRONT
        .replace("{instances.messaging.client}", "{instances.nope.client}")
        .replace("{each.flash.client.nats}", "{each.flash.nope}");
    let p = problems(load(
        &[
            ("services/cache/service.yaml", CACHE),
            ("services/front/service.yaml", &bad),
            ("services/messaging/service.yaml", NATS),
        ],
        PROFILES,
        &[],
    ));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p.iter()
            .any(|l| l.contains("`{instances.nope.client}` names no service `nope`")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|l| l.contains("`{each.flash.nope}`: service `flash` has no port `nope`")),
        "{p:?}"
    );
}
