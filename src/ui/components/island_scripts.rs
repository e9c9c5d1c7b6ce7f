//! What a page with a live demo loads to hydrate it: Leptos's island
//! loader, naming the bundle's script and wasm.
//!
//! Leptos's own `<HydrationScripts islands=true/>` renders the same tags,
//! but finds the bundle's hashed names by reading cargo-leptos's `hash.txt`
//! from disk, beside the binary, on every page. The site may be embedded in
//! the binary with no such file anywhere, so this component takes the names
//! from [`SiteAssets`] (read once at start-up, from wherever the site is)
//! and renders the tags Leptos 0.8 renders. `island_script.js` is Leptos's
//! own loader, copied unchanged (MIT); a test fails if the Leptos in
//! `Cargo.lock` ships a different one.
//!
//! Left out, as this site has no use for them: Leptos's islands router, the
//! `root` prefix, nonces (the page's CSP allows inline scripts by hash), and
//! preloads from the wasm-split manifest (pages render none: the lazy
//! islands register nothing to preload on the server).

use leptos::prelude::*;

use crate::server::assets::bundle::PKG_DIR;
use crate::server::assets::SiteAssets;

const ISLAND_SCRIPT: &str = include_str!("island_script.js");

/// The loader script and the preloads of the bundle. Sets the page to
/// render no hydration markers outside islands, as Leptos's does.
#[component]
pub fn IslandScripts() -> impl IntoView {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let Some(assets) = use_context::<SiteAssets>() else {
        return None; // only while the route list is gathered
    };
    let bundle = assets.bundle();
    let (js, wasm) = (bundle.js_stem(), bundle.wasm_stem());
    // Leptos's arguments: root, pkg path, script, wasm, defer (unused by islands).
    let script = format!("{ISLAND_SCRIPT}(\"\", {PKG_DIR:?}, {js:?}, {wasm:?}, false);");
    Some(view! {
        <link rel="modulepreload" href=bundle.js_href() crossorigin=true />
        <link
            rel="preload"
            href=bundle.wasm_href()
            r#as="fetch"
            r#type="application/wasm"
            crossorigin=true
        />
        <script type="module" inner_html=script></script>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
             src/ui/components/island_script.js, and check that IslandScripts still renders \
             what its <HydrationScripts islands=true/> renders"
        );
    }
}
