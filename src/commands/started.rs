//! What `arc up` started, kept under the state directory (`up.json`): every service it brought
//! up, as it was declared then (overlays applied, instances expanded). `arc down` reads it to
//! stop services the files it is given no longer declare (the instances of `arc up cluster`
//! when `arc down` runs on the stock files), and the clients read it to know which services
//! run (the gateway, when it does, stands in for the pipeline). It is a hint, never the truth
//! of what runs: the runtimes are asked for that.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::spec::{Replica, ServiceSpec};

/// The file's name under the state directory.
const FILE: &str = "up.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Started {
    /// By name.
    services: BTreeMap<String, ServiceSpec>,
}

/// The services `arc up` started and `arc down` has not stopped since, by name; empty when
/// there is no (readable) file.
pub(super) fn read(state_dir: &Path) -> BTreeMap<String, ServiceSpec> {
    let Ok(text) = std::fs::read_to_string(state_dir.join(FILE)) else {
        return BTreeMap::new();
    };
    let mut services = serde_json::from_str::<Started>(&text)
        .map(|s| s.services)
        .unwrap_or_default();
    // An instance keeps the name of its service in a label; `belongs_to` reads the replica.
    for s in services.values_mut() {
        if let Some(group) = s.labels.get("arc.replica.of").cloned() {
            s.replica = Some(Replica {
                group,
                group_codename: None,
                index: 0,
                count: 0,
                peers: Vec::new(),
            });
        }
    }
    services
}

/// Adds `services` to the file (best effort: a state directory that cannot be written only
/// loses the hint).
pub(super) fn add<'a>(state_dir: &Path, services: impl IntoIterator<Item = &'a ServiceSpec>) {
    let mut all = read(state_dir);
    for s in services {
        let mut s = s.clone();
        // The environment holds the project's secrets once `arc up` filled it in; stopping a
        // service or reading its exports needs none of it.
        s.env.clear();
        all.insert(s.name.clone(), s);
    }
    write(state_dir, all);
}

/// Removes the services called `names` from the file.
pub(super) fn remove<'a>(state_dir: &Path, names: impl IntoIterator<Item = &'a str>) {
    let mut all = read(state_dir);
    for n in names {
        all.remove(n);
    }
    write(state_dir, all);
}

fn write(state_dir: &Path, services: BTreeMap<String, ServiceSpec>) {
    let path = state_dir.join(FILE);
    if services.is_empty() {
        let _ = std::fs::remove_file(&path);
        return;
    }
    let Ok(text) = serde_json::to_string_pretty(&Started { services }) else {
        return;
    };
    let tmp = state_dir.join(".up.json.tmp");
    let written = std::fs::create_dir_all(state_dir)
        .and_then(|()| std::fs::write(&tmp, text))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        tracing::debug!("cannot record what runs in {}: {e}", path.display());
    }
}

/// The services known to run: `catalog`'s that the file lists, and the file's own for names
/// the catalog does not have (instances of an overlay this command was not given).
pub(super) fn running<'a>(
    catalog: &'a [ServiceSpec],
    recorded: &'a BTreeMap<String, ServiceSpec>,
) -> Vec<&'a ServiceSpec> {
    catalog
        .iter()
        .filter(|s| recorded.contains_key(&s.name))
        .chain(
            recorded
                .values()
                .filter(|r| !catalog.iter().any(|s| s.name == r.name)),
        )
        .collect()
}
