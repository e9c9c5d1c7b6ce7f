//! WebSocket frames (RFC 6455 §5.2), read with tungstenite's own header
//! parser; this file only lays the fields out and unmasks the payload.

use std::io::Cursor;
use tungstenite::protocol::frame::coding::{Control, Data, OpCode};
use tungstenite::protocol::frame::FrameHeader;

use crate::realtime::wire::record::{hex_preview, preview, WsFrame, PREVIEW};

/// One whole frame at the start of `bytes`: its fields and its length on
/// the wire; `Ok(None)` until the frame is all there.
pub fn parse(bytes: &[u8]) -> Result<Option<(WsFrame, usize)>, String> {
    let mut cursor = Cursor::new(bytes);
    let Some((header, length)) = FrameHeader::parse(&mut cursor).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let header_len = cursor.position() as usize;
    let total = header_len as u64 + length;
    if (bytes.len() as u64) < total {
        return Ok(None);
    }
    let sent = &bytes[header_len..total as usize];
    let mut payload = sent[..sent.len().min(PREVIEW + 4)].to_vec();
    if let Some(key) = header.mask {
        // RFC 6455 §5.3: octet i XOR key[i mod 4].
        for (i, byte) in payload.iter_mut().enumerate() {
            *byte ^= key[i % 4];
        }
    }
    let close =
        (header.opcode == OpCode::Control(Control::Close) && payload.len() >= 2).then(|| {
            let code = u16::from_be_bytes([payload[0], payload[1]]);
            (code, preview(&payload[2..]))
        });
    let length_form = match bytes[1] & 0x7f {
        126 => "16-bit",
        127 => "64-bit",
        _ => "7-bit",
    };
    let text = match header.opcode {
        OpCode::Data(Data::Binary) => hex_preview(&payload),
        _ => preview(&payload[..payload.len().min(PREVIEW)]),
    };
    Ok(Some((
        WsFrame {
            fin: header.is_final,
            rsv: [header.rsv1, header.rsv2, header.rsv3],
            opcode: u8::from(header.opcode),
            opcode_name: opcode_name(header.opcode),
            masked: header.mask.is_some(),
            length_form,
            length,
            mask_key: header.mask.map(|key| crate::realtime::ids::hex(&key)),
            header_hex: crate::realtime::ids::hex(&bytes[..header_len]),
            payload_hex: hex_preview(sent),
            payload: if close.is_some() { String::new() } else { text },
            close,
        },
        total as usize,
    )))
}

fn opcode_name(opcode: OpCode) -> &'static str {
    match opcode {
        OpCode::Data(Data::Continue) => "continuation",
        OpCode::Data(Data::Text) => "text",
        OpCode::Data(Data::Binary) => "binary",
        OpCode::Data(Data::Reserved(_)) => "reserved data",
        OpCode::Control(Control::Close) => "close",
        OpCode::Control(Control::Ping) => "ping",
        OpCode::Control(Control::Pong) => "pong",
        OpCode::Control(Control::Reserved(_)) => "reserved control",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6455 §5.7's examples.
    #[test]
    fn the_rfcs_examples_read_as_the_rfc_says() {
        // A single-frame unmasked text message.
        let unmasked = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        let (frame, len) = parse(&unmasked).unwrap().unwrap();
        assert_eq!((len, frame.fin, frame.masked), (7, true, false));
        assert_eq!(
            (frame.opcode_name, frame.payload.as_str()),
            ("text", "Hello")
        );

        // A single-frame masked text message.
        let masked = [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        let (frame, len) = parse(&masked).unwrap().unwrap();
        assert_eq!(len, 11);
        assert_eq!(frame.mask_key.as_deref(), Some("37fa213d"));
        assert_eq!(frame.payload_hex, "7f9f4d5158");
        assert_eq!(frame.payload, "Hello");

        // A fragmented unmasked text message: "Hel", then "lo".
        let (first, _) = parse(&[0x01, 0x03, 0x48, 0x65, 0x6c]).unwrap().unwrap();
        let (second, _) = parse(&[0x80, 0x02, 0x6c, 0x6f]).unwrap().unwrap();
        assert_eq!((first.fin, first.opcode_name), (false, "text"));
        assert_eq!(
            (second.fin, second.opcode_name, second.payload.as_str()),
            (true, "continuation", "lo")
        );

        // Unmasked Ping, with "Hello".
        let (ping, _) = parse(&[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f])
            .unwrap()
            .unwrap();
        assert_eq!(ping.opcode_name, "ping");

        // 256 bytes binary message in a single unmasked frame: 16-bit length.
        let mut long = vec![0x82, 0x7e, 0x01, 0x00];
        long.extend([0u8; 256]);
        let (frame, len) = parse(&long).unwrap().unwrap();
        assert_eq!((frame.length_form, frame.length, len), ("16-bit", 256, 260));
    }

    #[test]
    fn a_close_frame_gives_its_code_and_reason_and_a_part_waits() {
        let (close, _) = parse(&[0x88, 0x05, 0x0f, 0xa0, b'b', b'y', b'e'])
            .unwrap()
            .unwrap();
        assert_eq!(close.close, Some((4000, "bye".to_owned())));
        assert!(parse(&[0x81, 0x05, 0x48]).unwrap().is_none());
    }
}
