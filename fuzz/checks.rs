// The fuzz targets' checks, written once and `include!`d twice: by fuzz/fuzz_targets/*.rs (run by
// cargo-fuzz, `make fuzz`) and by tests/fuzz_seeds.rs (every seed and every crash found, in the
// ordinary test suite). Each check takes the raw input, panics when an invariant breaks (a panic
// anywhere inside arc is a finding too) and returns whether the input got past parsing, so the
// test can tell that its seeds reach the deeper checks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use arc::testing::envelope::{self, Incoming};
use arc::testing::{Catalog, Overlay, ProfilesFile, ServiceSpec, SpecError};
use base64::Engine as _;

/// Whether `bytes` are one JSON text (syntax only: numbers of any size are JSON).
fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Box<serde_json::value::RawValue>>(bytes).is_ok()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Target `envelope`: one producer message (`parse_incoming`), then the per-field checks on what
/// it accepted; and the same bytes as a raw NATS body (`payload_from_bytes`).
pub(crate) fn envelope(data: &[u8]) -> bool {
    raw_body(data, None);
    raw_body(data, Some("application/json"));
    raw_body(data, Some("application/octet-stream"));
    let Ok(m) = envelope::parse_incoming(data) else {
        return false;
    };
    assert!(
        is_json(data),
        "parse_incoming accepted text that is not JSON"
    );
    message(&m, data);
    true
}

/// Target `batch`: a POST body split into messages (`api::parse_batch`). The first byte picks
/// the Content-Type (`'0'`: none, `'1'`: JSON, `'2'`: NDJSON, `'3'`: JSON lines), the rest is
/// the body.
pub(crate) fn batch(data: &[u8]) -> bool {
    use axum::http::{header, HeaderMap, HeaderValue};
    let Some((&selector, body)) = data.split_first() else {
        return false;
    };
    let ct = match selector % 4 {
        0 => None,
        1 => Some("application/json"),
        2 => Some("application/x-ndjson"),
        _ => Some("application/jsonl; charset=utf-8"),
    };
    let mut headers = HeaderMap::new();
    if let Some(ct) = ct {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    let batch = match arc::testing::parse_batch(&headers, body) {
        Ok(batch) => batch,
        Err(r) => {
            assert!(
                (400..500).contains(&r.status()),
                "a body that does not parse is a 4xx"
            );
            let _ = r.body().to_string();
            return false;
        }
    };
    let ndjson = matches!(selector % 4, 2 | 3);
    let expected = if ndjson {
        body.split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .count()
    } else if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        serde_json::from_slice::<Vec<Box<serde_json::value::RawValue>>>(body)
            .map_or(usize::MAX, |items| items.len())
    } else {
        1
    };
    assert_eq!(
        batch.len(),
        expected,
        "the batch holds another number of messages than the body"
    );
    for m in &batch {
        message(m, body);
    }
    true
}

/// What must hold for every message a producer's text parsed into.
fn message(m: &Incoming, input: &[u8]) {
    if let Some(id) = &m.id {
        if envelope::check_id(id).is_ok() {
            assert!(
                (1..=128).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b)),
                "check_id accepted {id:?}"
            );
        }
    }
    if envelope::check_headers(&m.headers).is_ok() {
        for (k, v) in &m.headers {
            assert!(
                !k.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_graphic() && b != b':' && b != b'"'),
                "check_headers accepted the name {k:?}"
            );
            assert!(
                !v.chars().any(|c| c.is_control() && c != '\t'),
                "check_headers accepted the value {v:?}"
            );
        }
    }
    let ct = envelope::content_type(&m.headers);
    assert_eq!(
        ct.is_some(),
        m.headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("content-type")),
        "content_type missed or made up the header"
    );
    let json = envelope::is_json_content_type(ct);
    let raw = m.payload.get();
    assert!(
        contains(input, raw.as_bytes()),
        "the payload is not the producer's text: {raw:?}"
    );
    match envelope::payload_bytes(&m.payload, &m.headers) {
        Ok(bytes) if json => {
            assert!(
                is_json(&bytes),
                "an accepted JSON payload's bytes are not JSON: {:?}",
                String::from_utf8_lossy(&bytes)
            );
            assert_eq!(bytes, raw.as_bytes(), "the JSON payload was changed");
        }
        Ok(bytes) => {
            let text: String = serde_json::from_str(raw)
                .expect("a non-JSON payload that payload_bytes accepted is a string");
            assert_eq!(
                base64::engine::general_purpose::STANDARD.encode(&bytes),
                text,
                "the base64 payload does not stand for its bytes"
            );
        }
        Err(e) => {
            assert!(!json, "payload_bytes refused a JSON payload: {e}");
        }
    }
    let envelope = envelope::Envelope {
        id: m.id.clone().unwrap_or_else(envelope::new_id),
        subject: m.subject.clone(),
        topic: "fuzz".to_owned(),
        ts: envelope::now_ms(),
        source: envelope::Source::Http,
        sender: "fuzz".to_owned(),
        headers: m.headers.clone(),
        payload: m.payload.clone(),
    };
    let text = serde_json::to_string(&envelope).expect("an envelope serializes");
    let back: envelope::Envelope =
        serde_json::from_str(&text).expect("an envelope reads back from its JSON form");
    assert_eq!(back, envelope, "the envelope reads back as another");
    if envelope::check_subject(&m.subject).is_ok() {
        assert!(
            m.subject.len() <= envelope::MAX_SUBJECT && !m.subject.chars().any(char::is_control),
            "check_subject accepted {:?}",
            m.subject
        );
        subject_ok(&m.subject);
        let reserved = ["ingest.", "arc.", "_INBOX.", "$JS.", "$SYS."]
            .iter()
            .any(|p| m.subject.starts_with(p));
        assert_eq!(
            envelope::reserved(&m.subject).is_some(),
            reserved,
            "reserved() is wrong about {:?}",
            m.subject
        );
    }
    if arc::testing::subject::publish(&m.subject).is_ok() {
        subject_ok(&m.subject);
    }
}

/// What `subject::publish` accepting `s` promises.
fn subject_ok(s: &str) {
    assert!(!s.is_empty(), "publish accepted an empty subject");
    assert!(
        !s.starts_with('$'),
        "publish accepted the reserved subject {s:?}"
    );
    assert!(
        !s.chars().any(char::is_whitespace),
        "publish accepted whitespace in {s:?}"
    );
    for token in s.split('.') {
        assert!(
            !token.is_empty(),
            "publish accepted an empty token in {s:?}"
        );
        assert!(
            !token.contains(['*', '>']),
            "publish accepted a wildcard in {s:?}"
        );
    }
}

/// Bytes that arrived raw (NATS ingress) become a payload whose bytes on the wire are the bytes
/// that came (JSON as it is, anything else through base64), or are refused only when they say
/// JSON and are not.
fn raw_body(data: &[u8], ct: Option<&str>) {
    let mut headers = BTreeMap::new();
    if let Some(ct) = ct {
        headers.insert("content-type".to_owned(), ct.to_owned());
    }
    let json_ct = envelope::is_json_content_type(ct);
    let payload = match envelope::payload_from_bytes(data, &mut headers) {
        Ok(p) => p,
        Err(e) => {
            assert!(
                ct.is_some() && json_ct && !is_json(data),
                "payload_from_bytes refused a body it should take: {e}"
            );
            return;
        }
    };
    if ct.is_some() {
        assert_eq!(
            envelope::content_type(&headers),
            ct,
            "the producer's content type was changed"
        );
    }
    let json = envelope::is_json_content_type(envelope::content_type(&headers));
    match envelope::payload_bytes(&payload, &headers) {
        // Only the whitespace around a JSON value is not part of it.
        Ok(bytes) if json => assert_eq!(bytes, data.trim_ascii(), "the raw JSON body was changed"),
        Ok(bytes) => assert_eq!(bytes, data, "the raw body was changed"),
        Err(e) => panic!("payload_bytes refused what payload_from_bytes made: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// service.yaml, profiles.yaml and overlays

/// A scratch project: the checkout's `profiles.yaml` and `services/*/service.yaml`, copied once
/// per process into the temp directory. Each input is written into it, loaded and taken out
/// again, under the lock.
struct Scratch {
    root: PathBuf,
    /// The stock texts by path relative to `root`, to restore after an input replaced one.
    stock: BTreeMap<PathBuf, String>,
}

fn scratch() -> &'static Mutex<Scratch> {
    static SCRATCH: OnceLock<Mutex<Scratch>> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let repo = arc::testing::find_project_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
            .expect("the checkout holds profiles.yaml and services/");
        let root = std::env::temp_dir().join(format!("arc-fuzz-spec-{}", std::process::id()));
        let mut stock = BTreeMap::new();
        stock.insert(
            PathBuf::from("profiles.yaml"),
            std::fs::read_to_string(repo.join("profiles.yaml")).expect("profiles.yaml"),
        );
        for dir in std::fs::read_dir(repo.join("services")).expect("services/") {
            let dir = dir.expect("a directory entry").path();
            if let Ok(text) = std::fs::read_to_string(dir.join("service.yaml")) {
                let name = dir.file_name().expect("a name").to_owned();
                stock.insert(Path::new("services").join(name).join("service.yaml"), text);
            }
        }
        for (rel, text) in &stock {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        Mutex::new(Scratch { root, stock })
    })
}

/// Removes the scratch project (the test calls it at its end; a fuzz run leaves it in /tmp).
pub(crate) fn remove_scratch() {
    let s = scratch()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = std::fs::remove_dir_all(&s.root);
}

impl Scratch {
    /// Loads the project with `text` at `rel`, then puts the stock file back (or removes it).
    fn load_with(&self, rel: &Path, text: &str) -> Result<Catalog, SpecError> {
        let path = self.root.join(rel);
        let dir = path.parent().expect("a parent");
        std::fs::create_dir_all(dir).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        let loaded = Catalog::load(Some(&self.root), &[]);
        match self.stock.get(rel) {
            Some(stock) => std::fs::write(&path, stock).expect("restore"),
            None => std::fs::remove_dir_all(dir).expect("clean up"),
        }
        loaded
    }

    /// Loads the stock files built into arc with `text` as an overlay.
    fn load_overlay(&self, text: &str) -> (String, Result<Catalog, SpecError>) {
        let path = self.root.join("overlay.yaml");
        std::fs::write(&path, text).expect("write");
        let loaded = Catalog::load(None, std::slice::from_ref(&path));
        (path.display().to_string(), loaded)
    }
}

/// Target `spec`: the input (when it is UTF-8) as a service.yaml, a profiles.yaml and an
/// overlay: parsed alone, and, where it parses, loaded and validated with the stock files.
pub(crate) fn spec(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let not_yaml = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).is_err();
    let service = arc::testing::parse_document::<ServiceSpec>("service.yaml", text);
    let profiles = arc::testing::parse_document::<ProfilesFile>("profiles.yaml", text);
    let overlay = arc::testing::parse_document::<Overlay>("overlay.yaml", text);
    for err in [
        service.as_ref().err(),
        profiles.as_ref().err(),
        overlay.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        let SpecError::Invalid(diags) = err else {
            panic!("parse_document failed without diagnostics: {err}");
        };
        assert!(!diags.is_empty(), "an error without diagnostics");
        for d in diags {
            position_ok(d, text);
            assert!(
                !not_yaml || d.line.is_some(),
                "a YAML error without its line and column: {d}"
            );
        }
    }
    let parsed = service.is_ok() || profiles.is_ok() || overlay.is_ok();
    if !parsed {
        return false;
    }
    let s = scratch()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Ok(spec) = &service {
        // A service is named after its directory; a name that cannot be one goes to `fuzzed/`.
        let dir = if !spec.name.is_empty()
            && spec.name.len() <= 64
            && !spec.name.contains(['/', '\\', '\0'])
            && spec.name != "."
            && spec.name != ".."
        {
            spec.name.as_str()
        } else {
            "fuzzed"
        };
        let rel = Path::new("services").join(dir).join("service.yaml");
        catalog_ok(s.load_with(&rel, text), &rel.display().to_string(), text);
    }
    if profiles.is_ok() {
        let rel = Path::new("profiles.yaml");
        catalog_ok(s.load_with(rel, text), "profiles.yaml", text);
    }
    if overlay.is_ok() {
        let (file, loaded) = s.load_overlay(text);
        catalog_ok(loaded, &file, text);
    }
    true
}

/// Lines as libyaml counts them: CR LF, CR, LF, NEL, LS and PS each end one (yaml-rust2, which
/// arc's positions of fields come from, counts only CR and LF: never more).
fn yaml_lines(text: &str) -> usize {
    1 + text
        .replace("\r\n", "\n")
        .matches(['\r', '\n', '\u{85}', '\u{2028}', '\u{2029}'])
        .count()
}

/// A diagnostic's position, when it has one, is inside the text it names.
fn position_ok(d: &arc::testing::Diagnostic, text: &str) {
    let _ = d.to_string();
    match (d.line, d.column) {
        (Some(line), Some(column)) => {
            assert!(
                line >= 1 && column >= 1,
                "positions are 1-based, got {line}:{column}: {d}"
            );
            assert!(
                line <= yaml_lines(text),
                "line {line} is past the end of the text: {d}"
            );
        }
        (None, None) => {}
        _ => panic!("a line without a column or a column without a line: {d:?}"),
    }
}

/// What a load promises: a catalog that validated can be used; an invalid one says where.
fn catalog_ok(loaded: Result<Catalog, SpecError>, file: &str, text: &str) {
    let catalog = match loaded {
        Ok(c) => c,
        Err(SpecError::Invalid(diags)) => {
            assert!(!diags.is_empty(), "an error without diagnostics");
            for d in &diags {
                if d.file == file {
                    position_ok(d, text);
                }
            }
            return;
        }
        Err(e) => panic!("the load failed without diagnostics: {e}"),
    };
    let all = catalog
        .select(&[])
        .expect("a valid catalog selects its default profile");
    for name in catalog.profiles.keys() {
        let selected = catalog
            .select(std::slice::from_ref(name))
            .expect("a valid catalog selects each of its profiles");
        arc::testing::waves(&catalog, &selected).expect("a valid catalog orders its services");
    }
    arc::testing::waves(&catalog, &all).expect("a valid catalog orders its services");
    for s in &catalog.services {
        assert!(catalog.service(&s.name).is_ok());
        let _ = s.resolved_exports();
        let _ = s.exports_at("arc-host", true);
        let _ = s.health.deadline();
        let _ = s.display_name();
        let yaml = serde_yaml_ng::to_string(s).expect("a spec serializes");
        let back = arc::testing::parse_document::<ServiceSpec>("again.yaml", &yaml)
            .unwrap_or_else(|e| panic!("a valid spec does not read back: {e}\n{yaml}"));
        // Compared as written: what the catalog derives (each instance's peers, the other
        // services' instances for `{instances.…}`) is not part of the file.
        assert_eq!(
            serde_yaml_ng::to_string(&back).expect("a spec serializes"),
            yaml,
            "a valid spec reads back as another"
        );
    }
}
