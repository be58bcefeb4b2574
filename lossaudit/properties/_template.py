"""The one decision every property follows: applicable? -> search -> proof -> holds (sampled).

    run(module, loss, budget) -> Verdict

1. A kind outside SPEC.kinds: `not applicable`.
2. `module.search(ctx)`: a Verdict ends the decision (a re-checked counterexample,
   or an honest `unknown`); anything else is what the search learnt (the "state",
   e.g. smoothness's constant), passed on to the sentences.
3. The proof, `proof(ctx, name, prove_case, prove)`: per symbolic case
   `prove_case(ctx, case)` gives a part, or None (cannot tell: no proof), or a
   Verdict (a definite answer found while proving: ends the decision). The
   soundness guard, that the cases stand for every valid target, is applied here
   once. Vector kinds have no per-target cases: `prove(ctx)` (if the module has one)
   proves the loss as a whole. Proofs are memoised per context, so a property may
   reuse another's proof (sparsity needs convexity's).
4. `module.proved(ctx, state, parts)` (a Verdict, or None to fall back) else
   `module.sampled(ctx, state)`: `holds` by sampling, with the module's sentence.

Convention inside properties: "cannot tell" is None, never an exception.
"""
from __future__ import annotations

from ..analysis import build_context
from ..verdict import Verdict, not_applicable


def run(module, loss, budget) -> Verdict:
    spec = module.SPEC
    if not spec.applies_to(loss.kind):
        return not_applicable(spec.name, f"{spec.title} is not defined for the {loss.kind} kind.")
    ctx = build_context(loss, budget)
    state = module.search(ctx)
    if isinstance(state, Verdict):
        return state
    parts = proof(ctx, spec.name, getattr(module, "prove_case", None), getattr(module, "prove", None))
    if isinstance(parts, Verdict):
        return parts
    verdict = module.proved(ctx, state, parts) if parts else None
    return verdict or module.sampled(ctx, state)


def proof(ctx, name: str, prove_case=None, prove=None):
    """The proof parts of property `name` (a list), None when it is not proved, or a Verdict (memoised)."""
    return ctx.once(_prove, name, prove_case, prove)


def _prove(ctx, name: str, prove_case, prove):
    """name: the property, so that the memo (`ctx.once`, keyed by the arguments) keeps one proof per property."""
    if ctx.vector:
        return prove(ctx) if prove is not None and ctx.has_expression else None
    if prove_case is None or not ctx.covers_every_target():  # the soundness guard, once for every property
        return None
    parts = []
    for case in ctx.proof_cases():
        part = prove_case(ctx, case)
        if part is None or isinstance(part, Verdict):
            return part
        parts.append(part)
    return parts
