//! What both caches of bytes (the page cache and the embedded site) ask of
//! a request: which compressed form the client takes, and whether the copy
//! it already has (`If-None-Match`) is the one it would get.

use axum::http::{header, HeaderMap};

/// The forms a response body is kept in, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Every form, in the order they are preferred.
    pub const PREFERRED: [Encoding; 3] = [Encoding::Brotli, Encoding::Gzip, Encoding::Identity];

    /// The best form the client takes: brotli, else gzip, else none.
    pub fn preferred(request: &HeaderMap) -> Encoding {
        let accepted = Accepted::from(request);
        Self::PREFERRED
            .into_iter()
            .find(|e| accepted.takes(*e))
            .unwrap_or(Encoding::Identity)
    }

    /// The `Content-Encoding` value, `None` for the identity.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }

    /// How the compressed twin of a file is named after it (`.br`, `.gz`),
    /// as `cargo leptos build --precompress` writes them.
    pub fn file_suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
            Encoding::Identity => "",
        }
    }
}

/// The codings a request's `Accept-Encoding` allows.
#[derive(Clone, Copy, Debug)]
pub struct Accepted {
    brotli: bool,
    gzip: bool,
}

impl Accepted {
    /// Whether the client takes `encoding`; everyone takes the identity.
    pub fn takes(self, encoding: Encoding) -> bool {
        match encoding {
            Encoding::Brotli => self.brotli,
            Encoding::Gzip => self.gzip,
            Encoding::Identity => true,
        }
    }
}

impl From<&HeaderMap> for Accepted {
    /// A coding listed with `q=0` is refused; `*` stands for any coding not
    /// listed.
    fn from(request: &HeaderMap) -> Self {
        let mut brotli = None;
        let mut gzip = None;
        let mut any = None;
        for value in request.get_all(header::ACCEPT_ENCODING) {
            for item in value.to_str().unwrap_or_default().split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let accepted = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .all(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
                match coding.as_str() {
                    "br" => brotli = Some(accepted),
                    "gzip" | "x-gzip" => gzip = Some(accepted),
                    "*" => any = Some(accepted),
                    _ => {}
                }
            }
        }
        Accepted {
            brotli: brotli.or(any) == Some(true),
            gzip: gzip.or(any) == Some(true),
        }
    }
}

/// Whether `If-None-Match` names `etag` (quoted, as sent) or `*`: the
/// client's copy is current, and the answer is `304 Not Modified`.
pub fn client_has(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// A strong `ETag` from a SHA-256 digest: its first 12 bytes in hex, quoted.
pub fn etag_of(digest: &[u8]) -> String {
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, value.parse().unwrap());
        headers
    }

    #[test]
    fn a_browser_that_takes_brotli_gets_brotli() {
        let chrome = accept("gzip, deflate, br, zstd");
        assert_eq!(Encoding::preferred(&chrome), Encoding::Brotli);
    }

    #[test]
    fn q_zero_refuses_a_coding_and_a_star_accepts_the_rest() {
        assert_eq!(Encoding::preferred(&accept("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::preferred(&accept("*")), Encoding::Brotli);
        assert_eq!(Encoding::preferred(&accept("*;q=0")), Encoding::Identity);
        assert_eq!(Encoding::preferred(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn if_none_match_takes_a_list_weak_tags_and_a_star() {
        let mut request = HeaderMap::new();
        request.insert(header::IF_NONE_MATCH, "\"a\", W/\"b\"".parse().unwrap());
        assert!(client_has(&request, "\"b\""));
        assert!(!client_has(&request, "\"c\""));
        request.insert(header::IF_NONE_MATCH, "*".parse().unwrap());
        assert!(client_has(&request, "\"c\""));
        assert!(!client_has(&HeaderMap::new(), "\"a\""));
    }
}
