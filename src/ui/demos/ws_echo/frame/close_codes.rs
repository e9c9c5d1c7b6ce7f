//! What each close code the echo can report means, in words. Server only:
//! the echo's frame lists them beside the island (a hidden `<dl>`), and the
//! browser code reads the one it needs, so the text is not in the
//! WebAssembly every island page loads.

/// The codes [`close_meaning`] explains.
pub const CLOSE_CODES: [u16; 7] = [1000, 1001, 1006, 1007, 1008, 1009, 1011];

pub fn close_meaning(code: u16) -> &'static str {
    match code {
        1000 => "1000 is a normal closure.",
        1001 => "1001 means going away: here, the server is restarting. Reconnect in a moment.",
        1006 => {
            "1006 is never sent: the connection dropped without a close frame, or the server \
             refused the handshake (429: your address already holds its share of echo sockets; \
             503: the server is full). Reconnect by hand, after a pause."
        }
        1007 => "1007 means the payload was invalid, such as text that is not UTF-8.",
        1008 => "1008 is a policy violation: here, the socket was idle too long, or its login expired (the reason says which).",
        1009 => "1009 means the message was too big for the server.",
        1011 => "1011 means the server hit an unexpected error.",
        _ => "",
    }
}
