"""Shared symbolic machinery: derivatives, pieces, one-sided limits, sign proofs, DCP rules.

Everything here runs under `timeouts.deadline`; a timeout is an answer ("could
not prove"), never a hang. Results are sympy numbers or None (cannot tell);
inside the package "cannot tell" travels as `Undecided` until a public function
turns it into None. The property modules ask small questions of this package and
never call sympy's heavy machinery (simplify, limit, solveset) directly.

    core      the symbol X, exact numbers, derivatives, guarded calls, signs, Undecided
    compile   numeric functions: stable float64 forms with an mpmath fallback
    cases     x -> L(x, y) per target, for every target, along a line
    pieces    breakpoints and the smooth expression on each piece
    limits    one-sided limits and the one-sided derivatives at breakpoints
    signs     proofs that an expression is nonnegative on an interval
    dcp       curvature from atom facts and one composition rule
"""
import sympy as sp  # noqa: F401 - callers reach sympy as S.sp

from .cases import (Case, concrete_case, domain_variable, line_case, shifted_case, symbolic_cases,
                    target_value, translation_invariant, vector_proof_forms)
from .compile import (MP_POINT_SECONDS, MPMATH_FALLBACK_LIMIT, MPMATH_FALLBACK_SECONDS, MPMATH_FUNCTIONS,
                      NUMPY_FUNCTIONS, compilable, compile_numeric, lse, log1p_, logcosh, mp_evaluator,
                      softplus)
from .core import (DEFAULT_STEP_SECONDS, Undecided, X, derivative, derivative_in, exactify, guarded,
                   is_finite_number, is_finite_value, show, sign_of, strip_distributions, sym_number,
                   to_float)
from .dcp import AFFINE, CONCAVE, CONSTANT, CONVEX, Curvature, curvature
from .limits import breakpoint_orders, one_sided, same_value
from .pieces import Piece, Structure, representative, resolve, structure, value_at
from .signs import prove_nonnegative

__all__ = [
    "AFFINE", "CONCAVE", "CONSTANT", "CONVEX", "DEFAULT_STEP_SECONDS", "MPMATH_FALLBACK_LIMIT",
    "MPMATH_FALLBACK_SECONDS", "MPMATH_FUNCTIONS", "MP_POINT_SECONDS", "NUMPY_FUNCTIONS", "X",
    "Case", "Curvature", "Piece", "Structure", "Undecided",
    "breakpoint_orders", "compilable", "compile_numeric", "concrete_case", "curvature", "derivative",
    "derivative_in", "domain_variable", "exactify", "guarded", "is_finite_number", "is_finite_value",
    "line_case", "log1p_", "logcosh", "lse", "mp_evaluator", "one_sided", "prove_nonnegative",
    "representative", "resolve", "same_value", "shifted_case", "show", "sign_of", "softplus",
    "strip_distributions", "structure", "sym_number", "symbolic_cases", "target_value", "to_float",
    "translation_invariant", "value_at", "vector_proof_forms",
]
