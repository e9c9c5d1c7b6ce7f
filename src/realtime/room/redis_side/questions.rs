//! Questions from the room in Redis: each question's JSON in a hash by id,
//! its votes in another, who voted in a set; each change publishes nothing
//! itself: the ticker of the server that made it publishes the whole list
//! (`Heard::Questions`), at most four times a second.

use redis::Script;

use redis::aio::ConnectionManager;

use super::scripts::{Keys, SharedError};
use crate::model::room::{bounds, QuestionMark, QuestionVote};
use crate::realtime::room::state::{RoomError, MOST_VOTERS};

/// The questions' scripts.
pub struct QuestionScripts {
    /// KEYS: questions, votes, ids, the browser's pace. ARGV: text, most,
    /// seconds between two questions. The new id; 0 when full, -1 too soon.
    ask: Script,
    /// KEYS: questions, votes, voters. ARGV: id, voter, most voters.
    vote: Script,
    /// KEYS: questions. ARGV: id, state.
    mark: Script,
    /// KEYS: questions, votes. ARGV: channel. Publishes the list.
    tell: Script,
}

impl QuestionScripts {
    pub fn new() -> Self {
        QuestionScripts {
            ask: Script::new(
                r#"
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
if not redis.call('SET', KEYS[4], 1, 'NX', 'EX', ARGV[3]) then return -1 end
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], id, cjson.encode({id = id, text = ARGV[1], state = 'open'}))
return id
"#,
            ),
            vote: Script::new(
                r#"
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored or cjson.decode(stored).state == 'hidden' then return 'no_question' end
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[3]) then return 'full' end
if redis.call('SADD', KEYS[3], ARGV[1] .. ':' .. ARGV[2]) == 0 then return 'voted' end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 'ok'
"#,
            ),
            mark: Script::new(
                r#"
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored then return 'no_question' end
local question = cjson.decode(stored)
question.state = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(question))
return 'ok'
"#,
            ),
            tell: Script::new(
                r#"
local list = {}
for _, stored in ipairs(redis.call('HVALS', KEYS[1])) do
  local question = cjson.decode(stored)
  question.votes = tonumber(redis.call('HGET', KEYS[2], tostring(question.id)) or '0')
  list[#list + 1] = question
end
table.sort(list, function(a, b) return a.id < b.id end)
local json = '{"questions":{"questions":[]}}'
if #list > 0 then json = cjson.encode({questions = {questions = list}}) end
redis.call('PUBLISH', ARGV[1], json)
return 'ok'
"#,
            ),
        }
    }
}

/// The room's Redis, for these scripts.
pub struct Questions<'a> {
    pub scripts: &'a QuestionScripts,
    pub keys: &'a Keys,
    pub commands: &'a ConnectionManager,
}

impl Questions<'_> {
    /// Adds `voter`'s question for every server, at most one every
    /// [`bounds::QUESTION_EVERY_SECS`] from a browser across them.
    pub async fn ask(&self, voter: &str, text: &str) -> Result<u64, SharedError> {
        let k = &self.keys;
        let id: i64 = self
            .scripts
            .ask
            .key(&k.questions)
            .key(&k.question_votes)
            .key(&k.question_ids)
            .key(format!("{}:{voter}", k.question_pace))
            .arg(text)
            .arg(bounds::MOST_QUESTIONS)
            .arg(bounds::QUESTION_EVERY_SECS)
            .invoke_async(&mut self.commands.clone())
            .await?;
        match id {
            0 => Err(RoomError::TooManyQuestions.into()),
            id if id < 0 => Err(RoomError::AskedTooSoon.into()),
            id => Ok(id.unsigned_abs()),
        }
    }

    /// Counts one browser's vote, once across every server.
    pub async fn vote(&self, voter: &str, vote: QuestionVote) -> Result<(), SharedError> {
        let k = &self.keys;
        let verdict: String = self
            .scripts
            .vote
            .key(&k.questions)
            .key(&k.question_votes)
            .key(&k.question_voters)
            .arg(vote.id)
            .arg(voter)
            .arg(MOST_VOTERS)
            .invoke_async(&mut self.commands.clone())
            .await?;
        match verdict.as_str() {
            "ok" => Ok(()),
            "voted" => Err(RoomError::Voted.into()),
            "full" => Err(RoomError::Full.into()),
            _ => Err(RoomError::NoQuestion(vote.id).into()),
        }
    }

    /// The presenter's mark on a question.
    pub async fn mark(&self, mark: QuestionMark) -> Result<(), SharedError> {
        let verdict: String = self
            .scripts
            .mark
            .key(&self.keys.questions)
            .arg(mark.id)
            .arg(mark.mark.as_str())
            .invoke_async(&mut self.commands.clone())
            .await?;
        match verdict.as_str() {
            "ok" => Ok(()),
            _ => Err(RoomError::NoQuestion(mark.id).into()),
        }
    }

    /// Publishes the list to every server.
    pub async fn tell(&self) -> redis::RedisResult<()> {
        let k = &self.keys;
        self.scripts
            .tell
            .key(&k.questions)
            .key(&k.question_votes)
            .arg(&k.channel)
            .invoke_async::<String>(&mut self.commands.clone())
            .await
            .map(drop)
    }
}
