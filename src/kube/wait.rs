//! Until a backbone's public URL answers NATS with a JetStream meta leader: the check that
//! Helm's "pods ready" cannot make (the Service, the load balancer, DNS and the JetStream
//! cluster all have to work for it to pass).

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{KubeError, Progress};

/// What the backbone said.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Answer {
    /// The NATS server that answered, and its version.
    pub server_name: String,
    pub server_version: String,
    /// The NATS cluster it belongs to (`None` for a lone server).
    pub cluster: Option<String>,
    /// Streams in the account JetStream answered for.
    pub streams: u64,
}

/// One attempt: connect, then ask JetStream's API for the account's info. In a clustered
/// JetStream only a cluster with a meta leader answers that (without one the servers say the
/// system is unavailable), so an answer means there is a leader.
pub(crate) async fn ask(url: &str, timeout: Duration) -> Result<Answer, String> {
    let client = crate::bus::nats::connect(&crate::bus::nats::NatsOptions {
        server: url.to_owned(),
        timeout,
        ..Default::default()
    })
    .await
    .map_err(|e| {
        let mut text = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            text.push_str(": ");
            text.push_str(&s.to_string());
            src = s.source();
        }
        text
    })?;
    let info = client.server_info();
    let reply = tokio::time::timeout(timeout, client.request("$JS.API.INFO", "".into()))
        .await
        .map_err(|_| {
            format!(
                "JetStream did not answer within {}",
                crate::format::duration(timeout)
            )
        })?
        .map_err(|e| format!("JetStream did not answer: {e}"))?;
    let v: serde_json::Value = serde_json::from_slice(&reply.payload)
        .map_err(|e| format!("JetStream's answer is not JSON: {e}"))?;
    if let Some(err) = v.get("error") {
        return Err(format!(
            "JetStream answered: {}",
            err["description"].as_str().unwrap_or("an error")
        ));
    }
    Ok(Answer {
        server_name: info.server_name.clone(),
        server_version: info.version.clone(),
        cluster: info.cluster.clone(),
        streams: v["streams"].as_u64().unwrap_or(0),
    })
}

/// Asks `url` until it answers or `within` passes, once a second.
pub(crate) async fn until_answers(
    url: &str,
    within: Duration,
    progress: &dyn Progress,
) -> Result<Answer, KubeError> {
    let start = Instant::now();
    let mut said = String::new();
    loop {
        match ask(url, Duration::from_secs(3)).await {
            Ok(a) => return Ok(a),
            Err(last) => {
                if start.elapsed() >= within {
                    return Err(KubeError::NotAnswering {
                        url: crate::bus::nats::redact(url),
                        waited: crate::format::duration(within),
                        last,
                    });
                }
                if last != said {
                    progress.line(&format!(
                        "waiting for {}: {last}",
                        crate::bus::nats::redact(url)
                    ));
                    said = last;
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
