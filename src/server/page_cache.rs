//! Pages rendered once per content version, compressed once, served as
//! bytes.
//!
//! The course only changes when a lesson file does, so the first request
//! for a page renders it through Leptos, compresses it with brotli (quality
//! 11) and gzip (level 9) off the async threads, and keeps the three
//! bodies. Every later request gets the bytes for its `Accept-Encoding`,
//! with an `ETag` (`304` on `If-None-Match`) and `Cache-Control: no-cache`,
//! so browsers revalidate and always see a new lesson at once. A reload of
//! the course starts a new generation; concurrent first requests for a page
//! wait for one render. A request with a query (a search) is rendered for
//! itself and not kept.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, RwLock};
use tokio::sync::OnceCell;

use crate::content::course::Course;
use crate::content::ContentStore;
use crate::http::encoding::{client_has, Encoding};

/// Distinct paths cached per generation; past this, pages render per request
/// (only unknown paths can get there, and those are 404s, never cached).
const MAX_PAGES: usize = 512;
/// A page larger than this is served but not cached.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug, Default)]
pub struct PageCache {
    generation: Arc<RwLock<Option<Generation>>>,
}

type Slot = Arc<OnceCell<Arc<CachedPage>>>;

#[derive(Debug)]
struct Generation {
    /// The course these pages were rendered from; holding it keeps its
    /// address, which tells generations apart, from being reused.
    course: Arc<Course>,
    pages: HashMap<String, Slot>,
}

#[derive(Debug)]
struct CachedPage {
    content_type: HeaderValue,
    policy: HeaderValue,
    etag: String,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl PageCache {
    /// The slot for `path` in the generation of `course`, or `None` when
    /// the cache is full.
    fn slot(&self, course: Arc<Course>, path: &str) -> Option<Slot> {
        let current = |g: &Option<Generation>| {
            g.as_ref()
                .filter(|g| Arc::ptr_eq(&g.course, &course))
                .and_then(|g| g.pages.get(path).cloned())
        };
        if let Some(slot) = current(&self.generation.read().unwrap_or_else(|e| e.into_inner())) {
            return Some(slot);
        }
        let mut generation = self.generation.write().unwrap_or_else(|e| e.into_inner());
        if !generation
            .as_ref()
            .is_some_and(|g| Arc::ptr_eq(&g.course, &course))
        {
            *generation = Some(Generation {
                course,
                pages: HashMap::new(),
            });
        }
        let pages = &mut generation.as_mut()?.pages;
        if !pages.contains_key(path) && pages.len() >= MAX_PAGES {
            return None;
        }
        Some(pages.entry(path.to_string()).or_default().clone())
    }
}

/// Middleware on the page routes: answers from the cache, rendering on a
/// miss. Its state: the cache, and the course whose version it follows.
pub async fn serve_cached(
    State((pages, content)): State<(PageCache, ContentStore)>,
    request: Request,
    next: Next,
) -> Response {
    let head = request.method() == Method::HEAD;
    if !(head || request.method() == Method::GET) {
        return next.run(request).await;
    }
    // A query (a search) or a presenter's page (it depends on the
    // presenter's cookie) is rendered for its request, never kept.
    if request.uri().query().is_some() || is_presenters(request.uri().path()) {
        return match render_html(request, next).await {
            Ok((content_type, html)) => {
                let (html, policy) = crate::http::page_policy::finish(&html);
                let mut response = Response::new(Body::from(html));
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_TYPE, content_type);
                if let Ok(policy) = HeaderValue::from_str(&policy) {
                    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
                }
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
            Err(response) => response,
        };
    }
    let course = content.course();
    let Some(slot) = pages.slot(course, request.uri().path()) else {
        return next.run(request).await;
    };
    let headers = request.headers().clone();
    match slot.get_or_try_init(|| render(request, next)).await {
        Ok(page) => page.respond(&headers, head),
        Err(uncacheable) => uncacheable,
    }
}

/// `/present` and below: the presenter's pages.
fn is_presenters(path: &str) -> bool {
    path == "/present" || path.starts_with("/present/")
}

/// Renders the page; a response that is not a page (a 404, an error) comes
/// back as `Err` to be served as it is, and is not cached.
async fn render(request: Request, next: Next) -> Result<Arc<CachedPage>, Response> {
    let (content_type, html) = render_html(request, next).await?;
    tokio::task::spawn_blocking(move || Arc::new(CachedPage::compress(content_type, &html)))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The page's content type and HTML, or the response to serve as it is
/// when it is not a page.
async fn render_html(request: Request, next: Next) -> Result<(HeaderValue, String), Response> {
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!("a page could not be rendered whole: {error}");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let content_type = parts.headers[header::CONTENT_TYPE].clone();
    let Ok(html) = String::from_utf8(body.to_vec()) else {
        return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    Ok((content_type, html))
}

impl CachedPage {
    fn compress(content_type: HeaderValue, html: &str) -> Self {
        let (html, policy) = crate::http::page_policy::finish(html);
        let policy = HeaderValue::from_str(&policy).expect("the policy is ASCII");
        let identity = Bytes::from(html);
        let digest = ring::digest::digest(&ring::digest::SHA256, &identity);
        let etag: String = digest.as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let gzip = gzip
            .write_all(&identity)
            .and_then(|()| gzip.finish())
            .expect("gzip into memory cannot fail");
        let mut brotli = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &identity[..], &mut brotli, &params)
            .expect("brotli into memory cannot fail");
        CachedPage {
            content_type,
            policy,
            etag,
            identity,
            gzip: gzip.into(),
            brotli: brotli.into(),
        }
    }

    fn respond(&self, request: &HeaderMap, head: bool) -> Response {
        let encoding = Encoding::preferred(request);
        let (body, suffix) = match encoding {
            Encoding::Brotli => (&self.brotli, "-br"),
            Encoding::Gzip => (&self.gzip, "-gz"),
            Encoding::Identity => (&self.identity, ""),
        };
        let etag = format!("\"{}{suffix}\"", self.etag);
        let mut response = if client_has(request, &etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else if head {
            let mut response = Response::new(Body::empty());
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, body.len().into());
            response
        } else {
            Response::new(Body::from(body.clone()))
        };
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        headers.insert(header::CONTENT_SECURITY_POLICY, self.policy.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Ok(etag) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, etag);
        }
        if let Some(coding) = encoding.header() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, value.parse().unwrap());
        headers
    }

    #[test]
    fn a_matching_etag_gets_304_and_another_encoding_does_not_match() {
        let page = CachedPage::compress(
            HeaderValue::from_static("text/html; charset=utf-8"),
            "<!DOCTYPE html><p>hello</p>",
        );
        let first = page.respond(&accept("br"), false);
        let etag = first.headers()[header::ETAG].clone();
        assert_eq!(first.headers()[header::CONTENT_ENCODING], "br");
        let mut again = accept("br");
        again.insert(header::IF_NONE_MATCH, etag.clone());
        assert_eq!(
            page.respond(&again, false).status(),
            StatusCode::NOT_MODIFIED
        );
        let mut other = accept("gzip");
        other.insert(header::IF_NONE_MATCH, etag);
        assert_eq!(page.respond(&other, false).status(), StatusCode::OK);
    }
}
