//! The bytes of request bodies and WebSocket messages held at once, across every client: a
//! request reads its body under a deadline, charging each chunk as it arrives; a chunk the
//! budget cannot take is answered 503 with `Retry-After`. Bodies past [`SMALL`] may together
//! hold only three quarters of the budget, so a few clients holding large bodies open leave
//! room for everyone's ordinary messages.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use http_body_util::BodyExt as _;
use tokio::sync::Semaphore;

use super::ApiError;

/// A body up to this size draws on the whole budget; what a body holds beyond it draws on the
/// large bodies' share as well.
pub(crate) const SMALL: usize = 1 << 20;

/// The global budget of body bytes (`arc serve --body-budget`).
pub(crate) struct BodyBudget {
    all: Semaphore,
    large: Semaphore,
    bytes: usize,
    refused: AtomicU64,
    timed_out: AtomicU64,
}

/// Bytes a body holds; given back when dropped.
pub(crate) struct Held {
    budget: Arc<BodyBudget>,
    all: usize,
    large: usize,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.budget.all.add_permits(self.all);
        self.budget.large.add_permits(self.large);
    }
}

impl BodyBudget {
    pub(crate) fn new(bytes: usize) -> Arc<Self> {
        let bytes = bytes.clamp(1, Semaphore::MAX_PERMITS);
        Arc::new(BodyBudget {
            all: Semaphore::new(bytes),
            large: Semaphore::new(bytes / 4 * 3),
            bytes,
            refused: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
        })
    }

    /// Nothing held yet.
    pub(crate) fn hold(self: &Arc<Self>) -> Held {
        Held {
            budget: self.clone(),
            all: 0,
            large: 0,
        }
    }

    /// Charges `n` more bytes to `held`, which holds `had` so far.
    pub(crate) fn charge(&self, held: &mut Held, had: usize, n: usize) -> Result<(), ApiError> {
        let large = (had + n).saturating_sub(SMALL.max(had));
        let take = |s: &Semaphore, n: usize| -> bool {
            if n == 0 {
                return true;
            }
            match u32::try_from(n).ok().map(|n| s.try_acquire_many(n)) {
                Some(Ok(p)) => {
                    p.forget();
                    true
                }
                _ => false,
            }
        };
        if !take(&self.large, large) {
            return Err(self.refuse());
        }
        if !take(&self.all, n) {
            self.large.add_permits(large);
            return Err(self.refuse());
        }
        held.all += n;
        held.large += large;
        Ok(())
    }

    fn refuse(&self) -> ApiError {
        self.refused.fetch_add(1, Ordering::Relaxed);
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!(
                "the pipeline holds as many request bytes as it takes ({} MiB across clients, --body-budget); retry",
                self.bytes >> 20
            ),
        )
        .with_retry_after(1)
    }

    /// Reads `body` whole, at most `max` bytes, within `deadline`, charging it to the budget.
    pub(crate) async fn read(
        self: &Arc<Self>,
        headers: &HeaderMap,
        body: Body,
        max: usize,
        deadline: Duration,
    ) -> Result<(Bytes, Held), ApiError> {
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!(
                    "the body is over {} MiB; send fewer messages per request",
                    max >> 20
                ),
            )
        };
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max as u64) {
            return Err(too_large());
        }
        let mut held = self.hold();
        let reading = async {
            // Chunks as they came (a growing buffer would hold up to twice what was charged
            // while a body is held open), joined once whole.
            let mut chunks: Vec<Bytes> = Vec::new();
            let mut len = 0;
            let mut body = body;
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "malformed",
                        format!("the body could not be read: {e}"),
                    )
                })?;
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                if len + data.len() > max {
                    return Err(too_large());
                }
                self.charge(&mut held, len, data.len())?;
                len += data.len();
                chunks.push(data);
            }
            Ok(match chunks.len() {
                0 => Bytes::new(),
                1 => chunks.swap_remove(0),
                _ => Bytes::from(chunks.concat()),
            })
        };
        match tokio::time::timeout(deadline, reading).await {
            Ok(Ok(bytes)) => Ok((bytes, held)),
            Ok(Err(e)) => Err(e),
            Err(_) => {
                self.timed_out.fetch_add(1, Ordering::Relaxed);
                Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "body_timeout",
                    format!(
                        "the body did not arrive within {} (--body-timeout); send it whole at once",
                        humantime::format_duration(deadline)
                    ),
                ))
            }
        }
    }

    /// Prometheus text.
    pub(crate) fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# TYPE arc_http_body_bytes_held gauge\narc_http_body_bytes_held {}",
            self.bytes - self.all.available_permits()
        );
        let _ = writeln!(
            s,
            "# TYPE arc_http_body_budget_bytes gauge\narc_http_body_budget_bytes {}",
            self.bytes
        );
        let _ = writeln!(
            s,
            "# TYPE arc_http_bodies_refused_total counter\narc_http_bodies_refused_total{{reason=\"budget\"}} {}\narc_http_bodies_refused_total{{reason=\"timeout\"}} {}",
            self.refused.load(Ordering::Relaxed),
            self.timed_out.load(Ordering::Relaxed)
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_bodies_leave_a_quarter_of_the_budget_to_small_ones() {
        let b = BodyBudget::new(8 << 20);
        let mut big = b.hold();
        // A large body's bytes past the first MiB fill the large share (6 MiB), and no more.
        b.charge(&mut big, 0, 4 << 20).unwrap();
        b.charge(&mut big, 4 << 20, 3 << 20).unwrap();
        let e = b.charge(&mut big, 7 << 20, 1 << 20).unwrap_err();
        assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
        // A small one still fits in what is left.
        let mut small = b.hold();
        b.charge(&mut small, 0, 512 << 10).unwrap();
        drop(big);
        drop(small);
        assert_eq!(b.all.available_permits(), 8 << 20);
        assert_eq!(b.large.available_permits(), 6 << 20);
    }
}
