//! Semantic checks over a loaded catalog: names, ports, placeholders, dependencies, profiles.

use std::collections::{BTreeMap, BTreeSet};

use super::{Catalog, Diagnostic, Located, ServiceSpec};

/// Signals a native service may be stopped with.
pub(crate) const STOP_SIGNALS: &[&str] = &["TERM", "INT", "QUIT", "HUP"];

/// Checks `catalog`, pushing one diagnostic per problem. `at_service(service, field)` and
/// `at_profiles(field)` say where a field was written.
pub(super) fn check(
    catalog: &Catalog,
    diags: &mut Vec<Diagnostic>,
    at_service: &dyn Fn(&str, &str) -> Located,
    at_profiles: &dyn Fn(&str) -> Located,
) {
    let mut push_svc = |service: &str, field: &str, message: String| {
        let (file, line, column, field) = at_service(service, field);
        diags.push(Diagnostic {
            file,
            line,
            column,
            field,
            message,
        });
    };
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    let mut host_ports: BTreeMap<u16, (&str, &str)> = BTreeMap::new();
    for s in &catalog.services {
        if s.name.is_empty()
            || !s
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            push_svc(
                &s.name,
                "name",
                format!(
                    "`{}` is not a valid name; use lowercase letters, digits and `-`",
                    s.name
                ),
            );
        }
        if let Some(code) = &s.codename {
            if let Some(other) = names.insert(code, &s.name) {
                push_svc(
                    &s.name,
                    "codename",
                    format!("`{code}` is already used by service `{other}`"),
                );
            }
        }
        if let Some(other) = names.insert(&s.name, &s.name) {
            if other != s.name {
                push_svc(
                    &s.name,
                    "name",
                    format!("`{}` is already the codename of `{other}`", s.name),
                );
            }
        }
        check_ports(s, &mut host_ports, &mut push_svc);
        check_health(s, &mut push_svc);
        check_native(s, &mut push_svc);
        for (i, name) in s.fronts.iter().enumerate() {
            if !catalog.services.iter().any(|o| o.belongs_to(name)) || s.belongs_to(name) {
                push_svc(
                    &s.name,
                    &format!("fronts[{i}]"),
                    format!(
                        "`{name}` is not another service; known: {}",
                        super::known_services(&catalog.services)
                    ),
                );
            }
        }
        for (i, dep) in s.depends_on.iter().enumerate() {
            let field = format!("depends_on[{i}]");
            if s.belongs_to(dep) {
                push_svc(&s.name, &field, "a service cannot depend on itself".into());
            } else if !catalog.services.iter().any(|o| o.belongs_to(dep)) {
                push_svc(
                    &s.name,
                    &field,
                    format!(
                        "unknown service `{dep}`{}; known: {}",
                        super::suggest::hint(dep, super::service_names(&catalog.services)),
                        super::known_services(&catalog.services)
                    ),
                );
            }
        }
    }
    if let Some(cycle) = find_cycle(&catalog.services) {
        push_svc(
            &cycle[0],
            "depends_on",
            format!("dependency cycle: {}", cycle.join(" -> ")),
        );
    }

    let mut push_prof = |field: &str, message: String| {
        let (file, line, column, field) = at_profiles(field);
        diags.push(Diagnostic {
            file,
            line,
            column,
            field,
            message,
        });
    };
    if !catalog.profiles.contains_key(&catalog.default_profile) {
        push_prof(
            "default",
            format!(
                "unknown profile `{}`{}; known: {}",
                catalog.default_profile,
                super::suggest::hint(
                    &catalog.default_profile,
                    catalog.profiles.keys().map(String::as_str)
                ),
                catalog
                    .profiles
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    for (name, profile) in &catalog.profiles {
        if profile.services.is_empty() {
            push_prof(
                &format!("profiles.{name}.services"),
                "a profile needs at least one service".into(),
            );
        }
        for (i, svc) in profile.services.iter().enumerate() {
            if !catalog.services.iter().any(|s| s.belongs_to(svc)) {
                push_prof(
                    &format!("profiles.{name}.services[{i}]"),
                    format!(
                        "unknown service `{svc}`{}; known: {}",
                        super::suggest::hint(svc, super::service_names(&catalog.services)),
                        super::known_services(&catalog.services)
                    ),
                );
            }
        }
    }
}

fn check_ports<'a>(
    s: &'a ServiceSpec,
    host_ports: &mut BTreeMap<u16, (&'a str, &'a str)>,
    push: &mut dyn FnMut(&str, &str, String),
) {
    let mut seen = BTreeSet::new();
    for (i, p) in s.ports.iter().enumerate() {
        if !seen.insert(p.name.as_str()) {
            push(
                &s.name,
                &format!("ports[{i}].name"),
                format!("port name `{}` is used twice", p.name),
            );
        }
        if p.container == 0 {
            push(
                &s.name,
                &format!("ports[{i}].container"),
                "expected a port from 1 to 65535".into(),
            );
        }
        if p.host == Some(0) {
            push(
                &s.name,
                &format!("ports[{i}].host"),
                "expected a port from 1 to 65535".into(),
            );
        }
        if !p.bind.is_loopback() {
            push(
                &s.name,
                &format!("ports[{i}].bind"),
                format!(
                    "`{}` is not a loopback address; arc publishes ports on 127.0.0.1 only",
                    p.bind
                ),
            );
        }
        let port = p.native_port();
        if port != 0 {
            if let Some((other, other_port)) = host_ports.insert(port, (&s.name, &p.name)) {
                push(
                    &s.name,
                    &format!("ports[{i}]"),
                    format!("port {port} is also used by `{other}` (port `{other_port}`)"),
                );
            }
        }
    }
}

fn check_health(s: &ServiceSpec, push: &mut dyn FnMut(&str, &str, String)) {
    let h = &s.health;
    let port_names = || {
        s.ports
            .iter()
            .map(|p| format!("`{}`", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if s.port(&h.target).is_none() {
        push(
            &s.name,
            "health.target",
            format!(
                "unknown port `{}`; the service's ports: {}",
                h.target,
                port_names()
            ),
        );
    }
    for (role, port) in &h.extra {
        if s.port(port).is_none() {
            push(
                &s.name,
                &format!("health.extra.{role}"),
                format!(
                    "unknown port `{port}`; the service's ports: {}",
                    port_names()
                ),
            );
        }
    }
    if h.kind == super::ProbeKind::Http && h.path.is_none() {
        push(
            &s.name,
            "health",
            "an `http` probe needs a `path` (e.g. `/healthz`)".into(),
        );
    }
    if h.interval.is_zero() {
        push(
            &s.name,
            "health.interval",
            "expected a duration above zero".into(),
        );
    }
    if h.timeout.is_zero() {
        push(
            &s.name,
            "health.timeout",
            "expected a duration above zero".into(),
        );
    }
    // `arc up` adds the deadline to the clock: a duration of centuries would overflow it.
    for (field, d) in [
        ("health.interval", h.interval),
        ("health.timeout", h.timeout),
        ("health.start_period", h.start_period),
    ] {
        if d > MAX_HEALTH_DURATION {
            push(
                &s.name,
                field,
                format!(
                    "`{}` is too long; health durations are at most {}",
                    super::duration::format(d),
                    super::duration::format(MAX_HEALTH_DURATION)
                ),
            );
        }
    }
}

/// The longest health interval, timeout or start period.
const MAX_HEALTH_DURATION: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

fn check_native(s: &ServiceSpec, push: &mut dyn FnMut(&str, &str, String)) {
    let n = &s.native;
    if n.command.is_empty() {
        push(
            &s.name,
            "native.command",
            "expected a program and its arguments".into(),
        );
    }
    if !STOP_SIGNALS.contains(&n.stop_signal.as_str()) {
        push(
            &s.name,
            "native.stop_signal",
            format!(
                "`{}` is not one of {}",
                n.stop_signal,
                STOP_SIGNALS.join(", ")
            ),
        );
    }
    let mut args: Vec<(String, &str)> = n
        .command
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("native.command[{i}]"), a.as_str()))
        .collect();
    for (i, step) in n.init.iter().enumerate() {
        if step.run.is_empty() {
            push(
                &s.name,
                &format!("native.init[{i}].run"),
                "expected a program and its arguments".into(),
            );
        }
        args.extend(
            step.run
                .iter()
                .enumerate()
                .map(|(j, a)| (format!("native.init[{i}].run[{j}]"), a.as_str())),
        );
    }
    for (i, v) in n.variants.iter().enumerate() {
        args.extend(
            v.command
                .iter()
                .enumerate()
                .map(|(j, a)| (format!("native.variants[{i}].command[{j}]"), a.as_str())),
        );
    }
    for (i, f) in n.files.iter().enumerate() {
        args.push((format!("native.files[{i}].path"), f.path.as_str()));
        args.push((format!("native.files[{i}].content"), f.content.as_str()));
    }
    for (i, f) in s.files.iter().enumerate() {
        args.push((format!("files[{i}].content"), f.content.as_str()));
        if !f.target.starts_with('/') {
            push(
                &s.name,
                &format!("files[{i}].target"),
                format!("`{}` is not an absolute path in the container", f.target),
            );
        }
    }

    args.extend(
        s.exports
            .iter()
            .map(|(k, v)| (format!("exports.{k}"), v.as_str())),
    );
    // The container command may hold the shell's own `${VAR}`: only its lists are checked.
    let container = s
        .command
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("command[{i}]"), a.as_str(), false));
    for (field, arg, all) in args.into_iter().map(|(f, a)| (f, a, true)).chain(container) {
        if all {
            if let Err(msg) = check_placeholders(s, arg) {
                push(&s.name, &field, msg);
            }
        }
        for (key, service, port) in super::placeholder_list_keys(arg) {
            let known = s.others.get(service);
            let fine = known.is_some_and(|m| m.iter().all(|p| p.ports.contains_key(port)));
            if !fine {
                push(
                    &s.name,
                    &field,
                    match known {
                        None => format!(
                            "`{{{key}}}` names no service `{service}`; write `{{instances.SERVICE.PORT}}` with a service of the catalog"
                        ),
                        Some(m) => format!(
                            "`{{{key}}}`: service `{service}` has no port `{port}`; its ports: {}",
                            m.first()
                                .map(|p| p.ports.keys().cloned().collect::<Vec<_>>().join(", "))
                                .unwrap_or_default()
                        ),
                    },
                );
            }
        }
    }
}

/// Checks every `{…}` in `arg` names something that exists (braces around text that cannot be
/// a key, such as a Caddyfile's blocks, are the file's own).
fn check_placeholders(s: &ServiceSpec, arg: &str) -> Result<(), String> {
    for key in super::service::placeholder_keys(arg) {
        let ok = match key.split_once('.') {
            // Checked against the catalog by the caller.
            Some(("instances" | "each", _)) => true,
            Some(("port", name)) => s.port(name).is_some(),
            Some(("env", name)) => !name.is_empty(),
            Some(("peers", rest)) => s
                .port(rest.split_once('.').map_or(rest, |(p, _)| p))
                .is_some(),
            None => matches!(key, "data" | "host" | "service"),
            _ => false,
        };
        if !ok {
            return Err(format!(
                "unknown placeholder `{{{key}}}`; use {{data}}, {{host}}, {{service}}, {{replica}}, {{replicas}}, {{env.NAME}}, {{instances.SERVICE.PORT}}, {{each.SERVICE.PORT}}, {{port.NAME}} or {{peers.NAME}} with one of the ports: {}",
                s.ports.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(())
}

/// The first dependency cycle, as names with the first repeated at the end.
pub(crate) fn find_cycle(services: &[ServiceSpec]) -> Option<Vec<String>> {
    fn visit(
        services: &[ServiceSpec],
        i: usize,
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<String>> {
        state[i] = 1;
        stack.push(i);
        for dep in &services[i].depends_on {
            // Self-dependencies are reported on their own.
            let Some(j) = services
                .iter()
                .position(|s| s.belongs_to(dep))
                .filter(|&j| j != i)
            else {
                continue;
            };
            if state[j] == 1 {
                let from = stack.iter().position(|&k| k == j).unwrap_or(0);
                let mut cycle: Vec<String> = stack[from..]
                    .iter()
                    .map(|&k| services[k].name.clone())
                    .collect();
                cycle.push(services[j].name.clone());
                return Some(cycle);
            }
            if state[j] == 0 {
                if let Some(c) = visit(services, j, state, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        state[i] = 2;
        None
    }
    let mut state = vec![0u8; services.len()];
    for i in 0..services.len() {
        if state[i] == 0 {
            if let Some(c) = visit(services, i, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}
