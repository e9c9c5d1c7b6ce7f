//! Settings for the demos simulated on the server (no WebAssembly): a plain
//! `GET` form puts them in the page's query, the server reads them back and
//! runs the simulation again. A value out of range or of the wrong kind is
//! replaced, with a sentence saying what was wrong and what was used.
//!
//! Several such demos can share a page; each one's form carries the
//! others' settings along as hidden fields, so running one keeps the rest.

use leptos::prelude::*;

/// The page's query, as name and value pairs.
pub fn query_pairs() -> Vec<(String, String)> {
    let query = use_context::<http::request::Parts>()
        .and_then(|parts| parts.uri.query().map(str::to_string))
        .unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn given<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.trim())
}

/// A whole number in a range: query name, label, range, default.
pub struct Number {
    pub name: &'static str,
    pub label: &'static str,
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

impl Number {
    /// The value in `query`, or the default.
    pub fn read(&self, query: &[(String, String)], problems: &mut Vec<String>) -> u32 {
        let Some(given) = given(query, self.name) else {
            return self.default;
        };
        match given.parse::<u32>() {
            Ok(n) if (self.min..=self.max).contains(&n) => n,
            parsed => {
                let used = parsed.map_or(self.default, |n| n.clamp(self.min, self.max));
                problems.push(format!(
                    "{} takes {} to {}, not “{given}”: this run uses {used}.",
                    self.label, self.min, self.max
                ));
                used
            }
        }
    }

    pub fn input(&'static self, value: u32) -> impl IntoView {
        view! {
            <label class="sim-setting">
                <span>{self.label}</span>
                <input type="number" name=self.name min=self.min max=self.max
                    value=value required />
            </label>
        }
    }
}

/// One of a few named options, offered as a `<select>`; the first is the
/// default.
pub struct Choice<T: 'static> {
    pub name: &'static str,
    pub label: &'static str,
    /// (value in the query, label, what it stands for).
    pub options: &'static [(&'static str, &'static str, T)],
}

impl<T: Copy + PartialEq + Send + Sync> Choice<T> {
    pub fn read(&self, query: &[(String, String)], problems: &mut Vec<String>) -> T {
        let default = self.options[0];
        let Some(given) = given(query, self.name) else {
            return default.2;
        };
        match self.options.iter().find(|(id, _, _)| *id == given) {
            Some(option) => option.2,
            None => {
                let known: Vec<String> = self
                    .options
                    .iter()
                    .map(|(id, _, _)| format!("“{id}”"))
                    .collect();
                problems.push(format!(
                    "{} is one of {}, not “{given}”: this run uses “{}”.",
                    self.label,
                    known.join(", "),
                    default.0
                ));
                default.2
            }
        }
    }

    pub fn select(&'static self, chosen: T) -> impl IntoView {
        let options = self.options.iter().map(|&(id, label, value)| {
            view! { <option value=id selected={value == chosen}>{label}</option> }
        });
        view! {
            <label class="sim-setting">
                <span>{self.label}</span>
                <select name=self.name>{options.collect_view()}</select>
            </label>
        }
    }
}

/// A checkbox, off unless the query has it.
pub struct Switch {
    pub name: &'static str,
    pub label: &'static str,
}

impl Switch {
    pub fn read(&self, query: &[(String, String)]) -> bool {
        given(query, self.name).is_some_and(|value| !value.is_empty() && value != "off")
    }

    pub fn checkbox(&'static self, on: bool) -> impl IntoView {
        view! {
            <label class="sim-switch">
                <input type="checkbox" name=self.name value="on" checked=on />
                <span>{self.label}</span>
            </label>
        }
    }
}

/// Hidden fields for the rest of the query: the settings of the other
/// demos on the page, whose names do not start with `own_prefix`.
pub fn carried(query: &[(String, String)], own_prefix: &str) -> impl IntoView {
    query
        .iter()
        .filter(|(name, _)| !name.starts_with(own_prefix))
        .map(|(name, value)| {
            view! { <input type="hidden" name=name.clone() value=value.clone() /> }
        })
        .collect_view()
}

/// The sentences saying which settings were replaced, if any.
pub fn problems_note(problems: Vec<String>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        view! {
            <ul class="demo-note error" role="alert">
                {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
        }
    })
}
