//! Every setting of the server, from a flag or an environment variable.
//! `realtime-lab --help` prints this with the defaults.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "realtime-lab",
    version,
    about = "Realtime Lab: an interactive course on Server-Sent Events, WebSockets, HTTP/1.1 and HTTP/2."
)]
pub struct Config {
    /// Address to listen on, as host:port. Port 0 picks a free port (the
    /// chosen address is printed). Use 0.0.0.0:3000 to serve a whole room.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder of the built site: pkg/ (wasm, js, css) and the public assets,
    /// as cargo-leptos writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Folder of the lessons (Markdown). Read at start-up and again whenever
    /// a file in it changes.
    #[arg(long, env = "REALTIME_LAB_CONTENT", default_value = "content")]
    pub content_dir: PathBuf,

    /// Do not reload the lessons when their files change.
    #[arg(long, env = "REALTIME_LAB_NO_WATCH")]
    pub no_watch: bool,

    /// Check every lesson, print each problem with its file and line, and exit
    /// (status 1 if any lesson has a problem). Starts no server.
    #[arg(long)]
    pub check: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_a_bad_address_naming_the_flag() {
        let error = Config::try_parse_from(["realtime-lab", "--addr", "localhost"]).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("invalid value 'localhost' for '--addr <ADDR>'"),
            "{text}"
        );
    }

    #[test]
    fn defaults_to_the_local_content_folder() {
        let config = Config::try_parse_from(["realtime-lab"]).unwrap();
        assert_eq!(config.content_dir, PathBuf::from("content"));
    }
}
