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
//! is the bytes, base64-encoded (standard alphabet, padded).
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
    pub payload: serde_json::Value,
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
    pub payload: serde_json::Value,
}

/// A producer's message that cannot be read: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub field: String,
    pub reason: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
            de.end().map_err(|e| malformed("$", e.to_string()))?;
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
            let reason = text.split(" at line ").next().unwrap_or(&text).to_owned();
            Err(malformed(&field, reason))
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

/// Checks headers: names are HTTP/NATS tokens, values hold no line breaks.
pub fn check_headers(headers: &BTreeMap<String, String>) -> Result<(), Malformed> {
    for (k, v) in headers {
        if k.is_empty()
            || !k
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b':' && b != b'"')
        {
            return Err(malformed(
                &format!("headers.{k}"),
                "header names are printable ASCII without spaces or `:`",
            ));
        }
        if v.contains(['\r', '\n']) {
            return Err(malformed(
                &format!("headers.{k}"),
                "header values may not contain line breaks",
            ));
        }
    }
    Ok(())
}

/// The payload as bytes on the wire: JSON text, or the decoded base64 for other content types.
pub fn payload_bytes(
    payload: &serde_json::Value,
    headers: &BTreeMap<String, String>,
) -> Result<Vec<u8>, Malformed> {
    if is_json_content_type(content_type(headers)) {
        return Ok(serde_json::to_vec(payload).unwrap_or_default());
    }
    match payload {
        serde_json::Value::String(s) => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| {
                malformed(
                    "payload",
                    format!(
                        "content-type `{}` is not JSON, so the payload must be base64: {e}",
                        content_type(headers).unwrap_or_default()
                    ),
                )
            }),
        _ => Err(malformed(
            "payload",
            format!(
                "content-type `{}` is not JSON, so the payload must be a base64 string",
                content_type(headers).unwrap_or_default()
            ),
        )),
    }
}

/// The payload of bytes that arrived raw (NATS, for instance): JSON when they parse as JSON and the
/// content type allows, else base64 with the content type set (default
/// `application/octet-stream`).
pub fn payload_from_bytes(
    bytes: &[u8],
    headers: &mut BTreeMap<String, String>,
) -> serde_json::Value {
    if is_json_content_type(content_type(headers)) {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
            return v;
        }
        if content_type(headers).is_none() {
            headers.insert(
                "content-type".to_owned(),
                "application/octet-stream".to_owned(),
            );
        }
    }
    serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
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
pub fn format_ts(ts: &chrono::DateTime<chrono::Utc>) -> std::sync::Arc<str> {
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
            payload: serde_json::json!({"op": "think"}),
        };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(
            text,
            r#"{"id":"m1","subject":"agent.a1.commands","topic":"commands","ts":"2026-11-23T15:51:52.123Z","source":"http","sender":"agent-a","headers":{"x-agent":"a1"},"payload":{"op":"think"}}"#
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
        assert!(parse_incoming(br#"{"subject": "a", "payload": null}"#).is_ok());
    }

    #[test]
    fn payload_bytes_follow_the_content_type() {
        let json = BTreeMap::new();
        assert_eq!(
            payload_bytes(&serde_json::json!({"a": 1}), &json).unwrap(),
            br#"{"a":1}"#
        );
        let bin: BTreeMap<_, _> = [("Content-Type".to_owned(), "image/png".to_owned())].into();
        assert_eq!(
            payload_bytes(&serde_json::json!("AAEC"), &bin).unwrap(),
            vec![0, 1, 2]
        );
        assert_eq!(
            payload_bytes(&serde_json::json!({"a": 1}), &bin)
                .unwrap_err()
                .field,
            "payload"
        );
        let mut h = BTreeMap::new();
        assert_eq!(
            payload_from_bytes(b"\x00\x01", &mut h),
            serde_json::json!("AAE=")
        );
        assert_eq!(h["content-type"], "application/octet-stream");
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
