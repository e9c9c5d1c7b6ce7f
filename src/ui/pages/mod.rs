//! The pages, one per route (server only, like the whole of `ui::pages`).

mod demo;
mod guide;
mod home;
pub(crate) mod lesson;
mod not_found;
mod present;
mod search;

pub use demo::DemoPage;
pub use guide::GuidePage;
pub use home::HomePage;
pub use lesson::LessonPage;
pub use not_found::NotFound;
pub use present::PresentPage;
pub use search::SearchPage;
