//! The composition root. `main` and the tests start the server through one
//! function, [`start`], with [`Settings`] made from the same flags:
//!
//! 1. [`Listeners::bind`]: every socket the server needs (the site, and the
//!    lab's two HTTPS lanes), bound before anything else is built, so the
//!    state knows where everything listens and is never written to later.
//! 2. [`RealtimeState::start`], then Redis checked when presenter mode
//!    shares its room through one.
//! 3. [`AppState::new`]: content, realtime state, the built site's files.
//! 4. [`run`]: serve [`app`] on every listener until `shutdown` resolves.
//!
//! [`accept`] takes connections on every listener (a cap, a deadline for a
//! request's head, HTTP/1.1 and HTTP/2, a graceful stop); [`assets`] serves
//! the built files (hashed, precompressed, cached for a year), embedded in
//! the binary or from a folder; [`page_cache`] serves each page rendered
//! and compressed once per content version; both pick a compressed form
//! and answer `If-None-Match` through `encoding`.

pub mod live_preview;
pub mod markdown;
pub mod page_cache;
pub mod settings;

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

use crate::app::{shell, App};
use crate::content::ContentStore;
use crate::http::accept::{self, ConnectionLimits};
use crate::http::assets::SiteAssets;
use crate::http::lanes::{LabError, LaneListeners};
use crate::http::tap::TapFinder;
use crate::model::course::EditUrl;
use crate::model::wire::LabLanes;
use crate::realtime::{self, RealtimeState};
use page_cache::PageCache;
pub use settings::Settings;

/// A started server: where it listens, and the task serving it.
pub struct Running {
    /// The site's address (the port chosen, for `--addr …:0`).
    pub site: SocketAddr,
    /// The lab's lanes, unless `--no-lab`.
    pub lab: Option<LabLanes>,
    served: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Waits until the server has stopped (after `shutdown` and the drain).
    pub async fn stopped(self) {
        if let Err(e) = self.served.await {
            tracing::error!("the server's task ended abnormally: {e}");
        }
    }
}

/// Binds every listener, starts the live endpoints, checks Redis when the
/// room uses one, and serves `content` and `assets` until `shutdown`
/// resolves. Nothing is served unless everything started.
pub async fn start(
    settings: Settings,
    content: ContentStore,
    assets: SiteAssets,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let listeners = Listeners::bind(&settings)?;
    let site = listeners.site_addr();
    let lab = listeners.lanes.as_ref().map(|lanes| lanes.info().clone());
    let redis = settings
        .realtime
        .room
        .as_ref()
        .and_then(|room| room.redis.as_ref())
        .map(|info| info.addr().to_string());
    let realtime = RealtimeState::start(settings.realtime, site, lab.clone());
    if let (Some(room), Some(addr)) = (&realtime.room, redis) {
        room.reach_redis()
            .await
            .map_err(|source| StartError::Redis { addr, source })?;
    }
    let state = AppState {
        edit_url: settings.edit_url,
        ..AppState::new(assets, content, realtime)
    };
    let served = tokio::spawn(run(listeners, state, shutdown));
    Ok(Running { site, lab, served })
}

/// What every request handler can reach.
#[derive(Clone, Debug, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub content: ContentStore,
    pub realtime: RealtimeState,
    pub assets: SiteAssets,
    pub pages: PageCache,
    /// Where "Edit this page" leads, when the host gave `--edit-url`.
    pub edit_url: Option<EditUrl>,
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
            edit_url: None,
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
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.content.clone(),
            markdown::lesson_markdown,
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
        .route("/llms.txt", axum::routing::get(markdown::llms_txt))
        .with_state(state.clone())
        .merge(realtime::router(
            state.realtime,
            exercise_rules(&state.content),
        ))
        .fallback_service(files)
}

/// Each exercise's rules, as the course has them now (it reloads while
/// an author writes): what the realtime room grades a token on.
fn exercise_rules(content: &ContentStore) -> realtime::exercise::RulesOf {
    let content = content.clone();
    std::sync::Arc::new(move |id: &str| content.course().exercise_rules(id))
}

/// What the shell and the pages read while rendering.
fn provide_site_context(state: &AppState) {
    provide_context(state.content.clone());
    provide_context(state.realtime.clone());
    provide_context(state.assets.clone());
    if let Some(edit_url) = &state.edit_url {
        provide_context(edit_url.clone());
    }
}

/// Every socket the server listens on, bound and ready, and what each
/// allows its connections.
struct Listeners {
    pub site: TcpListener,
    /// The connection lab's lanes; `None` with `--no-lab`.
    pub lanes: Option<LaneListeners>,
    pub limits: ConnectionLimits,
}

impl Listeners {
    /// Binds the site's address and, unless the lab is off, both lanes.
    /// Each error names the address, the flag that sets it, and the fix.
    fn bind(settings: &Settings) -> Result<Self, StartError> {
        let site = accept::bind(settings.site).map_err(|source| StartError::Site {
            addr: settings.site,
            source,
        })?;
        let lanes = match &settings.lanes {
            Some(lanes) => Some(crate::http::lanes::bind(lanes)?),
            None => None,
        };
        Ok(Listeners {
            site,
            lanes,
            limits: settings.limits,
        })
    }

    fn site_addr(&self) -> SocketAddr {
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
    #[error("--redis-url: the Redis at {addr} does not answer ({source}): start redis-server there, or leave --redis-url out to run the room in this server alone")]
    Redis {
        addr: String,
        source: redis::RedisError,
    },
}

/// Serves `state` on `listeners` until `shutdown` resolves. Then it stops
/// accepting, tells every stream and socket to end (`realtime::Stopping`),
/// and waits for open connections up to the drain deadline.
async fn run(
    listeners: Listeners,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let router = app(state.clone());
    let limits = listeners.limits;
    let enabled = state.realtime.taps.settings().enabled;
    let taps = enabled.then_some(state.realtime.taps.clone() as Arc<dyn TapFinder>);
    let lanes = listeners.lanes.map(|lanes| {
        let lab = state.realtime.lab.clone();
        let webtransport = state.realtime.webtransport.clone();
        lanes.serve((router.clone(), lab, webtransport), taps.clone(), limits)
    });
    let stopping = state.realtime.stopping.clone();
    let begin = stopping.clone();
    let served = accept::serve(listeners.site, (router, taps), limits, async move {
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
