//! The interpreter state that lives in the arena root: stacks, frames, types, modules, GC settings.

use super::frame::{Block, Frame};
use crate::runtime::value::{DictRef, StrRef, Value};
use gc_arena::Collect;
use std::collections::HashMap;
use std::rc::Rc;

/// Settings and counters with no heap pointers.
#[derive(Default)]
pub struct Config {
    pub recursion_limit: usize,
    pub stress: bool,
    pub trace: bool,
    pub argv: Vec<String>,
    pub script_dir: Option<std::path::PathBuf>,
    pub stdlib_dir: Option<std::path::PathBuf>,
    pub start: Option<std::time::Instant>,
}

/// Collector bookkeeping visible through the `gc` module.
#[derive(Default, Clone)]
pub struct GcStats {
    pub enabled: bool,
    /// A script asked for a full collection (gc.collect()); the driver does it between slices.
    pub collect_requested: bool,
    pub collections: u64,
    pub full_collections: u64,
    pub freed_last: u64,
    pub freed_total: u64,
    pub peak_objects: usize,
    pub live_objects: usize,
    pub allocated_since: u64,
    pub threshold: (i64, i64, i64),
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct State<'gc> {
    pub stack: Vec<Value<'gc>>,
    pub frames: Vec<Frame<'gc>>,
    #[collect(require_static)]
    pub blocks: Vec<Block>,
    /// Exceptions being handled (`except` bodies), innermost last.
    pub exc_stack: Vec<Value<'gc>>,
    pub types: super::types::Types<'gc>,
    pub builtins: DictRef<'gc>,
    /// sys.modules
    pub modules: DictRef<'gc>,
    pub interned: HashMap<Box<str>, StrRef<'gc>>,
    pub main_globals: Option<DictRef<'gc>>,
    pub not_implemented: Value<'gc>,
    pub ellipsis: Value<'gc>,
    pub empty_tuple: Value<'gc>,
    pub empty_str: Value<'gc>,
    /// Values that must stay alive across slices (REPL `_`, pending results).
    pub scratch: Vec<Value<'gc>>,
    #[collect(require_static)]
    pub config: Config,
    #[collect(require_static)]
    pub gc: GcStats,
    /// How many Rust-level nested interpreter runs are active.
    #[collect(require_static)]
    pub nested: u32,
    #[collect(require_static)]
    pub out: super::output::Output,
    /// Source text of files, for tracebacks.
    #[collect(require_static)]
    pub sources: HashMap<Rc<str>, Rc<str>>,
    /// Addresses of containers being printed, to print `[...]` for cycles.
    #[collect(require_static)]
    pub out_guard: Vec<usize>,
}
