//! The handshake inspector: `GET /api/inspect/sse` (an event stream) and
//! `GET /api/inspect/ws` (a WebSocket upgrade; over HTTP/2 an extended
//! `CONNECT`, RFC 8441) each report, as their first
//! event or message, the request head the server received and the response
//! head it sent, so the page can show the learner's own handshake.
//!
//! The response is built first, then described: what the report shows is
//! the handler's real response, not a copy written by hand.
//!
//! Lesson 2's cases vary the answer: `?cors=none|any|exact` (the CORS
//! headers of the event stream, for a page on another origin),
//! `?subprotocol=echo|ignore` (whether the socket answers the subprotocol
//! the page offered), and `?report={id}`, which keeps the report where the
//! page can read it even when its browser refused the answer (`reports`).

use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{FromRef, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, Extensions, HeaderMap, HeaderValue, Method, StatusCode, Uri, Version};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

use super::origin;
use super::stopping::Stopping;
use crate::model::wire::{HandshakeReport, MessageHead, INSPECTOR_SUBPROTOCOL};

mod heads;
mod reports;

use heads::{explained, header_lines, response_head};
pub use reports::Reports;

/// How long an inspector connection stays open after its report.
const LINGER: Duration = Duration::from_secs(30);

/// What the inspector's handlers read.
#[derive(Clone, FromRef)]
pub struct Routes {
    /// The reports, kept for the page to read back.
    pub inspect_reports: Arc<Reports>,
    pub stopping: Stopping,
    /// Where the site listens: a page of the site may read a report.
    pub site: SocketAddr,
    /// Origins besides the site's own that may open WebSockets.
    pub allowed_origins: Arc<Vec<String>>,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/inspect/sse", get(inspect_sse))
        .route("/api/inspect/ws", get(inspect_ws).connect(inspect_ws))
        .route("/api/inspect/report/{id}", get(read_report))
        .with_state(routes)
}

/// How an event stream answers a page on another origin (`?cors=`).
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Cors {
    /// No `Access-Control-*` header: only a same-origin page may read it.
    #[default]
    None,
    /// `Access-Control-Allow-Origin: *`: any page, but none that sent credentials.
    Any,
    /// The asking page's exact origin, if it is one of this site's pages,
    /// with `Access-Control-Allow-Credentials: true`: credentials allowed.
    Exact,
}

/// Whether the socket answers the subprotocol the page asks for (`?subprotocol=`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Subprotocol {
    /// Picks [`INSPECTOR_SUBPROTOCOL`] if the page offers it.
    Echo,
    /// Answers `101` without `Sec-WebSocket-Protocol`, whatever was offered.
    Ignore,
}

#[derive(Debug, Default, Deserialize)]
struct Probe {
    #[serde(default)]
    cors: Cors,
    subprotocol: Option<Subprotocol>,
    /// Keep the report under this id for `GET /api/inspect/report/{id}`.
    report: Option<String>,
}

/// The query, checked: a `400` that names what is accepted otherwise.
impl<S: Send + Sync> FromRequestParts<S> for Probe {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Query(probe) = Query::<Probe>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| bad_query(&rejection.body_text()))?;
        if probe
            .report
            .as_deref()
            .is_some_and(|id| !reports::valid_id(id))
        {
            return Err(bad_query(
                "?report= takes an id of 1 to 40 letters, digits and '-'",
            ));
        }
        Ok(probe)
    }
}

/// The request as the inspector reports it.
#[derive(FromRequestParts)]
struct Asked {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
}

impl Asked {
    /// The request head as it came, `:authority` first over HTTP/2.
    fn head(&self) -> MessageHead {
        let Asked {
            method,
            uri,
            version,
            headers,
        } = self;
        let target = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut lines = Vec::new();
        if let (Some(authority), None) = (uri.authority(), headers.get(header::HOST)) {
            // HTTP/2 carries the host in the :authority pseudo-header.
            lines.push((":authority".to_string(), authority.to_string()));
        }
        lines.extend(header_lines(headers));
        MessageHead {
            start_line: format!("{method} {target} {version:?}"),
            headers: lines,
        }
    }
}

/// A report, sent to the probe and, with `?report=`, kept for the page.
fn file_report(
    routes: &Routes,
    id: Option<&str>,
    request: MessageHead,
    response: &Response,
    version: Version,
    added_when_written: Vec<String>,
) -> HandshakeReport {
    let response = response_head(response, version);
    let report = HandshakeReport {
        explained: explained(&request, &response),
        request,
        response,
        added_when_written,
    };
    if let Some(id) = id {
        routes.inspect_reports.keep(id, &report);
    }
    report
}

async fn inspect_sse(State(routes): State<Routes>, asked: Asked, probe: Probe) -> Response {
    let (uri, version, headers) = (&asked.uri, asked.version, &asked.headers);
    let id = probe.report.as_deref();
    let stopping = routes.stopping.clone();
    let request = asked.head();
    let (report_tx, report_rx) = oneshot::channel::<HandshakeReport>();
    let stream = async_stream::stream! {
        if let Ok(report) = report_rx.await {
            let json = serde_json::to_string(&report).expect("a report serialises");
            yield Ok::<_, Infallible>(Event::default().event("handshake").data(json));
        }
        tokio::select! {
            _ = tokio::time::sleep(LINGER) => {}
            _ = stopping.wait() => {}
        }
    };
    let mut response = Sse::new(stream).into_response();
    let response_headers = response.headers_mut();
    response_headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    allow_origin(response_headers, probe.cors, headers, uri, &routes);
    let mut added = vec!["date".to_string()];
    if version == Version::HTTP_11 {
        added.push("transfer-encoding: chunked".into());
    }
    let report = file_report(&routes, id, request, &response, version, added);
    let _ = report_tx.send(report);
    response
}

/// The CORS headers `cors` asks for. `Exact` names the page's origin only
/// if it is one of this site's pages: a server that echoes any `Origin`
/// with credentials allowed lets every site read its users' answers.
fn allow_origin(
    response: &mut HeaderMap,
    cors: Cors,
    request: &HeaderMap,
    uri: &Uri,
    routes: &Routes,
) {
    match cors {
        Cors::None => {}
        Cors::Any => {
            response.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        }
        Cors::Exact => {
            // The answer depends on the asking page: caches must keep one per origin.
            response.insert(header::VARY, HeaderValue::from_static("origin"));
            let origin = request.get(header::ORIGIN);
            let site_port = routes.site.port();
            if let Some(origin) = origin
                .filter(|_| origin::is_site_page(request, uri, site_port, &routes.allowed_origins))
            {
                response.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                response.insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
        }
    }
}

async fn inspect_ws(
    State(routes): State<Routes>,
    asked: Asked,
    extensions: Extensions,
    probe: Probe,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (uri, version, headers) = (&asked.uri, asked.version, &asked.headers);
    let id = probe.report.as_deref();
    let mut request = asked.head();
    // RFC 8441: over HTTP/2 the upgrade is a CONNECT with `:protocol`.
    if let Some(protocol) = extensions.get::<hyper::ext::Protocol>() {
        let line = (":protocol".to_string(), protocol.as_str().to_string());
        request.headers.insert(0, line);
    }
    if let Err(refused) = origin::check(headers, uri, &routes.allowed_origins) {
        // Kept too: the page sees only a failed socket, never this 403.
        let response = refused.into_response();
        file_report(
            &routes,
            id,
            request,
            &response,
            version,
            vec!["date".into()],
        );
        return response;
    }
    let upgrade = match probe.subprotocol {
        Some(Subprotocol::Echo) => upgrade.protocols([INSPECTOR_SUBPROTOCOL]),
        Some(Subprotocol::Ignore) | None => upgrade,
    };
    let stopping = routes.stopping.clone();
    let (report_tx, report_rx) = oneshot::channel::<HandshakeReport>();
    let response = upgrade.on_upgrade(move |mut socket| async move {
        if let Ok(report) = report_rx.await {
            let json = serde_json::to_string(&report).expect("a report serialises");
            if socket.send(Message::Text(json.into())).await.is_err() {
                return;
            }
        }
        // Stay until the page closes the socket, but not for ever.
        let linger = tokio::time::timeout(LINGER, async {
            while let Some(Ok(_)) = socket.recv().await {}
        });
        tokio::select! {
            _ = linger => {}
            _ = stopping.wait() => {
                let frame = CloseFrame { code: 1001, reason: "the server is restarting".into() };
                let _ = socket.send(Message::Close(Some(frame))).await;
            }
        }
    });
    let report = file_report(
        &routes,
        id,
        request,
        &response,
        version,
        vec!["date".into()],
    );
    let _ = report_tx.send(report);
    response
}

fn bad_query(problem: &str) -> Response {
    let message = format!(
        "{problem}. The inspector takes ?cors=none|any|exact, ?subprotocol=echo|ignore \
         and ?report={{id}}.\n"
    );
    (StatusCode::BAD_REQUEST, message).into_response()
}

/// A kept report as JSON, or a `404` that says why there is none.
async fn read_report(State(routes): State<Routes>, Path(id): Path<String>) -> Response {
    match routes.inspect_reports.get(&id) {
        Some(report) => {
            let mut response = Json(report).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        None => (
            StatusCode::NOT_FOUND,
            "No report under that id: a probe keeps one only with ?report={id}, \
             and only the newest 256 are kept.\n",
        )
            .into_response(),
    }
}
