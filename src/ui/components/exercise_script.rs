//! The exercises' script, on lesson pages that have an exercise: a module
//! of a few hundred bytes that fetches the editor and runner (CodeMirror
//! included) when an exercise comes near the screen. Bundled from
//! `editor/` into the site's `exercise/` folder at build time
//! (`scripts/env.sh`, `build_editor`); a site built without it still
//! shows every exercise, as it does without JavaScript.

use leptos::prelude::*;

use crate::http::assets::SiteAssets;

/// Where the bundle's entry is, in the site.
const ENTRY: &str = "exercise/exercise.js";

#[component]
pub fn ExerciseScript() -> impl IntoView {
    let href = use_context::<SiteAssets>()?.versioned_href(ENTRY)?;
    Some(view! { <script type="module" src=href></script> })
}
