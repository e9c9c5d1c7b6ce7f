//! What the demo endpoints send and the demo components read: plain data,
//! the same in the server and the browser build. One file per endpoint;
//! everything is re-exported here, so a type is `model::wire::X` wherever
//! it lives.

mod answer;
mod clock;
mod echo;
mod handshake;
mod lab;
mod leaky;
mod proxy;
mod webtransport;

pub use answer::*;
pub use clock::*;
pub use echo::*;
pub use handshake::*;
pub use lab::*;
pub use leaky::*;
pub use proxy::*;
pub use webtransport::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_query_names_are_serdes() {
        for fault in ClockFault::ALL {
            assert_eq!(
                serde_json::to_string(&fault).unwrap(),
                format!("\"{}\"", fault.query())
            );
        }
        for fault in EchoFault::ALL {
            assert_eq!(
                serde_json::to_string(&fault).unwrap(),
                format!("\"{}\"", fault.query())
            );
        }
    }

    #[test]
    fn computes_the_rfc_6455_example() {
        let steps = websocket_accept("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(
            steps.joined,
            "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        );
        assert_eq!(
            steps.sha1_hex,
            "b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea"
        );
        assert_eq!(steps.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
