//! Tables: each in a region that scrolls sideways, and aligned by class,
//! not by inline style (see [`TableCells::event`]).

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};

/// What a table goes in: a focusable, labelled region that scrolls.
const TABLE_OPEN: &str =
    "<div class=\"table-wide\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls sideways)\">\n";

/// The columns' alignment of the table being read, and the next cell's
/// column and row kind.
#[derive(Default)]
pub struct TableCells {
    alignments: Vec<Alignment>,
    column: usize,
    in_head: bool,
}

impl TableCells {
    /// A table's start, head, row and cell starts, and its end. A wide
    /// table scrolls sideways inside a region the keyboard can reach (and
    /// scroll with the arrow keys), on a phone above all. pulldown-cmark
    /// aligns a column with `style="text-align: …"`, which the site's CSP
    /// (`style-src 'self'`) refuses: the writer gets no alignments, and
    /// each aligned cell a class.
    pub fn event<'a>(&mut self, event: Event<'a>, pending: &mut Vec<Event<'a>>) {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                pending.push(Event::Html(TABLE_OPEN.into()));
                let none = vec![Alignment::None; alignments.len()];
                *self = TableCells {
                    alignments,
                    ..TableCells::default()
                };
                pending.push(Event::Start(Tag::Table(none)));
            }
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.column = 0;
                pending.push(Event::Start(Tag::TableHead));
            }
            Event::Start(Tag::TableRow) => {
                self.in_head = false;
                self.column = 0;
                pending.push(Event::Start(Tag::TableRow));
            }
            Event::Start(Tag::TableCell) => {
                let table = &mut *self;
                let class = match table.alignments.get(table.column) {
                    Some(Alignment::Left) => Some("align-left"),
                    Some(Alignment::Center) => Some("align-center"),
                    Some(Alignment::Right) => Some("align-right"),
                    _ => None,
                };
                let cell = if table.in_head { "th" } else { "td" };
                table.column += 1;
                pending.push(match class {
                    Some(class) => Event::Html(format!("<{cell} class=\"{class}\">").into()),
                    None => Event::Start(Tag::TableCell),
                });
            }
            Event::End(TagEnd::Table) => {
                pending.push(Event::End(TagEnd::Table));
                pending.push(Event::Html("</div>\n".into()));
            }
            event => pending.push(event),
        }
    }
}
