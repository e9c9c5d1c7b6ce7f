//! The inspector's frame, server only: the cases' buttons and words, and
//! the lab's ports for the cases that need another origin.

use leptos::context::Provider;
use leptos::prelude::*;

use super::cases::Case;
use super::HandshakeInspector;
use crate::ui::demos::markup::Markup;
use crate::ui::demos::seam::{give, FrameHtml};

#[component]
pub fn HandshakeInspectorFrame() -> impl IntoView {
    let island = || {
        view! { <Provider value=FrameHtml(cases_html())><HandshakeInspector /></Provider> }
    };
    match crate::ui::demos::connection_lab::frame::lab_ports() {
        Some(ports) => give(ports, island).into_any(),
        None => island().into_any(),
    }
}

pub fn title(case: Case) -> &'static str {
    match case {
        Case::CorsNone => "Other origin, no CORS headers",
        Case::CorsAny => "Other origin, Access-Control-Allow-Origin: *",
        Case::CredentialsAny => "withCredentials, and *",
        Case::CredentialsExact => "withCredentials, and the exact origin",
        Case::SocketOtherOrigin => "A WebSocket to the other origin",
        Case::SubprotocolAnswered => "A subprotocol offered and answered",
        Case::SubprotocolIgnored => "A subprotocol offered, no answer",
    }
}

/// What the page runs (`lane` is the other origin).
pub fn code(case: Case) -> &'static str {
    match case {
        Case::CorsNone => r#"new EventSource(lane + "/api/inspect/sse")"#,
        Case::CorsAny => r#"new EventSource(lane + "/api/inspect/sse?cors=any")"#,
        Case::CredentialsAny => {
            r#"new EventSource(lane + "/api/inspect/sse?cors=any", { withCredentials: true })"#
        }
        Case::CredentialsExact => {
            r#"new EventSource(lane + "/api/inspect/sse?cors=exact", { withCredentials: true })"#
        }
        Case::SocketOtherOrigin => r#"new WebSocket(laneWs + "/api/inspect/ws")"#,
        Case::SubprotocolAnswered => {
            r#"new WebSocket(".../api/inspect/ws?subprotocol=echo", "inspector.v1")"#
        }
        Case::SubprotocolIgnored => {
            r#"new WebSocket(".../api/inspect/ws?subprotocol=ignore", "inspector.v1")"#
        }
    }
}

/// Why the browser did what the standards say.
pub fn why(case: Case) -> &'static str {
    match case {
        Case::CorsNone => {
            "The server received the request and answered 200 (below), without \
             Access-Control-Allow-Origin. A stream from another origin is a CORS request: \
             the browser sent Origin and, finding no permission in the answer, withheld it \
             from the page. The page gets a bare error event; only the console says why."
        }
        Case::CorsAny => {
            "Access-Control-Allow-Origin: * lets any page read the answer, as long as the \
             request carried no credentials. EventSource sends none to another origin \
             unless the page asks for them."
        }
        Case::CredentialsAny => {
            "With withCredentials the request may carry cookies, and then the browser no \
             longer accepts *: it wants the page's exact origin and \
             Access-Control-Allow-Credentials: true. The server answered; the browser refused."
        }
        Case::CredentialsExact => {
            "The server named this page's origin and allowed credentials, so the browser \
             handed over the answer. The request carried whatever cookies their SameSite \
             rules and your browser's third-party cookie settings allow (a Cookie line \
             below, if any). This server names only its own pages; one that echoed any \
             Origin back would let every site read its users' streams."
        }
        Case::SocketOtherOrigin => {
            "No CORS for a WebSocket: the browser sent the upgrade, with Origin (and \
             cookies, where their rules allow). The server compared Origin with the origins \
             it accepts (its own, and any the host allowed) and answered 403 (below); the \
             page sees only error and close code 1006."
        }
        Case::SubprotocolAnswered => {
            "The server picked inspector.v1 from the offer and said so in \
             Sec-WebSocket-Protocol; socket.protocol now holds that name."
        }
        Case::SubprotocolIgnored => {
            "The server answered 101 without Sec-WebSocket-Protocol. RFC 6455 lets a server \
             ignore the offer, but the WHATWG standard, which browsers follow, fails the \
             connection when a page offered subprotocols and none came back: close code 1006."
        }
    }
}

/// The cases' buttons and, hidden, their words, as the server writes them.
pub fn cases_html() -> String {
    let mut html = Markup::default();
    html.raw("<p class=\"hint\">")
        .text(
            "The other origin is this server's HTTP/1.1 lane from lesson 6: the same server \
             on another port, over HTTPS. The first time, your browser must accept its \
             certificate there.",
        )
        .raw("</p><div class=\"case-buttons\">");
    for case in Case::ALL {
        html.raw("<button type=\"button\" class=\"button secondary\" data-case=\"")
            .raw(case.id())
            .raw("\">")
            .text(title(case))
            .raw("</button>");
    }
    html.raw("</div><div hidden>");
    for case in Case::ALL {
        for (part, text) in [
            ("title", title(case)),
            ("code", code(case)),
            ("why", why(case)),
        ] {
            html.raw("<p data-demo-text=\"")
                .raw(&case.text_key(part))
                .raw("\">")
                .text(text)
                .raw("</p>");
        }
    }
    for (key, text) in [
        (
            "case-unexpected",
            "That is not what the standards say a browser does; the explanation below is what \
             they say.",
        ),
        (
            "case-no-lanes",
            "this server runs without the lab's lanes (--no-lab), the only other origin it has.",
        ),
        (
            "case-untrusted",
            "your browser cannot reach the lane. Open it in a new tab, accept its certificate \
             (the server made it for itself), and run the case again:",
        ),
    ] {
        html.raw("<p data-demo-text=\"")
            .raw(key)
            .raw("\">")
            .text(text)
            .raw("</p>");
    }
    html.raw("</div>");
    html.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_asks_the_server_for_what_it_teaches() {
        for case in Case::ALL {
            let socket = case.target().starts_with("/api/inspect/ws");
            assert_eq!(case.socket(), socket, "{case:?}");
            assert_eq!(code(case).contains("WebSocket"), socket, "{case:?}");
            assert!(!(case.socket() && case.with_credentials()), "{case:?}");
            assert_eq!(Case::from_id(case.id()), Some(case));
        }
        let html = cases_html();
        assert!(html.contains("data-demo-text=\"case-why-cors-none\""));
        assert!(
            html.contains("withCredentials: true"),
            "the code, escaped: {html}"
        );
        assert_eq!(Case::ALL.iter().filter(|c| c.opens()).count(), 3);
    }
}
