//! How the ledger moves: a message written, a connection opening, the
//! server's welcome (and what to send again), an echo.

use super::{Ledger, Row};

/// Messages the page lists.
const KEPT_ROWS: usize = 30;

impl Ledger {
    /// A new message: its number, and whether to send it now (otherwise it
    /// waits for the next welcome: `send()` before `open` throws).
    pub fn write(&mut self, text: String) -> Option<(u64, String)> {
        self.next_num += 1;
        let num = self.next_num;
        if self.rows.len() == KEPT_ROWS {
            self.rows.pop_front();
        }
        let now = self.welcomed.then_some(self.connection);
        self.rows.push_back(Row {
            num,
            text: text.clone(),
            sends: u32::from(now.is_some()),
            sent_on: now.unwrap_or(0),
            echo: None,
            lost: false,
        });
        self.welcomed.then_some((num, text))
    }

    /// A new socket is opening.
    pub fn opening(&mut self) {
        self.connection += 1;
        self.welcomed = false;
    }

    /// The `?session=…&seen=N` a resuming page asks with (nothing for a
    /// page that does not resume, or has no session yet).
    pub fn query(&self, resume: bool) -> String {
        match (&self.session, resume) {
            (Some(session), true) => format!("?session={session}&seen={}", self.seen),
            _ => String::new(),
        }
    }

    /// The server's welcome: the messages to send (again), oldest first.
    /// The server has every message up to `received`; the rest are resent,
    /// in a session it picked up again, or lost with one it no longer has.
    pub fn welcome(&mut self, session: String, resumed: bool, received: u64) -> Vec<(u64, String)> {
        self.welcomed = true;
        let connection = self.connection;
        if !resumed {
            // A new session numbers from 1: what was sent in the old one and
            // not echoed is lost; what was never sent goes first in this one.
            self.next_num = 0;
            self.seen = 0;
            for row in self.rows.iter_mut().filter(|r| r.echo.is_none()) {
                if row.sent_on == 0 {
                    self.next_num += 1;
                    row.num = self.next_num;
                } else {
                    row.lost = true;
                }
            }
        }
        self.session = Some(session);
        let pending = self.rows.iter_mut().filter(|r| !r.lost && r.echo.is_none());
        let mut resend = Vec::new();
        for row in pending.filter(|r| r.num > received) {
            row.sends += 1;
            if row.sent_on == 0 {
                row.sent_on = connection;
            }
            resend.push((row.num, row.text.clone()));
        }
        resend
    }

    /// The server's echo `seq` of the page's message `of`.
    pub fn echo(&mut self, seq: u64, of: u64) {
        if seq <= self.seen {
            self.twice += 1;
            return;
        }
        self.missing += seq - self.seen - 1;
        self.seen = seq;
        let connection = self.connection;
        if let Some(row) = self
            .rows
            .iter_mut()
            .find(|r| !r.lost && r.num == of && r.echo.is_none())
        {
            row.echo = Some((seq, connection));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn opened(ledger: &mut Ledger, resumed: bool, received: u64) -> Vec<u64> {
        ledger.opening();
        let resend = ledger.welcome("s".into(), resumed, received);
        resend.into_iter().map(|(num, _)| num).collect()
    }

    #[test]
    fn messages_written_before_the_welcome_wait_and_are_sent_with_it() {
        let mut ledger = Ledger::default();
        ledger.opening();
        assert_eq!(ledger.write("early".into()), None);
        assert_eq!(ledger.welcome("s".into(), false, 0), [(1, "early".into())]);
        assert_eq!(ledger.rows[0].sends, 1);
        assert_eq!(ledger.write("now".into()), Some((2, "now".into())));
    }

    #[test]
    fn a_cut_burst_resumes_with_no_gap_and_nothing_twice() {
        let mut ledger = Ledger::default();
        opened(&mut ledger, false, 0);
        for n in 1..=6 {
            ledger.write(format!("m{n}"));
        }
        // The server numbered 1..3 and lost their echoes; 4..6 never arrived.
        assert_eq!(opened(&mut ledger, true, 3), [4, 5, 6]);
        for seq in 1..=6 {
            ledger.echo(seq, seq);
        }
        assert_eq!(ledger.counts(), (6, 6, 0));
        assert_eq!((ledger.missing, ledger.twice), (0, 0));
        assert_eq!(ledger.rows[0].echo, Some((1, 2)));
        assert_eq!(ledger.rows[3].sends, 2);
        ledger.echo(6, 6);
        assert_eq!(ledger.twice, 1);
    }

    #[test]
    fn without_the_session_what_was_in_flight_is_lost_and_numbers_start_again() {
        let mut ledger = Ledger::default();
        opened(&mut ledger, false, 0);
        ledger.write("a".into());
        ledger.echo(1, 1);
        ledger.write("b".into());
        assert!(opened(&mut ledger, false, 0).is_empty());
        assert_eq!(ledger.counts(), (2, 1, 1));
        assert_eq!(ledger.write("c".into()), Some((1, "c".into())));
        ledger.echo(1, 1);
        assert_eq!(ledger.counts(), (3, 2, 1));
        assert_eq!(ledger.missing, 0);
    }

    #[test]
    fn a_gap_in_the_servers_numbers_is_counted() {
        let mut ledger = Ledger::default();
        opened(&mut ledger, false, 0);
        ledger.echo(3, 3);
        assert_eq!(ledger.missing, 2);
        assert_eq!(ledger.query(true), "?session=s&seen=3");
        assert_eq!(ledger.query(false), "");
    }
}
