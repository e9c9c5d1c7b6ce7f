mod course_nav;
mod lesson_body;
mod prev_next;
mod site_header;
mod toc;
mod toggle;

pub use course_nav::CourseNav;
pub use lesson_body::LessonBody;
pub use prev_next::PrevNext;
pub use site_header::SiteHeader;
pub use toc::TableOfContents;
pub use toggle::Toggle;
