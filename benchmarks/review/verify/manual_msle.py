"""Exact check of msle_eps_1em8 with z = y_pred + eps in (eps, oo) and c = y_true + eps >= eps."""
import sympy as sp
z, c = sp.symbols('z c', positive=True)
e = sp.Rational(1, 10**8)
L = (sp.log(z) - sp.log(c))**2
L1, L2, L3 = sp.diff(L, z), sp.diff(L, z, 2), sp.diff(L, z, 3)
print("L'' =", sp.factor(L2), "  L''' =", sp.factor(L3))
zs = sp.solve(sp.Eq(sp.expand_log(sp.factor(L3) * z**3, force=True), 0), z); print("L''' = 0 at", zs)
print("L''(z=eps) =", sp.expand_log(L2.subs(z, e), force=True), "(finite for every c>0)")
print("L''(z*) =", sp.simplify(L2.subs(z, zs[0])), " L''(oo) =", sp.limit(L2.subs(c, 1), z, sp.oo))
print("so sup|L''| = max(L''(eps), 1/(c^2 e^3)) < oo per target")
print("L''<0 iff log(z/c) > 1 i.e. z > c*e (nonconvex)")
for cc in [e, 1 + e, 10**6 + e]:
    print(" c=", cc, "psi(oo)=", sp.limit(L1.subs(c, cc), z, sp.oo))
for zz in [sp.Rational(1, 2) + e, 1 + e]:
    print(" fixed y_pred: psi as y->oo:", sp.limit(L1.subs(z, zz), c, sp.oo))
print("psi*(z-c) =", sp.factor(L1 * (z - c)), "(>= 0: monotone toward y_pred=y)")
print("y=0 (c=eps): psi =", L1.subs(c, e), "> 0 for z>eps: infimum at y_pred->0 not attained")
print("pull at the minimum: psi(c) =", L1.subs(z, c))
