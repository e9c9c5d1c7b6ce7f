//! The connection lab's model of a browser's connection pool, for the
//! simulated mode (and to state, testably, what the live lab should show).

use crate::model::wire::Lane;

/// Where one stream stands in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Open on the given connection (0-based).
    Open(usize),
    /// Waiting for a free connection (HTTP/1.1) or stream slot (HTTP/2).
    Waiting,
}

/// How a browser places `streams` long-lived requests to one host:
/// over HTTP/1.1 one per connection, at most `per_host` connections; over
/// HTTP/2 all on one connection, at most `max_concurrent_streams` at once.
pub fn simulate(
    lane: Lane,
    streams: usize,
    per_host: usize,
    max_concurrent_streams: usize,
) -> Vec<Placement> {
    (0..streams)
        .map(|i| match lane {
            Lane::Http1 if i < per_host => Placement::Open(i),
            Lane::Http2 if i < max_concurrent_streams => Placement::Open(0),
            _ => Placement::Waiting,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Placement::*;

    #[test]
    fn http1_opens_one_connection_per_stream_up_to_the_limit() {
        assert_eq!(
            simulate(Lane::Http1, 8, 6, 100),
            [
                Open(0),
                Open(1),
                Open(2),
                Open(3),
                Open(4),
                Open(5),
                Waiting,
                Waiting
            ]
        );
    }

    #[test]
    fn http2_puts_every_stream_on_one_connection_up_to_the_server_limit() {
        assert_eq!(simulate(Lane::Http2, 8, 6, 100), vec![Open(0); 8]);
        assert_eq!(simulate(Lane::Http2, 3, 6, 2), [Open(0), Open(0), Waiting]);
    }
}
