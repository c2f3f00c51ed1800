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
