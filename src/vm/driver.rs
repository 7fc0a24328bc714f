//! The driver: owns the arena, runs the interpreter in bounded slices inside `Arena::mutate`, and
//! does collection work between slices following DESIGN.md §2: marking with `mark_debt` /
//! `finish_marking`, the finalization step at Marked, then `start_sweeping` straight away.

use super::Vm;
use super::frame::FrameKind;
use super::interp::RunResult;
use super::state::{Config, GcStats, State};
use super::types::Types;
use super::weakrefs::{StepReport, finalize_step};
use crate::runtime::dict::Dict;
use crate::runtime::value::{Obj, StrObj, Tuple, Value};
use compact_str::CompactString;
use gc_arena::arena::CollectionPhase;
use gc_arena::lock::RefLock;
use gc_arena::{Arena, Collect, Gc, GcRefLock, Rootable};
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Collect)]
#[collect(no_drop)]
pub struct Root<'gc> {
    pub state: GcRefLock<'gc, State<'gc>>,
}

type WkArena = Arena<Rootable![Root<'_>]>;

/// How a run of the main program (or a REPL input) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// An uncaught exception (already printed); the process exit status.
    Error(i32),
    /// SystemExit with this status.
    Exit(i32),
}

enum Slice {
    Done(Outcome),
    Suspended,
}

/// Instructions (backward jumps and calls) per slice between collection steps.
const SLICE_BUDGET: i64 = 2_000;
/// The sleep factor of a heap of more than `SMALL_HEAP` objects: a cycle starts once as many
/// objects were allocated as the last one kept, so the heap may double (Go's and Lua's default
/// pacing). binary_trees re-marks its long-lived tree every cycle: 0.5 -> 1.0 took it from
/// 1.02 s to 0.84 s (peak RSS 13.5 -> 15.7 MB), and sort_key's peak went 43 -> 48 MB (it was
/// 54 MB at 0.6 before sorting stopped copying the list).
const LARGE_HEAP_SLEEP_FACTOR: f64 = 1.0;
/// Below this many objects a cycle's marking and its sweep each run in one step.
const SMALL_HEAP: usize = 32 * 1024;
/// Collection work (in allocations' worth) owed by every slice that ends during a cycle.
const CYCLE_DEBT_PER_SLICE: f64 = 2500.0;
const STRESS_BUDGET: i64 = 1;

/// gc-arena's default pacing counts an object that died while a weak reference pointed at it
/// as "remembered" (its memory outlives its sweep), so a program that puts every object it
/// makes into a weak container would see each cycle sleep longer than the last and the heap
/// grow without bound. Cheaper sweep credits make sweeping finish while few new objects
/// arrive, which keeps the cycle lengths shrinking back to the minimum. A sleep of a quarter
/// of the remembered count (gc-arena's default is half) measured best on bench/: weakref
/// churn 3.9 s / 23 MB -> 2.3 s / 6 MB, while an eighth slows programs with big live heaps.
const PACING: gc_arena::metrics::Pacing = gc_arena::metrics::Pacing {
    sleep_factor: 0.25,
    min_sleep: 1024,
    mark_factor: 0.1,
    trace_factor: 0.4,
    keep_factor: 0.02,
    drop_factor: 0.05,
    free_factor: 0.05,
};

pub struct Interpreter {
    arena: WkArena,
    stress: bool,
    trace: bool,
    /// An incremental cycle past its Marked phase, reported once its sweep has finished.
    sweeping: Option<PendingCycle>,
    /// The pacing's minimum sleep (gc.set_threshold changes it).
    min_sleep: usize,
}

struct PendingCycle {
    before: usize,
    freed: usize,
    report: StepReport,
    pause: std::time::Duration,
}

impl Interpreter {
    pub fn new(mut config: Config) -> Interpreter {
        if config.recursion_limit == 0 {
            config.recursion_limit = 1000;
        }
        config.start = Some(std::time::Instant::now());
        let stress = config.stress;
        let trace = config.trace;
        let arena = WkArena::new(|mc| {
            let types = Types::new(mc);
            let empty_tuple = Value::Tuple(Gc::new(mc, Tuple::Empty));
            let empty_str = Value::Str(Gc::new(mc, StrObj::new(CompactString::const_new(""))));
            let state = State {
                stack: Vec::with_capacity(1024),
                frames: Vec::with_capacity(64),
                blocks: Vec::new(),
                exc_stack: Vec::new(),
                types,
                builtins: Gc::new(mc, RefLock::new(Dict::new())),
                modules: Gc::new(mc, RefLock::new(Dict::new())),
                interned: Default::default(),
                static_names: vec![None; super::STATIC_NAME_SLOTS],
                main_globals: None,
                not_implemented: Value::Obj(Gc::new(mc, Obj::NotImplemented)),
                ellipsis: Value::Obj(Gc::new(mc, Obj::Ellipsis)),
                empty_tuple,
                empty_str,
                name_new: Value::None,
                name_init: Value::None,
                object_new: Value::None,
                object_init: Value::None,
                scratch: Vec::new(),
                config,
                gc: GcStats {
                    enabled: true,
                    threshold: (700, 10, 10),
                    ..Default::default()
                },
                nested: 0,
                out: Default::default(),
                sources: HashMap::new(),
                out_guard: Vec::new(),
                arg_pool: Vec::new(),
                weakrefs: Default::default(),
                late_descriptors: false,
                big_bytes: std::cell::Cell::new(0),
                attr_cache: vec![None; super::state::ATTR_CACHE_SIZE].into_boxed_slice(),
                short_strs: Gc::new(mc, RefLock::new(super::short_strs::ShortStrs::default())),
                class_epoch: crate::runtime::dict::fresh_version(),
                weak_tables: Vec::new(),
                finalizable: Vec::new(),
                pending: Default::default(),
                pending_chain: false,
                frozen: Vec::new(),
                gc_callbacks: None,
            };
            Root {
                state: Gc::new(mc, RefLock::new(state)),
            }
        });
        arena.metrics().set_pacing(PACING);
        let mut interp = Interpreter {
            arena,
            stress,
            trace,
            sweeping: None,
            min_sleep: PACING.min_sleep,
        };
        interp.with_vm(|vm| {
            vm.st.name_new = vm.intern("__new__");
            vm.st.name_init = vm.intern("__init__");
            crate::builtins::install(vm);
            let object = vm.st.types.object;
            let (new, init) = (vm.st.name_new, vm.st.name_init);
            vm.st.object_new = vm.class_lookup_v(object, new).unwrap_or(Value::None);
            vm.st.object_init = vm.class_lookup_v(object, init).unwrap_or(Value::None);
            let (m, d) = crate::modules::new_module(vm, "__main__");
            let key = vm.new_str("__main__");
            let mods = vm.st.modules;
            let _ = vm.dict_set(mods, key, m);
            let bk = vm.intern("__builtins__");
            let b = vm.st.builtins;
            let _ = vm.dict_set(d, bk, Value::Dict(b));
            vm.st.main_globals = Some(d);
        });
        interp
    }

    /// Runs `f` with a `Vm` inside one `mutate` call.
    pub fn with_vm<T>(&mut self, f: impl for<'gc> FnOnce(&mut Vm<'gc>) -> T) -> T {
        self.arena.mutate(|mc, root| {
            let st = root.state.borrow_mut(mc);
            let mut vm = Vm { mc, st };
            f(&mut vm)
        })
    }

    pub fn flush(&mut self) {
        self.with_vm(|vm| vm.st.out.flush());
    }

    /// Compiles `src` and runs it as the main module (or a REPL input when `interactive`).
    pub fn run_main(&mut self, filename: &str, src: &str, interactive: bool) -> Outcome {
        let code = match crate::compile(src, filename, interactive) {
            Ok(c) => c,
            Err(e) => {
                let text = format_syntax_error(filename, src, e.pos, &e.msg, e.indentation);
                self.with_vm(|vm| vm.st.out.write_report(&text));
                return Outcome::Error(1);
            }
        };
        let fname = filename.to_string();
        let src_rc: Rc<str> = Rc::from(src);
        self.with_vm(|vm| {
            vm.st.sources.insert(Rc::from(fname.as_str()), src_rc);
            let g = vm.st.main_globals.unwrap();
            if !interactive {
                let k = vm.intern("__file__");
                let f = vm.new_str(&fname);
                let _ = vm.dict_set(g, k, f);
            }
            vm.st.stack.clear();
            vm.st.frames.clear();
            vm.st.blocks.clear();
            vm.st.exc_stack.clear();
            vm.st.nested = 0;
            vm.st.pending_chain = false;
            vm.push_module_frame(&code, g, FrameKind::Boundary);
        });
        self.run_until_done()
    }

    fn run_until_done(&mut self) -> Outcome {
        loop {
            let budget = if self.stress {
                STRESS_BUDGET
            } else {
                SLICE_BUDGET
            };
            let slice = self.with_vm(|vm| {
                if vm.st.gc.collect_requested {
                    vm.st.gc.collect_requested = false;
                    if std::mem::take(&mut vm.st.gc.collect_result_on_stack) {
                        let freed = vm.st.gc.freed_last as i64;
                        if let Some(top) = vm.st.stack.last_mut() {
                            *top = Value::Int(freed);
                        }
                    }
                }
                vm.st.big_bytes.set(0);
                match vm.run(0, budget) {
                    Ok(RunResult::Suspended) => Slice::Suspended,
                    Ok(_) => Slice::Done(Outcome::Ok),
                    Err(e) => Slice::Done(report_uncaught(vm, e)),
                }
            });
            match slice {
                Slice::Done(o) => {
                    self.flush();
                    return o;
                }
                Slice::Suspended => self.between_slices(),
            }
        }
    }

    fn between_slices(&mut self) {
        let (requested, enabled, threshold, changed) = self.with_vm(|vm| {
            let g = &mut vm.st.gc;
            let changed = std::mem::take(&mut g.pacing_changed);
            (g.collect_requested, g.enabled, g.threshold.0, changed)
        });
        if changed && threshold > 0 {
            // threshold0 is how many allocations may happen before a cycle starts
            let pacing = gc_arena::metrics::Pacing {
                min_sleep: threshold as usize,
                ..PACING
            };
            self.arena.metrics().set_pacing(pacing);
            self.min_sleep = pacing.min_sleep;
        }
        // as in CPython, a threshold of 0 turns automatic collection off
        let enabled = enabled && threshold != 0;
        if requested {
            let freed = self.collect_until_quiet();
            self.with_vm(|vm| vm.st.gc.freed_last = freed as u64);
            return;
        }
        // stress collections are automatic ones: gc.disable() stops them too
        if self.stress && enabled {
            self.collect_full();
        } else if enabled {
            let metrics = self.arena.metrics();
            if metrics.allocation_debt() > 0.0 {
                self.collect_step();
            } else if self.arena.collection_phase() != CollectionPhase::Sleeping {
                // A cycle under way also advances with the mutator's time, not only with its
                // allocations: a loop that allocates little would otherwise leave a whole
                // heap of garbage unswept until the program next allocates in bulk.
                // A small heap's step finishes the phase whatever the debt, so it is owed
                // nothing: debt added here would outlive the cycle and start the next at once.
                if metrics.total_gc_count() >= SMALL_HEAP {
                    metrics.adjust_debt(CYCLE_DEBT_PER_SLICE);
                }
                self.collect_step();
            }
        }
        self.note_heap();
        // this is a safe point: what the collector queued runs next
        self.with_vm(|vm| vm.push_pending());
    }

    /// gc.collect(): full collections, running queued `__del__` methods and callbacks after
    /// each, until a collection queues nothing new. Returns the objects freed.
    pub fn collect_until_quiet(&mut self) -> usize {
        let mut freed = 0;
        for _ in 0..16 {
            freed += self.collect_full();
            if !self.with_vm(|vm| vm.run_pending()) {
                break;
            }
        }
        freed
    }

    /// End of the program: what became garbage gets finalized, then live `weakref.finalize`
    /// objects marked atexit run, newest first.
    pub fn shutdown(&mut self) {
        self.collect_until_quiet();
        self.with_vm(|vm| {
            let key = vm.new_str("weakref");
            let mods = vm.st.modules;
            if let Ok(Some(m)) = vm.dict_get(mods, key) {
                if let Ok(fin) = vm.getattr_str(m, "finalize") {
                    if let Ok(f) = vm.getattr_str(fin, "_exitfunc") {
                        if let Err(e) = vm.call(f, &[], &[]) {
                            vm.report_ignored(f, e);
                        }
                    }
                }
            }
            vm.st.out.flush();
        });
    }

    fn note_heap(&mut self) {
        let live = self.arena.metrics().total_gc_count();
        self.with_vm(|vm| {
            vm.st.gc.live_objects = live;
            if live > vm.st.gc.peak_objects {
                vm.st.gc.peak_objects = live;
            }
        });
    }

    /// One increment of collection work, paid against the allocation debt.
    fn collect_step(&mut self) {
        // A small heap is marked, and then swept, in one step each: the pause stays short, and
        // gc-arena's incremental loop, which re-checks the debt after every object, costs more
        // than the work itself at this size.
        let small_heap = self.arena.metrics().total_gc_count() < SMALL_HEAP;
        match self.arena.collection_phase() {
            CollectionPhase::Sweeping => {
                // nothing allocates during a step, so the drop in live objects is what it freed
                let before = self.arena.metrics().total_gc_count();
                let t = std::time::Instant::now();
                if small_heap {
                    self.arena.finish_cycle();
                } else {
                    self.arena.cycle_debt();
                }
                let freed = before.saturating_sub(self.arena.metrics().total_gc_count());
                self.with_vm(|vm| vm.st.gc.freed_total += freed as u64);
                if let Some(p) = &mut self.sweeping {
                    p.pause += t.elapsed();
                    p.freed += freed;
                }
                if self.arena.collection_phase() != CollectionPhase::Sweeping {
                    self.finish_pending_cycle();
                }
            }
            phase => {
                if phase == CollectionPhase::Sleeping {
                    // cached lookups hold classes strongly; a cycle must be free to collect them
                    self.with_vm(|vm| vm.st.clear_attr_cache());
                }
                let t = std::time::Instant::now();
                if small_heap || self.arena.mark_debt().is_some() {
                    self.finalize_and_start_sweeping(t);
                }
            }
        }
    }

    /// Ends the marking of an incremental cycle (begun at `started`): finalization, then the
    /// sweep, which is reported when it finishes.
    fn finalize_and_start_sweeping(&mut self, started: std::time::Instant) {
        let before = self.arena.metrics().total_gc_count();
        let report = self.finalize_and_sweep();
        self.sweeping = Some(PendingCycle {
            before,
            freed: 0,
            report,
            pause: started.elapsed(),
        });
    }

    /// Reports an incremental cycle whose sweep just ended (or was cut short by a full one).
    fn finish_pending_cycle(&mut self) {
        if let Some(p) = self.sweeping.take() {
            self.pace_next_sleep(p.report.weak_dead);
            let after = p.before.saturating_sub(p.freed);
            self.record_cycle(false, p.before, after, p.report, p.pause);
        }
    }

    /// Sets the sleep before the next cycle, which gc-arena makes proportional to the objects
    /// the cycle just ended remembered. Two corrections:
    ///
    /// gc-arena counts objects that died while weakly referenced as remembered (their
    /// allocations wait for the weak pointers to go). A program that weakly references what it
    /// allocates would sleep longer each cycle and its heap would grow without bound; so the
    /// next cycle is brought forward by the share of the sleep those dead objects account for.
    ///
    /// A heap of more than `SMALL_HEAP` objects sleeps `LARGE_HEAP_SLEEP_FACTOR` of its size:
    /// re-marking it every quarter of its size was a third of a string-heavy program's time.
    fn pace_next_sleep(&self, weak_dead: u64) {
        let metrics = self.arena.metrics();
        let remembered = metrics.total_gc_count() as f64;
        let min = self.min_sleep as f64;
        let sleep = (remembered * PACING.sleep_factor).max(min);
        let wanted = ((remembered - weak_dead as f64).max(0.0) * PACING.sleep_factor).max(min);
        if sleep > wanted {
            metrics.adjust_debt(sleep - wanted);
        }
        if remembered > SMALL_HEAP as f64 {
            metrics.adjust_debt(-remembered * (LARGE_HEAP_SLEEP_FACTOR - PACING.sleep_factor));
        }
    }

    /// Runs the finalization step at Marked until nothing is resurrected (marking again between
    /// rounds), then starts sweeping at once, with no mutation in between.
    fn finalize_and_sweep(&mut self) -> StepReport {
        let mut report = StepReport::default();
        loop {
            let Some(marked) = self.arena.finish_marking() else {
                return report;
            };
            let resurrected = marked.finalize(|fc, root| finalize_step(fc, root, &mut report));
            if !resurrected {
                break;
            }
        }
        if let Some(marked) = self.arena.finish_marking() {
            marked.start_sweeping();
        }
        report
    }

    fn record_cycle(
        &mut self,
        full: bool,
        before: usize,
        after: usize,
        report: StepReport,
        pause: std::time::Duration,
    ) {
        let trace = self.trace;
        self.with_vm(|vm| {
            let g = &mut vm.st.gc;
            g.collections += 1;
            if full {
                g.full_collections += 1;
            }
            g.weakrefs_cleared += report.cleared;
            g.live_objects = after;
            g.peak_objects = g.peak_objects.max(before);
            if trace {
                let n = g.collections;
                let t = vm.st.config.start.map(|s| s.elapsed().as_secs_f64()).unwrap_or(0.0);
                let msg = format!(
                    "gc {n} @{t:.3}s {}: {before} -> {after} objects, {} freed, {} weakrefs cleared, {} callbacks and {} __del__ queued, pause {:.3}ms\n",
                    if full { "full" } else { "incremental" },
                    before.saturating_sub(after),
                    report.cleared,
                    report.callbacks,
                    report.dels,
                    pause.as_secs_f64() * 1000.0
                );
                vm.st.out.write_err(&msg);
            }
        });
    }

    /// A complete collection; returns the number of objects freed.
    pub fn collect_full(&mut self) -> usize {
        let start = std::time::Instant::now();
        self.call_gc_callbacks("start", 0);
        // an incremental cycle in its sweep is finished first; what it frees counts as
        // collected by this call too, since it died since the last collection
        let mut swept = 0;
        self.with_vm(|vm| vm.st.clear_attr_cache());
        if matches!(
            self.arena.collection_phase(),
            CollectionPhase::Marking | CollectionPhase::Marked
        ) {
            // what this cycle already marked stays alive to its end, even if it became garbage
            // since; finish it properly so the fresh cycle below starts from an unmarked heap
            self.finalize_and_start_sweeping(std::time::Instant::now());
        }
        if self.arena.collection_phase() == CollectionPhase::Sweeping {
            let n = self.arena.metrics().total_gc_count();
            self.arena.finish_cycle();
            swept = n.saturating_sub(self.arena.metrics().total_gc_count());
            if let Some(p) = &mut self.sweeping {
                p.freed += swept;
            }
            self.finish_pending_cycle();
        }
        let before = self.arena.metrics().total_gc_count();
        let report = self.finalize_and_sweep();
        self.arena.finish_cycle();
        self.pace_next_sleep(report.weak_dead);
        let after = self.arena.metrics().total_gc_count();
        let freed = before.saturating_sub(after) + swept;
        self.with_vm(|vm| vm.st.gc.freed_total += freed as u64);
        self.record_cycle(true, before, after, report, start.elapsed());
        self.call_gc_callbacks("stop", freed);
        freed
    }

    /// Calls the functions in gc.callbacks with ("start" | "stop", info).
    fn call_gc_callbacks(&mut self, phase: &str, collected: usize) {
        self.with_vm(|vm| {
            let Some(list) = vm.st.gc_callbacks else {
                return;
            };
            let cbs = list.borrow().clone();
            if cbs.is_empty() {
                return;
            }
            let info = vm.new_dict();
            let pairs = [
                ("generation", 2i64),
                ("collected", collected as i64),
                ("uncollectable", 0),
            ];
            for (k, v) in pairs {
                let kv = vm.new_str(k);
                let _ = vm.dict_set(info, kv, Value::Int(v));
            }
            let p = vm.new_str(phase);
            for cb in cbs {
                if let Err(e) = vm.call(cb, &[p, Value::Dict(info)], &[]) {
                    vm.report_ignored(cb, e);
                }
            }
        });
    }
}

/// Prints an uncaught exception's traceback; returns the outcome (SystemExit gives its status).
fn report_uncaught<'gc>(vm: &mut Vm<'gc>, e: Value<'gc>) -> Outcome {
    let t = vm.type_of(e);
    if super::exc::is_subclass(t, vm.st.types.system_exit) {
        let args = super::exc::exc_data(e)
            .map(|d| d.borrow().args)
            .unwrap_or(Value::None);
        let code = match args {
            Value::Tuple(t) if !t.items().is_empty() => t.items()[0],
            _ => Value::None,
        };
        return Outcome::Exit(match code {
            Value::None => 0,
            Value::Int(i) => i as i32,
            Value::Bool(b) => b as i32,
            other => {
                let s = vm.str_of(other).unwrap_or_default();
                vm.st.out.write_err(&format!("{s}\n"));
                1
            }
        });
    }
    let text = if super::exc::is_subclass(t, vm.st.types.syntax_error)
        && super::exc::exc_data(e)
            .map(|d| d.borrow().traceback.is_empty())
            .unwrap_or(true)
    {
        syntax_error_text(vm, e)
    } else {
        super::exc::format_exception(vm, e)
    };
    vm.st.out.write_report(&text);
    Outcome::Error(1)
}

/// The text of a SyntaxError raised while importing (its details sit in args[1]).
fn syntax_error_text<'gc>(vm: &mut Vm<'gc>, e: Value<'gc>) -> String {
    let args = super::exc::exc_data(e)
        .map(|d| d.borrow().args)
        .unwrap_or(Value::None);
    if let Value::Tuple(t) = args {
        if let (Some(msg), Some(Value::Tuple(d))) = (t.items().first(), t.items().get(1)) {
            if d.items().len() == 4 {
                let file = d.items()[0].as_str().unwrap_or("?".into()).to_string();
                let line = match d.items()[1] {
                    Value::Int(i) => i,
                    _ => 0,
                };
                let col = match d.items()[2] {
                    Value::Int(i) => i,
                    _ => 0,
                };
                let text = d.items()[3].as_str().unwrap_or("".into()).to_string();
                let name = vm.type_name(e);
                return format_syntax_error_parts(
                    &file,
                    line as usize,
                    col as usize,
                    &text,
                    &msg.as_str().unwrap_or("".into()),
                    &name,
                );
            }
        }
    }
    super::exc::format_exception(vm, e)
}

fn format_syntax_error_parts(
    file: &str,
    line: usize,
    col: usize,
    text: &str,
    msg: &str,
    kind: &str,
) -> String {
    let stripped = text.trim_start();
    let removed = text.chars().count() - stripped.chars().count();
    let stripped = stripped.trim_end();
    let caret_col = col.saturating_sub(1).saturating_sub(removed);
    format!(
        "  File \"{file}\", line {line}\n    {stripped}\n    {}^\n{kind}: {msg}\n",
        " ".repeat(caret_col)
    )
}

/// CPython's layout for a syntax error in the main program.
pub fn format_syntax_error(
    filename: &str,
    src: &str,
    pos: usize,
    msg: &str,
    indentation: bool,
) -> String {
    let (line, col) = super::import::line_col(src, pos);
    let text = src.lines().nth(line - 1).unwrap_or("");
    let kind = if indentation {
        "IndentationError"
    } else {
        "SyntaxError"
    };
    format_syntax_error_parts(filename, line, col, text, msg, kind)
}

/// What a `:gc` collection did.
pub struct CollectReport {
    pub freed: usize,
    pub cleared: u64,
    pub callbacks: u64,
    pub dels: u64,
    pub live: usize,
}

impl Interpreter {
    /// `:gc` in the REPL: collect until quiet and report the difference.
    pub fn collect_report(&mut self) -> CollectReport {
        let before = self.with_vm(|vm| vm.st.gc.clone());
        let freed = self.collect_until_quiet();
        let after = self.with_vm(|vm| vm.st.gc.clone());
        CollectReport {
            freed,
            cleared: after.weakrefs_cleared - before.weakrefs_cleared,
            callbacks: after.callbacks_run - before.callbacks_run,
            dels: after.dels_run - before.dels_run,
            live: after.live_objects,
        }
    }

    /// `:heap`: reachable objects counted by type name, largest first.
    pub fn heap_counts(&mut self) -> Vec<(String, usize)> {
        self.with_vm(|vm| {
            let mut counts: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
            for v in vm.reachable_objects() {
                *counts.entry(vm.type_name(v)).or_insert(0) += 1;
            }
            let mut v: Vec<(String, usize)> = counts.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        })
    }

    /// Names for tab completion: globals and builtins, or the attributes of a dotted name.
    pub fn completions(&mut self, base: Option<&str>) -> Vec<String> {
        let base = base.map(|s| s.to_string());
        self.with_vm(|vm| {
            let Some(g) = vm.st.main_globals else {
                return vec![];
            };
            let names = |d: crate::runtime::value::DictRef<'_>| -> Vec<String> {
                d.borrow()
                    .keys()
                    .iter()
                    .filter_map(|k| k.as_str().map(|s| s.to_string()))
                    .collect()
            };
            match base {
                None => {
                    let mut v = names(g);
                    v.extend(names(vm.st.builtins));
                    v
                }
                Some(path) => {
                    let mut parts = path.split('.');
                    let first = parts.next().unwrap_or("");
                    let k = vm.new_str(first);
                    let Ok(mut obj) = vm.load_global(g, k) else {
                        return vec![];
                    };
                    for p in parts {
                        let name = vm.intern(p);
                        match vm.getattr(obj, name) {
                            Ok(o) => obj = o,
                            Err(_) => return vec![],
                        }
                    }
                    let dir = vm.builtins_dir(obj);
                    dir.unwrap_or_default()
                }
            }
        })
    }
}
