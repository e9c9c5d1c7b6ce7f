//! TCP connections from several loopback addresses (127.0.0.1 to
//! 127.0.0.32, in turn), so tens of thousands of short connections never
//! run out of ephemeral ports, even with the closed ones in TIME_WAIT.

#![allow(dead_code)] // the bench and the smoke test use different parts

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream};

/// How many 127.0.0.x source addresses connections take in turn.
pub const SOURCE_ADDRESSES: usize = 32;
/// How long one connect may take (a full listen queue drops SYNs).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections being set up at once (connect + request + response head);
/// more would overflow the servers' listen queues and wait for SYN retries.
pub const OPENING_AT_ONCE: usize = 256;

static NEXT_SOURCE: AtomicUsize = AtomicUsize::new(0);

/// A TCP connection to `addr` from the next loopback source address, with
/// Nagle off (every message of the echo is sent at once).
pub async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let n = NEXT_SOURCE.fetch_add(1, Ordering::Relaxed) % SOURCE_ADDRESSES;
    let source = Ipv4Addr::new(127, 0, 0, 1 + n as u8);
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source.into(), 0))?;
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, socket.connect(addr))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??;
    stream.set_nodelay(true)?;
    Ok(stream)
}
