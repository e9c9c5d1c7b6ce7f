//! The leaky-server demo in the browser: the streams each button opens, and
//! the server's stats written into the frame.
//!
//! Written with `web_sys` alone, not the demos' shared handles
//! (`ui/web.rs`): cargo-leptos's wasm-split puts code that several
//! islands share into chunks by the set of islands that use it, so one more
//! user of the shared helpers splits those chunks further, and every other
//! demo's page loads more, smaller chunks (4 KiB more on the lab's lesson,
//! measured). What this island needs is small enough to own.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, EventSource, MessageEvent};

use super::STREAMS;

/// An `EventSource` and its listeners; dropping it closes the stream.
struct Stream {
    source: EventSource,
    _listeners: Vec<Closure<dyn FnMut(MessageEvent)>>,
}

impl Stream {
    /// Opens `url` and calls `f` for each event named `event`; an error
    /// that leaves it CLOSED (a refusal, not a drop) goes to `refused`.
    fn open(
        url: &str,
        event: &str,
        f: impl FnMut(MessageEvent) + 'static,
        refused: impl Fn() + 'static,
    ) -> Option<Stream> {
        let source = EventSource::new(url).ok()?;
        let on_event = Closure::<dyn FnMut(MessageEvent)>::new(f);
        let _ = source.add_event_listener_with_callback(event, on_event.as_ref().unchecked_ref());
        let closed = source.clone();
        let on_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
            if closed.ready_state() == EventSource::CLOSED {
                refused();
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Stream {
            source,
            _listeners: vec![on_event, on_error],
        })
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
        self.source.set_onerror(None);
    }
}

/// What the frame holds open: the streams of the last button pressed, with
/// their kind (`naive` or `shared`), and the ticks they brought.
#[derive(Default)]
struct Held {
    streams: Vec<Stream>,
    kind: Option<String>,
    ticks: u64,
}

type Shared = Rc<RefCell<Held>>;

/// Listens on the demo's frame (one per page), found beside the marker.
pub fn attach() {
    let document = leptos::prelude::document();
    let (Ok(Some(frame)), Ok(Some(marker))) = (
        document.query_selector("[data-leaky]"),
        document.query_selector("[data-leaky-ready]"),
    ) else {
        return;
    };
    let held: Shared = Rc::default();
    let stats_frame = frame.clone();
    let refused_frame = frame.clone();
    // The stats stream lives as long as the page.
    std::mem::forget(Stream::open(
        "/api/leaky/stats",
        "stats",
        move |event| show_stats(&stats_frame, &event),
        move || status(&refused_frame, "leaky-refused"),
    ));
    let on_click = {
        let (frame, held) = (frame.clone(), held.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(button) = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("button").ok().flatten())
            else {
                return;
            };
            if let Some(kind) = button.get_attribute("data-leaky-open") {
                open(&frame, &held, kind);
            } else if button.has_attribute("data-leaky-close") {
                close(&frame, &held);
            }
        })
    };
    let _ = frame.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    // The listener and what it holds live as long as the page.
    on_click.forget();
    // One at a time: each pass enables one, so the loop ends.
    while let Ok(Some(button)) = frame.query_selector("button[disabled]") {
        if button.remove_attribute("disabled").is_err() {
            break;
        }
    }
    let _ = marker.set_attribute("data-hydrated", "true");
}

/// Replaces the open streams with `STREAMS` new ones of `kind`.
fn open(frame: &Element, held: &Shared, kind: String) {
    let url = match kind.as_str() {
        "naive" => "/api/leaky/naive",
        _ => "/api/clock",
    };
    {
        let mut held = held.borrow_mut();
        held.streams.clear();
        held.ticks = 0;
    }
    set_stat(frame, "ticks", "0");
    for _ in 0..STREAMS {
        let (on_tick, counted, on_refused) = (frame.clone(), held.clone(), frame.clone());
        let stream = Stream::open(
            url,
            "tick",
            move |_| {
                let ticks = {
                    let mut held = counted.borrow_mut();
                    held.ticks += 1;
                    held.ticks
                };
                set_stat(&on_tick, "ticks", &ticks.to_string());
            },
            move || status(&on_refused, "leaky-refused"),
        );
        held.borrow_mut().streams.extend(stream);
    }
    status(frame, &format!("leaky-open-{kind}"));
    held.borrow_mut().kind = Some(kind);
}

fn close(frame: &Element, held: &Shared) {
    let kind = {
        let mut held = held.borrow_mut();
        held.streams.clear();
        held.kind.take()
    };
    if let Some(kind) = kind {
        status(frame, &format!("leaky-closed-{kind}"));
    }
}

/// `LeakyStats` (`model/wire.rs`), read field by field from the browser's
/// own `JSON.parse`.
fn show_stats(frame: &Element, event: &MessageEvent) {
    let Some(stats) = event
        .data()
        .as_string()
        .and_then(|d| js_sys::JSON::parse(&d).ok())
    else {
        return;
    };
    let field = |name: &str| {
        js_sys::Reflect::get(&stats, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
            // Counts: whole numbers, written without float formatting.
            .map(|v| v as u64)
    };
    for name in ["naive_timers", "orphaned", "shared_streams"] {
        set_stat(frame, name, &field(name).unwrap_or_default().to_string());
    }
    let cleanup = field("next_cleanup_s").map(|s| format!("{s} s"));
    set_stat(frame, "next_cleanup", cleanup.as_deref().unwrap_or("–"));
}

fn set_stat(frame: &Element, name: &str, value: &str) {
    if let Ok(Some(stat)) = frame.query_selector(&format!("[data-stat=\"{name}\"]")) {
        stat.set_text_content(Some(value));
    }
}

/// The status line says the sentence the frame holds under `key`.
fn status(frame: &Element, key: &str) {
    let text = frame
        .query_selector(&format!("[data-demo-text=\"{key}\"]"))
        .ok()
        .flatten()
        .and_then(|t| t.text_content());
    if let (Ok(Some(line)), Some(text)) = (frame.query_selector("[data-leaky-status]"), text) {
        line.set_text_content(Some(&text));
    }
}
