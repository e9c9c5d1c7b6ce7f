//! What every WebSocket endpoint shares (the echo, the resumable echo, the
//! lab's socket): the close codes by name, the small buffers, and how a
//! socket is closed, below the endpoints so that none imports another.

use axum::extract::ws::{CloseFrame, Message, WebSocket};

/// The close codes this server sends (RFC 6455 §7.4.1).
pub mod close_code {
    pub const NORMAL: u16 = 1000;
    pub const GOING_AWAY: u16 = 1001;
    pub const PROTOCOL_ERROR: u16 = 1002;
    pub const UNSUPPORTED_DATA: u16 = 1003;
    pub const INVALID_PAYLOAD: u16 = 1007;
    pub const POLICY_VIOLATION: u16 = 1008;
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    pub const INTERNAL_ERROR: u16 = 1011;
}

/// tungstenite's read buffer, held (zero-filled) for as long as a socket is
/// open, and its write buffer: small, so that an idle socket costs little.
/// A read this small is served from a read-ahead under hyper
/// (`http::read_ahead`), so a large message still takes one system call.
pub const SOCKET_BUFFER: usize = 256;

/// Why a silent socket was closed (with 1008): `idle for 2m`.
pub fn idle_reason(idle: std::time::Duration) -> String {
    format!("idle for {}", humantime::format_duration(idle))
}

/// Sends a close frame, then waits briefly for the client's answer. A
/// reason longer than a close frame holds (123 bytes, RFC 6455 §5.5) is
/// cut short, with an ellipsis.
pub async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: clipped(reason).into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
    // Wait briefly for the client's answering close frame, as RFC 6455 asks.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), async {
        while let Some(Ok(_)) = socket.recv().await {}
    })
    .await;
}

/// `reason`, cut to fit a close frame's 123 bytes at a character boundary.
fn clipped(reason: &str) -> String {
    const MOST: usize = 123;
    if reason.len() <= MOST {
        return reason.into();
    }
    let mut end = MOST - '…'.len_utf8();
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &reason[..end])
}

#[cfg(test)]
mod tests {
    use super::clipped;

    #[test]
    fn a_close_reason_is_cut_to_123_bytes_at_a_character_boundary() {
        assert_eq!(clipped("idle for 2m"), "idle for 2m");
        let long = "é".repeat(100); // 200 bytes
        let cut = clipped(&long);
        assert!(
            cut.len() <= 123 && cut.ends_with('…'),
            "{} bytes",
            cut.len()
        );
        assert_eq!(cut.trim_end_matches('…'), "é".repeat(60));
    }
}
