//! The live tokens and their journals: issued within each address's
//! share, forgotten after a quiet while, and remembered as expired for a
//! while longer so that a late request hears why.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::Journal;
use crate::model::exercise::Rule;
use crate::realtime::ids::new_token;

/// How many tokens are kept, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExerciseSettings {
    /// Live tokens one client address may hold: a learner retrying an
    /// exercise many times, a few tabs, a room behind one address a while.
    pub tokens_per_client: usize,
    /// Live tokens in all.
    pub most_tokens: usize,
    /// A token unused for this long is forgotten.
    pub quiet: Duration,
}

impl Default for ExerciseSettings {
    fn default() -> Self {
        ExerciseSettings {
            tokens_per_client: 64,
            most_tokens: 20_000,
            quiet: Duration::from_secs(15 * 60),
        }
    }
}
/// Forgotten tokens remembered as such, to say "expired" rather than "unknown".
const REMEMBERED: usize = 20_000;

/// The rules of the course's exercise `id`, or `None` if it has none such.
pub type RulesOf = Arc<dyn Fn(&str) -> Option<Vec<Rule>> + Send + Sync>;

/// Every live token's journal.
#[derive(Debug, Default)]
pub struct Exercises {
    settings: ExerciseSettings,
    tokens: Mutex<Tokens>,
}

#[derive(Debug, Default)]
struct Tokens {
    live: HashMap<String, Arc<Journal>>,
    /// Forgotten tokens, oldest first, and the same as a set to look up.
    expired: VecDeque<String>,
    expired_set: HashSet<String>,
    /// When the quiet tokens were last looked for: at most every second
    /// (a quarter of the quiet time, if that is shorter), so that a flood
    /// of requests does not walk every journal each time.
    last_sweep: Option<Instant>,
}

/// Why a token was not issued or not found, with the settings that say why.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooManyForClient(ExerciseSettings),
    TooMany(ExerciseSettings),
    Expired(ExerciseSettings),
    Unknown,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let quiet = |settings: ExerciseSettings| humantime::format_duration(settings.quiet);
        let (status, text) = match self {
            Refused::TooManyForClient(settings) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Your address already holds {} exercise tokens, its share. Unused ones are \
                     forgotten after {}; use one you have.\n",
                    settings.tokens_per_client,
                    quiet(settings)
                ),
            ),
            Refused::TooMany(settings) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "The server holds {} exercise tokens, its limit. Try again in a minute.\n",
                    settings.most_tokens
                ),
            ),
            Refused::Expired(settings) => (
                StatusCode::GONE,
                format!(
                    "This exercise token expired: it was unused for {}. Get a new one (Reset on \
                     the exercise, or POST to /api/exercises/ID/token) and run again.\n",
                    quiet(settings)
                ),
            ),
            Refused::Unknown => (
                StatusCode::NOT_FOUND,
                "No such exercise token (the server may have restarted since it was issued). Get \
                 a new one: Reset on the exercise, or POST to /api/exercises/ID/token.\n"
                    .to_string(),
            ),
        };
        (status, text).into_response()
    }
}

impl Exercises {
    pub fn new(settings: ExerciseSettings) -> Self {
        Exercises {
            settings,
            tokens: Mutex::default(),
        }
    }

    pub fn settings(&self) -> ExerciseSettings {
        self.settings
    }

    /// A new token for exercise `exercise`, graded on `rules`.
    pub fn issue(
        &self,
        exercise: &str,
        rules: Vec<Rule>,
        client: std::net::IpAddr,
    ) -> Result<(String, Arc<Journal>), Refused> {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.forget_quiet(self.settings.quiet);
        if tokens.live.len() >= self.settings.most_tokens {
            return Err(Refused::TooMany(self.settings));
        }
        let held = tokens.live.values().filter(|j| j.client == client).count();
        if held >= self.settings.tokens_per_client {
            return Err(Refused::TooManyForClient(self.settings));
        }
        let token = new_token();
        let journal = Arc::new(Journal::new(exercise, rules, client));
        tokens.live.insert(token.clone(), journal.clone());
        Ok((token, journal))
    }

    /// The journal of `token`, marked used.
    pub fn find(&self, token: &str) -> Result<Arc<Journal>, Refused> {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.forget_quiet(self.settings.quiet);
        if let Some(journal) = tokens.live.get(token) {
            journal.touch();
            return Ok(journal.clone());
        }
        if tokens.expired_set.contains(token) {
            Err(Refused::Expired(self.settings))
        } else {
            Err(Refused::Unknown)
        }
    }

    /// Live tokens now.
    pub fn live(&self) -> usize {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .live
            .len()
    }
}

impl Tokens {
    fn forget_quiet(&mut self, quiet: Duration) {
        let every = (quiet / 4).min(Duration::from_secs(1));
        if self.last_sweep.is_some_and(|last| last.elapsed() < every) {
            return;
        }
        self.last_sweep = Some(Instant::now());
        let quiet: Vec<String> = self
            .live
            .iter()
            .filter(|(_, journal)| journal.quiet_for() >= quiet)
            .map(|(token, _)| token.clone())
            .collect();
        for token in quiet {
            self.live.remove(&token);
            if self.expired.len() >= REMEMBERED {
                if let Some(oldest) = self.expired.pop_front() {
                    self.expired_set.remove(&oldest);
                }
            }
            self.expired_set.insert(token.clone());
            self.expired.push_back(token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_gets_its_share_of_tokens_and_no_more() {
        let exercises = Exercises::default();
        let rules = || vec![Rule::ClosesWithCodeAndReason];
        let greedy = [10, 0, 0, 1].into();
        for _ in 0..ExerciseSettings::default().tokens_per_client {
            exercises.issue("close", rules(), greedy).unwrap();
        }
        assert!(matches!(
            exercises.issue("close", rules(), greedy).unwrap_err(),
            Refused::TooManyForClient(_)
        ));
        assert!(exercises
            .issue("close", rules(), [10, 0, 0, 2].into())
            .is_ok());
        assert_eq!(exercises.find("nope").unwrap_err(), Refused::Unknown);
    }
}
