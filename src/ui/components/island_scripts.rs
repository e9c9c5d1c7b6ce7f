//! What a page with a live demo loads to hydrate it: an island loader,
//! naming the bundle's script and wasm.
//!
//! Leptos's own `<HydrationScripts islands=true/>` preloads the bundle and
//! hydrates every island of the page as soon as the browser is idle, and
//! finds the bundle's hashed names by reading cargo-leptos's `hash.txt` from
//! disk, beside the binary, on every page. This component renders one inline
//! module script instead: `island_loader.js`, Leptos's loader changed to
//! fetch the bundle when the first island comes near the screen (or is
//! touched first) and to hydrate each island when it does, so that a
//! learner's phone spends nothing on a demo further down the lesson while
//! the top is read. The names come from [`SiteAssets`] (read once at
//! start-up, from wherever the site is: it may be embedded in the binary with
//! no `hash.txt` anywhere). `island_script.js` is Leptos's own loader, kept
//! unchanged (MIT) as the reference the changed one follows: a test fails if
//! the Leptos in `Cargo.lock` ships a different one.
//!
//! Left out, as this site has no use for them: Leptos's islands router, the
//! `root` prefix, nonces (the page's CSP allows inline scripts by hash), and
//! preloads (of the bundle, which waits for a demo to come near, and from the
//! wasm-split manifest: the lazy islands register nothing to preload on the
//! server).

use leptos::prelude::*;

use crate::http::assets::SiteAssets;

const ISLAND_LOADER: &str = include_str!("island_loader.js");

/// The loader as every island page carries it: without its comment lines
/// and indentation, which are for this file's readers (some 40 % of its
/// bytes, on every page with a demo). No line of it continues a string.
static COMPACT_LOADER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    ISLAND_LOADER
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
});

/// The loader script. Sets the page to render no hydration markers outside
/// islands, as Leptos's does.
#[component]
pub fn IslandScripts() -> impl IntoView {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let Some(assets) = use_context::<SiteAssets>() else {
        return None; // only while the route list is gathered
    };
    let bundle = assets.bundle();
    let (js, wasm) = (bundle.js_href(), bundle.wasm_href());
    let script = format!("{}({js:?}, {wasm:?});", *COMPACT_LOADER);
    Some(view! { <script type="module" inner_html=script></script> })
}

#[cfg(test)]
mod tests {
    /// Leptos's loader, which `island_loader.js` follows.
    const ISLAND_SCRIPT: &str = include_str!("island_script.js");

    /// The `island_script.js` of the Leptos that `Cargo.lock` selects, found
    /// through `cargo metadata`.
    fn leptos_island_script() -> String {
        let output = std::process::Command::new(env!("CARGO"))
            .args(["metadata", "--format-version", "1", "--offline"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "cargo metadata failed");
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let leptos = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "leptos")
            .expect("leptos is a dependency");
        let manifest = std::path::Path::new(leptos["manifest_path"].as_str().unwrap());
        let script = manifest.with_file_name("src/hydration/island_script.js");
        std::fs::read_to_string(&script)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", script.display()))
    }

    #[test]
    fn the_island_loader_is_the_one_of_the_leptos_in_use() {
        assert!(
            leptos_island_script() == ISLAND_SCRIPT,
            "Leptos's island loader changed: copy its src/hydration/island_script.js to \
             src/ui/components/island_script.js, and bring what changed into \
             src/ui/components/island_loader.js (how an island is hydrated, what the \
             bundle's init is given)"
        );
    }
}
