//! The small text edits `arc new service` makes to files people also edit by hand: a service
//! added to a profile in profiles.yaml, an include in the root Makefile, a directory in the image
//! workflow's service list. Each keeps the rest of the file (comments, layout) as it was, and
//! says what it could not find rather than guess.

/// `profiles.yaml` with `service` added to the services of `profile`, written as a flow list
/// (`services: [a, b]`, also inside `{ … }`) or a block list (`- a` lines).
pub(super) fn add_to_profile(text: &str, profile: &str, service: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key_of = |l: &str| {
        let t = l.trim_start();
        t.split_once(':')
            .map(|(k, _)| k.trim().trim_matches(['"', '\'']).to_owned())
    };
    let in_profiles = lines
        .iter()
        .position(|l| indent(l) == 0 && key_of(l).as_deref() == Some("profiles"))
        .ok_or("it has no `profiles:` mapping")?;
    let not_found = || format!("it has no profile `{profile}` under `profiles:`");
    let at = lines
        .iter()
        .enumerate()
        .skip(in_profiles + 1)
        .take_while(|(_, l)| l.trim().is_empty() || l.starts_with('#') || indent(l) > 0)
        .find(|(_, l)| !l.trim_start().starts_with('#') && key_of(l).as_deref() == Some(profile))
        .map(|(i, _)| i)
        .ok_or_else(not_found)?;
    let base = indent(lines[at]);
    // The profile's own lines: its key line and those indented deeper.
    let end = lines
        .iter()
        .enumerate()
        .skip(at + 1)
        .find(|(_, l)| {
            !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) <= base
        })
        .map_or(lines.len(), |(i, _)| i);
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    for i in at..end {
        let line = lines[i];
        let Some(k) = line.find("services:") else {
            continue;
        };
        let after = &line[k + "services:".len()..];
        let value = after.trim_start();
        if let Some(list) = value.strip_prefix('[') {
            let close = list
                .find(']')
                .ok_or("its services list does not close on its line")?;
            let open_at = line.len() - list.len();
            let items = list[..close].trim();
            let insert = if items.is_empty() {
                service.to_owned()
            } else {
                format!("{}, {service}", list[..close].trim_end())
            };
            out[i] = format!("{}{insert}{}", &line[..open_at], &list[close..]);
            return Ok(out.concat());
        }
        if value.trim().is_empty() || value.trim_start().starts_with('#') {
            // A block list: after its last `- item` line, at that line's indentation.
            let items: Vec<usize> = (i + 1..end)
                .take_while(|&j| {
                    let t = lines[j].trim_start();
                    t.is_empty() || t.starts_with('#') || t.starts_with("- ") || t == "-\n"
                })
                .filter(|&j| lines[j].trim_start().starts_with('-'))
                .collect();
            let last = *items
                .last()
                .ok_or("its services list has no items to follow")?;
            let pad = " ".repeat(indent(lines[last]));
            out.insert(last + 1, format!("{pad}- {service}\n"));
            return Ok(out.concat());
        }
        return Err(format!(
            "its `services:` is neither a `[…]` list nor a `- …` list: {}",
            value.trim()
        ));
    }
    Err(format!("profile `{profile}` has no `services:` list"))
}

/// The root Makefile with `mk` (`services/NAME/TARGET.mk`) added to its `include` of the
/// services' make files, or a new `include` line at the end when it has none.
pub(super) fn add_include(text: &str, mk: &str) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("include ") && l.contains("services/"));
    let Some(mut last) = start else {
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        return format!("{text}{sep}include {mk}\n");
    };
    // A `\` continues the include on the next line.
    while lines[last].trim_end().ends_with('\\') && last + 1 < lines.len() {
        last += 1;
    }
    let line = &lines[last];
    let body = line.trim_end_matches(['\n', '\r']);
    let newline = &line[body.len()..];
    lines[last] = format!("{} {mk}{newline}", body.trim_end());
    lines.concat()
}

/// The image workflow with `dir` added to its service list: a `- "services/DIR/**"` path filter
/// after the last one, and `DIR` in the `all=(…)` list of the script that finds the changed
/// services.
pub(super) fn add_to_image_workflow(text: &str, dir: &str) -> Result<String, String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let is_path_filter = |l: &str| {
        let t = l.trim();
        t.strip_prefix("- ").is_some_and(|p| {
            let p = p.trim_matches(['"', '\'']);
            p.starts_with("services/") && p.ends_with("/**")
        })
    };
    let last = lines
        .iter()
        .rposition(|l| is_path_filter(l))
        .ok_or("no `- \"services/…/**\"` path filter under `on.push.paths`")?;
    let old = lines[last].clone();
    let quote = old
        .trim()
        .chars()
        .nth(2)
        .filter(|c| matches!(c, '"' | '\''));
    let pad = &old[..old.len() - old.trim_start().len()];
    let q = quote.map(String::from).unwrap_or_default();
    lines.insert(last + 1, format!("{pad}- {q}services/{dir}/**{q}\n"));
    let all = lines
        .iter()
        .position(|l| l.trim_start().starts_with("all=(") && l.contains(')'))
        .ok_or("no `all=(…)` list of the services in the change-detection script")?;
    let line = &lines[all];
    let close = line.find(')').unwrap_or(line.len());
    let open = line.find("all=(").unwrap_or(0) + "all=(".len();
    let sep = if line[open..close].trim().is_empty() {
        ""
    } else {
        " "
    };
    lines[all] = format!("{}{sep}{dir}{}", line[..close].trim_end(), &line[close..]);
    Ok(lines.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILES: &str = "# Profiles.\ndefault: think\nprofiles:\n  think:\n    description: all\n    services: [flash, sonic]\n  quick: { services: [flash] }\n  block:\n    services:\n      - flash\n      # a comment\n      - sonic\n  empty:\n    services: []\n";

    #[test]
    fn adds_to_flow_block_and_inline_profiles() {
        let out = add_to_profile(PROFILES, "think", "web").unwrap();
        assert!(out.contains("    services: [flash, sonic, web]\n"), "{out}");
        assert_eq!(out.lines().count(), PROFILES.lines().count());
        let out = add_to_profile(PROFILES, "quick", "web").unwrap();
        assert!(
            out.contains("  quick: { services: [flash, web] }\n"),
            "{out}"
        );
        let out = add_to_profile(PROFILES, "block", "web").unwrap();
        assert!(
            out.contains("      - sonic\n      - web\n  empty:"),
            "{out}"
        );
        let out = add_to_profile(PROFILES, "empty", "web").unwrap();
        assert!(out.ends_with("    services: [web]\n"), "{out}");
        let err = add_to_profile(PROFILES, "nope", "web").unwrap_err();
        assert_eq!(err, "it has no profile `nope` under `profiles:`");
    }

    #[test]
    fn adds_an_include() {
        let mk = "X := 1\ninclude services/a/a.mk services/b/b.mk\n\nall:\n";
        assert_eq!(
            add_include(mk, "services/c/c.mk"),
            "X := 1\ninclude services/a/a.mk services/b/b.mk services/c/c.mk\n\nall:\n"
        );
        let cont = "include services/a/a.mk \\\n  services/b/b.mk\nall:\n";
        assert_eq!(
            add_include(cont, "services/c/c.mk"),
            "include services/a/a.mk \\\n  services/b/b.mk services/c/c.mk\nall:\n"
        );
        assert_eq!(add_include("all:", "s/c.mk"), "all:\ninclude s/c.mk\n");
    }

    #[test]
    fn adds_to_the_image_workflow() {
        let w = "on:\n  push:\n    paths:\n      - \"services/a/**\"\n      - \"services/b/**\"\njobs:\n  x:\n    steps:\n      - run: |\n          all=(a b)\n";
        let out = add_to_image_workflow(w, "web").unwrap();
        assert!(
            out.contains("      - \"services/b/**\"\n      - \"services/web/**\"\njobs:"),
            "{out}"
        );
        assert!(out.contains("          all=(a b web)\n"), "{out}");
        let err = add_to_image_workflow("on: push\n", "web").unwrap_err();
        assert!(
            err.starts_with("no `- \"services/…/**\"` path filter"),
            "{err}"
        );
    }
}
