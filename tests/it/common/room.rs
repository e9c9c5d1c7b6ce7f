//! Presenter mode's test helpers: the presenter's link, the room's
//! streams, a poll's posts.

use eventsource_stream::{Event, EventStream, Eventsource};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use std::time::Duration;

use realtime_lab::realtime::room::RoomSettings;
use realtime_lab::realtime::RealtimeSettings;

use super::{built_site_root, client, manifest_dir, serve_with};

pub const TOKEN: &str = "test-presenter-token-0123456789";

/// A course server in presenter mode, with [`TOKEN`]; one of the servers
/// of the room in `redis`, if given.
pub async fn serve_room(redis: Option<&str>) -> String {
    serve_room_with(TOKEN, redis).await
}

/// As [`serve_room`], with the presenter's token `token`.
pub async fn serve_room_with(token: &str, redis: Option<&str>) -> String {
    let settings = RealtimeSettings {
        room: Some(RoomSettings {
            token: token.into(),
            max_audience: 100,
            audience_per_client: 100,
            join_url: None,
            redis: redis.map(|url| redis::IntoConnectionInfo::into_connection_info(url).unwrap()),
        }),
        ..RealtimeSettings::default()
    };
    serve_with(
        &manifest_dir().join("content"),
        &built_site_root(),
        settings,
    )
    .await
}

pub type Events = EventStream<BoxStream<'static, reqwest::Result<bytes::Bytes>>>;

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Opens the presenter's link; the `Cookie` header the browser then sends.
pub async fn log_in(base: &str) -> String {
    let response = no_redirects()
        .get(format!("{base}/room/present?token={TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(
        !set_cookie.contains(TOKEN),
        "the cookie is not the token: {set_cookie}"
    );
    set_cookie.split(';').next().unwrap().to_string()
}

pub async fn open(url: String, cookie: Option<&str>, last_event_id: Option<u64>) -> Events {
    let mut request = client().get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.to_string());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.bytes_stream().boxed().eventsource()
}

pub async fn learner(base: &str) -> Events {
    open(format!("{base}/api/room/events"), None, None).await
}

/// The presenter's stream, opened with the presenter's session cookie.
pub async fn presenter(base: &str, cookie: &str) -> Events {
    open(
        format!("{base}/api/room/presenter/events"),
        Some(cookie),
        None,
    )
    .await
}

/// The next event named `name`, skipping others.
pub async fn next_named(events: &mut Events, name: &str) -> Event {
    let wait = async {
        loop {
            let event = events.next().await.expect("open").expect("well formed");
            if event.event == name {
                return event;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("a `{name}` event within 10 s"))
}

pub async fn post(base: &str, path: &str, cookie: Option<&str>, json: &str) -> (u16, String) {
    let mut request = client()
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(json.to_string());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
