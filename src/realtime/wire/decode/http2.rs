//! HTTP/2 frames (RFC 9113 §4.1 and §6). The 9-byte frame header and each
//! type's fixed fields are read here (no crate exposes them: h2 keeps its
//! frame parser private); header blocks go to loona-hpack's decoder, one
//! per direction, as RFC 7541 requires; DATA on a stream opened by an
//! extended CONNECT (`:protocol = websocket`, RFC 8441) is read on as
//! WebSocket frames.

use std::collections::{HashMap, HashSet};

use super::websocket;
use crate::realtime::ids::hex;
use crate::realtime::wire::record::{preview, H2Frame, Hpack};

/// The client's first 24 bytes (RFC 9113 §3.4).
pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// One direction of an HTTP/2 connection.
pub struct Direction {
    hpack: loona_hpack::Decoder<'static>,
    /// A header block waiting for its CONTINUATION frames.
    block: Option<(u32, Vec<u8>)>,
    /// Bytes of WebSocket frames not yet whole, per stream.
    sockets: HashMap<u32, Vec<u8>>,
}

impl Direction {
    pub fn new() -> Self {
        Direction {
            hpack: loona_hpack::Decoder::new(),
            block: None,
            sockets: HashMap::new(),
        }
    }

    /// One whole frame at the start of `bytes` and its length; `Ok(None)`
    /// until it is all there. `websocket_streams` holds the streams an
    /// extended CONNECT opened (this direction adds the client's).
    pub fn frame(
        &mut self,
        bytes: &[u8],
        websocket_streams: &mut HashSet<u32>,
    ) -> Result<Option<(H2Frame, usize)>, String> {
        if bytes.len() < 9 {
            return Ok(None);
        }
        let length = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]) as usize;
        if bytes.len() < 9 + length {
            return Ok(None);
        }
        let (kind, flags) = (bytes[3], bytes[4]);
        let stream = u32::from_be_bytes([bytes[5], bytes[6], bytes[7], bytes[8]]) & 0x7fff_ffff;
        let payload = &bytes[9..9 + length];
        let mut frame = H2Frame::new(type_name(kind), stream, length, hex(&bytes[..9]));
        frame.flags = flag_names(kind, flags);
        match kind {
            0x0 => self.data(
                &mut frame,
                strip_padding(flags, payload)?,
                websocket_streams,
            ),
            0x1 => {
                let mut block = strip_padding(flags, payload)?;
                if flags & 0x20 != 0 {
                    block = block.get(5..).ok_or("HEADERS with PRIORITY is too short")?;
                }
                self.header_block(
                    &mut frame,
                    stream,
                    block,
                    flags & 0x4 != 0,
                    websocket_streams,
                )?;
            }
            0x3 => frame.error = Some(error_name(read_u32(payload, 0)?)),
            0x4 => {
                frame.settings = payload
                    .chunks_exact(6)
                    .map(|s| {
                        let id = u16::from_be_bytes([s[0], s[1]]);
                        (
                            setting_name(id),
                            u32::from_be_bytes([s[2], s[3], s[4], s[5]]),
                        )
                    })
                    .collect();
            }
            0x6 => frame.opaque = Some(hex(payload)),
            0x7 => {
                frame.last_stream = Some(read_u32(payload, 0)? & 0x7fff_ffff);
                frame.error = Some(error_name(read_u32(payload, 4)?));
            }
            0x8 => frame.increment = Some(read_u32(payload, 0)? & 0x7fff_ffff),
            0x9 => self.header_block(
                &mut frame,
                stream,
                payload,
                flags & 0x4 != 0,
                websocket_streams,
            )?,
            _ => {}
        }
        Ok(Some((frame, 9 + length)))
    }

    fn data(&mut self, frame: &mut H2Frame, data: &[u8], websocket_streams: &HashSet<u32>) {
        if !websocket_streams.contains(&frame.stream) {
            frame.data = Some(preview(data));
            return;
        }
        let pending = self.sockets.entry(frame.stream).or_default();
        pending.extend_from_slice(data);
        let mut used = 0;
        while let Ok(Some((ws, len))) = websocket::parse(&pending[used..]) {
            frame.frames.push(ws);
            used += len;
        }
        pending.drain(..used);
    }

    fn header_block(
        &mut self,
        frame: &mut H2Frame,
        stream: u32,
        fragment: &[u8],
        end_headers: bool,
        websocket_streams: &mut HashSet<u32>,
    ) -> Result<(), String> {
        let mut block = match self.block.take() {
            Some((on, mut block)) if on == stream => {
                block.extend_from_slice(fragment);
                block
            }
            _ => fragment.to_vec(),
        };
        if !end_headers {
            self.block = Some((stream, std::mem::take(&mut block)));
            return Ok(());
        }
        let fields = self
            .hpack
            .decode(&block)
            .map_err(|e| format!("HPACK: {e:?}"))?;
        let mut as_text = 0;
        for (name, value) in fields {
            let (name, value) = (
                String::from_utf8_lossy(&name),
                String::from_utf8_lossy(&value),
            );
            as_text += name.len() + value.len() + 4;
            if name == ":protocol" && value == "websocket" {
                websocket_streams.insert(stream);
            }
            let shown = crate::realtime::redact::header_value(&name, &value)
                .unwrap_or_else(|| value.into_owned());
            frame.headers.push((name.into_owned(), shown));
        }
        frame.hpack = Some(Hpack {
            block_bytes: block.len(),
            as_text_bytes: as_text,
        });
        Ok(())
    }
}

fn read_u32(payload: &[u8], at: usize) -> Result<u32, String> {
    payload
        .get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "a frame shorter than its type's fields".into())
}

/// DATA's and HEADERS' payload without its padding (RFC 9113 §6.1).
fn strip_padding(flags: u8, payload: &[u8]) -> Result<&[u8], String> {
    if flags & 0x8 == 0 {
        return Ok(payload);
    }
    let pad = *payload.first().ok_or("PADDED with no pad length")? as usize;
    payload
        .get(1..payload.len().saturating_sub(pad))
        .ok_or_else(|| "padding longer than the frame".into())
}

fn type_name(kind: u8) -> String {
    match kind {
        0x0 => "DATA",
        0x1 => "HEADERS",
        0x2 => "PRIORITY",
        0x3 => "RST_STREAM",
        0x4 => "SETTINGS",
        0x5 => "PUSH_PROMISE",
        0x6 => "PING",
        0x7 => "GOAWAY",
        0x8 => "WINDOW_UPDATE",
        0x9 => "CONTINUATION",
        other => return format!("unknown type 0x{other:02x}"),
    }
    .to_owned()
}

fn flag_names(kind: u8, flags: u8) -> Vec<&'static str> {
    let named: &[(u8, &str)] = match kind {
        0x0 => &[(0x1, "END_STREAM"), (0x8, "PADDED")],
        0x1 => &[
            (0x1, "END_STREAM"),
            (0x4, "END_HEADERS"),
            (0x8, "PADDED"),
            (0x20, "PRIORITY"),
        ],
        0x4 | 0x6 => &[(0x1, "ACK")],
        0x9 => &[(0x4, "END_HEADERS")],
        _ => &[],
    };
    named
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// RFC 9113 §6.5.2, and RFC 8441 §3's `SETTINGS_ENABLE_CONNECT_PROTOCOL`.
fn setting_name(id: u16) -> String {
    match id {
        0x1 => "HEADER_TABLE_SIZE",
        0x2 => "ENABLE_PUSH",
        0x3 => "MAX_CONCURRENT_STREAMS",
        0x4 => "INITIAL_WINDOW_SIZE",
        0x5 => "MAX_FRAME_SIZE",
        0x6 => "MAX_HEADER_LIST_SIZE",
        0x8 => "ENABLE_CONNECT_PROTOCOL",
        0x9 => "NO_RFC7540_PRIORITIES",
        other => return format!("0x{other:x}"),
    }
    .to_owned()
}

/// RFC 9113 §7.
fn error_name(code: u32) -> String {
    const NAMES: [&str; 14] = [
        "NO_ERROR",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "REFUSED_STREAM",
        "CANCEL",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY",
        "HTTP_1_1_REQUIRED",
    ];
    NAMES
        .get(code as usize)
        .map_or_else(|| format!("0x{code:x}"), |name| (*name).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_bytes(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let mut bytes = (payload.len() as u32).to_be_bytes()[1..].to_vec();
        bytes.extend([kind, flags]);
        bytes.extend(stream.to_be_bytes());
        bytes.extend(payload);
        bytes
    }

    #[test]
    fn settings_name_each_setting() {
        let bytes = frame_bytes(0x4, 0, 0, &[0, 3, 0, 0, 0, 200, 0, 8, 0, 0, 0, 1]);
        let (frame, len) = Direction::new()
            .frame(&bytes, &mut HashSet::new())
            .unwrap()
            .unwrap();
        assert_eq!(len, 21);
        assert_eq!(frame.frame_type, "SETTINGS");
        assert_eq!(
            frame.settings,
            [
                ("MAX_CONCURRENT_STREAMS".to_owned(), 200),
                ("ENABLE_CONNECT_PROTOCOL".to_owned(), 1)
            ]
        );
    }

    /// RFC 7541 Appendix C.3: three requests without Huffman coding, the
    /// second and third reusing the dynamic table the first filled.
    #[test]
    fn header_blocks_share_one_table_per_direction() {
        let blocks = [
            "828684410f7777772e6578616d706c652e636f6d",
            "828684be58086e6f2d6361636865",
            "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
        ];
        let mut direction = Direction::new();
        let mut sizes = Vec::new();
        for (i, block) in blocks.iter().enumerate() {
            let block = crate::realtime::ids::unhex(block).unwrap();
            let bytes = frame_bytes(0x1, 0x5, 1 + 2 * i as u32, &block);
            let (frame, _) = direction
                .frame(&bytes, &mut HashSet::new())
                .unwrap()
                .unwrap();
            sizes.push(frame.hpack.unwrap().block_bytes);
            if i == 1 {
                assert!(frame
                    .headers
                    .contains(&(":authority".into(), "www.example.com".into())));
                assert!(frame
                    .headers
                    .contains(&("cache-control".into(), "no-cache".into())));
            }
        }
        assert_eq!(sizes, [20, 14, 29]);
    }

    #[test]
    fn data_on_a_websocket_stream_is_read_as_frames() {
        let mut streams = HashSet::from([3]);
        let ws = [0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2];
        let bytes = frame_bytes(0x0, 0, 3, &ws);
        let (frame, _) = Direction::new()
            .frame(&bytes, &mut streams)
            .unwrap()
            .unwrap();
        assert_eq!(frame.frames.len(), 1);
        assert_eq!(frame.frames[0].payload, "hi");
        assert!(frame.frames[0].masked);
    }

    #[test]
    fn goaway_and_rst_stream_name_their_error() {
        let bytes = frame_bytes(0x7, 0, 0, &[0, 0, 0, 5, 0, 0, 0, 0]);
        let (frame, _) = Direction::new()
            .frame(&bytes, &mut HashSet::new())
            .unwrap()
            .unwrap();
        assert_eq!(
            (frame.last_stream, frame.error.as_deref()),
            (Some(5), Some("NO_ERROR"))
        );
        let bytes = frame_bytes(0x3, 0, 7, &[0, 0, 0, 8]);
        let (frame, _) = Direction::new()
            .frame(&bytes, &mut HashSet::new())
            .unwrap()
            .unwrap();
        assert_eq!(frame.error.as_deref(), Some("CANCEL"));
    }
}
