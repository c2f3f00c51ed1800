//! The pipeline's HTTP API (axum): [`router`] over an [`AppState`], one file per resource —
//! ingress (`POST /v1/messages`, `/v1/ws`), the message log (`GET /v1/messages…`), the live
//! feed, the config store, the backbone registry, the dead letters, health and metrics.
//!
//! Handlers return `Result<_, ApiError>`; the admin token is an extractor ([`auth`]). No SQL
//! here: every statement is behind [`Store`]. Ingress reads its bodies itself, after
//! authentication and within the global byte budget ([`budget`]); an open ingress refuses
//! other origins' pages ([`origin`]).

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::Router;

use super::envelope::Envelope;
use super::fanout::Pipeline;
use super::store::Store;
use super::Components;

pub(crate) mod auth;
pub(crate) mod backbones;
pub(crate) mod budget;
pub(crate) mod config;
pub(crate) mod dead;
pub(crate) mod error;
pub(crate) mod feed;
pub(crate) mod health;
pub(crate) mod ingress;
pub(crate) mod messages;
mod origin;
mod versioned;

pub(crate) use error::ApiError;
pub use ingress::parse_batch;

/// The largest request body (a batch); a single message's limit is its topic's.
pub(crate) const MAX_BODY: usize = 64 << 20;

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub pipeline: Arc<Pipeline>,
    pub store: Arc<Store>,
    pub admin_token: Option<Arc<str>>,
    pub components: Components,
    /// Asks the config watcher to reload now (after this instance wrote a change).
    pub reload: tokio::sync::mpsc::Sender<()>,
    /// Newly logged envelopes, for `/v1/feed`.
    pub feed: tokio::sync::broadcast::Sender<Arc<Envelope>>,
    /// The background tasks and their states (for `/readyz` and `/metrics`).
    pub supervisor: super::supervisor::Supervisor,
    /// Sonic, for the dead letters.
    pub redis: super::queue::Redis,
    /// This instance's consumer leases and the lists it claimed (for `/readyz` and `/metrics`).
    pub leases: super::lease::Leases,
    /// The request bytes held at once, across clients.
    pub budget: Arc<budget::BodyBudget>,
    /// How long a request's body may take to arrive.
    pub body_timeout: std::time::Duration,
    /// The listener's connection counts (for `/metrics`).
    pub conns: Arc<super::listener::ConnStats>,
}

/// The routes of the components `state` runs.
pub(crate) fn router(state: AppState) -> Router {
    let mut r = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics));
    r = match (state.components.fanout, state.components.query) {
        (true, true) => r.route(
            "/v1/messages",
            post(ingress::post_messages).get(messages::list_messages),
        ),
        (true, false) => r.route("/v1/messages", post(ingress::post_messages)),
        (false, true) => r.route("/v1/messages", get(messages::list_messages)),
        (false, false) => r,
    };
    if state.components.fanout {
        r = r.route("/v1/ws", get(ingress::ws_upgrade));
    }
    if state.components.query {
        r = r
            .route("/", get(feed::page))
            .route("/v1/messages/{id}", get(messages::get_message))
            .route("/v1/feed", get(feed::feed))
            .route("/v1/dead", get(dead::list_dead).delete(dead::drop_all))
            .route("/v1/dead/retry", post(dead::retry_all))
            .route("/v1/dead/{dead_id}", delete(dead::drop_dead))
            .route("/v1/dead/{dead_id}/retry", post(dead::retry_dead));
    }
    if state.components.config {
        r = r
            .route(
                "/v1/config/global",
                get(config::get_global)
                    .put(config::put_global)
                    .delete(config::delete_global),
            )
            .route("/v1/config/topics", get(config::list_topics))
            .route(
                "/v1/config/topics/{topic}",
                get(config::get_topic)
                    .put(config::put_topic)
                    .delete(config::delete_topic),
            );
    }
    if state.components.registry {
        r = r
            .route(
                "/v1/backbones",
                get(backbones::list_backbones).post(backbones::create_backbone),
            )
            .route(
                "/v1/backbones/{system_id}",
                get(backbones::get_backbone)
                    .put(backbones::put_backbone)
                    .delete(backbones::delete_backbone),
            );
    }
    r.layer(DefaultBodyLimit::max(MAX_BODY)).with_state(state)
}
