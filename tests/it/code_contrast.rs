//! Every syntax colour in `style/main.css` is readable on the code block's
//! background, in the light theme and the dark one: WCAG 2 contrast of at
//! least 4.5:1 for text (axe-core's `color-contrast` rule).

use std::collections::HashMap;
use std::path::Path;

const MINIMUM: f64 = 4.5;

/// `--name: #rrggbb;` declarations of one block of the stylesheet.
fn colours(block: &str) -> HashMap<String, String> {
    block
        .lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_prefix("--")?.split_once(':')?;
            let value = value.trim().trim_end_matches(';').trim();
            (value.len() == 7 && value.starts_with('#'))
                .then(|| (name.trim().to_string(), value.to_string()))
        })
        .collect()
}

fn relative_luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The light theme (`:root`) and the dark one (the `prefers-color-scheme`
/// block), each as its colour declarations.
fn themes() -> [(&'static str, HashMap<String, String>); 2] {
    let css = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("style/main.css"))
        .unwrap();
    let dark_at = css
        .find("@media (prefers-color-scheme: dark)")
        .expect("style/main.css has a dark theme block");
    let light = &css[css.find(":root").unwrap()..dark_at];
    let dark = &css[dark_at..];
    let dark = &dark[..dark.find("\n}").unwrap_or(dark.len())];
    [("light", colours(light)), ("dark", colours(dark))]
}

#[test]
fn every_syntax_colour_has_enough_contrast_on_code_in_both_themes() {
    let mut failures = Vec::new();
    for (theme, colours) in themes() {
        let background = &colours["code-bg"];
        let syntax: Vec<_> = colours
            .iter()
            .filter(|(n, _)| n.starts_with("hl-"))
            .collect();
        assert!(
            syntax.len() >= 8,
            "{theme}: only {} hl- colours",
            syntax.len()
        );
        for (name, colour) in syntax.into_iter().chain(colours.get_key_value("text")) {
            let ratio = contrast(colour, background);
            if ratio < MINIMUM {
                failures.push(format!(
                    "{theme}: --{name} {colour} on --code-bg {background} is {ratio:.2}:1"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "style/main.css: syntax colours below {MINIMUM}:1; darken them (light) or lighten \
         them (dark):\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_contrast_formula_matches_wcag() {
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
}
