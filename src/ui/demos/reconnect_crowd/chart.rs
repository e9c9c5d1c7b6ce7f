//! One policy's attempts over time as an SVG bar chart: admitted attempts
//! at the bottom of each bar, refused ones above. Written here rather than
//! with a plotting crate: a few rectangles, coloured by the site's CSS (so
//! dark mode works), labelled for screen readers.

use super::simulation::{Outcome, HORIZON_MS};
use crate::ui::demos::markup::Markup;

const WIDTH: u32 = 480;
const HEIGHT: u32 = 72;

/// `peak` is the tallest bar of all the charts shown together, so that
/// they share one scale.
pub fn svg(outcome: &Outcome, peak: u32, title: &str) -> String {
    let bar = f64::from(WIDTH) / outcome.buckets.len() as f64;
    let scale = f64::from(HEIGHT) / f64::from(peak.max(1));
    let mut html = Markup::default();
    html.chart("crowd-chart", WIDTH, HEIGHT, title);
    for (n, &(admitted, refused)) in outcome.buckets.iter().enumerate() {
        let x = n as f64 * bar;
        let admitted_h = f64::from(admitted) * scale;
        let refused_h = f64::from(refused) * scale;
        let bottom = f64::from(HEIGHT);
        if refused > 0 {
            html.rect(
                "refused",
                x,
                bottom - admitted_h - refused_h,
                bar,
                refused_h,
            );
        }
        if admitted > 0 {
            html.rect("admitted", x, bottom - admitted_h, bar, admitted_h);
        }
    }
    html.raw("</svg>");
    // The time axis in HTML under the chart, so its text keeps its size on
    // any screen: a label every 10 s, the first and last at the edges.
    html.raw("<div class=\"crowd-axis\" aria-hidden=\"true\">");
    for second in (0..=HORIZON_MS / 1000).step_by(10) {
        html.raw("<span>").number(second).raw(" s</span>");
    }
    html.raw("</div>");
    html.finish()
}

#[cfg(test)]
mod tests {
    use super::super::simulation::{Crowd, Policy};
    use super::*;

    #[test]
    fn draws_a_bar_per_moment_with_attempts_and_labels_it() {
        let crowd = Crowd {
            clients: 100,
            per_second: 50,
            down_ms: 1000,
        };
        let outcome = crowd.run(Policy::Fixed);
        let svg = svg(&outcome, outcome.peak, "Fixed <delay>");
        assert!(svg.contains("<title>Fixed &lt;delay&gt;</title>"));
        let bars_with_attempts = outcome.buckets.iter().filter(|(a, r)| a + r > 0).count();
        assert!(svg.matches("<rect").count() >= bars_with_attempts);
        assert!(svg.contains("<span>60 s</span>"));
    }
}
