//! Who may read and write what: [`Role`] is defined once, in the core
//! (`cd4mm_core::Role`), and every request is checked against it here and in
//! [`crate::admit`]. `admin` is server-wide and may do everything.

pub use cd4mm_core::Role;
