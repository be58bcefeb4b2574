"""Large K: facts about a K-fold expression read class by class, without expanding its sums.

- `termwise(loss, g, seconds)`: the strict or weak sign g keeps on the open domain for every target
  (the locus's equations at K = 1000: sum(exp(z_i)) > 0 from exp(z_0) > 0 once);
- `index_of(symbols)`: {symbol: position}, built once per sequence (the bound calculus asks it per term).
"""
from __future__ import annotations

import sympy as sp

from .core import guarded, sym_number
from .locus import _domain_form, _signed


def index_of(symbols) -> dict:
    """{symbol: position} of a sequence of symbols, built once per sequence (K = 1000 asks it K times;
    kept by identity, as hashing the K symbols each time would cost as much as building it)."""
    held = _INDEXES.get(id(symbols))
    if held is None or held[0] is not symbols:
        held = (symbols, {s: i for i, s in enumerate(symbols)})
        _INDEXES.clear()  # one loss at a time; the sequence itself is held, so its id is not reused
        _INDEXES[id(symbols)] = held
    return held[1]


_INDEXES: dict = {}


def termwise(loss, g, seconds: float):
    """(sign, strict): the sign g keeps on the open domain for every target, read off its structure
    without expanding its K-fold sums, or None. A sum's terms are grouped by the one class i they
    depend on (y_pred_i, y_true_i); each group renamed to class 0 is one expression whatever i, proved
    once (sympy's sign analysis with the domain as assumptions, else once per label value of y_true_0:
    every valid target has its entries among them). Then a sum of terms >= 0, one of them > 0, is > 0;
    products, powers and exp combine signs. Sound for any loss: only renaming and sign rules."""
    return _Signs(loss, seconds).sign(g)


class _Signs:
    def __init__(self, loss, seconds: float):
        self.loss, self.seconds, self.memo = loss, seconds, {}
        self.cls = {s: i for i, s in enumerate(loss.pred_symbols)}
        self.cls.update({s: i for i, s in enumerate(loss.true_symbols)})
        self.pred = _domain_form(loss.pred_domain, loss.pred_symbols[:1], "v", False)
        self.true = _domain_form(loss.target_domain, loss.true_symbols[:1], "w", True)
        dom = loss.target_domain
        values = getattr(dom, "values", None)
        onehot = values is None and not dom.on_simplex and not hasattr(dom, "lo")
        self.values = (0.0, 1.0) if onehot else tuple(values) if values is not None else ()

    def classes(self, e) -> set:
        return {self.cls[s] for s in e.free_symbols if s in self.cls}

    def canonical(self, e, i: int):
        """e (of class i alone) with class i renamed to class 0."""
        if i == 0:
            return e
        p, t = self.loss.pred_symbols, self.loss.true_symbols
        return e.xreplace({p[i]: p[0], t[i]: t[0]})

    def sign(self, e):
        if e.is_number:
            return (1, True) if e.is_positive else (-1, True) if e.is_negative else None
        if e in self.memo:
            return self.memo[e]
        out = self._sign(e)
        self.memo[e] = out
        return out

    def _sign(self, e):
        idx = self.classes(e)
        if len(idx) <= 1:
            return self.leaf(self.canonical(e, min(idx)) if idx else e)
        if isinstance(e, sp.Add):
            return self.add(e)
        if isinstance(e, sp.Mul):
            return _product([self.sign(a) for a in e.args])
        if isinstance(e, sp.Pow) and e.exp.is_number:
            return _power(self.sign(e.base), e.exp)
        if isinstance(e, sp.exp):
            return (1, True)
        return None

    def add(self, e):
        groups: dict = {}
        for a in e.args:
            idx = self.classes(a)
            key = min(idx) if len(idx) == 1 else ("rest", a)
            groups.setdefault(key, []).append(a)
        signs = {}
        for key, terms in groups.items():
            part = sp.Add(*terms)
            c = self.canonical(part, key) if not isinstance(key, tuple) else part
            if c not in signs:
                signs[c] = self.sign(c)
        return _total(list(signs.values()))

    def leaf(self, e):
        """The sign of an expression of class 0 alone (or none): symbolic, else per label value."""
        if e in self.memo:
            return self.memo[e]
        found = self._strict_sign(e.xreplace(self.true))
        if found is None and self.values and self.loss.true_symbols[0] in e.free_symbols:
            y0 = self.loss.true_symbols[0]
            found = _total_each([self._strict_sign(e.xreplace({y0: sym_number(v)})) for v in self.values])
        self.memo[e] = found
        return found

    def _strict_sign(self, e):
        e = e.xreplace(self.pred)
        return guarded(self.seconds, _ask_sign, e, default=None)


def _ask_sign(e):
    """(sign, strict) of e under its symbols' assumptions (sympy's sign analysis), or None."""
    if e.is_positive or e.is_negative:
        return (1 if e.is_positive else -1), True
    if _signed(e):  # a strict sign: the value at a point of the symbols' domain (every symbol 1) says which
        v = e.xreplace({s: sp.Integer(1) for s in e.free_symbols})
        return ((1, True) if v.is_positive else (-1, True) if v.is_negative else None)
    if e.is_nonnegative or e.is_nonpositive:
        return (1 if e.is_nonnegative else -1), False
    return None


def _product(signs):
    if any(s is None for s in signs):
        return None
    sign = 1
    for s, _ in signs:
        sign *= s
    return sign, all(strict for _, strict in signs)


def _power(base, exponent):
    if base is None:
        return None
    s, strict = base
    if exponent.is_negative and not strict:
        return None
    if exponent.is_integer:
        return (1 if int(exponent) % 2 == 0 else s), strict
    return (1, strict) if s > 0 else None


def _total(signs):
    """The sign of a sum of terms of these signs: every term >= 0 (<= 0), one strict, gives a strict sign."""
    if not signs or any(s is None for s in signs):
        return None
    first = signs[0][0]
    if any(s != first for s, _ in signs):
        return None
    return first, any(strict for _, strict in signs)


def _total_each(signs):
    """One sign holding for each of several cases (a label value each): the weakest of theirs."""
    if not signs or any(s is None for s in signs) or len({s for s, _ in signs}) != 1:
        return None
    return signs[0][0], all(strict for _, strict in signs)
