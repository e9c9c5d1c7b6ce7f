//! One tapped connection's plaintext, decoded into [`Record`]s as it comes:
//! HTTP/1.1 heads (httparse), chunks and bodies (RFC 9112 §6 and §7.1),
//! WebSocket frames after a `101` ([`websocket`]), or HTTP/2's preface and
//! frames ([`http2`]) when the client starts with the preface.

mod http1;
mod http2;
mod websocket;

use std::collections::HashSet;
use std::time::Instant;

use super::record::{hex_preview, Record, Unit};
use crate::http::tap::Piece;
use http1::Framing;

/// The decoder of one connection, fed its pieces in order.
pub struct Decoder {
    first: Option<Instant>,
    protocol: Option<Protocol>,
    buffers: [Vec<u8>; 2],
}

enum Protocol {
    Http1 {
        framing: [Framing; 2],
        /// The client asked to upgrade to a WebSocket.
        upgrade_asked: bool,
    },
    Http2 {
        preface_seen: bool,
        directions: Box<[http2::Direction; 2]>,
        websocket_streams: HashSet<u32>,
    },
}

const CLIENT: usize = 0;
const SERVER: usize = 1;

impl Decoder {
    pub fn new() -> Self {
        Decoder {
            first: None,
            protocol: None,
            buffers: [Vec::new(), Vec::new()],
        }
    }

    /// The records that `piece` completes.
    pub fn feed(&mut self, piece: &Piece) -> Vec<Record> {
        let first = *self.first.get_or_insert(piece.at);
        let at_ms = piece.at.saturating_duration_since(first).as_secs_f64() * 1000.0;
        let side = if piece.from_client { CLIENT } else { SERVER };
        self.buffers[side].extend_from_slice(&piece.bytes);
        if self.protocol.is_none() {
            let client = &self.buffers[CLIENT];
            if client.len() < http2::PREFACE.len() && http2::PREFACE.starts_with(client) {
                return Vec::new();
            }
            self.protocol = Some(if client.starts_with(http2::PREFACE) {
                Protocol::Http2 {
                    preface_seen: false,
                    directions: Box::new([http2::Direction::new(), http2::Direction::new()]),
                    websocket_streams: HashSet::new(),
                }
            } else {
                Protocol::Http1 {
                    framing: [Framing::Head, Framing::Head],
                    upgrade_asked: false,
                }
            });
        }
        let mut records = Vec::new();
        // Both directions: a piece from one side may complete the other's
        // wait for the protocol to be known.
        for side in [CLIENT, SERVER] {
            let buffer = std::mem::take(&mut self.buffers[side]);
            let used = self.decode(side, &buffer, at_ms, &mut records);
            self.buffers[side] = buffer[used..].to_vec();
        }
        records
    }

    /// Bytes still waiting, per side, when the connection ended.
    pub fn unfinished(&self) -> [usize; 2] {
        [self.buffers[CLIENT].len(), self.buffers[SERVER].len()]
    }

    fn decode(&mut self, side: usize, bytes: &[u8], at_ms: f64, out: &mut Vec<Record>) -> usize {
        let from = if side == CLIENT { "client" } else { "server" };
        let mut used = 0;
        loop {
            let rest = &bytes[used..];
            if rest.is_empty() {
                return used;
            }
            let step = match self.protocol.as_mut() {
                Some(Protocol::Http1 {
                    framing,
                    upgrade_asked,
                }) => http1::step(side == CLIENT, rest, &mut framing[side], upgrade_asked),
                Some(Protocol::Http2 {
                    preface_seen,
                    directions,
                    websocket_streams,
                }) => {
                    if side == CLIENT && !*preface_seen {
                        *preface_seen = true;
                        Ok(Some((
                            Unit::Preface {
                                text: "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n".into(),
                            },
                            http2::PREFACE.len(),
                            0,
                        )))
                    } else {
                        directions[side]
                            .frame(rest, websocket_streams)
                            .map(|frame| {
                                frame.map(|(frame, len)| {
                                    let app = frame
                                        .frames
                                        .iter()
                                        .map(|f| f.length as usize)
                                        .sum::<usize>()
                                        + frame.data.as_ref().map_or(0, |_| frame.length);
                                    (Unit::H2(frame), len, app)
                                })
                            })
                    }
                }
                None => return used,
            };
            let (unit, len, app_bytes) = match step {
                Ok(Some(step)) => step,
                Ok(None) => return used,
                Err(reason) => {
                    if let Some(Protocol::Http1 { framing, .. }) = self.protocol.as_mut() {
                        framing[side] = Framing::Lost;
                    }
                    out.push(record(
                        from,
                        at_ms,
                        rest.len(),
                        0,
                        Unit::Undecoded {
                            reason,
                            hex: hex_preview(rest),
                        },
                    ));
                    return bytes.len();
                }
            };
            out.push(record(from, at_ms, len, app_bytes, unit));
            used += len;
        }
    }
}

fn record(
    from: &'static str,
    at_ms: f64,
    wire_bytes: usize,
    app_bytes: usize,
    unit: Unit,
) -> Record {
    let (rfc, href) = match &unit {
        Unit::Head { .. } => (
            "RFC 9112 §2-§6",
            "https://www.rfc-editor.org/rfc/rfc9112#section-2",
        ),
        Unit::Chunk { .. } => (
            "RFC 9112 §7.1",
            "https://www.rfc-editor.org/rfc/rfc9112#section-7.1",
        ),
        Unit::Body { .. } => (
            "RFC 9112 §6",
            "https://www.rfc-editor.org/rfc/rfc9112#section-6",
        ),
        Unit::Frame(_) => (
            "RFC 6455 §5.2",
            "https://www.rfc-editor.org/rfc/rfc6455#section-5.2",
        ),
        Unit::Preface { .. } => (
            "RFC 9113 §3.4",
            "https://www.rfc-editor.org/rfc/rfc9113#section-3.4",
        ),
        Unit::H2(frame) if frame.hpack.is_some() => (
            "RFC 9113 §6.2, RFC 7541",
            "https://www.rfc-editor.org/rfc/rfc7541#section-6",
        ),
        Unit::H2(_) => (
            "RFC 9113 §4.1, §6",
            "https://www.rfc-editor.org/rfc/rfc9113#section-6",
        ),
        Unit::Undecoded { .. } => ("", ""),
    };
    Record {
        from,
        at_ms: (at_ms * 10.0).round() / 10.0,
        wire_bytes,
        app_bytes,
        rfc,
        href,
        unit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn piece(from_client: bool, bytes: &'static [u8]) -> Piece {
        Piece {
            from_client,
            at: Instant::now(),
            bytes: Bytes::from_static(bytes),
        }
    }

    #[test]
    fn an_event_stream_is_a_head_then_one_chunk_per_event() {
        let mut decoder = Decoder::new();
        let mut records = decoder.feed(&piece(
            true,
            b"GET /api/clock?tap=a HTTP/1.1\r\nhost: x\r\ncookie: s=secret\r\n\r\n",
        ));
        records.extend(decoder.feed(&piece(false, b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")));
        records.extend(decoder.feed(&piece(
            false,
            b"d\r\n: heartbeat\n\n\r\n14\r\nid: 7\ndata: tick 7\n\n\r\n",
        )));
        let kinds: Vec<_> = records
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        assert_eq!(kinds.len(), 4);
        assert_eq!(kinds[0]["headers"][1], serde_json::json!(["cookie", "s=…"]));
        assert_eq!(kinds[2]["kind"], "chunk");
        assert_eq!(kinds[2]["size"], 13);
        assert_eq!(
            kinds[2]["wire_bytes"], 18,
            "size line, CRLF, 13 bytes, CRLF"
        );
        assert_eq!(kinds[3]["data"], "id: 7\ndata: tick 7\n\n");
    }

    #[test]
    fn an_upgrade_turns_both_sides_to_websocket_frames() {
        let mut decoder = Decoder::new();
        decoder.feed(&piece(
            true,
            b"GET /api/echo?tap=a HTTP/1.1\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n",
        ));
        decoder.feed(&piece(
            false,
            b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n",
        ));
        let from_client = decoder.feed(&piece(true, &[0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2]));
        let from_server = decoder.feed(&piece(false, &[0x81, 0x02, b'h', b'i']));
        let json = serde_json::to_value(&from_client[0]).unwrap();
        assert_eq!(
            (
                json["kind"].as_str(),
                json["payload"].as_str(),
                json["masked"].as_bool()
            ),
            (Some("frame"), Some("hi"), Some(true))
        );
        assert_eq!(json["app_bytes"], 2);
        assert_eq!(json["wire_bytes"], 8);
        let json = serde_json::to_value(&from_server[0]).unwrap();
        assert_eq!(json["masked"], false);
    }
}
