//! One direction of an HTTP/1.1 connection: heads (httparse), then a body
//! by its framing (chunked, a length, until the close: RFC 9112 §6 and
//! §7.1), or WebSocket frames after an upgrade.

use super::websocket;
use crate::realtime::wire::record::{hex_preview, preview, Unit};

/// How the next bytes of one HTTP/1.1 direction are framed.
#[derive(Debug, PartialEq)]
pub enum Framing {
    Head,
    Chunked,
    Length(usize),
    UntilClose,
    WebSocket,
    /// Something could not be decoded: the rest is counted, not read.
    Lost,
}

/// One unit of an HTTP/1.1 direction: the unit, its length, its
/// application bytes.
pub type Step = Result<Option<(Unit, usize, usize)>, String>;

pub fn step(client: bool, bytes: &[u8], framing: &mut Framing, upgrade_asked: &mut bool) -> Step {
    match *framing {
        Framing::Head => head_step(client, bytes, framing, upgrade_asked),
        Framing::Chunked => {
            let (start, size) = match httparse::parse_chunk_size(bytes) {
                Ok(httparse::Status::Complete(found)) => found,
                Ok(httparse::Status::Partial) => return Ok(None),
                Err(_) => return Err("not a chunk-size line (RFC 9112 §7.1)".into()),
            };
            let size = usize::try_from(size).map_err(|_| "a chunk larger than memory")?;
            // The last chunk is followed by a trailer section, here empty.
            let total = start + size + 2;
            if bytes.len() < total {
                return Ok(None);
            }
            if size == 0 {
                *framing = Framing::Head;
            }
            let size_line = String::from_utf8_lossy(&bytes[..start])
                .trim_end()
                .to_owned();
            let data = preview(&bytes[start..start + size]);
            Ok(Some((
                Unit::Chunk {
                    size_line,
                    size,
                    data,
                },
                total,
                size,
            )))
        }
        Framing::Length(n) => {
            if bytes.len() < n && client {
                return Ok(None);
            }
            let take = n.min(bytes.len());
            *framing = if take == n {
                Framing::Head
            } else {
                Framing::Length(n - take)
            };
            Ok(Some((
                Unit::Body {
                    data: preview(&bytes[..take]),
                },
                take,
                take,
            )))
        }
        Framing::UntilClose => Ok(Some((
            Unit::Body {
                data: preview(bytes),
            },
            bytes.len(),
            bytes.len(),
        ))),
        Framing::WebSocket => Ok(websocket::parse(bytes)?.map(|(frame, len)| {
            let app = frame.length as usize;
            (Unit::Frame(frame), len, app)
        })),
        Framing::Lost => Ok(Some((
            Unit::Undecoded {
                reason: "after an undecodable part".into(),
                hex: hex_preview(bytes),
            },
            bytes.len(),
            0,
        ))),
    }
}

/// A whole head, and how the body after it is framed: by its own headers,
/// and for a response by the request's (an upgrade asked and granted).
fn head_step(client: bool, bytes: &[u8], framing: &mut Framing, upgrade_asked: &mut bool) -> Step {
    let Some((head, len)) = head(client, bytes)? else {
        return Ok(None);
    };
    let header = |name: &str| {
        head.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let chunked = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let length = header("content-length").and_then(|v| v.trim().parse::<usize>().ok());
    *framing = if client {
        if header("upgrade").is_some_and(|v| v.contains("websocket")) {
            *upgrade_asked = true;
            Framing::WebSocket
        } else {
            match (chunked, length) {
                (true, _) => Framing::Chunked,
                (false, Some(n)) if n > 0 => Framing::Length(n),
                _ => Framing::Head,
            }
        }
    } else if head.start_line.contains(" 101 ") && *upgrade_asked {
        Framing::WebSocket
    } else {
        match (chunked, length) {
            (true, _) => Framing::Chunked,
            (false, Some(0)) => Framing::Head,
            (false, Some(n)) => Framing::Length(n),
            (false, None)
                if head.start_line.contains(" 304 ") || head.start_line.contains(" 204 ") =>
            {
                Framing::Head
            }
            (false, None) => Framing::UntilClose,
        }
    };
    Ok(Some((
        Unit::Head {
            start_line: head.start_line,
            headers: head.headers,
        },
        len,
        0,
    )))
}

struct Head {
    start_line: String,
    headers: Vec<(String, String)>,
}

/// A whole request (client) or response (server) head and its length.
fn head(client: bool, bytes: &[u8]) -> Result<Option<(Head, usize)>, String> {
    let mut fields = [httparse::EMPTY_HEADER; 64];
    let (len, start_line, parsed) = if client {
        let mut request = httparse::Request::new(&mut fields);
        match request
            .parse(bytes)
            .map_err(|e| format!("not a request head: {e}"))?
        {
            httparse::Status::Partial => return Ok(None),
            httparse::Status::Complete(len) => {
                let line = format!(
                    "{} {} HTTP/1.{}",
                    request.method.unwrap_or_default(),
                    request.path.unwrap_or_default(),
                    request.version.unwrap_or(1)
                );
                (len, line, request.headers.len())
            }
        }
    } else {
        let mut response = httparse::Response::new(&mut fields);
        match response
            .parse(bytes)
            .map_err(|e| format!("not a response head: {e}"))?
        {
            httparse::Status::Partial => return Ok(None),
            httparse::Status::Complete(len) => {
                let line = format!(
                    "HTTP/1.{} {} {}",
                    response.version.unwrap_or(1),
                    response.code.unwrap_or_default(),
                    response.reason.unwrap_or_default()
                );
                (len, line, response.headers.len())
            }
        }
    };
    let headers = fields[..parsed]
        .iter()
        .map(|field| {
            let value = String::from_utf8_lossy(field.value);
            let shown = crate::realtime::redact::header_value(field.name, &value)
                .unwrap_or_else(|| value.into_owned());
            (field.name.to_owned(), shown)
        })
        .collect();
    Ok(Some((
        Head {
            start_line,
            headers,
        },
        len,
    )))
}
