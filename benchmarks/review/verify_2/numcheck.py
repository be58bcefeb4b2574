# Path 2: 50-digit mpmath on the ORIGINAL expression (lambdified Piecewise/Max/Min), no branch selection.
import sys
sys.path.insert(0, '/work/review2/scratch')
from lib import *
from specs import SPECS
mp.mp.dps = 50
def grid(s, y):
    kind = s['kind']; bps = [mp.mpf(sp.N(sp.sympify(b), 55).__str__()) for b in s['bps'](y)]
    P = set()
    if kind in ('regression', 'margin'):
        c = mp.mpf(y) if kind == 'regression' else mp.mpf(0)
        for k in range(-120, 121):
            for sg in (1, -1): P.add(c + sg * mp.mpf(10) ** (mp.mpf(k) / 8))
        P.add(c)
        for k in range(-400, 401): P.add(c + mp.mpf(k) / 20)
    elif kind == 'probability':
        for k in range(1, 300): P.add(mp.mpf(10) ** (-mp.mpf(k) / 10)); P.add(1 - mp.mpf(10) ** (-mp.mpf(k) / 10))
        for k in range(1, 1000): P.add(mp.mpf(k) / 1000)
    else:
        for k in range(-300, 301): P.add(mp.mpf(10) ** (mp.mpf(k) / 10))
        yy = mp.mpf(sp.N(y, 55).__str__())
        if yy > 0:
            for j in range(2, 40): P.add(yy + mp.mpf(10) ** -(mp.mpf(j) / 2)); P.add(yy - mp.mpf(10) ** -(mp.mpf(j) / 2))
            P.add(yy)
    for b in bps:
        for j in range(3, 45):
            P.add(b + mp.mpf(10) ** -(mp.mpf(j) / 2)); P.add(b - mp.mpf(10) ** -(mp.mpf(j) / 2))
        P.add(b)
    lo, hi = s['dom']
    P = sorted(p for p in P if (lo == -sp.oo or p > lo) and (hi == sp.oo or p < hi))
    return P
def run(s):
    out = []
    for y in s['targets']:
        e = parse(s['expr']).subs(YT, y).subs(YP, X); L = mpf_fn(e)
        P = grid(s, y); V = [L(p) for p in P]
        tol = lambda v: mp.mpf(10) ** -40 * (1 + abs(v))
        # convexity: discrete
        worst = None
        for i in range(1, len(P) - 1):
            x0, x1, x2 = P[i - 1], P[i], P[i + 1]; t = (x2 - x1) / (x2 - x0)
            gap = V[i] - (t * V[i - 1] + (1 - t) * V[i + 1])
            if gap > tol(V[i]) and (worst is None or gap / (x2 - x0) > worst[0]): worst = (gap / (x2 - x0), x1)
        # monotonicity
        kind = s['kind']; viol = None
        if kind == 'margin':
            for i in range(len(P) - 1):
                m0, m1 = y * P[i], y * P[i + 1]
                a, b = (i, i + 1) if m1 > m0 else (i + 1, i)   # a: smaller margin
                if V[b] > V[a] + tol(V[a]): viol = (P[a], P[b], V[b] - V[a]); break
        else:
            yi = mp.mpf(sp.N(y, 55).__str__())
            for i in range(len(P) - 1):
                if P[i + 1] <= yi and V[i + 1] > V[i] + tol(V[i]): viol = ('below', P[i], P[i + 1], V[i + 1] - V[i]); break
                if P[i] >= yi and V[i] > V[i + 1] + tol(V[i]): viol = ('above', P[i + 1], P[i], V[i] - V[i + 1]); break
        # curvature and gradient
        curv = max(abs(2 * ((V[i + 1] - V[i]) / (P[i + 1] - P[i]) - (V[i] - V[i - 1]) / (P[i] - P[i - 1])) / (P[i + 1] - P[i - 1])) for i in range(1, len(P) - 1))
        grads = [(P[i + 1] - P[i], (V[i + 1] - V[i]) / (P[i + 1] - P[i])) for i in range(len(P) - 1)]
        gmax = max(abs(g) for _, g in grads)
        # gross-error gradients
        if kind == 'regression': far = [mp.mpf(y) + sg * mp.mpf(10) ** k for k in (3, 6, 12, 24) for sg in (1, -1)]
        elif kind == 'margin': far = [-y * mp.mpf(10) ** k for k in (3, 6, 12, 24)]
        elif kind == 'probability': far = [mp.mpf(1 - y) + (1 if y == 1 else -1) * mp.mpf(10) ** -k for k in (3, 6, 12, 24)]
        else: far = [mp.mpf(10) ** k for k in (3, 6, 12, 24)]
        fg = [mp.nstr(mp.diff(L, p, h=mp.mpf(10) ** -30 * max(1, abs(p))) if True else 0, 6) for p in far]
        out.append(dict(y=y, nonconvex_at=(mp.nstr(worst[1], 12) if worst else None), mono_viol=(tuple(mp.nstr(v, 15) for v in viol[1:]) if viol and kind != 'margin' else (tuple(mp.nstr(v, 15) for v in viol) if viol else None)),
                        max_curv=mp.nstr(curv, 6), max_grad=mp.nstr(gmax, 6), far_grads=fg, min_val=mp.nstr(min(V), 12), argmin=mp.nstr(P[V.index(min(V))], 12)))
    return out
if __name__ == '__main__':
    only = sys.argv[1:]
    for s in SPECS:
        if only and s['id'] not in only: continue
        print('==', s['id'])
        for r in run(s): print('  ', r)
