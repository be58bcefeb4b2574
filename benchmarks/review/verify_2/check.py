import sys, json
sys.path.insert(0, '/work/review2/scratch')
from lib import *
from specs import SPECS
oo = sp.oo

def pts_in(a, b):
    a_, b_ = (sp.N(a, 60) if a != -oo else None), (sp.N(b, 60) if b != oo else None)
    out = []
    if a_ is not None and b_ is not None:
        w = b_ - a_
        out += [a_ + w * k / 41 for k in range(1, 41)]
        out += [a_ + w * sp.Float(10, 60)**-j for j in range(2, 30, 3)] + [b_ - w * sp.Float(10, 60)**-j for j in range(2, 30, 3)]
    elif a_ is None and b_ is None:
        out += [s * sp.Float(10, 60)**(sp.Float(j, 60) / 4) for s in (1, -1) for j in range(-40, 100)]
        out += [sp.Float(0)]
    elif a_ is None:
        out += [b_ - sp.Float(10, 60)**(sp.Float(j, 60) / 4) for j in range(-100, 100)]
    else:
        out += [a_ + sp.Float(10, 60)**(sp.Float(j, 60) / 4) for j in range(-100, 100)]
    return out

def analyse(sp_, y):
    e = parse(sp_['expr']).subs(YT, y).subs(YP, X)
    lo, hi = sp_['dom']
    bps = sorted([b for b in sp_['bps'](y) if (lo == -oo or b > lo) and (hi == oo or b < hi)], key=lambda v: float(v))
    edges = [lo] + bps + [hi]
    ints = []
    for a, b in zip(edges[:-1], edges[1:]):
        if a == -oo and b == oo: s = sp.Rational(1, 7)
        elif a == -oo: s = b - 1 if b - 1 > lo or lo == -oo else (b + lo) / 2
        elif b == oo: s = a + 1
        else: s = (a + b) / 2
        f = active(e, s)
        ints.append((a, b, f))
    res = {'y': y, 'bps': [], 'ints': []}
    for i, b in enumerate(bps):
        fl, fr = ints[i][2], ints[i + 1][2]
        Lb = e.subs(X, b)
        vl, vr = sp.limit(fl, X, b, '-'), sp.limit(fr, X, b, '+')
        dl = sp.limit(sp.diff(fl, X), X, b, '-'); dr = sp.limit(sp.diff(fr, X), X, b, '+')
        d2l = sp.limit(sp.diff(fl, X, 2), X, b, '-'); d2r = sp.limit(sp.diff(fr, X, 2), X, b, '+')
        cont = sp.simplify(vl - Lb) == 0 and sp.simplify(vr - Lb) == 0
        if not cont:  # fall back to 55-digit check, print the gap
            gap = (sp.N(vl - Lb, 55), sp.N(vr - Lb, 55))
        else: gap = (0, 0)
        res['bps'].append(dict(b=b, cont=cont, gap=gap, dl=sp.nsimplify(sp.simplify(dl)), dr=sp.simplify(dr), d2l=sp.simplify(d2l), d2r=sp.simplify(d2r)))
    for a, b, f in ints:
        d1, d2 = sp.diff(f, X), sp.diff(f, X, 2)
        g1, g2 = mpf_fn(d1), mpf_fn(d2)
        P = pts_in(a, b)
        v1 = [g1(p) for p in P]; v2 = [g2(p) for p in P]
        lim2 = [sp.limit(d2, X, a, '+') if a != -oo else sp.limit(d2, X, -oo), sp.limit(d2, X, b, '-') if b != oo else sp.limit(d2, X, oo)]
        lim1 = [sp.limit(d1, X, a, '+') if a != -oo else sp.limit(d1, X, -oo), sp.limit(d1, X, b, '-') if b != oo else sp.limit(d1, X, oo)]
        res['ints'].append(dict(a=a, b=b, f=f, d1min=min(v1), d1max=max(v1), d2min=min(v2), d2max=max(v2), lim1=lim1, lim2=lim2))
    return res, e

def fmt(v):
    try: return sp.nsimplify(v) if v.is_Rational else sp.N(v, 8)
    except Exception: return v

def numeric_path(sp_, y):
    e = parse(sp_['expr']).subs(YT, y).subs(YP, X); L = mpf_fn(e)
    out = {}
    lo, hi = sp_['dom']
    for b in map(sp.sympify, sp_["bps"](y)):
        if (lo != -oo and b <= lo) or (hi != oo and b >= hi): continue
        bb = mp.mpf(sp.N(b, 60).__str__()) if not b.is_Rational else mp.mpf(b.p) / b.q
        h = mp.mpf('1e-28')
        out[str(b)] = (mp.nstr((L(bb + h) - L(bb)) / h, 10), mp.nstr((L(bb) - L(bb - h)) / h, 10))
    return out, L

if __name__ == '__main__':
    only = sys.argv[1:]
    for s in SPECS:
        if only and s['id'] not in only: continue
        print('=' * 30, s['id'], s['expr'], s['kind'])
        for y in s['targets']:
            r, e = analyse(s, y)
            print(' target y =', y)
            for bp in r['bps']:
                print('   bp %s: cont=%s gap=%s  L\'-=%s L\'+=%s  L\'\'-=%s L\'\'+=%s' % (fmt(bp['b']), bp['cont'], bp['gap'], fmt(bp['dl']), fmt(bp['dr']), fmt(bp['d2l']), fmt(bp['d2r'])))
            for it in r['ints']:
                print('   (%s,%s): f=%s\n      L\' in [%s,%s] ends %s ; L\'\' in [%s,%s] ends %s' % (fmt(it['a']), fmt(it['b']), it['f'], mp.nstr(it['d1min'], 6), mp.nstr(it['d1max'], 6), [fmt(v) for v in it['lim1']], mp.nstr(it['d2min'], 6), mp.nstr(it['d2max'], 6), [fmt(v) for v in it['lim2']]))
            nd, L = numeric_path(s, y)
            print('   numeric one-sided (right,left) at bps:', nd)
            for w in s.get('num', []):
                pass
