//! The names of the browser bundle's files under `/pkg`, as a page links
//! them: with content hashes when cargo-leptos's `hash.txt` lists them
//! (`hash-files = true` in Cargo.toml), plain otherwise.

/// cargo-leptos's `output-name`: the bundle is `{OUTPUT_NAME}.{hash}.{ext}`.
const OUTPUT_NAME: &str = env!("CARGO_PKG_NAME");
/// Where the bundle is served, and where it sits in the built site.
pub const PKG_DIR: &str = "pkg";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    /// The script that loads the wasm, without `.js`.
    js: String,
    /// The wasm module, without `.wasm`.
    wasm: String,
    /// The stylesheet, without `.css`.
    css: String,
    hashed: bool,
}

impl Bundle {
    /// The names `hash.txt` gives (lines such as `js: <hash>`), if it names
    /// the script, the wasm and the stylesheet.
    pub fn from_hash_file(text: &str) -> Option<Bundle> {
        let hashed = |kind: &str| {
            let hash = text.lines().find_map(|line| {
                let (k, hash) = line.split_once(':')?;
                (k.trim() == kind).then(|| hash.trim())
            })?;
            (!hash.is_empty()).then(|| format!("{OUTPUT_NAME}.{hash}"))
        };
        Some(Bundle {
            js: hashed("js")?,
            wasm: hashed("wasm")?,
            css: hashed("css")?,
            hashed: true,
        })
    }

    /// The names of a bundle built without hashes.
    pub fn unhashed() -> Bundle {
        Bundle {
            js: OUTPUT_NAME.to_string(),
            wasm: OUTPUT_NAME.to_string(),
            css: OUTPUT_NAME.to_string(),
            hashed: false,
        }
    }

    /// Whether the names change with the contents, so the files may be
    /// cached for good.
    pub fn is_hashed(&self) -> bool {
        self.hashed
    }

    /// The script's name without `.js`, as Leptos's island loader takes it.
    pub fn js_stem(&self) -> &str {
        &self.js
    }

    /// The wasm module's name without `.wasm`.
    pub fn wasm_stem(&self) -> &str {
        &self.wasm
    }

    pub fn js_href(&self) -> String {
        format!("/{PKG_DIR}/{}.js", self.js)
    }

    pub fn wasm_href(&self) -> String {
        format!("/{PKG_DIR}/{}.wasm", self.wasm)
    }

    pub fn css_href(&self) -> String {
        format!("/{PKG_DIR}/{}.css", self.css)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_hashed_names_from_cargo_leptos_hash_file() {
        let file = "js: abc\nwasm: def\ncss: Xy_z-1\nmanifest: m\nsplit: s\n";
        let bundle = Bundle::from_hash_file(file).unwrap();
        assert_eq!(bundle.css_href(), "/pkg/realtime-lab.Xy_z-1.css");
        assert_eq!(bundle.js_href(), "/pkg/realtime-lab.abc.js");
        assert_eq!(bundle.wasm_stem(), "realtime-lab.def");
        assert!(bundle.is_hashed());
    }

    #[test]
    fn a_hash_file_without_every_name_gives_none() {
        assert_eq!(Bundle::from_hash_file("js: abc\n"), None);
        assert_eq!(Bundle::from_hash_file(""), None);
        assert_eq!(Bundle::from_hash_file("js: a\nwasm: b\ncss:\n"), None);
    }

    #[test]
    fn an_unhashed_bundle_has_plain_names() {
        assert_eq!(Bundle::unhashed().wasm_href(), "/pkg/realtime-lab.wasm");
        assert!(!Bundle::unhashed().is_hashed());
    }
}
