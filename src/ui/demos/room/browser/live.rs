//! What the page knows of the room, shared by the stream's handlers and
//! the strip's buttons, and the keys it keeps in the tab's storage.

use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Element;

use crate::model::room::{RoomPoll, RoomPosition, RoomPulse, RoomQuestions};
use crate::ui::web::EventSourceHandle;

pub const SEEN_KEY: &str = "realtime-lab.room-seen";
pub const FOLLOW_KEY: &str = "realtime-lab.room-follow";
pub const ANSWERED_PREFIX: &str = "realtime-lab.room-answered:";
/// The questions this tab voted for, by id, comma-separated.
pub const VOTED_KEY: &str = "realtime-lab.room-voted";
/// This tab's mark on a move: `seq:done`, `seq:stuck` or `seq:`.
pub const MARK_KEY: &str = "realtime-lab.room-mark";

/// What the page knows of the room.
pub struct Live {
    pub root: Element,
    pub presenter: bool,
    /// This page's lesson, and its neighbours (the presenter's next/previous).
    pub slug: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub follow: bool,
    pub latest: Option<RoomPosition>,
    pub poll: Option<RoomPoll>,
    /// The room's pulse as last heard (the presenter's page).
    pub pulse: RoomPulse,
    /// The room's questions as last heard.
    pub questions: RoomQuestions,
    pub _stream: Option<EventSourceHandle>,
}

pub type Shared = Rc<RefCell<Live>>;
