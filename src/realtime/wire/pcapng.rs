//! A capture as a `.pcapng` file Wireshark opens without keys: each read
//! or write the tap saw becomes one TCP segment between made-up addresses
//! (10.0.0.1, the client, and 10.0.0.2), with consistent sequence and
//! acknowledgement numbers, after a three-way handshake and before a FIN
//! if the connection ended. The IPv4 and TCP headers are built by
//! etherparse, the file by pcap-file.

use etherparse::PacketBuilder;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionBlock;
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::DataLink;
use std::borrow::Cow;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::http::tap::Snapshot;

const CLIENT: [u8; 4] = [10, 0, 0, 1];
const SERVER: [u8; 4] = [10, 0, 0, 2];
const CLIENT_PORT: u16 = 50_000;
/// The segments' largest payload (IPv4's limit is 65,515).
const SEGMENT: usize = 32 * 1024;
const WINDOW: u16 = 65_535;

/// Sequence numbers of both ends, as the file goes on.
struct Ends {
    client_seq: u32,
    server_seq: u32,
    server_port: u16,
}

impl Ends {
    fn segment(&mut self, from_client: bool, flags: &str, payload: &[u8]) -> Vec<u8> {
        let (src, dst, sport, dport, seq, ack) = if from_client {
            (
                CLIENT,
                SERVER,
                CLIENT_PORT,
                self.server_port,
                self.client_seq,
                self.server_seq,
            )
        } else {
            (
                SERVER,
                CLIENT,
                self.server_port,
                CLIENT_PORT,
                self.server_seq,
                self.client_seq,
            )
        };
        let mut builder = PacketBuilder::ipv4(src, dst, 64).tcp(sport, dport, seq, WINDOW);
        if flags.contains('S') {
            builder = builder.syn();
        }
        if flags.contains('A') {
            builder = builder.ack(ack);
        }
        if flags.contains('P') {
            builder = builder.psh();
        }
        if flags.contains('F') {
            builder = builder.fin();
        }
        let mut packet = Vec::with_capacity(builder.size(payload.len()));
        // Writing to a Vec cannot fail, and the payload is within a segment.
        let _ = builder.write(&mut packet, payload);
        let advance = payload.len() as u32 + u32::from(flags.contains('S') || flags.contains('F'));
        if from_client {
            self.client_seq = self.client_seq.wrapping_add(advance);
        } else {
            self.server_seq = self.server_seq.wrapping_add(advance);
        }
        packet
    }
}

/// The server's made-up port: Wireshark reads port 80 as HTTP, and HTTP/2
/// from its preface (443 would be read as TLS).
const SERVER_PORT: u16 = 80;

/// The file for `capture`.
pub fn write(capture: &Snapshot) -> Vec<u8> {
    let (now, now_wall) = (Instant::now(), SystemTime::now());
    let wall = |at: Instant| {
        now_wall
            .checked_sub(now.saturating_duration_since(at))
            .unwrap_or(now_wall)
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    };
    let first = capture.pieces.first().map_or(now, |p| p.at);
    let mut ends = Ends {
        client_seq: 1_000,
        server_seq: 500_000,
        server_port: SERVER_PORT,
    };
    let mut packets: Vec<(Duration, Vec<u8>)> = vec![
        (wall(first), ends.segment(true, "S", &[])),
        (wall(first), ends.segment(false, "SA", &[])),
        (wall(first), ends.segment(true, "A", &[])),
    ];
    for piece in &capture.pieces {
        let bytes = if piece.from_client {
            redacted(&piece.bytes)
        } else {
            Cow::Borrowed(&piece.bytes[..])
        };
        for part in bytes.chunks(SEGMENT) {
            packets.push((wall(piece.at), ends.segment(piece.from_client, "PA", part)));
        }
    }
    if capture.closed {
        let last = wall(capture.pieces.last().map_or(first, |p| p.at));
        packets.push((last, ends.segment(false, "FA", &[])));
        packets.push((last, ends.segment(true, "FA", &[])));
        packets.push((last, ends.segment(false, "A", &[])));
    }
    let mut writer = match PcapNgWriter::new(Vec::new()) {
        Ok(writer) => writer,
        Err(_) => return Vec::new(),
    };
    let interface = InterfaceDescriptionBlock {
        linktype: DataLink::IPV4,
        snaplen: 0,
        options: vec![],
    };
    let mut ok = writer.write_pcapng_block(interface).is_ok();
    for (timestamp, data) in &packets {
        ok &= writer
            .write_pcapng_block(EnhancedPacketBlock {
                interface_id: 0,
                timestamp: *timestamp,
                original_len: data.len() as u32,
                data: Cow::Borrowed(data),
                options: vec![],
            })
            .is_ok();
    }
    debug_assert!(ok, "writing a pcapng to memory does not fail");
    writer.into_inner()
}

/// A request head's cookie and credential values overwritten with `x`, the
/// same length, so the sequence numbers stay right (what the view shows as
/// `…`, `crate::realtime::redact`). HTTP/2's header blocks are compressed
/// and left as they are: the lanes set no cookie.
fn redacted(bytes: &[u8]) -> Cow<'_, [u8]> {
    let mut fields = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut fields);
    if !matches!(request.parse(bytes), Ok(httparse::Status::Complete(_))) {
        return Cow::Borrowed(bytes);
    }
    let secret: Vec<(usize, usize)> = request
        .headers
        .iter()
        .filter(|field| {
            crate::realtime::redact::header_value(field.name, "").is_some()
                && !field.value.is_empty()
        })
        .map(|field| {
            let start = field.value.as_ptr() as usize - bytes.as_ptr() as usize;
            (start, start + field.value.len())
        })
        .collect();
    if secret.is_empty() {
        return Cow::Borrowed(bytes);
    }
    let mut copy = bytes.to_vec();
    for (start, end) in secret {
        copy[start..end].fill(b'x');
    }
    Cow::Owned(copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::tap::Piece;
    use bytes::Bytes;

    #[test]
    fn cookies_and_credentials_leave_as_xs_of_the_same_length() {
        let head =
            b"GET / HTTP/1.1\r\nCookie: s=secret\r\nAuthorization: Bearer t\r\nHost: h\r\n\r\n";
        let out = redacted(head);
        assert_eq!(out.len(), head.len());
        assert_eq!(
            String::from_utf8_lossy(&out),
            "GET / HTTP/1.1\r\nCookie: xxxxxxxx\r\nAuthorization: xxxxxxxx\r\nHost: h\r\n\r\n"
        );
        assert_eq!(&redacted(b"\x81\x05hello")[..], b"\x81\x05hello");
    }

    #[test]
    fn a_capture_becomes_a_handshake_segments_and_a_close() {
        let piece = |from_client, bytes: &'static [u8]| Piece {
            from_client,
            at: Instant::now(),
            bytes: Bytes::from_static(bytes),
        };
        let snapshot = Snapshot {
            pieces: vec![
                piece(true, b"GET / HTTP/1.1\r\n\r\n"),
                piece(false, b"HTTP/1.1 204 No Content\r\n\r\n"),
            ],
            left_out: 0,
            closed: true,
        };
        let file = write(&snapshot);
        let mut reader = pcap_file::pcapng::PcapNgReader::new(&file[..]).unwrap();
        let mut segments = Vec::new();
        while let Some(block) = reader.next_block() {
            if let pcap_file::pcapng::Block::EnhancedPacket(packet) = block.unwrap() {
                let sliced = etherparse::SlicedPacket::from_ip(&packet.data).unwrap();
                let Some(etherparse::TransportSlice::Tcp(tcp)) = sliced.transport else {
                    panic!("a TCP segment")
                };
                segments.push((tcp.sequence_number(), tcp.payload().len()));
            }
        }
        // SYN, SYN-ACK, ACK, two segments, FIN, FIN, ACK.
        assert_eq!(segments.len(), 8);
        assert_eq!(
            segments[3],
            (1_001, 18),
            "the client's data follows its SYN"
        );
        assert_eq!(segments[4], (500_001, 27));
    }
}
