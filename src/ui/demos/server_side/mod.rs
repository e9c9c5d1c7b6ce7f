//! What the demos' frames share on the server, and the browser build has
//! none of: markup only the server writes (charts, "break it" options) and
//! the simulations' query forms.

pub mod markup;
pub mod query_form;
