//! The authors' guide, served at `/guide`: `content/guide/authors.md`,
//! embedded in the binary, rendered like a lesson. Its examples are
//! checked: a ```` ```md example ```` block is loaded as a lesson of its
//! own (`content/09-draft.md`, front matter added when it has none) and
//! shown as its source and then as it renders; a ```` ```md error ````
//! block must fail, and shows the problems `realtime-lab check` and the
//! live preview would print. A guide whose example breaks, or whose error
//! example loads, does not load: the tests fail before a reader sees it.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use super::error::{ContentError, ContentErrors};
use super::{embedded, front_matter, lesson};
use crate::model::course::{Segment, TocEntry};
use crate::render::highlight::escape;
use crate::render::speaker_notes;

/// Where the guide is in the repository, and the name messages give it.
pub const FILE: &str = "content/guide/authors.md";
/// The file an example is loaded as, and its errors name.
const EXAMPLE_FILE: &str = "content/09-draft.md";
/// What an example without front matter gets, so that it loads as a lesson.
const EXAMPLE_FRONT_MATTER: &str = "+++\ntitle = \"Draft\"\nsummary = \"An example.\"\n+++\n";

#[derive(Clone, Debug)]
pub struct Guide {
    pub title: String,
    pub summary: String,
    pub toc: Vec<TocEntry>,
    pub segments: Vec<Segment>,
    /// Whether an example shows code tabs (the page then carries their script).
    pub code_tabs: bool,
}

static GUIDE: LazyLock<Result<Guide, ContentErrors>> = LazyLock::new(|| {
    let file = PathBuf::from(FILE);
    let bytes = embedded::guide().ok_or_else(|| {
        ContentErrors(vec![ContentError::whole_file(
            &file,
            "missing from the build",
        )])
    })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ContentErrors(vec![ContentError::whole_file(&file, "not valid UTF-8")]))?;
    load(&file, text).map_err(ContentErrors)
});

/// The guide built into this binary, or what is wrong with it.
pub fn guide() -> Result<&'static Guide, &'static ContentErrors> {
    GUIDE.as_ref()
}

pub fn load(file: &Path, text: &str) -> Result<Guide, Vec<ContentError>> {
    let split = front_matter::split(file, text).map_err(|e| vec![e])?;
    let mut examples = 0;
    let mut code_tabs = false;
    let body = lesson::load_body(file, &split, "", &mut |source, expect_error| {
        examples += 1;
        let shown = example(source, expect_error, &format!("example-{examples}-"))?;
        code_tabs |= shown.code_tabs;
        Ok(Segment::Html(shown.html))
    })?;
    Ok(Guide {
        title: split.front_matter.title,
        summary: split.front_matter.summary,
        toc: body.toc,
        segments: body.segments,
        code_tabs: code_tabs || body.code_tabs,
    })
}

struct Shown {
    html: String,
    code_tabs: bool,
}

/// An example as it renders, or its problems for an error example; `Err`
/// when it does not do what its fence says.
fn example(source: &str, expect_error: bool, id_prefix: &str) -> Result<Shown, String> {
    let whole = source.starts_with("+++");
    let text = if whole {
        source.to_string()
    } else {
        format!("{EXAMPLE_FRONT_MATTER}{source}")
    };
    // Lines as the author of the example counts them.
    let added_lines = if whole {
        0
    } else {
        EXAMPLE_FRONT_MATTER.lines().count()
    };
    let file = Path::new(EXAMPLE_FILE);
    match (lesson::load_prefixed(file, &text, id_prefix), expect_error) {
        (Ok(loaded), false) => Ok(Shown {
            html: rendered_html(&loaded.segments),
            code_tabs: loaded.code_tabs,
        }),
        (Err(errors), true) => {
            let problems: Vec<String> = errors
                .into_iter()
                .map(|mut error| {
                    error.line = error
                        .line
                        .map(|line| line.saturating_sub(added_lines).max(1));
                    error.to_string()
                })
                .collect();
            Ok(Shown {
                html: format!(
                    "<div class=\"guide-example guide-example-error\">\n\
                     <p class=\"guide-example-label\">What <code>realtime-lab check</code> and \
                     the live preview say</p>\n<pre class=\"code\" tabindex=\"0\"><code>{}</code></pre>\n</div>\n",
                    escape(&problems.join("\n"))
                ),
                code_tabs: false,
            })
        }
        (Err(errors), false) => Err(format!(
            "this example should load, but {}",
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        (Ok(_), true) => Err(
            "this example is marked `md error`, but it loads without a problem; break it, \
             or mark it `md example`"
                .to_string(),
        ),
    }
}

/// A loaded example's segments as one block of HTML: a demo is named, not
/// run (the guide is about writing lessons).
fn rendered_html(segments: &[Segment]) -> String {
    let mut html = String::from(
        "<div class=\"guide-example\">\n<p class=\"guide-example-label\">How it looks</p>\n",
    );
    for segment in segments {
        match segment {
            Segment::Html(part) => html.push_str(part),
            Segment::Check(check) => {
                html.push_str("<div class=\"check-frame\">");
                html.push_str(check);
                html.push_str("</div>\n");
            }
            Segment::Exercise { html: exercise, .. } => html.push_str(exercise),
            Segment::Notes(notes) => html.push_str(&speaker_notes::aside_html(notes)),
            Segment::Demo(name, _) => html.push_str(&format!(
                "<p class=\"guide-example-demo\">The live demo “{}” stands here in a lesson \
                 (<a href=\"/demos/{}\">open it</a>).</p>\n",
                escape(name.title()),
                name.as_str()
            )),
        }
    }
    html.push_str("</div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::course::DemoName;

    fn guide_text() -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE)).unwrap()
    }

    #[test]
    fn the_guide_and_every_example_in_it_load() {
        let guide = guide().unwrap_or_else(|errors| panic!("{errors}"));
        assert!(guide.toc.len() >= 8, "{:?}", guide.toc);
        let html: String = guide
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Html(html) => Some(html.as_str()),
                _ => None,
            })
            .collect();
        assert!(
            html.contains("class=\"guide-example\""),
            "rendered examples"
        );
        assert!(html.contains("guide-example-error"), "error examples");
        assert!(html.contains("role=\"note\""), "an admonition example");
        assert!(html.contains("role=\"tablist\""), "a code tabs example");
        assert!(guide.code_tabs);
    }

    #[test]
    fn names_every_demo_and_front_matter_key() {
        let text = guide_text();
        for demo in DemoName::ALL {
            assert!(
                text.contains(&format!("`{}`", demo.as_str())),
                "{}",
                demo.as_str()
            );
        }
        for key in ["title", "summary", "order", "slug", "duration"] {
            assert!(text.contains(&format!("`{key}`")), "{key}");
        }
    }

    #[test]
    fn a_broken_example_or_an_error_example_that_loads_fails_the_guide() {
        let head = "+++\ntitle = \"G\"\nsummary = \"S\"\n+++\n";
        let broken = format!("{head}## A\n\n````md example\n::demo[nope]\n````\n");
        let errors = load(Path::new(FILE), &broken).unwrap_err();
        assert_eq!(errors[0].line, Some(7), "the example's fence");
        assert!(
            errors[0]
                .message
                .starts_with("this example should load, but unknown demo `nope`"),
            "{}",
            errors[0].message
        );
        let fine = format!("{head}````md error\nJust text.\n````\n");
        let errors = load(Path::new(FILE), &fine).unwrap_err();
        assert!(
            errors[0].message.contains("loads without a problem"),
            "{errors:?}"
        );
    }

    #[test]
    fn an_error_example_shows_its_problems_at_its_own_lines() {
        let head = "+++\ntitle = \"G\"\nsummary = \"S\"\n+++\n";
        let text = format!("{head}````md error\nText.\n\n::demo[sse-clok]\n````\n");
        let guide = load(Path::new(FILE), &text).unwrap();
        let Segment::Html(html) = &guide.segments[1] else {
            panic!("{:?}", guide.segments);
        };
        assert!(
            html.contains("content/09-draft.md:3: unknown demo `sse-clok`"),
            "{html}"
        );
    }
}
