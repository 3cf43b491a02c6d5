//! What every context's pages share, and nothing of any one context: the state every
//! handler reaches, the route table and navigation, the caller and the page context,
//! rendering and error pages, the layout, formatting and SVG drawing. The access context's
//! user and grants are named here only as the caller of a request.

#[macro_use]
pub mod support;

pub mod caller;
pub mod errors;
pub mod export;
pub mod page;
pub mod prepared;
pub mod request_span;
pub mod routes;
pub mod state;
pub mod svg;
pub mod views;
