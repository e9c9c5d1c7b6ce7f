//! The room's pulse in Redis: each browser's mark on the move it answers
//! (a hash, and the move it is for), and the counts published to every
//! server (`Heard::Pulse`).

use redis::Script;

use redis::aio::ConnectionManager;

use super::scripts::{Keys, SharedError};
use crate::model::room::PulseAsked;
use crate::realtime::room::state::{RoomError, MOST_VOTERS};

/// The pulse's two scripts.
pub struct PulseScripts {
    /// KEYS: position, marks, marks' move. ARGV: move, voter, mark, most.
    mark: Script,
    /// KEYS: position, marks, marks' move. ARGV: channel.
    tally: Script,
}

/// Which move the room is at, from its position (0 before the first).
const ROOM_AT: &str = r#"
local stored = redis.call('GET', KEYS[1])
local at = 0
if stored then at = cjson.decode(stored).seq end
"#;

impl PulseScripts {
    pub fn new() -> Self {
        PulseScripts {
            mark: Script::new(&format!(
                "{ROOM_AT}{}",
                r#"
if at == 0 or at ~= tonumber(ARGV[1]) then return 'moved_on' end
if tonumber(redis.call('GET', KEYS[3]) or '0') ~= at then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[3], at)
end
if ARGV[3] == 'clear' then
  redis.call('HDEL', KEYS[2], ARGV[2])
  return 'ok'
end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then
  return 'full'
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 'ok'
"#
            )),
            tally: Script::new(&format!(
                "{ROOM_AT}{}",
                r#"
local done, stuck = 0, 0
if tonumber(redis.call('GET', KEYS[3]) or '0') == at then
  for _, mark in ipairs(redis.call('HVALS', KEYS[2])) do
    if mark == 'done' then done = done + 1 elseif mark == 'stuck' then stuck = stuck + 1 end
  end
end
redis.call('PUBLISH', ARGV[1], cjson.encode({pulse = {seq = at, done = done, stuck = stuck}}))
return 'ok'
"#
            )),
        }
    }
}

/// The room's Redis, for these scripts.
pub struct Pulse<'a> {
    pub scripts: &'a PulseScripts,
    pub keys: &'a Keys,
    pub commands: &'a ConnectionManager,
}

impl Pulse<'_> {
    /// Takes one browser's mark, once across every server.
    pub async fn mark(&self, voter: &str, asked: PulseAsked) -> Result<(), SharedError> {
        let k = &self.keys;
        let verdict: String = self
            .scripts
            .mark
            .key(&k.position)
            .key(&k.marks)
            .key(&k.marks_seq)
            .arg(asked.seq)
            .arg(voter)
            .arg(asked.mark.as_str())
            .arg(MOST_VOTERS)
            .invoke_async(&mut self.commands.clone())
            .await?;
        match verdict.as_str() {
            "ok" => Ok(()),
            "full" => Err(RoomError::Full.into()),
            _ => Err(RoomError::MovedOn.into()),
        }
    }

    /// Publishes the counts on the move the room is at.
    pub async fn tally(&self) -> redis::RedisResult<()> {
        let k = &self.keys;
        self.scripts
            .tally
            .key(&k.position)
            .key(&k.marks)
            .key(&k.marks_seq)
            .arg(&k.channel)
            .invoke_async::<String>(&mut self.commands.clone())
            .await
            .map(drop)
    }
}
