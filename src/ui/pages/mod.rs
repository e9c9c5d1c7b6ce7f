mod demo;
#[cfg(feature = "ssr")]
mod guide;
mod home;
pub(crate) mod lesson;
mod not_found;
#[cfg(feature = "ssr")]
mod present;
#[cfg(feature = "ssr")]
mod search;

pub use demo::DemoPage;
#[cfg(feature = "ssr")]
pub use guide::GuidePage;
pub use home::HomePage;
pub use lesson::LessonPage;
pub use not_found::NotFound;
#[cfg(feature = "ssr")]
pub use present::PresentPage;
#[cfg(feature = "ssr")]
pub use search::SearchPage;
