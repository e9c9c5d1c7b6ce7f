//! Server-only views shared by the pages: they render to plain HTML and
//! ship no WebAssembly. Plain HTML does what little they need in the
//! browser (`<details>` folds the lesson list on a phone), and a few inline
//! bytes the rest (the page's protocol, the learner's progress, code tabs).

mod code_tabs;
mod copy_code;
mod course_nav;
mod demo_frame;
mod exercise_script;
mod island_scripts;
mod lesson_body;
mod live_preview;
mod prev_next;
mod progress;
mod room_frame;
mod site_header;
mod terminal_twin;
mod toc;
mod wire_view;

pub use code_tabs::CodeTabsScript;
pub use copy_code::CopyCodeScript;
pub use course_nav::CourseNav;
pub use demo_frame::DemoFrame;
pub use exercise_script::ExerciseScript;
pub use island_scripts::IslandScripts;
pub use lesson_body::LessonBody;
pub use live_preview::LivePreviewScript;
pub use prev_next::PrevNext;
pub use progress::{LessonProgress, ProgressScript};
pub use room_frame::{lesson_href, Planned, Presenting, RoomFrame, RoomRole};
pub use site_header::SiteHeader;
pub use terminal_twin::{has_twin, TerminalTwin};
pub use toc::TableOfContents;
pub use wire_view::WireView;
