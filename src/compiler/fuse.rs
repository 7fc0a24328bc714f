//! Superinstructions: rewrites the commonest groups of two to five instructions of finished
//! code into single instructions, so the interpreter dispatches less. The longer groups over
//! locals are tried first; a group that does not match falls back to the pairs.
//!
//! Only the first instruction of a group is replaced; the rest stay as they were. A jump into
//! the middle of a group therefore still finds the original instructions, and a fused
//! instruction whose fast path fails can do just the first instruction's work and continue.
//! Each replacement is decided from the original code, so groups may overlap.

use super::code::Op;
use crate::parser::ast::{BinOp, CmpOp};

pub fn fuse(ops: &mut [Op]) {
    let orig = ops.to_vec();
    for i in 0..orig.len() {
        let next = orig.get(i + 1).copied();
        let third = orig.get(i + 2).copied();
        let fourth = orig.get(i + 3).copied();
        let numeric_cmp =
            |c: CmpOp| !matches!(c, CmpOp::Is | CmpOp::IsNot | CmpOp::In | CmpOp::NotIn);
        let local = |a: u32| a <= u16::MAX as u32;
        let fifth = orig.get(i + 4).copied();
        // `x is None` / `x is not None` and the jump on it, as JumpIfNone fuses them
        let none_test = |at: Option<Op>, cmp: Option<Op>, jump: Option<Op>| match (at, cmp, jump) {
            (
                Some(Op::LoadNone),
                Some(Op::Compare(c @ (CmpOp::Is | CmpOp::IsNot))),
                Some(jump @ (Op::PopJumpIfFalse(t) | Op::PopJumpIfTrue(t))),
            ) => {
                let jump_if_true = matches!(jump, Op::PopJumpIfTrue(_));
                Some(((c == CmpOp::Is) == jump_if_true, t))
            }
            _ => None,
        };
        let longer = match (orig[i], next) {
            (Op::LoadFast(a), Some(Op::LoadAttr(n))) if local(a) && local(n) => {
                match (third, none_test(third, fourth, fifth)) {
                    (_, Some((when, t))) => {
                        Some(Op::LocalAttrJumpIfNone(a as u16, n as u16, when, t))
                    }
                    (Some(Op::StoreFast(b)), _) if local(b) => match fourth {
                        Some(Op::Jump(t)) => {
                            Some(Op::LocalAttrStoreJump(a as u16, n as u16, b as u16, t))
                        }
                        _ => Some(Op::LocalAttrStore(a as u16, n as u16, b as u16)),
                    },
                    _ => None,
                }
            }
            (Op::LoadFast(a), Some(Op::Dup)) => {
                match (third, fourth, fifth, orig.get(i + 5..i + 7)) {
                    (
                        Some(Op::LoadAttr(n)),
                        Some(Op::LoadSmallInt(k)),
                        Some(Op::Inplace(op)),
                        Some(&[Op::Rot2, Op::StoreAttr(n2)]),
                    ) if n == n2
                        && local(a)
                        && local(n)
                        && op != BinOp::Div
                        && op != BinOp::MatMul =>
                    {
                        Some(Op::LocalAttrIntInplace(a as u16, n as u16, op, k))
                    }
                    _ => None,
                }
            }
            (Op::LoadFast(a), Some(Op::LoadSmallInt(k))) => match (third, fourth) {
                (Some(Op::Dup2), Some(Op::BinarySubscr)) => Some(Op::LocalIndexDup(a, k)),
                (Some(Op::Binary(op) | Op::Inplace(op)), Some(Op::StoreFast(b)))
                    if local(a) && local(b) && op != BinOp::Div && op != BinOp::MatMul =>
                {
                    Some(Op::LocalIntArithStore(a as u16, b as u16, op, k))
                }
                _ => None,
            },
            (Op::LoadFast(a), Some(Op::UnpackSequence(2))) => match (third, fourth) {
                (Some(Op::StoreFast(b)), Some(Op::StoreFast(c)))
                    if local(a) && local(b) && local(c) =>
                {
                    Some(Op::UnpackLocalPair(a as u16, b as u16, c as u16))
                }
                _ => None,
            },
            (Op::LoadFast(a), _) => {
                none_test(next, third, fourth).map(|(when, t)| Op::LocalJumpIfNone(a, when, t))
            }
            (Op::LoadGlobal(n), Some(Op::LoadFast(a))) => match third {
                Some(Op::Call(1)) => Some(Op::CallGlobalLocal(n, a)),
                _ => Some(Op::GlobalLocal(n, a)),
            },
            (Op::LoadGlobal(n), Some(Op::LoadMethod(m))) => Some(Op::GlobalMethod(n, m)),
            (Op::LoadGlobal(n), Some(Op::LoadSmallInt(k))) => match (third, fourth) {
                (Some(Op::Dup2), Some(Op::BinarySubscr)) => Some(Op::GlobalIndexDup(n, k)),
                _ => None,
            },
            _ => None,
        };
        if let Some(f) = longer {
            ops[i] = f;
            continue;
        }
        if let (Some(Op::Compare(c)), Some(Op::PopJumpIfFalse(t))) = (third, fourth) {
            let fused = match (orig[i], next) {
                (Op::LoadFast(a), Some(Op::LoadFast(b))) if local(a) && local(b) => {
                    Some(Op::LocalsCompareJump(a as u16, b as u16, c, t))
                }
                (Op::LoadFast(a), Some(Op::LoadSmallInt(k))) if local(a) => {
                    Some(Op::LocalIntCompareJump(a as u16, k, c, t))
                }
                _ => None,
            };
            if let Some(f) = fused.filter(|_| numeric_cmp(c)) {
                ops[i] = f;
                continue;
            }
        }
        let fused = match (orig[i], next, third) {
            (Op::Jump(t), _, _) if matches!(orig.get(t as usize), Some(Op::ForIter(_))) => {
                Some(Op::JumpForIter(t))
            }
            (Op::LoadNone, Some(Op::Return), _) => Some(Op::ReturnNone),
            (Op::LoadConst(i), Some(Op::Return), _) => Some(Op::ReturnConst(i)),
            (Op::LoadSmallInt(k), Some(Op::Return), _) => Some(Op::ReturnSmallInt(k)),
            (Op::LoadNone, _, _) => {
                none_test(Some(orig[i]), next, third).map(|(when, t)| Op::JumpIfNone(when, t))
            }
            (Op::LoadFast(a), Some(Op::LoadFast(b)), Some(Op::Binary(op) | Op::Inplace(op)))
                if op != BinOp::MatMul && local(a) && local(b) =>
            {
                Some(Op::LoadFastBinary(a as u16, b as u16, op))
            }
            (Op::LoadFast(a), Some(Op::LoadFast(b)), Some(Op::StoreAttr(n)))
                if local(a) && local(b) =>
            {
                Some(Op::LocalsStoreAttr(a as u16, b as u16, n))
            }
            (Op::LoadFast(a), Some(Op::LoadFast(b)), _) => Some(Op::LoadFast2(a, b)),
            (Op::StoreFast(a), Some(Op::StoreFast(b)), _) => Some(Op::StoreFast2(a, b)),
            (Op::LoadFast(a), Some(Op::LoadAttr(n)), _) => Some(Op::LoadFastAttr(a, n)),
            (Op::LoadFast(a), Some(Op::LoadMethod(n)), Some(Op::CallMethod(0))) => {
                Some(Op::CallLocalMethod0(a, n))
            }
            (Op::LoadFast(a), Some(Op::LoadMethod(n)), _) => Some(Op::LocalMethod(a, n)),
            (Op::CallMethod(argc), Some(Op::Pop), _) => Some(Op::CallMethodPop(argc)),
            (Op::LoadFast(a), Some(Op::Return), _) => Some(Op::ReturnLocal(a)),
            (Op::LoadSmallInt(k), Some(Op::Binary(op) | Op::Inplace(op)), _)
                if op != BinOp::Div && op != BinOp::MatMul =>
            {
                Some(Op::SmallIntArith(op, k))
            }
            (Op::Compare(c), Some(Op::PopJumpIfFalse(t)), _) => Some(Op::CompareJumpIfFalse(c, t)),
            (Op::Dup2, Some(Op::BinarySubscr), _) => Some(Op::Dup2Subscr),
            (Op::Inplace(op), Some(Op::Rot3), Some(Op::StoreSubscr)) => {
                Some(Op::InplaceStoreSubscr(op))
            }
            (Op::Rot3, Some(Op::StoreSubscr), _) => Some(Op::Rot3StoreSubscr),
            _ => None,
        };
        if let Some(f) = fused {
            ops[i] = f;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_fused_from_the_original_code() {
        let mut ops = vec![
            Op::LoadFast(0),
            Op::LoadFast(1),
            Op::LoadFast(2),
            Op::LoadNone,
            Op::Compare(CmpOp::IsNot),
            Op::PopJumpIfFalse(9),
            Op::Return,
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::LoadFast2(0, 1));
        assert_eq!(ops[1], Op::LoadFast2(1, 2));
        // `is not None` then jump-if-false: jumps when the value is None
        assert_eq!(ops[2], Op::LocalJumpIfNone(2, true, 9));
        assert_eq!(ops[3], Op::JumpIfNone(true, 9));
        assert_eq!(ops[4], Op::CompareJumpIfFalse(CmpOp::IsNot, 9));
        assert_eq!(ops[5], Op::PopJumpIfFalse(9));
    }

    #[test]
    fn numeric_compare_and_jump_fuse_into_one() {
        let mut ops = vec![
            Op::LoadFast(0),
            Op::LoadFast(1),
            Op::Compare(CmpOp::Lt),
            Op::PopJumpIfFalse(9),
            Op::LoadFast(0),
            Op::LoadSmallInt(2),
            Op::Compare(CmpOp::GtE),
            Op::PopJumpIfFalse(9),
            Op::LoadFast(0),
            Op::LoadFast(1),
            Op::Compare(CmpOp::Is),
            Op::PopJumpIfFalse(9),
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::LocalsCompareJump(0, 1, CmpOp::Lt, 9));
        assert_eq!(ops[2], Op::CompareJumpIfFalse(CmpOp::Lt, 9));
        assert_eq!(ops[4], Op::LocalIntCompareJump(0, 2, CmpOp::GtE, 9));
        assert_eq!(ops[8], Op::LoadFast2(0, 1));
        assert_eq!(std::mem::size_of::<Op>(), 12);
    }

    #[test]
    fn returns_and_method_loads_on_locals_fuse() {
        let mut ops = vec![
            Op::LoadFast(3),
            Op::LoadMethod(7),
            Op::CallMethod(0),
            Op::Pop,
            Op::LoadFast(1),
            Op::Return,
            Op::LoadNone,
            Op::Return,
        ];
        fuse(&mut ops);
        // with no arguments the call joins too
        assert_eq!(ops[0], Op::CallLocalMethod0(3, 7));
        assert_eq!(ops[1], Op::LoadMethod(7));
        assert_eq!(ops[2], Op::CallMethodPop(0));
        assert_eq!(ops[4], Op::ReturnLocal(1));
        assert_eq!(ops[5], Op::Return);
        assert_eq!(ops[6], Op::ReturnNone);
        assert_eq!(ops[7], Op::Return);
    }

    #[test]
    fn global_calls_unpacking_and_constant_returns_fuse() {
        let mut ops = vec![
            // f(x)
            Op::LoadGlobal(4),
            Op::LoadFast(0),
            Op::Call(1),
            // g(y, 1)
            Op::LoadGlobal(5),
            Op::LoadFast(1),
            Op::LoadSmallInt(1),
            Op::Call(2),
            // a, b = t
            Op::LoadFast(2),
            Op::UnpackSequence(2),
            Op::StoreFast(3),
            Op::StoreFast(4),
            Op::LoadConst(0),
            Op::Return,
            Op::LoadSmallInt(1),
            Op::Return,
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::CallGlobalLocal(4, 0));
        assert_eq!(ops[1], Op::LoadFast(0));
        assert_eq!(ops[3], Op::GlobalLocal(5, 1));
        assert_eq!(ops[7], Op::UnpackLocalPair(2, 3, 4));
        assert_eq!(ops[8], Op::UnpackSequence(2));
        assert_eq!(ops[9], Op::StoreFast2(3, 4));
        assert_eq!(ops[11], Op::ReturnConst(0));
        assert_eq!(ops[13], Op::ReturnSmallInt(1));
    }

    #[test]
    fn method_calls_and_loop_steps_fuse() {
        let mut ops = vec![
            // p = p.link, ending a loop body
            Op::LoadFast(0),
            Op::LoadAttr(1),
            Op::StoreFast(0),
            Op::Jump(0),
            // q.m()
            Op::LoadFast(2),
            Op::LoadMethod(3),
            Op::CallMethod(0),
            // q.m(x) as a statement
            Op::LoadFast(2),
            Op::LoadMethod(3),
            Op::LoadFast(0),
            Op::CallMethod(1),
            Op::Pop,
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::LocalAttrStoreJump(0, 1, 0, 0));
        assert_eq!(ops[4], Op::CallLocalMethod0(2, 3));
        assert_eq!(ops[7], Op::LocalMethod(2, 3));
        assert_eq!(ops[10], Op::CallMethodPop(1));
        assert_eq!(ops[11], Op::Pop);
    }

    #[test]
    fn method_loads_and_indexing_of_globals_fuse() {
        let mut ops = vec![
            // registry.add(x)
            Op::LoadGlobal(0),
            Op::LoadMethod(1),
            Op::LoadFast(0),
            Op::CallMethod(1),
            // counts[0] += 1
            Op::LoadGlobal(2),
            Op::LoadSmallInt(0),
            Op::Dup2,
            Op::BinarySubscr,
            // g[1]: no augmented assignment
            Op::LoadGlobal(2),
            Op::LoadSmallInt(1),
            Op::BinarySubscr,
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::GlobalMethod(0, 1));
        assert_eq!(ops[1], Op::LoadMethod(1));
        assert_eq!(ops[4], Op::GlobalIndexDup(2, 0));
        assert_eq!(ops[6], Op::Dup2Subscr);
        assert_eq!(ops[8], Op::LoadGlobal(2));
    }

    #[test]
    fn a_jump_back_to_a_for_loop_takes_its_next_item() {
        let mut ops = vec![
            Op::GetIter,
            Op::ForIter(5),
            Op::StoreFast(0),
            Op::Jump(1),
            Op::Jump(0),
            Op::Return,
        ];
        fuse(&mut ops);
        assert_eq!(ops[3], Op::JumpForIter(1));
        assert_eq!(ops[4], Op::Jump(0));
    }

    #[test]
    fn two_locals_and_arithmetic_fuse_into_one() {
        let mut ops = vec![
            Op::LoadFast(0),
            Op::LoadFast(1),
            Op::Binary(BinOp::Mul),
            Op::LoadFast(2),
            Op::LoadFast(3),
            Op::Binary(BinOp::MatMul),
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::LoadFastBinary(0, 1, BinOp::Mul));
        assert_eq!(ops[1], Op::LoadFast(1));
        assert_eq!(ops[2], Op::Binary(BinOp::Mul));
        assert_eq!(ops[3], Op::LoadFast2(2, 3));
    }

    #[test]
    fn local_groups_fuse_into_one() {
        let mut ops = vec![
            // p = p.link
            Op::LoadFast(0),
            Op::LoadAttr(1),
            Op::StoreFast(0),
            // while p.link is not None
            Op::LoadFast(0),
            Op::LoadAttr(1),
            Op::LoadNone,
            Op::Compare(CmpOp::IsNot),
            Op::PopJumpIfFalse(20),
            // i += 1
            Op::LoadFast(2),
            Op::LoadSmallInt(1),
            Op::Inplace(BinOp::Add),
            Op::StoreFast(2),
            // if p is None
            Op::LoadFast(0),
            Op::LoadNone,
            Op::Compare(CmpOp::Is),
            Op::PopJumpIfFalse(20),
            // v[0] += i
            Op::LoadFast(3),
            Op::LoadSmallInt(0),
            Op::Dup2,
            Op::BinarySubscr,
            Op::LoadFast(2),
            Op::Inplace(BinOp::Add),
            Op::Rot3,
            Op::StoreSubscr,
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::LocalAttrStore(0, 1, 0));
        assert_eq!(ops[1], Op::LoadAttr(1));
        assert_eq!(ops[3], Op::LocalAttrJumpIfNone(0, 1, true, 20));
        assert_eq!(ops[5], Op::JumpIfNone(true, 20));
        assert_eq!(ops[8], Op::LocalIntArithStore(2, 2, BinOp::Add, 1));
        assert_eq!(ops[9], Op::SmallIntArith(BinOp::Add, 1));
        // `is None` then jump-if-false: jumps when the value is not None
        assert_eq!(ops[12], Op::LocalJumpIfNone(0, false, 20));
        assert_eq!(ops[16], Op::LocalIndexDup(3, 0));
        assert_eq!(ops[18], Op::Dup2Subscr);
        assert_eq!(ops[21], Op::InplaceStoreSubscr(BinOp::Add));
        assert_eq!(ops[22], Op::Rot3StoreSubscr);
    }

    #[test]
    fn a_store_of_a_local_into_a_local_s_attribute_is_one_instruction() {
        // `self.x = x`, then `self.y = None`, whose value is not a local
        let mut ops = vec![
            Op::LoadFast(1),
            Op::LoadFast(0),
            Op::StoreAttr(0),
            Op::LoadNone,
            Op::LoadFast(0),
            Op::StoreAttr(1),
        ];
        fuse(&mut ops);
        assert_eq!(ops[0], Op::LocalsStoreAttr(1, 0, 0));
        assert_eq!(ops[1], Op::LoadFast(0));
        assert_eq!(ops[2], Op::StoreAttr(0));
        assert_eq!(ops[4], Op::LoadFast(0));
    }

    #[test]
    fn an_augmented_attribute_assignment_by_a_small_int_is_one_instruction() {
        // `self.count += 1` as the compiler emits it, storing back to attribute `store`
        let add_one = |store| {
            [
                Op::LoadFast(0),
                Op::Dup,
                Op::LoadAttr(3),
                Op::LoadSmallInt(1),
                Op::Inplace(BinOp::Add),
                Op::Rot2,
                Op::StoreAttr(store),
            ]
        };
        // the second stores to another name than it read: not fused
        let mut ops = [add_one(3), add_one(4)].concat();
        fuse(&mut ops);
        assert_eq!(ops[0], Op::LocalAttrIntInplace(0, 3, BinOp::Add, 1));
        assert_eq!(ops[1], Op::Dup);
        assert_eq!(ops[7], Op::LoadFast(0));
    }
}
