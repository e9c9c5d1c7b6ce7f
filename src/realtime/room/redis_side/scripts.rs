//! The room's keys in Redis, and its Lua scripts: each change one atomic
//! step that changes the state and publishes it.

use redis::Script;

use crate::realtime::room::state::RoomError;

/// Redis failed the request; the host's Redis, not the request, is at fault.
#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    #[error(transparent)]
    Room(#[from] RoomError),
    #[error("the room's Redis did not answer ({0})")]
    Redis(#[from] redis::RedisError),
}

/// The keys of one room.
pub struct Keys {
    pub seq: String,
    pub position: String,
    pub polls: String,
    pub poll: String,
    pub counts: String,
    pub voters: String,
    /// Each browser's mark ("done", "stuck") and the move they are on.
    pub marks: String,
    pub marks_seq: String,
    /// The questions from the room (`super::questions`).
    pub questions: String,
    pub question_votes: String,
    pub question_voters: String,
    pub question_ids: String,
    /// `{question_pace}:{voter}` lives a few seconds after a browser asks.
    pub question_pace: String,
    pub channel: String,
}

impl Keys {
    pub fn new(room: &str) -> Self {
        let key = |name: &str| format!("realtime-lab:room:{room}:{name}");
        Keys {
            seq: key("seq"),
            position: key("position"),
            polls: key("polls"),
            poll: key("poll"),
            counts: key("counts"),
            voters: key("voters"),
            marks: key("marks"),
            marks_seq: key("marks-seq"),
            questions: key("questions"),
            question_votes: key("question-votes"),
            question_voters: key("question-voters"),
            question_ids: key("question-ids"),
            question_pace: key("question-pace"),
            channel: key("events"),
        }
    }
}

/// Shared by the poll scripts: the poll (KEYS[1], its counts in KEYS[2]) as
/// JSON with its counts, published on ARGV[1] when `say` is true.
const POLL_NOW: &str = r#"
local function poll_now(poll, say)
  local counts = {}
  for i = 1, #poll.options do
    counts[i] = tonumber(redis.call('HGET', KEYS[2], tostring(i - 1)) or '0')
  end
  poll.counts = counts
  local json = cjson.encode(poll)
  if say then redis.call('PUBLISH', ARGV[1], '{"poll":' .. json .. '}') end
  return json
end
"#;

/// The room's scripts, each one atomic step.
pub struct Scripts {
    /// KEYS: position, seq. ARGV: channel, slug, section, the last move
    /// this server heard (a Redis that lost its state counts on from it),
    /// now in ms, `restart` to restart the timer (`state::clock`'s rule).
    pub move_to: Script,
    /// KEYS: poll, counts, voters, polls. ARGV: channel, question, options,
    /// the last poll this server heard of.
    pub ask: Script,
    /// KEYS: poll, counts. ARGV: channel, `reveal` or `close` or `tally`.
    pub change: Script,
    /// KEYS: poll, counts, voters. ARGV: channel, poll, choice, voter, most.
    pub answer: Script,
    /// KEYS: poll, counts, position. The position and poll, unpublished.
    pub now: Script,
}

impl Scripts {
    pub fn new() -> Self {
        let with_poll = |body: &str| Script::new(&format!("{POLL_NOW}{body}"));
        Scripts {
            move_to: Script::new(
                r#"
local seq = math.max(redis.call('INCR', KEYS[2]), tonumber(ARGV[4]) + 1)
redis.call('SET', KEYS[2], seq)
local now = tonumber(ARGV[5])
local since, started = now, now
local stored = redis.call('GET', KEYS[1])
if stored and ARGV[6] ~= 'restart' then
  local was = cjson.decode(stored)
  if was.started and was.started > 0 then started = was.started end
  if was.slug == ARGV[2] and was.lesson_since and was.lesson_since > 0 then since = was.lesson_since end
end
local position = cjson.encode({seq = seq, slug = ARGV[2], section = ARGV[3], fresh = true,
  lesson_since = since, started = started})
redis.call('SET', KEYS[1], position)
redis.call('PUBLISH', ARGV[1], '{"position":' .. position .. '}')
return position
"#,
            ),
            ask: with_poll(
                r#"
local id = math.max(redis.call('INCR', KEYS[4]), tonumber(ARGV[4]) + 1)
redis.call('SET', KEYS[4], id)
redis.call('DEL', KEYS[2], KEYS[3])
local poll = {id = id, question = ARGV[2], options = cjson.decode(ARGV[3]), open = true, revealed = false}
redis.call('SET', KEYS[1], cjson.encode(poll))
return poll_now(poll, true)
"#,
            ),
            change: with_poll(
                r#"
local stored = redis.call('GET', KEYS[1])
if not stored then return false end
local poll = cjson.decode(stored)
if ARGV[2] == 'reveal' then poll.revealed = true end
if ARGV[2] == 'close' then poll.open = false end
if ARGV[2] ~= 'tally' then redis.call('SET', KEYS[1], cjson.encode(poll)) end
return poll_now(poll, true)
"#,
            ),
            answer: Script::new(
                r#"
local stored = redis.call('GET', KEYS[1])
if not stored then return 'no_poll' end
local poll = cjson.decode(stored)
if poll.id ~= tonumber(ARGV[2]) then return string.format('other_poll %d', poll.id) end
if not poll.open then return 'closed' end
if tonumber(ARGV[3]) >= #poll.options then return 'bad_choice' end
if redis.call('HEXISTS', KEYS[3], ARGV[4]) == 1 then return 'answered' end
if redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[5]) then return 'full' end
redis.call('HSET', KEYS[3], ARGV[4], ARGV[3])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
return 'ok'
"#,
            ),
            now: with_poll(
                r#"
local stored = redis.call('GET', KEYS[1])
local poll = false
if stored then poll = poll_now(cjson.decode(stored), false) end
return {redis.call('GET', KEYS[3]) or false, poll}
"#,
            ),
        }
    }
}

/// What a script answered, read as the model's type.
pub fn from_script<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, redis::RedisError> {
    serde_json::from_str(json).map_err(|e| {
        redis::RedisError::from((
            redis::ErrorKind::Parse,
            "the room's Redis holds what this server cannot read",
            e.to_string(),
        ))
    })
}
