//! The markup only the server writes for the demos: charts drawn on the
//! server, and the options of a "break it" control. The browser build has
//! none of it (see `seam.rs` on why words stay out of the WebAssembly).

use std::fmt::Write;

use crate::ui::demos::markup::Markup;

impl Markup {
    /// A chart drawn on the server: an `<svg>` of `width` by `height`
    /// units, with its title for screen readers; close it with `</svg>`.
    pub fn chart(&mut self, class: &str, width: u32, height: u32, title: &str) -> &mut Self {
        self.raw("<svg class=\"")
            .raw(class)
            .raw("\" viewBox=\"0 0 ")
            .number(width)
            .raw(" ")
            .number(height)
            .raw("\" role=\"img\"><title>")
            .text(title)
            .raw("</title>")
    }

    /// An SVG rectangle of a chart drawn on the server, styled by its class;
    /// never thinner than half a unit, so a small bar still shows.
    pub fn rect(&mut self, class: &str, x: f64, y: f64, width: f64, height: f64) -> &mut Self {
        let _ = write!(
            self.0,
            "<rect class=\"{class}\" x=\"{x:.2}\" y=\"{y:.2}\" width=\"{width:.2}\" height=\"{:.2}\"/>",
            height.max(0.5)
        );
        self
    }
}

/// The `<option>`s of a "break it" `<select>`: `first` (value empty, the
/// demo as it is), then each `(value, label, why)`, the explanation in
/// `data-why`. Built on the server only (see `widgets::BreakIt`).
pub fn fault_options(first: &str, options: &[(&str, &str, &str)]) -> String {
    let mut html = Markup::default();
    html.raw("<option value=\"\">").text(first).raw("</option>");
    for (value, label, why) in options {
        html.raw("<option value=\"").text(value);
        html.raw("\" data-why=\"").text(why).raw("\">");
        html.text(label).raw("</option>");
    }
    html.finish()
}
