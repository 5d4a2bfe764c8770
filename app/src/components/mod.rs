//! Building blocks shared by every page: the page shell's header and 404, and accessible
//! form fields that show their error next to them.

pub mod forms;
pub mod layout;
pub mod navigation;
pub mod url;
