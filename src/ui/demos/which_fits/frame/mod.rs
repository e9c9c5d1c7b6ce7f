//! The scenarios' markup, server-rendered: a group of radio buttons per
//! scenario, each option's verdict and reasoning hidden beside it, and a
//! live region the island fills with the chosen one.

mod scenarios;

use leptos::prelude::*;

use super::WhichFits;
use scenarios::{Verdict, SCENARIOS};

#[component]
pub fn WhichFitsFrame() -> impl IntoView {
    let scenarios = SCENARIOS.iter().enumerate().map(|(n, scenario)| {
        let name = format!("fits-{}", n + 1);
        let options = scenario.choices.iter().map(|choice| {
            let (label, class) = match choice.verdict {
                Verdict::Fits => ("Fits.", "fits"),
                Verdict::AtACost => ("Works, at a cost.", "at-a-cost"),
                Verdict::Poor => ("A poor fit.", "poor"),
            };
            view! {
                <li>
                    <label>
                        <input type="radio" name=name.clone() value=choice.technology.key() />
                        " " <span>{choice.technology.label()}</span>
                    </label>
                    <span hidden data-why data-verdict=class>
                        <strong>{label}</strong> " " {choice.why}
                    </span>
                </li>
            }
        });
        view! {
            <fieldset class="fits-scenario">
                <legend>{scenario.situation}</legend>
                <ul class="fits-options">{options.collect_view()}</ul>
                <p class="fits-result" data-fits-result aria-live="polite"></p>
            </fieldset>
        }
    });
    view! {
        <div class="fits-demo" data-fits>
            <p class="hint">"Pick what you would build each one with. Every choice has its \
                reasoning: try the others too."</p>
            {scenarios.collect_view()}
            <noscript><p class="hint">"Choosing shows each answer's reasoning, with JavaScript on. \
                Without it, the sections above give the same reasoning."</p></noscript>
            <WhichFits />
        </div>
    }
}
