//! The resumable echo's sessions: numbered messages kept for a page that
//! comes back, bounded in number, in size and in time.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::model::wire::ResumeFromServer;

/// Echoes a session keeps for a page that comes back.
pub const KEPT: usize = 32;
/// How long a session without a socket is kept.
pub const KEPT_FOR: Duration = Duration::from_secs(120);
/// The longest text of one message, in bytes.
pub const MOST_TEXT: usize = 500;
/// The largest message this socket reads: a message of [`MOST_TEXT`] bytes
/// as JSON, with room for escapes.
pub const MOST_MESSAGE: usize = 4 * 1024;

/// The sessions of every open or recently dropped resumable socket.
#[derive(Debug)]
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
    pub most: usize,
}

#[derive(Debug, Default)]
struct Session {
    /// The last of the page's numbers the server has.
    received: u64,
    /// The last `seq` the server gave.
    sent: u64,
    /// The newest echoes, oldest first.
    kept: VecDeque<Kept>,
    /// Which socket holds the session now: a newer one takes it over.
    holder: u64,
    /// When its last socket ended; `None` while one is open.
    left_at: Option<Instant>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Kept {
    seq: u64,
    of: u64,
    text: String,
}

/// A socket's hold on its session.
#[derive(Debug, PartialEq, Eq)]
pub struct Attached {
    pub session: String,
    holder: u64,
    pub welcome: ResumeFromServer,
    /// The echoes after the page's `seen`, to send again.
    pub backlog: Vec<ResumeFromServer>,
}

/// What became of one of the page's messages.
#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    /// New: the echo to send.
    Echo(ResumeFromServer),
    /// A number the server already has: a resend, dropped.
    Again,
    /// A number beyond the next one: a message is missing.
    Skipped { expected: u64 },
    /// Another socket took the session over.
    TakenOver,
}

impl Sessions {
    pub fn new(most: usize) -> Self {
        Sessions {
            sessions: Mutex::default(),
            most: most.max(1),
        }
    }

    /// Picks up the session `named` (when the server still has it) or
    /// starts a new one, forgetting the one left longest ago if the server
    /// holds its most; `None` only when every session has a socket.
    pub fn attach(&self, named: Option<&str>, seen: u64) -> Option<Attached> {
        let mut sessions = self.sessions.lock().expect("no panic holds this lock");
        let now = Instant::now();
        sessions.retain(|_, s| s.left_at.is_none_or(|left| now - left < KEPT_FOR));
        let (id, resumed) = match named.filter(|id| sessions.contains_key(*id)) {
            Some(id) => (id.to_string(), true),
            None => {
                if sessions.len() >= self.most {
                    let oldest = sessions
                        .iter()
                        .filter_map(|(id, s)| Some((s.left_at?, id)))
                        .min()
                        .map(|(_, id)| id.clone())?;
                    sessions.remove(&oldest);
                }
                (crate::realtime::ids::random_id(), false)
            }
        };
        let session = sessions.entry(id.clone()).or_default();
        session.holder += 1;
        session.left_at = None;
        // The page has every echo up to `seen`: they need not be kept.
        let seen = seen.min(session.sent);
        session.kept.retain(|k| k.seq > seen);
        let first_kept = session.kept.front().map_or(session.sent + 1, |k| k.seq);
        Some(Attached {
            session: id.clone(),
            holder: session.holder,
            welcome: ResumeFromServer::Welcome {
                session: id,
                resumed,
                received: session.received,
                lost: first_kept - seen - 1,
            },
            backlog: session.kept.iter().map(Kept::echo).collect(),
        })
    }

    /// The page's message `num`, numbered and kept if it is the next one.
    pub fn record(&self, attached: &Attached, num: u64, text: String) -> Recorded {
        let mut sessions = self.sessions.lock().expect("no panic holds this lock");
        let Some(session) = sessions
            .get_mut(&attached.session)
            .filter(|s| s.holder == attached.holder)
        else {
            return Recorded::TakenOver;
        };
        let expected = session.received + 1;
        if num < expected {
            return Recorded::Again;
        }
        if num > expected {
            return Recorded::Skipped { expected };
        }
        session.received = num;
        session.sent += 1;
        let kept = Kept {
            seq: session.sent,
            of: num,
            text,
        };
        if session.kept.len() == KEPT {
            session.kept.pop_front();
        }
        session.kept.push_back(kept.clone());
        Recorded::Echo(kept.echo())
    }

    /// The socket ended: its session is kept for [`KEPT_FOR`], unless a
    /// newer socket holds it.
    fn detach(&self, attached: &Attached) {
        let mut sessions = self.sessions.lock().expect("no panic holds this lock");
        if let Some(session) = sessions.get_mut(&attached.session) {
            if session.holder == attached.holder {
                session.left_at = Some(Instant::now());
            }
        }
    }
}

/// A socket's hold on its session, given back when it is dropped: when
/// the socket ends, or when its upgrade never happened.
pub struct Holding {
    pub sessions: Arc<Sessions>,
    pub attached: Attached,
}

impl Holding {
    pub fn new(sessions: Arc<Sessions>, attached: Attached) -> Self {
        Holding { sessions, attached }
    }
}

impl Drop for Holding {
    fn drop(&mut self) {
        self.sessions.detach(&self.attached);
    }
}

impl Kept {
    fn echo(&self) -> ResumeFromServer {
        ResumeFromServer::Echo {
            seq: self.seq,
            of: self.of,
            text: self.text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(recorded: Recorded) -> (u64, u64) {
        match recorded {
            Recorded::Echo(ResumeFromServer::Echo { seq, of, .. }) => (seq, of),
            other => panic!("not an echo: {other:?}"),
        }
    }

    fn welcome(attached: &Attached) -> (bool, u64, u64) {
        match &attached.welcome {
            ResumeFromServer::Welcome {
                resumed,
                received,
                lost,
                ..
            } => (*resumed, *received, *lost),
            other => panic!("not a welcome: {other:?}"),
        }
    }

    #[test]
    fn a_resumed_session_sends_what_came_after_seen_and_says_what_it_has() {
        let sessions = Sessions::new(10);
        let first = sessions.attach(None, 0).unwrap();
        assert_eq!(welcome(&first), (false, 0, 0));
        for num in 1..=3 {
            assert_eq!(
                text(sessions.record(&first, num, format!("m{num}"))),
                (num, num)
            );
        }
        sessions.detach(&first);
        let again = sessions.attach(Some(&first.session), 1).unwrap();
        assert_eq!(welcome(&again), (true, 3, 0));
        let seqs: Vec<u64> = again
            .backlog
            .iter()
            .map(|m| match m {
                ResumeFromServer::Echo { seq, .. } => *seq,
                _ => 0,
            })
            .collect();
        assert_eq!(seqs, [2, 3]);
        assert_eq!(sessions.record(&again, 3, "m3".into()), Recorded::Again);
        assert_eq!(
            sessions.record(&again, 5, "m5".into()),
            Recorded::Skipped { expected: 4 }
        );
        assert_eq!(text(sessions.record(&again, 4, "m4".into())), (4, 4));
        assert_eq!(sessions.record(&first, 5, "m5".into()), Recorded::TakenOver);
    }

    #[test]
    fn echoes_beyond_what_is_kept_are_counted_as_lost() {
        let sessions = Sessions::new(10);
        let first = sessions.attach(None, 0).unwrap();
        let sent = KEPT as u64 + 5;
        for num in 1..=sent {
            sessions.record(&first, num, String::new());
        }
        let again = sessions.attach(Some(&first.session), 0).unwrap();
        assert_eq!(welcome(&again), (true, sent, 5));
        assert_eq!(again.backlog.len(), KEPT);
        // A `seen` from the future is taken as "all of them".
        let later = sessions.attach(Some(&first.session), u64::MAX).unwrap();
        assert_eq!(welcome(&later), (true, sent, 0));
        assert!(later.backlog.is_empty());
    }

    #[test]
    fn an_unknown_session_starts_afresh_and_a_full_store_forgets_the_session_left_longest_ago() {
        let sessions = Sessions::new(2);
        let first = sessions.attach(Some("not-a-session"), 7).unwrap();
        assert_eq!(welcome(&first), (false, 0, 0));
        assert_ne!(first.session, "not-a-session");
        let second = sessions.attach(None, 0).unwrap();
        assert!(
            sessions.attach(None, 0).is_none(),
            "both sessions have a socket"
        );
        sessions.detach(&first);
        std::thread::sleep(Duration::from_millis(2));
        sessions.detach(&second);
        let _third = sessions
            .attach(None, 0)
            .expect("the first session made room");
        let second_again = sessions.attach(Some(&second.session), 0).unwrap();
        assert!(
            welcome(&second_again).0,
            "the session left last is still kept"
        );
        let first_again = sessions.attach(Some(&first.session), 0);
        assert!(
            first_again.is_none(),
            "the first was forgotten, and every session has a socket"
        );
    }
}
