//! Orders services into dependency waves: every service's dependencies are in earlier waves,
//! and the services of one wave can start in parallel.

use std::collections::BTreeSet;

use crate::spec::{Catalog, Diagnostic, ServiceSpec, SpecError};

/// `selected` plus everything it depends on, in waves.
pub fn waves<'a>(
    catalog: &'a Catalog,
    selected: &[&'a ServiceSpec],
) -> Result<Vec<Vec<&'a ServiceSpec>>, SpecError> {
    // Close over dependencies.
    let mut names: BTreeSet<&str> = selected.iter().map(|s| s.name.as_str()).collect();
    let mut queue: Vec<&ServiceSpec> = selected.to_vec();
    while let Some(s) = queue.pop() {
        for dep in &s.depends_on {
            for d in catalog.members(dep)? {
                if names.insert(&d.name) {
                    queue.push(d);
                }
            }
        }
    }
    let mut remaining: Vec<&ServiceSpec> = catalog
        .services
        .iter()
        .filter(|s| names.contains(s.name.as_str()))
        .collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut waves = Vec::new();
    while !remaining.is_empty() {
        let (ready, blocked): (Vec<_>, Vec<_>) = remaining.into_iter().partition(|s| {
            s.depends_on.iter().all(|d| {
                catalog
                    .members(d)
                    .is_ok_and(|m| m.iter().all(|d| done.contains(d.name.as_str())))
            })
        });
        if ready.is_empty() {
            let cycle = crate::spec::find_cycle(&catalog.services)
                .map_or_else(|| "unknown".to_owned(), |c| c.join(" -> "));
            return Err(SpecError::Invalid(vec![Diagnostic {
                file: catalog
                    .files
                    .get(&blocked[0].name)
                    .cloned()
                    .unwrap_or_default(),
                line: None,
                column: None,
                field: "depends_on".into(),
                message: format!("dependency cycle: {cycle}"),
            }]));
        }
        done.extend(ready.iter().map(|s| s.name.as_str()));
        waves.push(ready);
        remaining = blocked;
    }
    Ok(waves)
}
