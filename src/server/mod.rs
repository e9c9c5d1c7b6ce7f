//! The composition root, shared by `main` and the tests:
//!
//! 1. [`Listeners::bind`]: every socket the server needs (the site, and the
//!    lab's two HTTPS lanes), bound before anything else is built, so the
//!    state knows where everything listens and is never written to later.
//! 2. [`AppState::new`]: content, realtime state, the built site's files.
//! 3. [`run`]: serve [`app`] on every listener until `shutdown` resolves.
//!
//! [`accept`] takes connections on every listener (a cap, a deadline for a
//! request's head, HTTP/1.1 and HTTP/2, a graceful stop); [`assets`] serves
//! the built files (hashed, precompressed, cached for a year), embedded in
//! the binary or from a folder; [`page_cache`] serves each page rendered
//! and compressed once per content version; both pick a compressed form
//! and answer `If-None-Match` through `encoding`.

pub mod accept;
pub mod assets;
mod encoding;
pub mod live_preview;
mod memory;
pub mod page_cache;
mod page_policy;
mod read_ahead;
pub mod runtime;

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

use crate::app::{shell, App};
use crate::content::ContentStore;
use crate::lanes::{LabError, LaneListeners};
use crate::realtime::{self, RealtimeState};
use accept::ConnectionLimits;
use assets::SiteAssets;
use page_cache::PageCache;

/// What every request handler can reach.
#[derive(Clone, Debug, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub content: ContentStore,
    pub realtime: RealtimeState,
    pub assets: SiteAssets,
    pub pages: PageCache,
}

impl AppState {
    pub fn new(assets: SiteAssets, content: ContentStore, realtime: RealtimeState) -> Self {
        let leptos_options = assets.leptos_options();
        AppState {
            leptos_options,
            content,
            realtime,
            assets,
            pages: PageCache::default(),
        }
    }
}

/// The whole site: pages (through the page cache), live endpoints, files,
/// and the 404 page for anything else.
pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_site_context(&state)
    };
    let options = state.leptos_options.clone();
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .route_layer(axum::middleware::from_fn_with_state(
            (state.pages.clone(), state.content.clone()),
            page_cache::serve_cached,
        ));
    let not_found =
        leptos_axum::render_app_to_stream_with_context(context, move || shell(options.clone()));
    let not_found = tower::service_fn(move |request| {
        let render = not_found(request);
        async move { Ok::<_, std::convert::Infallible>(render.await) }
    });
    let files = state.assets.router(not_found);
    pages
        .route(
            "/api/live-preview",
            axum::routing::get(live_preview::live_preview),
        )
        .with_state(state.clone())
        .merge(realtime::router(state.realtime))
        .fallback_service(files)
}

/// What the shell and the pages read while rendering.
fn provide_site_context(state: &AppState) {
    provide_context(state.content.clone());
    provide_context(state.realtime.clone());
    provide_context(state.assets.clone());
}

/// Every socket the server listens on, bound and ready, and what each
/// allows its connections.
pub struct Listeners {
    pub site: TcpListener,
    /// The connection lab's lanes; `None` with `--no-lab`.
    pub lanes: Option<LaneListeners>,
    pub limits: ConnectionLimits,
}

impl Listeners {
    /// Binds the site's address and, unless the lab is off, both lanes.
    /// Each error names the address, the flag that sets it, and the fix.
    pub fn bind(config: &crate::config::Config) -> Result<Self, StartError> {
        let site = accept::bind(config.addr).map_err(|source| StartError::Site {
            addr: config.addr,
            source,
        })?;
        let lanes = if config.no_lab {
            None
        } else {
            Some(crate::lanes::bind(config)?)
        };
        Ok(Listeners {
            site,
            lanes,
            limits: config.connection_limits(),
        })
    }

    pub fn site_addr(&self) -> SocketAddr {
        self.site
            .local_addr()
            .expect("a bound listener has an address")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr} ({source}). Is another server using that port? Pick another with --addr or LEPTOS_SITE_ADDR")]
    Site {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Lab(#[from] LabError),
}

/// Serves `state` on `listeners` until `shutdown` resolves. Then it stops
/// accepting, tells every stream and socket to end (`realtime::Stopping`),
/// and waits for open connections up to the drain deadline.
pub async fn run(
    listeners: Listeners,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let router = app(state.clone());
    let limits = listeners.limits;
    let lanes = listeners
        .lanes
        .map(|lanes| lanes.serve(router.clone(), state.realtime.lab.clone(), limits));
    let stopping = state.realtime.stopping.clone();
    let begin = stopping.clone();
    let served = accept::serve(listeners.site, router, limits, async move {
        shutdown.await;
        tracing::info!(
            "stopping: ending streams and sockets, waiting up to {} for connections",
            humantime::format_duration(begin.drain)
        );
        begin.begin();
    });
    let deadline = async {
        stopping.wait().await;
        tokio::time::sleep(stopping.drain).await;
    };
    let served_and_drained = async {
        served.await;
        stopping.drained().await;
    };
    tokio::select! {
        () = served_and_drained => {}
        () = deadline => {
            tracing::warn!("the drain deadline passed with connections still open; they are dropped");
        }
    }
    if let Some(lanes) = lanes {
        lanes.abort();
    }
}
