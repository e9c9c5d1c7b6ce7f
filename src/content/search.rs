//! Learners' search: every `##` section of every lesson, found by its
//! words. tantivy does the work a search engine should not hand-write:
//! English stemming (a search for "stream" finds "streams" and
//! "streaming"), BM25 ranking with a section's heading and its lesson's
//! title weighing more than its text, a lenient reading of whatever is
//! typed, and snippets with the matched words marked.
//!
//! Every section but a lesson's "Sources" (citations, which would outrank
//! the sections that teach) is indexed. One index per version of the course, in memory, built at the first
//! search after the course (re)loads: a live reload is searchable at once.

use std::ops::Range;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED,
};
use tantivy::snippet::{collapse_overlapped_ranges, Snippet, SnippetGenerator};
use tantivy::{doc, Index, IndexReader, TantivyDocument};

use super::lesson::Lesson;
use crate::render::highlight::escape;

/// Results shown at most, best first.
pub const MAX_HITS: usize = 20;
/// A query is read up to this many characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// How long a snippet may be, in characters.
const SNIPPET_CHARS: usize = 220;
/// What tantivy asks at least for its writer's arena; freed once built.
const WRITER_BYTES: usize = 15_000_000;

/// One section that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// `/lessons/slug#section`, or `/lessons/slug` for the lesson's opening.
    pub href: String,
    pub lesson: String,
    /// The section's heading; `None` for the text before the first.
    pub section: Option<String>,
    /// Escaped HTML: a passage of the section, the matched words in `<mark>`.
    pub snippet_html: String,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

#[derive(Clone, Copy)]
struct Fields {
    lesson: Field,
    heading: Field,
    text: Field,
    href: Field,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

impl SearchIndex {
    pub fn build(lessons: &[Lesson]) -> tantivy::Result<SearchIndex> {
        let words = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("en_stem")
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let mut schema = Schema::builder();
        let fields = Fields {
            lesson: schema.add_text_field("lesson", words.clone()),
            heading: schema.add_text_field("heading", words.clone()),
            text: schema.add_text_field("text", words),
            href: schema.add_text_field("href", STORED),
        };
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, WRITER_BYTES)?;
        for lesson in lessons {
            let page = lesson.summary.href();
            // A lesson's list of sources is citations, not its teaching.
            let taught = lesson
                .sections
                .iter()
                .filter(|section| !matches!(&section.heading, Some((id, _)) if id == "sources"));
            for section in taught {
                let (href, heading) = match &section.heading {
                    Some((id, title)) => (format!("{page}#{id}"), title.as_str()),
                    None => (page.clone(), ""),
                };
                writer.add_document(doc!(
                    fields.lesson => lesson.summary.title.as_str(),
                    fields.heading => heading,
                    fields.text => section.text.trim(),
                    fields.href => href,
                ))?;
            }
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    /// The sections that match `query`, best first; none for a query with
    /// no words.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        if query.trim().is_empty() {
            return Vec::new();
        }
        let Fields {
            lesson,
            heading,
            text,
            href,
        } = self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![lesson, heading, text]);
        parser.set_field_boost(heading, 3.0);
        parser.set_field_boost(lesson, 2.0);
        // A typo in the query syntax (`"unclosed`, `a:`) still searches the words.
        let (query, _) = parser.parse_query_lenient(&query);
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(&query, &TopDocs::with_limit(MAX_HITS).order_by_score())
        else {
            return Vec::new();
        };
        let Ok(mut snippets) = SnippetGenerator::create(&searcher, &*query, text) else {
            return Vec::new();
        };
        snippets.set_max_num_chars(SNIPPET_CHARS);
        top.into_iter()
            .filter_map(|(_, address)| {
                let found: TantivyDocument = searcher.doc(address).ok()?;
                let stored = |field| {
                    found
                        .get_first(field)
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                };
                let snippet = snippets.snippet_from_doc(&found);
                let section = stored(heading);
                let snippet_html = if snippet.is_empty() {
                    // Matched on the heading or title alone: the section's opening.
                    escape(&opening(&stored(text)))
                } else {
                    marked(&snippet)
                };
                Some(Hit {
                    href: stored(href),
                    lesson: stored(lesson),
                    section: (!section.is_empty()).then_some(section),
                    snippet_html,
                })
            })
            .collect()
    }
}

/// The snippet as escaped HTML, each matched word in `<mark>`.
fn marked(snippet: &Snippet) -> String {
    let fragment = snippet.fragment();
    let mut html = String::new();
    let mut from = 0;
    let ranges: Vec<Range<usize>> = collapse_overlapped_ranges(snippet.highlighted());
    for range in ranges {
        html.push_str(&escape(&fragment[from..range.start]));
        html.push_str("<mark>");
        html.push_str(&escape(&fragment[range.clone()]));
        html.push_str("</mark>");
        from = range.end;
    }
    html.push_str(&escape(&fragment[from..]));
    html
}

/// The first words of a section, cut at a word, up to the snippet's length.
fn opening(text: &str) -> String {
    if text.chars().count() <= SNIPPET_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(SNIPPET_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn lesson(name: &str, text: &str) -> Lesson {
        super::super::lesson::load(Path::new(name), text).unwrap()
    }

    fn index() -> SearchIndex {
        SearchIndex::build(&[
            lesson(
                "c/01-one.md",
                "+++\ntitle = \"Streams\"\nsummary = \"S\"\n+++\nOpening words.\n\n## Frames\n\nA WebSocket sends frames, not lines.\n",
            ),
            lesson(
                "c/02-two.md",
                "+++\ntitle = \"Pools\"\nsummary = \"S\"\n+++\n## Six at most\n\nA browser opens six connections per host and streams `<b>wait</b>`.\n",
            ),
        ])
        .unwrap()
    }

    #[test]
    fn finds_a_section_by_a_stemmed_word_and_marks_it() {
        let hits = index().search("connection");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].href, "/lessons/two#six-at-most");
        assert_eq!(hits[0].section.as_deref(), Some("Six at most"));
        assert!(
            hits[0].snippet_html.contains("<mark>connections</mark>"),
            "{}",
            hits[0].snippet_html
        );
        assert!(
            hits[0].snippet_html.contains("&lt;b&gt;wait&lt;/b"),
            "{}",
            hits[0].snippet_html
        );
    }

    #[test]
    fn a_heading_match_ranks_first_and_gibberish_finds_nothing() {
        let hits = index().search("frames");
        assert_eq!(hits[0].href, "/lessons/one#frames");
        assert!(index().search("qwzxv").is_empty());
        assert!(index().search("   ").is_empty());
        // Unbalanced query syntax is searched as words, not refused.
        assert_eq!(index().search("\"frames")[0].href, "/lessons/one#frames");
    }
}
