//! What every listener allows a connection, over raw TCP: a deadline for
//! the request's head, and a cap on open connections.

use crate::common::{as_flagged, manifest_dir, start};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn serve(flags: &[&str]) -> String {
    let mut all = vec!["--no-lab"];
    all.extend_from_slice(flags);
    let content = manifest_dir().join("content");
    let site = manifest_dir().join("target/site");
    let served = start(&content, &site, &all, as_flagged).await;
    served.base.trim_start_matches("http://").to_string()
}

/// What the server sends before `within` runs out (empty: nothing yet).
async fn read_for(tcp: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut buffer = vec![0u8; 4096];
    match tokio::time::timeout(within, tcp.read(&mut buffer)).await {
        Err(_) => None,
        Ok(read) => Some(buffer[..read.unwrap_or(0)].to_vec()),
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_head_is_disconnected() {
    let addr = serve(&["--header-timeout-secs", "1"]).await;
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: slow\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let answer = read_for(&mut slow, Duration::from_secs(4))
        .await
        .expect("the server acts within the deadline");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "not before the deadline: {waited:?}"
    );
    let text = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || text.starts_with("HTTP/1.1 408"),
        "closed (or 408), got {text:?}"
    );
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_one_closes() {
    let addr = serve(&["--max-connections", "2"]).await;
    let first = TcpStream::connect(&addr).await.unwrap();
    let _second = TcpStream::connect(&addr).await.unwrap();
    let mut third = TcpStream::connect(&addr).await.unwrap();
    let request =
        format!("GET /no-such-page HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    third.write_all(request.as_bytes()).await.unwrap();
    assert_eq!(
        read_for(&mut third, Duration::from_millis(700)).await,
        None,
        "the third connection waits while two are open"
    );
    drop(first);
    let answer = read_for(&mut third, Duration::from_secs(5))
        .await
        .expect("answered once a connection closed");
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 404"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}
