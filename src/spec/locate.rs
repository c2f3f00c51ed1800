//! Maps field paths (`ports[1].host`) to their line and column in a YAML text.
//!
//! Owns only position lookup, so semantic validation can point at the offending line; it does
//! not interpret the document.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Positions (1-based line and column) of every node in a YAML document, keyed by field path.
#[derive(Debug, Default, Clone)]
pub(crate) struct Positions {
    by_path: HashMap<String, (usize, usize)>,
    duplicates: Vec<(String, usize, usize)>,
}

impl Positions {
    /// Indexes `text`; a text that does not parse yields an empty index.
    pub(crate) fn index(text: &str) -> Self {
        let mut walker = Walker::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut walker, false).is_err() {
            return Self::default();
        }
        Self {
            by_path: walker.by_path,
            duplicates: walker.duplicates,
        }
    }

    /// Mapping keys written twice in one mapping (path, line, column of the second).
    pub(crate) fn duplicates(&self) -> &[(String, usize, usize)] {
        &self.duplicates
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    pub(crate) fn find(&self, path: &str) -> Option<(usize, usize)> {
        self.find_below(path, "")
    }

    /// Like [`Positions::find`], but only `floor`'s descendants count (`floor` itself does not).
    pub(crate) fn find_below(&self, path: &str, floor: &str) -> Option<(usize, usize)> {
        let mut path = path.to_owned();
        loop {
            if !floor.is_empty() && path.len() <= floor.len() {
                return None;
            }
            if let Some(pos) = self.by_path.get(&path) {
                return Some(*pos);
            }
            let cut = path.rfind(['.', '['])?;
            path.truncate(cut);
        }
    }
}

/// A position for the errors serde_yaml_ng gives none (more than one document, among others):
/// where the second YAML document of `text` starts as libyaml reads it (arc reads one per file),
/// else as yaml-rust2 does, else where yaml-rust2 finds the text stops being YAML.
pub(crate) fn fallback_position(text: &str) -> Option<(usize, usize)> {
    /// Takes nothing: the error it makes carries the position of the node it was offered.
    struct Nothing;
    impl serde::de::Visitor<'_> for Nothing {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("nothing")
        }
    }
    #[derive(Default)]
    struct Starts(Vec<(usize, usize)>);
    impl MarkedEventReceiver for Starts {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            if ev == Event::DocumentStart {
                self.0.push((mark.line(), mark.col() + 1));
            }
        }
    }
    let libyaml = serde_yaml_ng::Deserializer::from_str(text)
        .nth(1)
        .and_then(|doc| serde::Deserializer::deserialize_any(doc, Nothing).err())
        .and_then(|e| e.location())
        .map(|l| (l.line(), l.column()));
    if libyaml.is_some() {
        return libyaml;
    }
    let mut starts = Starts::default();
    let loaded = Parser::new_from_str(text).load(&mut starts, true);
    starts.0.get(1).copied().or_else(|| {
        loaded
            .err()
            .map(|e| (e.marker().line(), e.marker().col() + 1))
    })
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
        seen: std::collections::HashSet<String>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    by_path: HashMap<String, (usize, usize)>,
    duplicates: Vec<(String, usize, usize)>,
}

impl Walker {
    /// The path of the node that starts now, advancing the parent's key/index state. `None`
    /// means the node is a mapping key.
    fn next_path(&mut self, scalar: Option<&str>) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key, .. }) => match key.take() {
                Some(k) => Some(join(path, &k)),
                None => {
                    *key = Some(scalar.unwrap_or_default().to_owned());
                    None
                }
            },
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                Some(p)
            }
        }
    }

    fn record(&mut self, path: &str, mark: Marker) {
        self.by_path
            .entry(path.to_owned())
            .or_insert((mark.line(), mark.col() + 1));
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                if is_key {
                    // A key's position stands for its value too: errors point at `host:`.
                    let (parent, fresh) = match self.stack.last_mut() {
                        Some(Frame::Map { path, seen, .. }) => {
                            (path.clone(), seen.insert(value.clone()))
                        }
                        _ => (String::new(), true),
                    };
                    let path = join(&parent, &value);
                    if !fresh {
                        self.duplicates
                            .push((path.clone(), mark.line(), mark.col() + 1));
                    }
                    self.record(&path, mark);
                    self.next_path(Some(&value));
                } else if let Some(path) = self.next_path(None) {
                    self.record(&path, mark);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = self.next_path(None).unwrap_or_default();
                self.record(&path, mark);
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map {
                        path,
                        key: None,
                        seen: std::collections::HashSet::new(),
                    }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                if let Some(path) = self.next_path(None) {
                    self.record(&path, mark);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_fields_and_falls_back_to_parents() {
        let text = "name: cache\nports:\n  - name: client\n    host: 6379\n  - name: admin\n    container: 8080\nhealth:\n  kind: redis\n";
        let pos = Positions::index(text);
        assert_eq!(pos.find("name"), Some((1, 1)));
        assert_eq!(pos.find("ports[1].container"), Some((6, 5)));
        assert_eq!(pos.find("ports[0].host"), Some((4, 5)));
        assert_eq!(pos.find("health.kind"), Some((8, 3)));
        assert_eq!(pos.find("health.retries"), Some((7, 1)));
    }
}
