mod demo;
mod home;
mod lesson;
mod not_found;

pub use demo::DemoPage;
pub use home::HomePage;
pub use lesson::LessonPage;
pub use not_found::NotFound;
