import sympy as sp, mpmath as mp
mp.mp.dps = 50
YP, YT, X = sp.symbols('y_pred y_true x', real=True)
def where(c, a, b): return sp.Piecewise((a, c), (b, True))
LOC = {"y_pred": YP, "y_true": YT, "abs": sp.Abs, "max": sp.Max, "min": sp.Min, "sign": sp.sign,
       "log1p": lambda z: sp.log(1 + z), "where": where, "E": sp.E, "pi": sp.pi, "atan": sp.atan}
def parse(s): return sp.sympify(s, locals=LOC, rational=True)

def active(e, x0):
    """analytic branch of e valid near the (generic) point x0"""
    if e.is_Atom: return e
    if isinstance(e, sp.Piecewise):
        for ex, c in e.args:
            cv = c if c in (sp.true, sp.false, True, False) else c.subs(X, x0)
            if bool(cv): return active(ex, x0)
        raise ValueError('no branch')
    if isinstance(e, sp.Abs):
        a = e.args[0]; v = sp.N(a.subs(X, x0), 60)
        if v == 0: raise ValueError('abs at 0')
        return active(a, x0) if v > 0 else -active(a, x0)
    if isinstance(e, (sp.Max, sp.Min)):
        vals = [sp.N(a.subs(X, x0), 60) for a in e.args]
        best = max(vals) if isinstance(e, sp.Max) else min(vals)
        idx = [i for i, v in enumerate(vals) if abs(v - best) < sp.Float(10)**-45 * (1 + abs(best))]
        if len(idx) > 1: raise ValueError('tie in max/min at %s' % x0)
        return active(e.args[idx[0]], x0)
    if isinstance(e, sp.sign):
        v = sp.N(e.args[0].subs(X, x0), 60); return sp.Integer(1 if v > 0 else -1 if v < 0 else 0)
    return e.func(*[active(a, x0) for a in e.args])

def mpf_fn(e):
    f = sp.lambdify(X, e, modules='mpmath')
    return lambda v: mp.mpf(f(mp.mpf(v)))
