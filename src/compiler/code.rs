//! Bytecode: the instruction set and the code objects the compiler produces.
//! Code objects live outside the GC heap; the VM materializes their constants once per code.

use crate::parser::ast::{BinOp, CmpOp, UnaryOp};
use num_bigint::BigInt;
use std::rc::Rc;

/// One instruction. Operands are indices into the code's tables or jump targets (instruction indices).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Nop,
    Pop,
    Dup,
    Dup2,
    Rot2,
    Rot3,
    LoadConst(u32),
    LoadSmallInt(i32),
    LoadNone,
    LoadTrue,
    LoadFalse,
    LoadFast(u32),
    StoreFast(u32),
    DeleteFast(u32),
    /// Loads the value held in cell slot `n` (cellvars then freevars).
    LoadDeref(u32),
    StoreDeref(u32),
    DeleteDeref(u32),
    /// Pushes the cell object itself (to build a closure).
    LoadClosure(u32),
    /// In a class body: the class namespace first, then the cell.
    LoadClassDeref(u32, u32),
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    LoadName(u32),
    StoreName(u32),
    DeleteName(u32),
    LoadAttr(u32),
    StoreAttr(u32),
    DeleteAttr(u32),
    /// Pushes `[method, self]` when the attribute is a plain function on the class, else `[attr, NULL]`.
    LoadMethod(u32),
    CallMethod(u32),
    BinarySubscr,
    StoreSubscr,
    DeleteSubscr,
    Binary(BinOp),
    Inplace(BinOp),
    Unary(UnaryOp),
    Compare(CmpOp),
    Jump(u32),
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    GetIter,
    ForIter(u32),
    BuildTuple(u32),
    BuildList(u32),
    /// `n` items, or'd with `SET_OF_CONSTANTS` when all are constants (more than two).
    BuildSet(u32),
    BuildMap(u32),
    BuildSlice(u32),
    BuildString(u32),
    ListAppend(u32),
    SetAdd(u32),
    MapAdd(u32),
    ListExtend(u32),
    SetUpdate(u32),
    DictUpdate(u32),
    /// Like DictUpdate but rejects duplicate keys (for `f(**a, **b)`).
    DictMerge(u32),
    ListToTuple,
    UnpackSequence(u32),
    UnpackEx(u32, u32),
    /// Operand: conversion (0 none, 1 str, 2 repr, 3 ascii) | 4 if a format spec is on the stack.
    FormatValue(u32),
    /// Operand bits: 1 defaults tuple, 2 kw-defaults dict, 8 closure tuple. Code and qualname on TOS.
    MakeFunction(u32),
    Call(u32),
    /// The last item on the stack is a tuple of keyword names for the last arguments.
    CallKw(u32),
    /// `f(*args, **kwargs)`: operand 1 when a kwargs dict is present.
    CallEx(u32),
    Return,
    YieldValue,
    YieldFrom,
    GetYieldFromIter,
    /// 0: re-raise current, 1: raise TOS, 2: raise TOS1 from TOS.
    Raise(u32),
    Reraise,
    /// Pushes a handler block: an exception jumps to the operand with the stack cut back.
    SetupExcept(u32),
    PopBlock,
    PushExcInfo,
    PopExcept,
    CheckExcMatch,
    BeforeWith,
    WithExitNormal,
    WithExceptStart,
    LoadBuildClass,
    ImportName(u32),
    ImportFrom(u32),
    ImportStar,
    LoadAssertionError,
    /// REPL: print repr of TOS if not None and bind `_`.
    PrintExpr,
    SetupAnnotations,
    /// Stores TOS into `__annotations__[name]` of the current namespace.
    StoreAnnotation(u32),

    // Superinstructions, written over the first of the instructions they stand for by
    // `compiler/fuse.rs`. The originals after it stay in place: a fused instruction ends by
    // skipping them, or, when its fast path does not apply, does only the first instruction's
    // work and lets the next one run.
    /// LoadFast a; LoadFast b.
    LoadFast2(u32, u32),
    /// LoadFast a; LoadFast b; Binary or Inplace op — numbers computed without the stack.
    LoadFastBinary(u16, u16, BinOp),
    /// LoadFast a; LoadFast b; Compare; PopJumpIfFalse t — numbers compared without the stack.
    LocalsCompareJump(u16, u16, CmpOp, u32),
    /// LoadFast a; LoadSmallInt k; Compare; PopJumpIfFalse t.
    LocalIntCompareJump(u16, i32, CmpOp, u32),
    /// StoreFast a; StoreFast b.
    StoreFast2(u32, u32),
    /// LoadFast a; LoadAttr name.
    LoadFastAttr(u32, u32),
    /// LoadSmallInt k; Binary(op) or Inplace(op).
    SmallIntArith(BinOp, i32),
    /// LoadFast a; LoadSmallInt k; Binary or Inplace op; StoreFast b — `i += 1` on an int.
    LocalIntArithStore(u16, u16, BinOp, i32),
    /// LoadFast a; Dup; LoadAttr name; LoadSmallInt k; Inplace op; Rot2; StoreAttr name —
    /// `self.count += 1`.
    LocalAttrIntInplace(u16, u16, BinOp, i32),
    /// LoadFast a; LoadFast b; StoreAttr name — `p.link = q`.
    LocalsStoreAttr(u16, u16, u32),
    /// LoadFast a; LoadAttr name; StoreFast b — `p = p.link`.
    LocalAttrStore(u16, u16, u16),
    /// LoadFast a; LoadAttr name; then what JumpIfNone(when_none, t) stands for —
    /// `while p.link is not None`.
    LocalAttrJumpIfNone(u16, u16, bool, u32),
    /// LoadFast a; then what JumpIfNone(when_none, t) stands for — `if p is None`.
    LocalJumpIfNone(u32, bool, u32),
    /// Compare(op); PopJumpIfFalse(target).
    CompareJumpIfFalse(CmpOp, u32),
    /// LoadNone; Compare(Is or IsNot); PopJumpIfFalse or PopJumpIfTrue: pops TOS and jumps
    /// when it is None (`true`) or when it is not (`false`).
    JumpIfNone(bool, u32),
    /// Dup2; BinarySubscr.
    Dup2Subscr,
    /// Jump t, where t is a loop's ForIter: a list or range iterator's next item is taken
    /// here, and the loop body entered without dispatching the ForIter.
    JumpForIter(u32),
    /// LoadFast a; LoadSmallInt k; Dup2; BinarySubscr — the start of `v[0] += x`.
    LocalIndexDup(u32, i32),
    /// Inplace(op); Rot3; StoreSubscr — the end of `v[0] += x`.
    InplaceStoreSubscr(BinOp),
    /// Rot3; StoreSubscr.
    Rot3StoreSubscr,
    /// LoadNone; Return.
    ReturnNone,
    /// LoadFast a; Return.
    ReturnLocal(u32),
    /// LoadFast a; LoadMethod name — `p.m(...)` on a local, through the LoadMethod's cache.
    LocalMethod(u32, u32),
    /// LoadGlobal name; LoadFast a.
    GlobalLocal(u32, u32),
    /// LoadGlobal name; LoadFast a; Call(1) — `f(x)`, a global function of a local.
    CallGlobalLocal(u32, u32),
    /// LoadFast a; UnpackSequence(2); StoreFast b; StoreFast c — `x, y = t` of a local pair.
    UnpackLocalPair(u16, u16, u16),
    /// LoadFast a; LoadAttr name; StoreFast b; Jump t — `p = p.link` ending a loop body.
    LocalAttrStoreJump(u16, u16, u16, u32),
    /// LoadFast a; LoadMethod name; CallMethod(0) — `p.m()` on a local.
    CallLocalMethod0(u32, u32),
    /// CallMethod(argc); Pop — a method call whose result is dropped, as a statement.
    CallMethodPop(u32),
    /// LoadConst i; Return.
    ReturnConst(u32),
    /// LoadSmallInt k; Return.
    ReturnSmallInt(i32),
    /// LoadGlobal name; LoadMethod method — `g.m(...)` on a global: a module's function or
    /// a method of a global object.
    GlobalMethod(u32, u32),
    /// LoadGlobal name; LoadSmallInt k; Dup2; BinarySubscr — the start of `g[0] += x`.
    GlobalIndexDup(u32, i32),
}

/// A compile-time constant.
#[derive(Clone, Debug)]
pub enum Const {
    None,
    Bool(bool),
    Ellipsis,
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
    Complex(f64, f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Rc<[Const]>),
    Code(Rc<Code>),
}

/// BuildSet's flag for a display of constants, which CPython builds from a frozenset.
pub const SET_OF_CONSTANTS: u32 = 1 << 31;

pub const CO_GENERATOR: u32 = 1;
pub const CO_VARARGS: u32 = 2;
pub const CO_VARKEYWORDS: u32 = 4;
/// Names resolve through a namespace dict (module and class bodies).
pub const CO_NAMESPACE: u32 = 8;

#[derive(Debug, Default)]
pub struct Code {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub filename: Rc<str>,
    pub first_line: u32,
    pub ops: Vec<Op>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub consts: Vec<Const>,
    pub names: Vec<Rc<str>>,
    pub varnames: Vec<Rc<str>>,
    pub cellvars: Vec<Rc<str>>,
    pub freevars: Vec<Rc<str>>,
    /// For each cellvar that is also a parameter: (cell index, argument slot).
    pub cell_args: Vec<(u32, u32)>,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: u32,
    pub nlocals: u32,
    pub docstring: Option<Rc<str>>,
}

impl Code {
    pub fn is_generator(&self) -> bool {
        self.flags & CO_GENERATOR != 0
    }

    pub fn line_at(&self, ip: usize) -> u32 {
        self.lines.get(ip).copied().unwrap_or(self.first_line)
    }

    /// See `CodeObj::plain_argc`.
    pub fn plain_argc(&self) -> u32 {
        let plain = self.kwonly == 0
            && self.flags & (CO_VARARGS | CO_VARKEYWORDS | CO_GENERATOR) == 0
            && self.cellvars.is_empty()
            && self.freevars.is_empty();
        if plain { self.argcount } else { u32::MAX }
    }

    /// Number of value-stack slots a frame of this code reserves before its operand stack.
    pub fn frame_slots(&self) -> usize {
        self.nlocals as usize + self.cellvars.len() + self.freevars.len()
    }
}
