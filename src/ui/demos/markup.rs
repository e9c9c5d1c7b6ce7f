//! Lists that islands redraw whole, as HTML text.
//!
//! A `view!` list costs WebAssembly per row type: the code that builds,
//! hydrates and updates each kind of row is generated for it, and one
//! island's tables and diagrams came to tens of KiB (brotli). A list that
//! is redrawn whole on each change needs none of that: its markup is
//! written here as text, escaped, and set as the container's `innerHTML`.
//! The server renders the same text, so the page is complete without
//! JavaScript. Buttons inside carry a `data-` attribute and are handled by
//! one listener on the container ([`clicked_data`]).
//!
//! Hydration keeps the server's markup and does not set the text again: a
//! list must start as the server rendered it, and change only afterwards
//! (in an effect or an event), or the change is not shown.

use std::fmt::Write;

/// HTML text, built with everything from outside escaped.
#[derive(Default)]
pub struct Markup(pub(in crate::ui::demos) String);

impl Markup {
    /// Markup written by this program: tags and fixed text.
    pub fn raw(&mut self, html: &str) -> &mut Self {
        self.0.push_str(html);
        self
    }

    /// Text from anywhere else (the server, the network, the learner),
    /// escaped for both element content and quoted attribute values.
    pub fn text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
        self
    }

    /// A number, which needs no escaping.
    pub fn number(&mut self, n: impl Into<u64>) -> &mut Self {
        let _ = write!(self.0, "{}", n.into());
        self
    }

    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

/// The value of `attribute` on the element clicked, or on the nearest
/// ancestor that has it: which of a list's buttons was pressed.
pub fn clicked_data(event: &leptos::ev::MouseEvent, attribute: &str) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    let target = event
        .target()?
        .dyn_into::<leptos::web_sys::Element>()
        .ok()?;
    let selector = format!("[{attribute}]");
    target.closest(&selector).ok()??.get_attribute(attribute)
}

#[cfg(test)]
mod tests {
    use super::Markup;

    #[test]
    fn escapes_text_but_not_markup() {
        let html = Markup::default()
            .raw("<li title=\"")
            .text("a\"b")
            .raw("\">")
            .text("<script>&'")
            .raw("</li>")
            .finish();
        assert_eq!(html, "<li title=\"a&quot;b\">&lt;script&gt;&amp;&#39;</li>");
    }

    #[test]
    fn writes_numbers() {
        assert_eq!(Markup::default().number(42u32).finish(), "42");
    }
}
