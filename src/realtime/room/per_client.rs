//! How often each client address did one thing on this server (answered
//! a poll, marked a move, asked, voted), counted from zero again when what
//! it counts toward changes (a new poll, a new move).

use std::collections::HashMap;
use std::net::IpAddr;

#[derive(Debug, Default)]
pub struct PerClient {
    /// What the counts are toward (a poll's id, a move's number; 0 for
    /// the room's whole life).
    toward: u64,
    counts: HashMap<IpAddr, u32>,
}

impl PerClient {
    /// One more from `client` toward `toward`, or `false` past `most`.
    pub fn take(&mut self, client: IpAddr, toward: u64, most: u32) -> bool {
        if self.toward != toward {
            self.toward = toward;
            self.counts.clear();
        }
        let count = self.counts.entry(client).or_default();
        *count = count.saturating_add(1);
        *count <= most
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_address_up_to_the_most_and_afresh_for_the_next_thing() {
        let (a, b) = ([10, 0, 0, 1].into(), [10, 0, 0, 2].into());
        let mut counted = PerClient::default();
        assert!(counted.take(a, 1, 2) && counted.take(a, 1, 2));
        assert!(!counted.take(a, 1, 2), "a third is past the most");
        assert!(counted.take(b, 1, 2), "another address has its own count");
        assert!(counted.take(a, 2, 2), "the next poll counts from zero");
    }
}
