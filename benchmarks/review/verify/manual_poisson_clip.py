import sympy as sp
x = sp.Symbol('x', positive=True); Y = sp.Symbol('Y', positive=True)
c = sp.Rational(1, 10**5)
for y in [0, sp.Rational(1, 10**9), sp.Rational(3, 10**6), sp.Rational(1, 2), 1, 7, 10**6]:
    lo = x - y*sp.log(c)          # x < c
    hi = x - y*sp.log(x)          # x >= c
    l1, r1 = sp.diff(lo, x).subs(x, c), sp.limit(sp.diff(hi, x), x, c, '+')
    jump = sp.simplify(lo.subs(x, c) - hi.subs(x, c))
    conv_kink = sp.simplify(r1 - l1)
    # monotone: below the ideal y, L must be nonincreasing; slope on (0, c) is 1
    mono_bad_low = (y > 0)  # slope +1 on (0, min(c, y)) is an increase toward y
    # minimum
    crit = sp.solveset(sp.diff(hi, x), x, sp.Interval(c, sp.oo))
    print(f"y={y}: jump={jump} slopes at c: {l1} -> {r1} (kink sign {sp.sign(conv_kink)}), "
          f"L''(hi)={sp.diff(hi, x, 2)}, crit on [c,oo)={crit}, psi(oo)={sp.limit(sp.diff(hi, x), x, sp.oo)}, "
          f"mono violated on (0,min(c,y)): {mono_bad_low}")
print("y=0: L=x, inf 0 at x->0 not attained")
for xp in [sp.Rational(1, 2), 1, 3, sp.Rational(1, 10**6)]:
    g = sp.diff(x - Y*sp.log(sp.Max(x, c)), x).subs(x, xp)
    print("target run-off at x=", xp, sp.limit(sp.Abs(sp.diff(x - Y*sp.log(x if xp >= c else c), x).subs(x, xp)), Y, sp.oo))
# witness for monotonicity: y=1, 1e-6 -> 5e-6
L = lambda xx, yy: xx - yy*sp.log(sp.Max(xx, c))
print("mono witness y=1:", L(sp.Rational(1, 10**6), 1), "<", L(sp.Rational(5, 10**6), 1), sp.N(L(sp.Rational(5, 10**6), 1) - L(sp.Rational(1, 10**6), 1)))
