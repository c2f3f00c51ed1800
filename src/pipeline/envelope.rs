//! The envelope: one normalized message, the same shape on every ingress, on the log queue, in
//! the log store and in the CLI's output.
//!
//! JSON form (every field always present):
//!
//! ```json
//! {"id": "019a5d3e-7c1f-7b7e-9d3e-2a1f0c6b9e10", "subject": "agent.a1.commands",
//!  "topic": "commands", "ts": "2026-11-23T15:51:52.123Z", "source": "http",
//!  "sender": "agent-a", "headers": {"x-agent": "a1"}, "payload": {"op": "think"}}
//! ```
//!
//! `payload` is JSON, unless the `content-type` header names something that is not JSON: then it
//! is the bytes, base64-encoded (standard alphabet, padded). A JSON payload is kept as the text the
//! producer sent ([`Payload`]): numbers of any size, key order and inner whitespace reach NATS and
//! the log unchanged (only the whitespace around the value is not part of it).
//!
//! Producers send an [`Incoming`]: `subject`, `payload`, optional `headers` and `id`. An `id` from
//! the producer is its idempotency key (the NATS `Nats-Msg-Id` and the log's primary key);
//! without one the pipeline assigns a UUIDv7. `topic`, `ts`, `source` and `sender` are the
//! pipeline's to set.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Where a message entered the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Http,
    Ws,
    Redis,
    Nats,
}

impl Source {
    pub const ALL: [Source; 4] = [Source::Http, Source::Ws, Source::Redis, Source::Nats];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Http => "http",
            Source::Ws => "ws",
            Source::Redis => "redis",
            Source::Nats => "nats",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A normalized, accepted message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub id: String,
    pub subject: String,
    pub topic: String,
    /// UTC, millisecond precision, RFC 3339 with `Z`.
    #[serde(with = "ts_format")]
    pub ts: chrono::DateTime<chrono::Utc>,
    pub source: Source,
    pub sender: String,
    pub headers: BTreeMap<String, String>,
    pub payload: Payload,
}

/// A JSON payload as the text it arrived in, never parsed into numbers and printed again (which
/// would turn `12345678901234567890123` into `1.2345678901234568e+22`).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Payload(Box<serde_json::value::RawValue>);

impl Payload {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Bytes that are already known to be one JSON value (the raw payload of NATS ingress).
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Payload, serde_json::Error> {
        serde_json::from_slice(bytes).map(Payload)
    }

    /// A JSON string holding `text` (base64 payloads).
    pub fn string(text: &str) -> Payload {
        Payload(
            serde_json::value::to_raw_value(text)
                .unwrap_or_else(|_| serde_json::value::RawValue::NULL.to_owned()),
        )
    }

    /// The payload as a value (for policies): numbers outside 64 bits become floats there. An
    /// error (a payload deeper than serde_json's 128 levels, which ingress never lets through;
    /// a number past a double's range) is told, never turned into `null`.
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.get())
    }

    /// `null`.
    pub fn null() -> Payload {
        Payload(serde_json::value::RawValue::NULL.to_owned())
    }
}

impl From<&serde_json::Value> for Payload {
    fn from(v: &serde_json::Value) -> Self {
        Payload(
            serde_json::value::to_raw_value(v)
                .unwrap_or_else(|_| serde_json::value::RawValue::NULL.to_owned()),
        )
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

/// What a producer sends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incoming {
    #[serde(default)]
    pub id: Option<String>,
    pub subject: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub payload: Payload,
}

/// A producer's message that cannot be read: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `$` (the whole message) is JSONPath, not a word a producer should have to read.
        if self.field == "$" {
            return write!(f, "{}", self.reason);
        }
        write!(f, "`{}`: {}", self.field, self.reason)
    }
}

fn malformed(field: &str, reason: impl Into<String>) -> Malformed {
    Malformed {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Fields the pipeline sets itself; a producer that sends them is told so.
const PIPELINE_FIELDS: [&str; 4] = ["topic", "ts", "source", "sender"];

/// Parses one producer message from JSON text.
pub fn parse_incoming(text: &[u8]) -> Result<Incoming, Malformed> {
    // The fast path; the error path below parses again to name the field.
    if let Ok(m) = serde_json::from_slice::<Incoming>(text) {
        return Ok(m);
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    match serde_path_to_error::deserialize::<_, Incoming>(&mut de) {
        Ok(m) => {
            de.end().map_err(|e| malformed("$", json_reason(&e)))?;
            Ok(m)
        }
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let text = inner.to_string();
            if let Some(f) = PIPELINE_FIELDS
                .iter()
                .find(|f| text.starts_with(&format!("unknown field `{f}`")))
            {
                return Err(malformed(
                    f,
                    "is set by the pipeline; send only `subject`, `payload`, `headers` and `id`",
                ));
            }
            let field = if path == "." || path == "?" || path.is_empty() {
                text.strip_prefix("missing field `")
                    .and_then(|r| r.split('`').next())
                    .or_else(|| {
                        text.strip_prefix("unknown field `")
                            .and_then(|r| r.split('`').next())
                    })
                    .unwrap_or("$")
                    .to_owned()
            } else {
                path
            };
            Err(malformed(&field, json_reason(&inner)))
        }
    }
}

/// Why JSON could not be read, in words: a syntax error says where (serde_json's own words,
/// `expected ident`, name its parser's states); a wrong value keeps serde's explanation
/// without the position.
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        Category::Syntax => format!("not valid JSON (at line {line}, column {column})"),
        Category::Eof => "not valid JSON: it ends before the value is complete".to_owned(),
        Category::Data | Category::Io => {
            let text = e.to_string();
            text.split(" at line ").next().unwrap_or(&text).to_owned()
        }
    }
}

/// Whether a content type is JSON (`application/json`, `…+json`, or none at all).
pub fn is_json_content_type(ct: Option<&str>) -> bool {
    match ct {
        None => true,
        Some(ct) => {
            let base = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            base.is_empty() || base == "application/json" || base.ends_with("+json")
        }
    }
}

/// The `content-type` header, looked up without regard to case.
pub fn content_type(headers: &BTreeMap<String, String>) -> Option<&str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str())
}

/// Checks an id a producer supplied: 1–128 characters of `A-Z a-z 0-9 . _ : -`.
pub fn check_id(id: &str) -> Result<(), Malformed> {
    if id.is_empty() || id.len() > 128 {
        return Err(malformed("id", "must be 1 to 128 characters"));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
    {
        return Err(malformed(
            "id",
            format!("contains {c:?}; use letters, digits, `.`, `_`, `:` and `-`"),
        ));
    }
    Ok(())
}

/// The longest subject the pipeline takes, in bytes. NATS has no limit of its own but the 4,096
/// bytes of its control line (`HPUB <subject> <sizes>`), and the log indexes the subject in a
/// b-tree whose rows are at most 2,704 bytes; 1,024 leaves room for both.
pub const MAX_SUBJECT: usize = 1024;

/// Checks a subject beyond NATS's token rules: its length, and no control characters (NUL
/// included), which neither NATS's text protocol nor the log's text columns take.
pub fn check_subject(subject: &str) -> Result<(), Malformed> {
    if subject.len() > MAX_SUBJECT {
        return Err(malformed(
            "subject",
            format!(
                "is {} bytes; subjects are at most {MAX_SUBJECT} bytes",
                subject.len()
            ),
        ));
    }
    if let Some(c) = subject.chars().find(|c| c.is_control()) {
        return Err(malformed(
            "subject",
            format!("contains the control character {c:?}"),
        ));
    }
    crate::bus::subject::publish(subject).map_err(|e| malformed("subject", e.to_string()))
}

/// Subjects nobody may publish to through the pipeline: its own ingress (a loop) and arc's and
/// NATS's internals.
pub(crate) const RESERVED: [&str; 5] = ["ingest.>", "arc.>", "_INBOX.>", "$JS.>", "$SYS.>"];

/// The reserved pattern `subject` falls under, if any.
pub fn reserved(subject: &str) -> Option<&'static str> {
    RESERVED
        .iter()
        .find(|r| crate::bus::subject::matches(r, subject))
        .copied()
}

/// Header name prefixes (any case) a producer may not set: NATS reads `Nats-*` as instructions
/// (`Nats-Msg-Id` is the pipeline's de-duplication, `Nats-Expected-*`, `Nats-Rollup`, `Nats-TTL`
/// change what JetStream does), and `Arc-*` are the pipeline's own (`Arc-Sender` says who sent
/// it). Refused rather than dropped: a producer relying on one learns at once that it has no
/// effect, and what NATS gets of the headers is what the log keeps. The id is the envelope's
/// `id` field (on NATS ingress, `Nats-Msg-Id` or `Arc-Id` are read as that id and not kept).
pub(crate) const RESERVED_HEADERS: [&str; 2] = ["nats-", "arc-"];

/// Checks headers: names are HTTP/NATS tokens outside the reserved `Nats-*`/`Arc-*`
/// ([`RESERVED_HEADERS`]), values hold no control characters but tab (no line breaks, no NUL:
/// NATS's header block is text lines, and the log keeps headers as JSONB, which has no room for
/// U+0000).
pub fn check_headers(headers: &BTreeMap<String, String>) -> Result<(), Malformed> {
    for (k, v) in headers {
        if let Some(p) = RESERVED_HEADERS
            .iter()
            .find(|p| k.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
        {
            return Err(malformed(
                &format!("headers.{}", k.escape_debug()),
                format!(
                    "`{}*` headers are reserved (NATS reads `Nats-*` as instructions, `Arc-*` are the pipeline's own); give the id in the `id` field",
                    &k[..p.len()]
                ),
            ));
        }
        if k.is_empty()
            || !k
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b':' && b != b'"')
        {
            return Err(malformed(
                &format!("headers.{}", k.escape_debug()),
                "header names are printable ASCII without spaces or `:`",
            ));
        }
        if let Some(c) = v.chars().find(|c| c.is_control() && *c != '\t') {
            let reason = if matches!(c, '\r' | '\n') {
                "header values may not contain line breaks".to_owned()
            } else {
                format!("header values may not contain the control character {c:?}")
            };
            return Err(malformed(&format!("headers.{k}"), reason));
        }
    }
    Ok(())
}

/// The deepest nesting of arrays and objects a JSON payload may have (`{"a": [1]}` is 2 deep).
/// Below what everything behind ingress can hold: the conversion of a payload into CEL values
/// for policies (serde_json stops at 128 levels; the payload used to become `null` there, so a
/// deny policy did not see it) and the log store (PostgreSQL 15 parses `json` recursively and
/// stops at about 13,000 levels with its default 2 MB `max_stack_depth`; the message was then
/// accepted and set aside by the logger). One limit, checked once, in [`check_depth`].
pub(crate) const MAX_DEPTH: usize = 64;

/// Checks that a JSON payload is at most [`MAX_DEPTH`] levels deep. A scan of the text as it
/// arrived (already known to be JSON), so no recursion and no parse: linear in its size.
pub(crate) fn check_depth(payload: &Payload) -> Result<(), Malformed> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in payload.get().bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_DEPTH {
        return Err(malformed(
            "payload",
            format!(
                "is nested {deepest} levels deep; payloads are at most {MAX_DEPTH} levels of arrays and objects deep (what policies and the log can hold)"
            ),
        ));
    }
    Ok(())
}

/// The payload as bytes on the wire: the JSON text as it arrived, or the decoded base64 for other
/// content types.
pub fn payload_bytes(
    payload: &Payload,
    headers: &BTreeMap<String, String>,
) -> Result<Vec<u8>, Malformed> {
    if is_json_content_type(content_type(headers)) {
        return Ok(payload.get().as_bytes().to_vec());
    }
    let not_base64 = |why: String| {
        malformed(
            "payload",
            format!(
                "content-type `{}` is not JSON, so the payload must be a base64 string{why}",
                content_type(headers).unwrap_or_default()
            ),
        )
    };
    let text: String =
        serde_json::from_str(payload.get()).map_err(|_| not_base64(String::new()))?;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| not_base64(format!(": {e}")))
}

/// The payload of bytes that arrived raw (NATS, for instance). With a JSON content type (set, or
/// none at all) bytes that parse as JSON are the payload as they are; bytes that do not are
/// refused when the content type says JSON, and base64-encoded with `application/octet-stream`
/// when no content type was given. Any other content type: base64.
pub fn payload_from_bytes(
    bytes: &[u8],
    headers: &mut BTreeMap<String, String>,
) -> Result<Payload, Malformed> {
    let ct = content_type(headers).map(str::to_owned);
    if is_json_content_type(ct.as_deref()) {
        match Payload::from_json_bytes(bytes) {
            Ok(p) => return Ok(p),
            Err(e) if ct.is_some() => {
                return Err(malformed(
                    "payload",
                    format!(
                        "content-type `{}` says JSON, but the body is not JSON: {e}",
                        ct.unwrap_or_default()
                    ),
                ))
            }
            Err(_) => {
                headers.insert(
                    "content-type".to_owned(),
                    "application/octet-stream".to_owned(),
                );
            }
        }
    }
    Ok(Payload::string(
        &base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}

/// The size of a header block as NATS sends it (`NATS/1.0\r\n`, `name: value\r\n` each, a
/// blank line); NATS counts it against `max_payload` with the payload.
pub(crate) fn nats_header_len<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> usize {
    let mut n = "NATS/1.0\r\n".len() + 2;
    for (k, v) in headers {
        n += k.len() + 2 + v.len() + 2;
    }
    n
}

/// Now, truncated to milliseconds.
pub fn now_ms() -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now();
    now.duration_trunc(TimeDelta::milliseconds(1))
        .unwrap_or(now)
}

/// A new UUIDv7.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// `ts` as RFC 3339 with milliseconds and `Z`. Messages of one batch share their timestamp, so
/// the last text made on this thread is kept and reused.
pub(crate) fn format_ts(ts: &chrono::DateTime<chrono::Utc>) -> std::sync::Arc<str> {
    use std::cell::RefCell;
    thread_local! {
        static LAST: RefCell<(i64, std::sync::Arc<str>)> = RefCell::new((i64::MIN, "".into()));
    }
    let ms = ts.timestamp_millis();
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != ms {
            *last = (ms, ts.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string().into());
        }
        last.1.clone()
    })
}

mod ts_format {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        ts: &chrono::DateTime<chrono::Utc>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_ts(ts))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<chrono::DateTime<chrono::Utc>, D::Error> {
        let s = String::deserialize(d)?;
        chrono::DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_json_form_is_stable() {
        let e = Envelope {
            id: "m1".into(),
            subject: "agent.a1.commands".into(),
            topic: "commands".into(),
            ts: chrono::DateTime::parse_from_rfc3339("2026-11-23T15:51:52.123Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
            source: Source::Http,
            sender: "agent-a".into(),
            headers: [("x-agent".to_owned(), "a1".to_owned())].into(),
            payload: Payload::from_json_bytes(br#"{"op": "think"}"#).unwrap(),
        };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(
            text,
            r#"{"id":"m1","subject":"agent.a1.commands","topic":"commands","ts":"2026-11-23T15:51:52.123Z","source":"http","sender":"agent-a","headers":{"x-agent":"a1"},"payload":{"op": "think"}}"#
        );
        let back: Envelope = serde_json::from_str(&text).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn incoming_errors_name_the_field() {
        let e = parse_incoming(br#"{"payload": 1}"#).unwrap_err();
        assert_eq!(e.field, "subject");
        let e = parse_incoming(br#"{"subject": "a", "payload": 1, "sender": "x"}"#).unwrap_err();
        assert_eq!(e.field, "sender");
        assert!(e.reason.contains("set by the pipeline"), "{e}");
        let e =
            parse_incoming(br#"{"subject": "a", "payload": 1, "headers": {"a": 1}}"#).unwrap_err();
        assert_eq!(e.field, "headers.a");
        let e = parse_incoming(b"{not json").unwrap_err();
        assert_eq!(e.field, "$");
        // Issue 25: no parser internals (`expected ident`) and no `$` in the words.
        assert_eq!(e.to_string(), "not valid JSON (at line 1, column 2)");
        let e = parse_incoming(b"$").unwrap_err();
        assert_eq!(e.to_string(), "not valid JSON (at line 1, column 1)");
        let e = parse_incoming(b"nope").unwrap_err();
        assert!(!e.to_string().contains("ident"), "{e}");
        let e = parse_incoming(br#"{"subject": "a""#).unwrap_err();
        assert!(e.to_string().contains("ends before"), "{e}");
        assert!(parse_incoming(br#"{"subject": "a", "payload": null}"#).is_ok());
    }

    fn json(text: &str) -> Payload {
        Payload::from_json_bytes(text.as_bytes()).unwrap()
    }

    #[test]
    fn payload_bytes_follow_the_content_type() {
        let none = BTreeMap::new();
        assert_eq!(
            payload_bytes(&json(r#"{"a": 1}"#), &none).unwrap(),
            br#"{"a": 1}"#
        );
        let bin: BTreeMap<_, _> = [("Content-Type".to_owned(), "image/png".to_owned())].into();
        assert_eq!(
            payload_bytes(&json(r#""AAEC""#), &bin).unwrap(),
            vec![0, 1, 2]
        );
        assert_eq!(
            payload_bytes(&json(r#"{"a": 1}"#), &bin).unwrap_err().field,
            "payload"
        );
        let mut h = BTreeMap::new();
        assert_eq!(
            payload_from_bytes(b"\x00\x01", &mut h).unwrap(),
            json(r#""AAE=""#)
        );
        assert_eq!(h["content-type"], "application/octet-stream");
        // Issue 11: invalid JSON said to be JSON went out as a base64 string.
        let mut h: BTreeMap<_, _> =
            [("Content-Type".to_owned(), "application/json".to_owned())].into();
        let e = payload_from_bytes(b"{not json", &mut h).unwrap_err();
        assert!(e.reason.contains("says JSON"), "{e}");
    }

    /// Issue 11: numbers past 64 bits became floats; payloads are now the text as sent.
    #[test]
    fn payloads_are_kept_byte_for_byte() {
        for text in [
            r#"{"n": 12345678901234567890123, "b": 1e400, "z": "a"}"#,
            r#"{"z":1,"a":2}"#,
            "[1,\n  2.50,  -0.0]",
            r#""\u0000 nul""#,
        ] {
            let m =
                parse_incoming(format!(r#"{{"subject": "a.b", "payload": {text}}}"#).as_bytes())
                    .unwrap();
            assert_eq!(
                payload_bytes(&m.payload, &m.headers).unwrap(),
                text.as_bytes()
            );
            let mut h = BTreeMap::new();
            assert_eq!(
                payload_from_bytes(text.as_bytes(), &mut h).unwrap().get(),
                text
            );
        }
    }

    #[test]
    fn subjects_and_headers_that_nats_or_the_log_cannot_take_are_refused() {
        assert!(check_subject("agent.a1.events").is_ok());
        assert!(check_subject("agent.\u{0}.x").is_err());
        assert!(check_subject("agent.\u{7f}").is_err());
        assert!(check_subject(&"a.".repeat(600))
            .unwrap_err()
            .reason
            .contains("at most 1024"));
        assert!(
            check_subject("ingest.x").is_ok(),
            "reserved is a separate rule"
        );
        assert_eq!(reserved("ingest.x"), Some("ingest.>"));
        let h = |v: &str| BTreeMap::from([("x".to_owned(), v.to_owned())]);
        assert!(check_headers(&h("a\tb é")).is_ok());
        assert!(check_headers(&h("a\u{0}b")).is_err());
        assert!(check_headers(&h("a\nb"))
            .unwrap_err()
            .reason
            .contains("line breaks"));
        // Reserved names in any case; a reserved text in a name's middle or a value is fine.
        let named = |k: &str| BTreeMap::from([(k.to_owned(), "x".to_owned())]);
        for k in [
            "Nats-Msg-Id",
            "nats-expected-stream",
            "NATS-ROLLUP",
            "Arc-Sender",
            "arc-sender",
            "ARC-TS",
        ] {
            let e = check_headers(&named(k)).unwrap_err();
            assert!(e.reason.contains("reserved"), "{k}: {e:?}");
            assert_eq!(e.field, format!("headers.{k}"));
        }
        for k in ["x-nats-id", "arcade", "natsy", "x-arc-"] {
            assert!(check_headers(&named(k)).is_ok(), "{k}");
        }
        assert!(check_headers(&h("Nats-Msg-Id: other")).is_ok());
        assert_eq!(
            nats_header_len([("Nats-Msg-Id", "1")]),
            "NATS/1.0\r\nNats-Msg-Id: 1\r\n\r\n".len()
        );
    }

    /// Issue 21: past 128 levels the payload reached policies as `null`; about 13,000 levels
    /// were accepted and then refused by the log store.
    #[test]
    fn payloads_deeper_than_the_limit_are_refused() {
        let nested = |levels: usize| {
            format!(
                r#"{{"op": "drop", "pad": {}"\\" ]{}}}"#,
                "[".repeat(levels - 1),
                "]".repeat(levels - 2)
            )
        };
        // `{` plus `levels - 1` arrays: `levels` deep. Brackets inside strings do not count.
        assert!(check_depth(&json(&nested(MAX_DEPTH))).is_ok());
        let e = check_depth(&json(&nested(MAX_DEPTH + 1))).unwrap_err();
        assert_eq!(e.field, "payload");
        assert!(
            e.reason
                .contains(&format!("nested {} levels", MAX_DEPTH + 1))
                && e.reason.contains(&format!("at most {MAX_DEPTH}")),
            "{e}"
        );
        assert!(check_depth(&json(&nested(15_000))).is_err());
        assert!(check_depth(&json(r#"["[[[[", "{{{{\"[", {"a": "]]]\\"}]"#)).is_ok());
        assert!(check_depth(&json(&format!(r#""{}""#, "[".repeat(500)))).is_ok());
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("order-42:retry.1_x").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("a b").is_err());
        assert!(check_id(&"x".repeat(129)).is_err());
        assert_eq!(new_id().len(), 36);
    }
}
