//! The chart of a run (plotters, SVG backend): one panel per question,
//! grouped bars for Node, an earlier run of realtime-lab when there is one,
//! and this run's, each bar labelled with its value.

use super::figures::{bytes, thousands};
use super::report::{Run, Section, Value};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// One panel: groups along x, one bar per series in each group.
pub struct Panel {
    pub title: String,
    pub unit: String,
    pub groups: Vec<String>,
    /// (whose, series name, one value per group).
    pub series: Vec<(Role, String, Vec<Option<f64>>)>,
}

/// Whose bars a series holds, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Node,
    NodeLeaky,
    Earlier,
    Ours,
}

impl Role {
    fn color(self) -> RGBColor {
        match self {
            Role::Node => RGBColor(0x8a, 0x8f, 0x98),
            Role::NodeLeaky => RGBColor(0xc0, 0x39, 0x2b),
            Role::Earlier => RGBColor(0xf0, 0xa2, 0x5a),
            Role::Ours => RGBColor(0x2b, 0x6c, 0xb0),
        }
    }
}

const WIDTH: u32 = 1000;
const PANEL_HEIGHT: u32 = 320;

pub fn write_svg(path: &Path, panels: &[Panel]) -> Result<(), String> {
    let height = PANEL_HEIGHT * panels.len().max(1) as u32;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let areas = root.split_evenly((panels.len().max(1), 1));
    for (panel, area) in panels.iter().zip(&areas) {
        draw_panel(&root, area, panel).map_err(|e| format!("{}: {e}", panel.title))?;
    }
    root.present().map_err(|e| e.to_string())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw_panel(
    root: &Area<'_>,
    area: &Area<'_>,
    panel: &Panel,
) -> Result<(), Box<dyn std::error::Error>> {
    let groups = panel.groups.len().max(1);
    let top = panel
        .series
        .iter()
        .flat_map(|(_, _, values)| values.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b));
    let top = if top > 0.0 { top * 1.2 } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..groups as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(0)
        .x_label_formatter(&|_| String::new())
        .y_desc(panel.unit.as_str())
        .y_labels(6)
        .draw()?;
    let width = 0.8 / panel.series.len().max(1) as f64;
    for (s, (role, name, values)) in panel.series.iter().enumerate() {
        let color = role.color();
        let bars = values.iter().enumerate().filter_map(|(g, v)| {
            let v = (*v)?;
            let x0 = g as f64 + 0.1 + s as f64 * width;
            Some(Rectangle::new(
                [(x0, 0.0), (x0 + width * 0.92, v)],
                color.filled(),
            ))
        });
        chart
            .draw_series(bars)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
        let labels = values.iter().enumerate().filter_map(|(g, v)| {
            let v = (*v)?;
            let x = g as f64 + 0.1 + (s as f64 + 0.46) * width;
            let style = ("sans-serif", 11)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            Some(Text::new(short(v), (x, v), style))
        });
        chart.draw_series(labels)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    let style = ("sans-serif", 12)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (g, name) in panel.groups.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(g as f64 + 0.5, 0.0));
        root.draw(&Text::new(name.as_str(), (x, y + 8), style.clone()))?;
    }
    Ok(())
}

fn short(v: f64) -> String {
    match v {
        v if v >= 10_000.0 => format!("{:.0}k", v / 1000.0),
        v if v >= 100.0 => format!("{v:.0}"),
        v if v >= 10.0 => format!("{v:.1}"),
        v => format!("{v:.2}"),
    }
}

/// The chart: memory per connection, echo round trips, memory kept after
/// the crowd, and lesson 5's CPU.
pub fn panels(run: &Run, earlier: Option<&Run>) -> Vec<Panel> {
    let series = |keys: &[(String, String)], value: &dyn Fn(&Value) -> f64| {
        let pick = |r: &Run, node: bool| -> Vec<Option<f64>> {
            keys.iter()
                .map(|(key, _)| {
                    let f = r.figure(key)?;
                    (if node { f.node } else { f.ours }).as_ref().map(value)
                })
                .collect()
        };
        let mut s = vec![(Role::Node, "Node".to_string(), pick(run, true))];
        if let Some(e) = earlier {
            s.push((
                Role::Earlier,
                format!("realtime-lab, {}", e.label),
                pick(e, false),
            ));
        }
        s.push((
            Role::Ours,
            format!("realtime-lab, {}", run.label),
            pick(run, false),
        ));
        s
    };
    let keys_of = |section: Section, suffix: &str| -> Vec<(String, String)> {
        run.figures
            .iter()
            .filter(|f| f.section == section && f.key.ends_with(suffix))
            .map(|f| (f.key.clone(), short_label(&f.key)))
            .collect()
    };
    let mut panels = Vec::new();
    for (title, unit, keys, value) in [
        (
            "Memory per connection (lower is better)",
            "KiB",
            keys_of(Section::Memory, ""),
            (|v: &Value| v.v) as fn(&Value) -> f64,
        ),
        (
            "Echo round trips per second (higher is better)",
            "thousands per second",
            keys_of(Section::Echo, ".rate"),
            |v| v.v / 1000.0,
        ),
        (
            "Resident memory kept after the crowd left (lower is better)",
            "MiB above before",
            keys_of(Section::AfterCrowd, ".rss"),
            |v| v.v - v.base.unwrap_or(v.v),
        ),
    ] {
        panels.push(Panel {
            title: title.into(),
            unit: unit.into(),
            groups: keys.iter().map(|(_, label)| label.clone()).collect(),
            series: series(&keys, &value),
        });
    }
    if let Some(cpu) = run.figure("lesson5.cpu") {
        let one = |v: Option<Value>| vec![v.map(|v| v.v)];
        let mut series = vec![
            (
                Role::NodeLeaky,
                "Node, timers never stopped".to_string(),
                one(cpu.leaky),
            ),
            (
                Role::Node,
                "Node, res.on(\"close\")".to_string(),
                one(cpu.node),
            ),
        ];
        if let Some(e) = earlier {
            let ours = e.figure("lesson5.cpu").and_then(|f| f.ours);
            series.push((
                Role::Earlier,
                format!("realtime-lab, {}", e.label),
                one(ours),
            ));
        }
        series.push((
            Role::Ours,
            format!("realtime-lab, {}", run.label),
            one(cpu.ours),
        ));
        panels.push(Panel {
            title: format!("Lesson 5: {} (lower is better)", cpu.label),
            unit: "% of one core".into(),
            groups: vec!["CPU".into()],
            series,
        });
    }
    panels
}

/// A bar's name under the chart, from its figure's key.
fn short_label(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    let n = |s: &str| s.parse().map(thousands).unwrap_or_else(|_| s.to_string());
    match parts.as_slice() {
        ["mem", "clock", size] => format!("clock stream, {}", n(size)),
        ["mem", "clock_h2", size] => format!("clock over HTTP/2, {}", n(size)),
        ["mem", "echo", size] => format!("echo socket, {}", n(size)),
        ["echo", clients, size, _] => format!("{clients} × {}", bytes(size.parse().unwrap_or(0))),
        ["clock_left", ..] => "clock crowd left at once".into(),
        ["clock_cycles", ..] => "clock cycles".into(),
        ["echo_cycles", ..] => "echo cycles".into(),
        _ => key.to_string(),
    }
}
