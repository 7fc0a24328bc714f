//! The interpreter state that lives in the arena root: stacks, frames, types, modules, GC settings.

use super::frame::{Block, Frame};
use crate::runtime::value::{DictRef, InstRef, ListRef, ObjRef, StrRef, Value};
use crate::runtime::weak::WeakTable;
use gc_arena::GcWeak;
use gc_arena::lock::RefLock;

#[derive(Collect)]
#[collect(no_drop)]
pub struct FinEntry<'gc> {
    pub obj: GcWeak<'gc, crate::runtime::value::Instance<'gc>>,
    #[collect(require_static)]
    pub finalized: bool,
}

/// A call the collector queued: `__del__` of an object, or a weakref callback.
#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub enum PendingCall<'gc> {
    Del(InstRef<'gc>),
    Callback(Value<'gc>, Value<'gc>),
}
use gc_arena::Collect;
use std::collections::HashMap;

/// Interned names and the weakref registry are looked up on hot paths (every attribute name,
/// every weakref creation); SipHash's DoS resistance buys nothing there.
pub type FastMap<K, V> = HashMap<K, V, hashbrown::DefaultHashBuilder>;
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
    /// The gc.collect() call that asked was made by the outermost run, which stopped right
    /// after it: its result on top of the stack is to be replaced by the number freed. A call
    /// from a nested run (code a builtin runs) returns 0 and collects when the builtin returns.
    pub collect_result_on_stack: bool,
    pub collections: u64,
    pub full_collections: u64,
    pub freed_last: u64,
    pub weakrefs_cleared: u64,
    pub callbacks_run: u64,
    pub dels_run: u64,
    pub freed_total: u64,
    pub peak_objects: usize,
    pub live_objects: usize,
    pub allocated_since: u64,
    pub threshold: (i64, i64, i64),
    /// set_threshold was called: the driver applies the new pacing between slices.
    pub pacing_changed: bool,
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
    pub interned: FastMap<Box<str>, StrRef<'gc>>,
    /// The interned strings of names the runtime spells in its own code (`"__setitem__"`),
    /// by the address and length of the literal: see `Vm::intern_static`.
    pub static_names: Vec<Option<(usize, usize, StrRef<'gc>)>>,
    pub main_globals: Option<DictRef<'gc>>,
    pub not_implemented: Value<'gc>,
    pub ellipsis: Value<'gc>,
    pub empty_tuple: Value<'gc>,
    pub empty_str: Value<'gc>,
    /// Interned `__new__` and `__init__`, looked up at every instantiation.
    pub name_new: Value<'gc>,
    pub name_init: Value<'gc>,
    /// `object.__new__` and `object.__init__` (builtin types are immutable, so these are fixed).
    pub object_new: Value<'gc>,
    pub object_init: Value<'gc>,
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
    /// Weak reference objects by the address of their referent.
    pub weakrefs: super::weak_registry::WeakRegistry<'gc>,
    /// Every weak container, so the collector can prune them and run the ephemeron step.
    pub weak_tables: Vec<GcWeak<'gc, RefLock<WeakTable<'gc>>>>,
    /// Instances whose class defines `__del__`, in creation order.
    pub finalizable: Vec<FinEntry<'gc>>,
    /// Calls queued by the finalization step (`__del__`, weakref callbacks), run at the next safe point.
    pub pending: std::collections::VecDeque<PendingCall<'gc>>,
    /// A queued call is running as a frame; when it ends it starts the next one.
    pub pending_chain: bool,
    /// Objects kept alive by gc.freeze().
    pub frozen: Vec<Value<'gc>>,
    /// The gc.callbacks list, once the gc module exists.
    pub gc_callbacks: Option<ListRef<'gc>>,
    /// Results of looking a name up along a class's MRO, by (class, name) identity. Emptied
    /// whenever a class namespace changes and when a collection cycle starts (its entries
    /// keep classes alive, which must not outlast one cycle).
    pub attr_cache: Box<[Option<AttrCacheEntry<'gc>>]>,
    /// Recently made short strings. An object of its own, not part of the state, so that the
    /// state (written at every slice) does not re-trace it. Never emptied: it keeps at most
    /// 16,384 short strings alive.
    pub short_strs: gc_arena::GcRefLock<'gc, super::short_strs::ShortStrs<'gc>>,
    /// Renewed (to a fresh table version) whenever any class namespace changes: method caches
    /// in instructions, which remember where along an MRO a name was found, hold only under it.
    #[collect(require_static)]
    pub class_epoch: u64,
    /// A data descriptor was assigned to a class after its creation: the per-class descriptor
    /// flags may be stale for subclasses, so attribute reads take the full path from then on.
    #[collect(require_static)]
    pub late_descriptors: bool,
    /// Bytes of large strings made in this slice. Past `BIG_BYTES_PER_SLICE` the slice ends at
    /// the next safe point, so the collector keeps up with programs that build long strings.
    #[collect(require_static)]
    pub big_bytes: std::cell::Cell<usize>,
    /// Emptied argument vectors for native calls, reused so a call does not allocate. They
    /// hold values only while a native runs, and no collection happens then.
    pub arg_pool: Vec<Vec<Value<'gc>>>,
    /// Addresses of containers being printed, to print `[...]` for cycles.
    #[collect(require_static)]
    pub out_guard: Vec<usize>,
}

pub const ATTR_CACHE_SIZE: usize = 1024;

#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub struct AttrCacheEntry<'gc> {
    pub class: ObjRef<'gc>,
    pub name: StrRef<'gc>,
    pub found: Option<Value<'gc>>,
}

impl<'gc> State<'gc> {
    pub fn clear_attr_cache(&mut self) {
        self.attr_cache.fill(None);
    }
}
