//! Lesson 2's cases: what a page may and may not do with an event stream or
//! a socket on another origin, with credentials, with a subprotocol. Each
//! case is one real request; the server answers as the case says
//! (`realtime::inspect`'s `?cors=` and `?subprotocol=`), and the page shows
//! what its browser did with the answer.
//!
//! The cases' words (title, code, why) are written by the server into the
//! page (`frame.rs`): static text in the WebAssembly would be loaded by
//! every page with a demo, not only this one. The browser reads them back
//! by `data-demo-text` key ([`Case::text_key`]).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    CorsNone,
    CorsAny,
    CredentialsAny,
    CredentialsExact,
    SocketOtherOrigin,
    SubprotocolAnswered,
    SubprotocolIgnored,
}

impl Case {
    pub const ALL: [Case; 7] = [
        Case::CorsNone,
        Case::CorsAny,
        Case::CredentialsAny,
        Case::CredentialsExact,
        Case::SocketOtherOrigin,
        Case::SubprotocolAnswered,
        Case::SubprotocolIgnored,
    ];

    /// For `data-case` and the report's id.
    pub fn id(self) -> &'static str {
        match self {
            Case::CorsNone => "cors-none",
            Case::CorsAny => "cors-any",
            Case::CredentialsAny => "credentials-any",
            Case::CredentialsExact => "credentials-exact",
            Case::SocketOtherOrigin => "socket-other-origin",
            Case::SubprotocolAnswered => "subprotocol-answered",
            Case::SubprotocolIgnored => "subprotocol-ignored",
        }
    }

    pub fn from_id(id: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|case| case.id() == id)
    }

    /// The `data-demo-text` key of one of the case's words
    /// (`part`: `title`, `code` or `why`).
    pub fn text_key(self, part: &str) -> String {
        format!("case-{part}-{}", self.id())
    }

    /// Whether the standards say the page gets the answer.
    pub fn opens(self) -> bool {
        matches!(
            self,
            Case::CorsAny | Case::CredentialsExact | Case::SubprotocolAnswered
        )
    }
}

/// What each case asks of the server: the browser build runs the cases,
/// and the tests check them against the words the server shows.
#[cfg(any(feature = "hydrate", test))]
impl Case {
    /// The request's path and query, before the report's id is added.
    pub fn target(self) -> &'static str {
        match self {
            Case::CorsNone => "/api/inspect/sse",
            Case::CorsAny | Case::CredentialsAny => "/api/inspect/sse?cors=any",
            Case::CredentialsExact => "/api/inspect/sse?cors=exact",
            Case::SocketOtherOrigin => "/api/inspect/ws",
            Case::SubprotocolAnswered => "/api/inspect/ws?subprotocol=echo",
            Case::SubprotocolIgnored => "/api/inspect/ws?subprotocol=ignore",
        }
    }

    pub fn socket(self) -> bool {
        matches!(
            self,
            Case::SocketOtherOrigin | Case::SubprotocolAnswered | Case::SubprotocolIgnored
        )
    }

    pub fn with_credentials(self) -> bool {
        matches!(self, Case::CredentialsAny | Case::CredentialsExact)
    }
}
