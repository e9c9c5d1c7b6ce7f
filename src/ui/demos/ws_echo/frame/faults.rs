//! The echo's "break it" control: what each fault is called, and the one
//! sentence on why the browser reports what it does. The server's side is
//! `realtime/echo.rs` (`misbehave`); what the browser did shows in the log
//! and the close line. Server only: the options carry their text into the
//! page, and the browser reads the one picked (`widgets::BreakIt`).

use crate::model::wire::EchoFault;

/// The control's label for `fault`.
pub fn label(fault: EchoFault) -> &'static str {
    match fault {
        EchoFault::Drop => "Drop the TCP connection, no close frame",
        EchoFault::ServerError => "Close with 1011 (server error)",
        EchoFault::PingStorm => "Send a storm of 50 pings",
        EchoFault::Expire => "Let the login expire after 10 s",
    }
}

/// Why the browser reports what the demo shows.
pub fn why(fault: EchoFault) -> &'static str {
    match fault {
        EchoFault::Drop => {
            "The server closed TCP without a close frame: the browser reports code 1006, a \
             code no endpoint ever sends. It means the connection was lost, and wasClean is \
             false."
        }
        EchoFault::ServerError => {
            "The server sent a close frame with 1011, \"an unexpected condition\": the browser \
             answers it with its own close frame and reports the code and reason, with \
             wasClean true."
        }
        EchoFault::PingStorm => {
            "Pings and pongs are control frames the browser handles by itself: it answers \
             pings with pongs, and the page's JavaScript sees neither. Only the server's \
             report, an ordinary message, shows in the log. The protocol lets a busy endpoint \
             answer only the latest of several pings, so count on a pong, not on one per ping."
        }
        EchoFault::Expire => {
            "The socket was opened with a token that lives 10 s: the server echoes until then, \
             and closes with 1008 (policy violation) and a reason that says so. An open socket \
             outlives the login that opened it unless the server checks: the page must fetch a \
             new token before it reconnects, or it will be refused again."
        }
    }
}

/// The `<option>`s of the control, the plain echo first.
pub fn options_html() -> String {
    let options = EchoFault::ALL.map(|fault| (fault.query(), label(fault), why(fault)));
    crate::ui::demos::server_side::markup::fault_options("The echo as it is", &options)
}
