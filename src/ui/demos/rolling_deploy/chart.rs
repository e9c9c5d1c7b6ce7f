//! One server's connections over the deploy as an SVG bar chart, a bar a
//! second, with the time it was down shaded. Hand-written like the crowd's
//! chart beside it: a few rectangles coloured by the site's CSS.

use super::simulation::Server;
use crate::ui::demos::markup::Markup;

const WIDTH: u32 = 480;
const HEIGHT: u32 = 56;

/// `most` is the tallest bar of all the servers, so they share one scale.
pub fn svg(server: &Server, most: u32, title: &str) -> String {
    let bar = f64::from(WIDTH) / server.held.len() as f64;
    let scale = f64::from(HEIGHT) / f64::from(most.max(1));
    let mut html = Markup::default();
    html.chart("sim-chart", WIDTH, HEIGHT, title);
    let (drained, back) = server.down;
    let ms = f64::from(WIDTH) / (server.held.len() as f64 * 1000.0);
    html.rect(
        "down",
        f64::from(drained) * ms,
        0.0,
        f64::from(back - drained) * ms,
        f64::from(HEIGHT),
    );
    for (n, &held) in server.held.iter().enumerate() {
        if held > 0 {
            let h = f64::from(held) * scale;
            html.rect("held", n as f64 * bar, f64::from(HEIGHT) - h, bar * 0.9, h);
        }
    }
    html.raw("</svg>");
    html.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_down_time_and_a_bar_per_second_with_connections() {
        let server = Server {
            held: vec![3, 0, 2, 1],
            accepted: vec![0; 4],
            down: (1000, 2000),
        };
        let svg = svg(&server, 3, "Server <1>");
        assert!(svg.contains("<title>Server &lt;1&gt;</title>"));
        assert_eq!(svg.matches("class=\"held\"").count(), 3);
        assert!(svg.contains("<rect class=\"down\" x=\"120.00\" y=\"0.00\" width=\"120.00\""));
    }
}
