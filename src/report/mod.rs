//! Reports: render a [`crate::run::RunReport`] for people (terminal, Markdown)
//! and machines (JSON), and write replay files. Reads only run output.

mod error;
mod files;
mod markdown;
mod terminal;

pub use error::ReportError;
pub use files::{replay_command, write_all, Written};
pub use markdown::markdown;
pub use terminal::{step_line, summary};
