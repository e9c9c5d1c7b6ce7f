//! Small pieces every demo island uses, in both builds.

use leptos::prelude::*;

/// A labelled checkbox bound to a signal.
#[component]
pub fn Toggle(checked: RwSignal<bool>, label: &'static str) -> impl IntoView {
    view! {
        <label class="toggle">
            <input type="checkbox" prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev)) />
            " " {label}
        </label>
    }
}

/// The fault a learner picked in a "break it" control: the `?fault=` value
/// and the sentence on why the browser reacts as it does.
#[derive(Clone, Debug, PartialEq)]
pub struct ChosenFault {
    pub query: String,
    pub why: String,
}

/// "Break it": a `<select>` of the faults a demo's connection can ask the
/// server for. The server renders the options (`options`, empty in the
/// browser build: hydration keeps the server's) with each explanation in
/// `data-why`, so the island carries none of that text; picking one sets
/// `fault`, and the island's browser code reconnects with it.
#[component]
pub fn BreakIt(
    label: &'static str,
    options: String,
    fault: RwSignal<Option<ChosenFault>>,
) -> impl IntoView {
    let pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        fault
            .set(crate::ui::web::chosen_option(&ev).map(|(query, why)| ChosenFault { query, why }));
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <div class="break-it">
            <label>
                {label} " " <select class="fault-select" on:change=pick inner_html=options></select>
            </label>
            <p class="fault-why" hidden=move || fault.with(Option::is_none)>
                {move || fault.with(|f| f.as_ref().map(|f| f.why.clone()).unwrap_or_default())}
            </p>
        </div>
    }
}

/// `Some("true")` once the island runs in the browser, for a
/// `data-hydrated` attribute: tests and the curious can see that the
/// WebAssembly has taken over this demo. Effects never run on the server,
/// so the server's HTML carries no such attribute.
pub fn hydrated_marker() -> Signal<Option<&'static str>> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    Signal::derive(move || hydrated.get().then_some("true"))
}

/// Milliseconds as text with `decimals` (0 or 1) digits after the point,
/// through integers: formatting an `f64` would pull Rust's float printing
/// (about 20 KB of WebAssembly) into every demo that shows a time.
pub fn format_ms(ms: f64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    let scaled = (ms.max(0.0) * scale as f64).round() as u64;
    match decimals {
        0 => format!("{scaled} ms"),
        _ => format!(
            "{}.{:0width$} ms",
            scaled / scale,
            scaled % scale,
            width = decimals as usize
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::format_ms;

    #[test]
    fn formats_milliseconds_without_float_printing() {
        assert_eq!(format_ms(12.34, 1), "12.3 ms");
        assert_eq!(format_ms(0.05, 1), "0.1 ms");
        assert_eq!(format_ms(1049.6, 0), "1050 ms");
        assert_eq!(format_ms(-3.0, 0), "0 ms");
    }
}
