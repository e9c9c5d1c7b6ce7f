//! The floor: the least a server can do to send a tick to every open
//! stream. One thread accepts, answers each request with a chunked
//! `text/event-stream` head and keeps the socket; another, once a second,
//! encodes the tick once and hands it to each socket with one `write`
//! (non-blocking, `TCP_NODELAY` as the site sets it). No HTTP library, no
//! async runtime, no timers per stream, no allocation per stream per tick.
//!
//! It is a measuring instrument, not a server to copy: it ignores what the
//! request asks for and never reads again. Run beside the site's clock
//! (`Who::Floor`), it shows what one tick costs in the kernel of this
//! machine alone: on loopback, the server's core also does the receiving
//! side's TCP work. The bench binary runs it as `--floor-server`, pinned
//! like the other servers, and reads its port from stdout.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n";

pub fn serve() -> ! {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    let port = listener.local_addr().expect("a bound address").port();
    println!("{port}");
    let _ = std::io::stdout().flush();
    let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
    let ticking = streams.clone();
    std::thread::spawn(move || tick(&ticking));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        // The load generator writes its request at once; one read takes it.
        let mut request = [0u8; 1024];
        if stream.read(&mut request).is_err() || stream.write_all(HEAD).is_err() {
            continue;
        }
        if stream.set_nonblocking(true).is_ok() {
            lock(&streams).push(stream);
        }
    }
    unreachable!("incoming() never ends")
}

fn tick(streams: &Mutex<Vec<TcpStream>>) -> ! {
    let mut id = 0u64;
    loop {
        // On the whole second, as the site's ticker.
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        std::thread::sleep(
            Duration::from_secs(1) - Duration::from_nanos(now.subsec_nanos().into()),
        );
        id += 1;
        let event = format!("id: {id}\nevent: tick\ndata: {}\n\n", now.as_secs() + 1);
        let chunk = format!("{:x}\r\n{event}\r\n", event.len()).into_bytes();
        // A socket whose client left fails its write and is dropped; one
        // whose buffer is full misses this tick (none does in the bench).
        lock(streams).retain_mut(|stream| match stream.write(&chunk) {
            Ok(_) => true,
            Err(error) => error.kind() == ErrorKind::WouldBlock,
        });
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
