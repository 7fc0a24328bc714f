//! Runtime objects and the operations on them.

pub mod compare;
pub mod dict;
pub mod format;
pub mod function;
pub mod generator;
pub mod hash;
pub mod iter;
pub mod numeric;
pub mod ops;
pub mod repr;
pub mod seq;
pub mod set_table;
pub mod value;
pub mod weak;
