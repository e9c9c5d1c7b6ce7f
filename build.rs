//! What the server binary embeds, and when cargo must build it again.
//!
//! The server (feature `ssr`) carries three things in its executable, so it
//! runs alone in an empty folder:
//!
//! 1. The built site, `target/site` (the `site-root` of
//!    `[package.metadata.leptos]`): the browser bundle under `pkg/` with its
//!    `.br` and `.gz` twins, and the public files. `cargo leptos build`
//!    writes it before it compiles the server. `src/http/assets/embedded.rs`
//!    embeds the folder; this script only makes sure it exists (an empty one
//!    when the site was never built, so a plain `cargo build` still works and
//!    the server says at start-up that no site is embedded).
//! 2. cargo-leptos's `hash.txt`, the bundle's hashed file names. It is written
//!    beside the binary cargo-leptos builds (`target/release/hash.txt`), which
//!    is outside any folder worth embedding, so this script copies it to
//!    `$OUT_DIR/hash.txt` for `include_str!`. It is copied only if the names
//!    it lists are files of the site being embedded: a `hash.txt` left from
//!    another build never names files the binary does not have. Otherwise
//!    the copy is empty, and cargo prints a warning.
//! 3. The lessons, `content/` (`src/content/embedded.rs`).
//!
//! rust-embed lists each folder when the crate compiles; a file added later
//! would not make cargo compile it again by itself. So this script asks cargo
//! to run it again (and so to rebuild the crate) whenever anything in
//! `target/site` or `content/` changes.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The site folder, relative to this file: `site-root` in Cargo.toml.
const SITE: &str = "target/site";
const CONTENT: &str = "content";
/// cargo-leptos's `output-name`: the bundle is `pkg/{OUTPUT_NAME}.{hash}.{ext}`.
const OUTPUT_NAME: &str = "realtime-lab";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if env::var_os("CARGO_FEATURE_SSR").is_none() {
        return; // the browser build embeds nothing
    }
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let site = manifest_dir.join(SITE);
    // A folder that does not exist cannot be watched (cargo would run this
    // script on every build): start it empty, dated in the past so that
    // creating it does not count as a change and cost a second build.
    if !site.exists() {
        let created = fs::create_dir_all(&site)
            .and_then(|()| fs::File::open(&site)?.set_modified(SystemTime::UNIX_EPOCH));
        if let Err(e) = created {
            println!("cargo::warning=cannot create {}: {e}", site.display());
        }
    }
    println!("cargo::rerun-if-changed={SITE}");
    println!("cargo::rerun-if-changed={CONTENT}");

    let candidates = hash_file_candidates(&manifest_dir, &out_dir);
    for candidate in candidates.iter().filter(|c| c.is_file()) {
        println!("cargo::rerun-if-changed={}", candidate.display());
    }
    let hashes = candidates
        .iter()
        .filter_map(|file| fs::read_to_string(file).ok())
        .find(|text| names_files_of(text, &site.join("pkg")));
    let build = "cargo leptos build --release --precompress --split";
    if !site.join("pkg").is_dir() {
        println!(
            "cargo::warning=no built site in {}: this binary embeds none (pass it --site-root, \
             or build with `{build}`)",
            site.display()
        );
    } else if hashes.is_none() {
        println!(
            "cargo::warning=no hash.txt matches {}: the binary embeds the site without its \
             hashed names (build with `{build}`)",
            site.display()
        );
    }
    fs::write(out_dir.join("hash.txt"), hashes.unwrap_or_default()).expect("OUT_DIR is writable");
}

/// Where cargo-leptos may have written `hash.txt`: beside the binary this
/// build makes (the profile folder, three levels above `OUT_DIR`), then
/// beside a release or debug binary of the usual target folder.
fn hash_file_candidates(manifest_dir: &Path, out_dir: &Path) -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(profile_dir) = out_dir.ancestors().nth(3) {
        candidates.push(profile_dir.join("hash.txt"));
    }
    let target = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("target"));
    let target = manifest_dir.join(target); // an absolute path stays as it is
    for profile in ["release", "debug"] {
        candidates.push(target.join(profile).join("hash.txt"));
    }
    candidates.dedup();
    candidates
}

/// Whether the script, wasm and stylesheet that `hash_file` names are in `pkg`.
fn names_files_of(hash_file: &str, pkg: &Path) -> bool {
    let hash_of = |kind: &str| {
        hash_file.lines().find_map(|line| {
            let (k, hash) = line.split_once(':')?;
            (k.trim() == kind).then(|| hash.trim().to_string())
        })
    };
    ["js", "wasm", "css"].iter().all(|ext| {
        hash_of(ext).is_some_and(|hash| pkg.join(format!("{OUTPUT_NAME}.{hash}.{ext}")).is_file())
    })
}
