//! Replicas: a service declared with `replicas: N` (in its service.yaml, or by an overlay)
//! becomes N instances in the catalog, each an ordinary service to the runtimes.
//!
//! The rules, also in the README: instance `i` of `NAME` is `NAME-i` (codename `CODE-i`); a
//! published port is the declared one plus `i - 1`; an unpublished port keeps its container port
//! in Docker and is the container port plus `i - 1` natively; a named volume gets `-i`; data and
//! logs follow the instance's name. `{replica}` (the index) and `{replicas}` (the count) are
//! filled in everywhere a placeholder may stand; `{peers.PORT}` (the other instances'
//! `host:port` on that port, comma-separated) and `{peers.PORT.SCHEME}` (the same as
//! `SCHEME://host:port`) are filled in by the runtime, which knows how peers reach each other.
//! A dependency, a profile entry or a command naming the service means every instance. This
//! module only rewrites declarations; it never starts anything.

use std::collections::BTreeMap;

use super::service::{expand_placeholders, Peer, Replica, ServiceSpec};
use super::Diagnostic;

/// The most instances one service may have.
pub(crate) const MAX_REPLICAS: u32 = 9;

/// `services` with every replicated service replaced by its instances. A bad count is a
/// diagnostic located by `at(service, field)`; `alias(instance, service)` is told each new name.
pub(super) fn expand(
    services: Vec<ServiceSpec>,
    diags: &mut Vec<Diagnostic>,
    at: &dyn Fn(&str, &str) -> super::Located,
    alias: &mut dyn FnMut(&str, &str),
) -> Vec<ServiceSpec> {
    let mut out = Vec::with_capacity(services.len());
    for spec in services {
        let count = spec.replicas.unwrap_or(1);
        let mut bad = |message: String| {
            let (file, line, column, field) = at(&spec.name, "replicas");
            diags.push(Diagnostic {
                file,
                line,
                column,
                field,
                message,
            });
        };
        if count == 0 || count > MAX_REPLICAS {
            bad(format!(
                "expected a number of instances from 1 to {MAX_REPLICAS}, got {count}"
            ));
            // Kept as one, so the rest of the checks do not report it missing.
            out.push(instance(&spec, 1, 1));
            continue;
        }
        if count == 1 {
            out.push(instance(&spec, 1, 1));
            continue;
        }
        let highest = spec
            .ports
            .iter()
            .filter_map(|p| p.host.map(|h| (p, u32::from(h) + count - 1)))
            .chain(
                spec.ports
                    .iter()
                    .map(|p| (p, u32::from(p.container) + count - 1)),
            )
            .find(|(_, top)| *top > u32::from(u16::MAX));
        if let Some((port, _)) = highest {
            bad(format!(
                "{count} instances of port `{}` would need ports past 65535; use a lower port",
                port.name
            ));
            out.push(instance(&spec, 1, 1));
            continue;
        }
        let mut members: Vec<ServiceSpec> =
            (1..=count).map(|i| instance(&spec, i, count)).collect();
        let peers: Vec<Peer> = members
            .iter()
            .map(|m| Peer {
                name: m.name.clone(),
                ports: m
                    .ports
                    .iter()
                    .map(|p| (p.name.clone(), (p.container, p.native_port())))
                    .collect(),
            })
            .collect();
        for (i, m) in members.iter_mut().enumerate() {
            if let Some(r) = &mut m.replica {
                r.peers = peers
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, p)| p.clone())
                    .collect();
            }
            alias(&m.name, &spec.name);
        }
        out.extend(members);
    }
    out
}

/// Instance `index` of `count` (the service itself, placeholders filled, when `count` is 1).
fn instance(spec: &ServiceSpec, index: u32, count: u32) -> ServiceSpec {
    let fill = |text: &str| {
        expand_placeholders(text, |key| match key {
            "replica" => Some(index.to_string()),
            "replicas" => Some(count.to_string()),
            _ => None,
        })
    };
    let fill_all = |list: &mut Vec<String>| {
        for a in list.iter_mut() {
            *a = fill(a);
        }
    };
    let mut s = spec.clone();
    fill_all(&mut s.command);
    fill_all(&mut s.native.command);
    fill_all(&mut s.health.docker_test);
    for step in &mut s.native.init {
        fill_all(&mut step.run);
    }
    for v in &mut s.native.variants {
        fill_all(&mut v.command);
    }
    for f in &mut s.native.files {
        f.path = fill(&f.path);
        f.content = fill(&f.content);
    }
    for f in &mut s.files {
        f.content = fill(&f.content);
    }
    for map in [&mut s.env, &mut s.exports, &mut s.labels] {
        for v in map.values_mut() {
            *v = fill(v);
        }
    }
    if count == 1 {
        return s;
    }
    let offset = u16::try_from(index - 1).unwrap_or(0);
    s.name = format!("{}-{index}", spec.name);
    s.codename = spec.codename.as_ref().map(|c| format!("{c}-{index}"));
    for p in &mut s.ports {
        p.host = p.host.map(|h| h + offset);
        p.native_offset = offset;
    }
    for v in &mut s.volumes {
        v.name = format!("{}-{index}", v.name);
    }
    s.labels.insert("arc.replica.of".into(), spec.name.clone());
    s.replica = Some(Replica {
        group: spec.name.clone(),
        group_codename: spec.codename.clone(),
        index,
        count,
        peers: Vec::new(),
    });
    s
}

/// `services` with each one told every instance of the others (`others`), for the
/// `{instances.SERVICE.PORT}` and `{each.SERVICE.PORT}` placeholders: keyed by the declared
/// service's name and codename, so `pipeline` is `pipeline-1`…`pipeline-N` when replicated.
pub(super) fn with_others(mut services: Vec<ServiceSpec>) -> Vec<ServiceSpec> {
    let mut groups: BTreeMap<String, Vec<Peer>> = BTreeMap::new();
    for s in &services {
        let peer = Peer {
            name: s.name.clone(),
            ports: s
                .ports
                .iter()
                .map(|p| (p.name.clone(), (p.container, p.native_port())))
                .collect(),
        };
        let (name, codename) = match &s.replica {
            Some(r) => (r.group.clone(), r.group_codename.clone()),
            None => (s.name.clone(), s.codename.clone()),
        };
        for key in std::iter::once(name).chain(codename) {
            groups.entry(key).or_default().push(peer.clone());
        }
    }
    for s in &mut services {
        // Only a service that names another one carries the list (it goes into its hashes).
        let text = serde_json::to_string(&*s).unwrap_or_default();
        if text.contains("{instances.") || text.contains("{each.") {
            s.others.clone_from(&groups);
        }
    }
    services
}

/// The `{instances.…}` and `{each.…}` keys of `text` as (key, service, port): what validation
/// checks against the catalog.
pub(crate) fn placeholder_list_keys(text: &str) -> Vec<(&str, &str, &str)> {
    super::service::placeholder_keys(text)
        .filter_map(|key| {
            let rest = key
                .strip_prefix("instances.")
                .or_else(|| key.strip_prefix("each."))?;
            let mut parts = rest.splitn(3, '.');
            Some((key, parts.next()?, parts.next().unwrap_or_default()))
        })
        .collect()
}

/// The exports of the services that run, as one map ([`join_exports`]), where a service that
/// `fronts` another one replaces it: a key both export has the front's value alone (the
/// gateway's `ARC_PIPELINE_URL` instead of the instances' list).
pub(crate) fn fronted_exports<'a>(
    services: &[&'a ServiceSpec],
    exports: impl Fn(&'a ServiceSpec) -> BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let fronted = |s: &ServiceSpec| -> Vec<&'a ServiceSpec> {
        services
            .iter()
            .copied()
            .filter(|f| f.fronts.iter().any(|name| s.belongs_to(name)))
            .collect()
    };
    join_exports(services.iter().map(|s| {
        let mut map = exports(s);
        for front in fronted(s) {
            for key in front.exports.keys() {
                map.remove(key);
            }
        }
        map
    }))
}

/// Exports of several services as one map: a key several of them export (the instances of a
/// replicated service) gets their values joined by commas, in order, without repeats. That is
/// how `ARC_NATS_URL` lists every node of a cluster.
pub(crate) fn join_exports(
    maps: impl IntoIterator<Item = BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for map in maps {
        for (k, v) in map {
            match out.get_mut(&k) {
                Some(have) if !have.split(',').any(|x| x == v) => {
                    have.push(',');
                    have.push_str(&v);
                }
                Some(_) => {}
                None => {
                    out.insert(k, v);
                }
            }
        }
    }
    out
}
