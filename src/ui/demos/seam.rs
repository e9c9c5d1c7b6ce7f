//! The one seam between a demo's frame and its island, for what the island
//! is given by this server. An island runs twice: rendered on the server
//! inside its frame, then hydrated in the browser on its own. What it must
//! know of the server (the lab's ports, the echo's limit, where a demo
//! starts) is not a prop, since props would bring serde_json's parser into
//! the page: the frame (`frame.rs` in the demo's folder, server only) hands
//! it over twice, as context for the server's render and as an attribute
//! the browser reads. [`frame_input`] is the only place in the demos that
//! tells the two apart.
//!
//! Markup only the server writes (a list of choices with their words) goes
//! the same way as [`FrameHtml`]: the island puts it in with `inner_html`,
//! hydration keeps what the server wrote, and the browser build holds none
//! of its words, since static text sits in the main module every island
//! page loads.

use leptos::prelude::*;

/// A value a frame gives its island, and how it reads as an attribute.
pub trait FrameInput: Sized + Clone + Send + Sync + 'static {
    /// The frame's attribute that carries it, such as `data-lab-ports`.
    const ATTRIBUTE: &'static str;
    /// The same as a CSS selector (`[data-lab-ports]`), written out: a
    /// `format!` in the browser build would cost its code in every page.
    const SELECTOR: &'static str;
    fn to_attribute(&self) -> String;
    fn from_attribute(text: &str) -> Option<Self>;
}

/// What the frame gave the island: its context while the server renders,
/// its attribute in the browser; `None` when the frame gave nothing.
pub fn frame_input<T: FrameInput>() -> Option<T> {
    #[cfg(feature = "ssr")]
    return use_context::<T>();
    #[cfg(not(feature = "ssr"))]
    frame_attribute(T::SELECTOR, T::ATTRIBUTE).and_then(|text| T::from_attribute(&text))
}

/// The attribute `name` of the first element `selector` finds: one copy
/// of the lookup for every input type.
#[cfg(not(feature = "ssr"))]
fn frame_attribute(selector: &str, name: &str) -> Option<String> {
    document()
        .query_selector(selector)
        .ok()??
        .get_attribute(name)
}

/// Markup the frame wrote for its island (see the top of this file).
#[derive(Clone, Debug, Default)]
pub struct FrameHtml(pub String);

/// The frame's markup while the server renders; empty in the browser,
/// where hydration keeps what the server wrote.
pub fn frame_html() -> String {
    use_context::<FrameHtml>().unwrap_or_default().0
}

/// The frame's half: gives `value` to the island `island` builds, as
/// context, and writes it as its attribute for the browser. A closure, not
/// a view: a component runs when its view is built, so the island must be
/// built inside the context, not before it.
#[cfg(feature = "ssr")]
pub fn give<T: FrameInput, V: IntoView + 'static>(
    value: T,
    island: impl FnOnce() -> V + Send + 'static,
) -> impl IntoView {
    use leptos::attr::custom::custom_attribute;
    use leptos::context::Provider;
    let carrier = view! { <span hidden></span> }
        .add_any_attr(custom_attribute(T::ATTRIBUTE, value.to_attribute()));
    view! {
        {carrier}
        <Provider value>{island()}</Provider>
    }
}

/// The ports of the lab's HTTP/2 and HTTP/1.1 lanes, for the lab and for
/// the handshake inspector's other origin (`data-lab-ports="3443 3444"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabPorts {
    pub http2: u16,
    pub http1: u16,
}

impl FrameInput for LabPorts {
    const ATTRIBUTE: &'static str = "data-lab-ports";
    const SELECTOR: &'static str = "[data-lab-ports]";
    fn to_attribute(&self) -> String {
        format!("{} {}", self.http2, self.http1)
    }
    fn from_attribute(text: &str) -> Option<Self> {
        let (http2, http1) = text.split_once(' ')?;
        Some(LabPorts {
            http2: http2.parse().ok()?,
            http1: http1.parse().ok()?,
        })
    }
}
