//! JetStream streams on the server: look up, list, create and update, each failure a
//! [`BusError`] naming the operation. What to create or update is decided by
//! `provision::streams` (the streams.yaml model and its `diff`).

use async_nats::jetstream::{self, stream};

use super::BusError;

/// Creates a stream.
pub(crate) async fn create(
    js: &jetstream::Context,
    config: stream::Config,
) -> Result<(), BusError> {
    let name = config.name.clone();
    js.create_stream(config)
        .await
        .map(|_| ())
        .map_err(|e| BusError::op(format!("create stream `{name}`"), e))
}

/// Replaces a stream's config; `changes` says what differs, for the error.
pub(crate) async fn update(
    js: &jetstream::Context,
    config: stream::Config,
    changes: &str,
) -> Result<(), BusError> {
    let name = config.name.clone();
    js.update_stream(config)
        .await
        .map(|_| ())
        .map_err(|e| BusError::op(format!("update stream `{name}` ({changes})"), e))
}

/// The stream's config, or `None` when it does not exist. A request nobody answered is asked
/// again for up to 20 s: a NATS cluster that is electing its JetStream leaders (a node just
/// restarted or rejoined) answers nothing for a while, though each node is up.
pub(crate) async fn get(
    js: &jetstream::Context,
    name: &str,
) -> Result<Option<stream::Config>, BusError> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        match js.get_stream(name).await {
            Ok(s) => return Ok(Some(s.cached_info().config.clone())),
            Err(e) => match e.kind() {
                jetstream::context::GetStreamErrorKind::JetStream(je)
                    if je.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND =>
                {
                    return Ok(None)
                }
                jetstream::context::GetStreamErrorKind::Request
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
                _ => return Err(BusError::op(format!("look up stream `{name}`"), e)),
            },
        }
    }
}

/// Every stream's info.
pub(crate) async fn list(js: &jetstream::Context) -> Result<Vec<stream::Info>, BusError> {
    use futures::TryStreamExt;
    js.streams()
        .try_collect()
        .await
        .map_err(|e| BusError::op("list streams", e))
}

/// A subject pattern a stream captures, with what that stream refuses for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Capture {
    pub pattern: String,
    pub stream: String,
    /// The stream's `max_msg_size` (payload and headers), when it sets one.
    pub max_msg_size: Option<usize>,
    /// A sealed stream takes no message.
    pub sealed: bool,
}

/// The subjects every stream captures, for a publisher that must know whether JetStream stores
/// a subject. Ask only a server whose INFO says it runs JetStream: in a cluster electing its
/// meta leader the API can answer "no responders" for a while, which says nothing about the
/// streams (an error here, not an empty list).
pub(crate) async fn captured_subjects(js: &jetstream::Context) -> Result<Vec<Capture>, BusError> {
    let mut subjects = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    loop {
        let page: serde_json::Value = js
            .request("STREAM.LIST", &serde_json::json!({ "offset": names.len() }))
            .await
            .map_err(|e| BusError::op("list streams", e))?;
        if let Some(error) = page.get("error") {
            return Err(BusError::op("list streams", error.to_string()));
        }
        let streams = page["streams"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for s in streams {
            // A cluster moving a stream's leader has been seen to list one stream twice and
            // another not at all: such a listing is not an answer.
            let name = s["config"]["name"].as_str().unwrap_or_default();
            if !names.insert(name.to_owned()) {
                return Err(BusError::op(
                    "list streams",
                    "the listing changed while it was read (a stream leader moving?)",
                ));
            }
            // -1 (or 0, from older servers) is no limit.
            let max_msg_size = s["config"]["max_msg_size"]
                .as_i64()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n > 0);
            let sealed = s["config"]["sealed"].as_bool().unwrap_or(false);
            subjects.extend(
                s["config"]["subjects"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str())
                    .map(|p| Capture {
                        pattern: p.to_owned(),
                        stream: name.to_owned(),
                        max_msg_size,
                        sealed,
                    }),
            );
        }
        if streams.is_empty() || names.len() as u64 >= page["total"].as_u64().unwrap_or(0) {
            return Ok(subjects);
        }
    }
}
