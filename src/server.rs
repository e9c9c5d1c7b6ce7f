//! The axum application: Leptos pages and server functions, static files,
//! compression. `app` is separate from `main` so tests serve the same app.

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::path::Path;
use tower_http::compression::CompressionLayer;

use crate::app::{shell, App};
use crate::content::ContentStore;
use crate::realtime::{self, RealtimeState};

/// What every request handler can reach.
#[derive(Clone, Debug, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub content: ContentStore,
    pub realtime: RealtimeState,
}

impl AppState {
    pub fn new(site_root: &Path, content: ContentStore, realtime: RealtimeState) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name(env!("CARGO_PKG_NAME"))
            .site_root(site_root.to_string_lossy().as_ref())
            .build();
        AppState {
            leptos_options,
            content,
            realtime,
        }
    }
}

pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let (content, realtime) = (state.content.clone(), state.realtime.clone());
    let options = state.leptos_options.clone();
    let live = realtime::router(state.realtime.clone());
    Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(content.clone());
                provide_context(realtime.clone());
            },
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .merge(live)
        // tower-http's default predicate already leaves text/event-stream,
        // gRPC and images uncompressed, so live streams are never held back.
        .layer(CompressionLayer::new())
}

/// Connections the kernel may queue before the server accepts them. A room
/// whose browsers all connect at once overflows tokio's default of 1024, and
/// each dropped connect is retried a whole second later.
const LISTEN_BACKLOG: u32 = 4096;

/// Binds a listener with [`LISTEN_BACKLOG`] (the kernel caps it at somaxconn).
pub fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}
