//! The server functions the pages call. Their bodies run on the server,
//! where the content store is provided as context; the browser build gets a
//! stub that posts to the same endpoint.

use leptos::prelude::*;

use crate::model::course::{LessonDetail, LessonSummary};
use crate::model::wire::{EchoLimits, LabLanes};

/// The course path: every lesson's title and summary, in order.
#[server(endpoint = "content/lessons")]
pub async fn list_lessons() -> Result<Vec<LessonSummary>, ServerFnError> {
    Ok(store()?.course().summaries())
}

/// One lesson, rendered; `None` for an unknown slug.
#[server(endpoint = "content/lesson")]
pub async fn get_lesson(slug: String) -> Result<Option<LessonDetail>, ServerFnError> {
    Ok(store()?.course().page(&slug))
}

/// The WebSocket echo's limits, as this server was started with.
#[server(endpoint = "demos/echo-limits")]
pub async fn get_echo_limits() -> Result<EchoLimits, ServerFnError> {
    let settings = realtime()?.echo.settings;
    Ok(EchoLimits {
        max_message: settings.max_message,
        idle_secs: settings.idle.as_secs(),
    })
}

/// Where the connection lab's lanes listen; `None` when the lab is off.
#[server(endpoint = "demos/lab-lanes")]
pub async fn get_lab_lanes() -> Result<Option<LabLanes>, ServerFnError> {
    Ok(realtime()?.lab_lanes.get().cloned())
}

#[cfg(feature = "ssr")]
fn store() -> Result<crate::content::ContentStore, ServerFnError> {
    use_context()
        .ok_or_else(|| ServerFnError::new("the content store was not provided to this request"))
}

#[cfg(feature = "ssr")]
fn realtime() -> Result<crate::realtime::RealtimeState, ServerFnError> {
    use_context()
        .ok_or_else(|| ServerFnError::new("the realtime state was not provided to this request"))
}
