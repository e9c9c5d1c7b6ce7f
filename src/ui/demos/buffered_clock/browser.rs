//! Both columns' `EventSource`s, and the time between arrivals.

use leptos::prelude::*;
use web_sys::MessageEvent;

use super::state::{Arrival, Arrivals};
use crate::ui::demos::browser::{now_ms, EventSourceHandle};

pub fn attach(running: RwSignal<bool>, columns: [(Arrivals, &'static str); 2]) {
    let sources = StoredValue::new_local(Vec::<EventSourceHandle>::new());
    Effect::new(move |_| {
        sources.set_value(Vec::new());
        if !running.get() {
            for (arrivals, _) in columns {
                arrivals.status.set("Stopped.".into());
            }
            return;
        }
        let opened = columns
            .iter()
            .filter_map(|&(arrivals, url)| match open(arrivals, url) {
                Ok(source) => Some(source),
                Err(error) => {
                    arrivals
                        .status
                        .set(format!("Could not open {url}: {error}"));
                    None
                }
            })
            .collect();
        sources.set_value(opened);
    });
    on_cleanup(move || sources.set_value(Vec::new()));
}

fn open(arrivals: Arrivals, url: &str) -> Result<EventSourceHandle, String> {
    let mut source = EventSourceHandle::open(url)?;
    let previous = StoredValue::new_local(None::<f64>);
    source.on("hello", move |_: MessageEvent| {
        arrivals
            .status
            .set("Connected: the first event arrived.".into());
    })?;
    source.on("tick", move |event: MessageEvent| {
        let now = now_ms();
        let time = event.data().as_string().unwrap_or_default();
        let after_ms = previous.get_value().map(|before| now - before);
        previous.set_value(Some(now));
        arrivals.record(Arrival {
            id: event.last_event_id(),
            sent: time.get(11..19).unwrap_or(&time).to_string(),
            after_ms,
        });
    })?;
    source.on_error(move |_| {
        arrivals
            .status
            .set("The stream ended; EventSource reconnects.".into())
    });
    Ok(source)
}
