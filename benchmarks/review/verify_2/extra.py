import sympy as sp
r, y, p, yh = sp.symbols('r y p yh', real=True)
c = sp.Rational(1,100); f = (r**2 + c)**sp.Rational(3,4)
d2 = sp.simplify(sp.diff(f, r, 2)); print('pow_r2c L2 =', sp.factor(d2), ' at0=', sp.nsimplify(d2.subs(r,0)), sp.N(d2.subs(r,0)))
u = sp.symbols('u', nonnegative=True); g = (c + u/2)*(u + c)**sp.Rational(-5,4)
print('  dg/du =', sp.factor(sp.simplify(sp.diff(g, u))))
print('  psi lim =', sp.limit(sp.diff(f, r), r, sp.oo))
e = sp.Rational(1, 10**10); f = sp.sqrt(r**2 + e); d2 = sp.simplify(sp.diff(f, r, 2)); print('charb L2 =', d2, ' at0=', d2.subs(r, 0))
f = -sp.log(p + sp.Rational(1, 10**9)); print('bce_eps y=1 psi(0+)=', sp.limit(sp.diff(f, p), p, 0, '+'), ' L2(0+)=', sp.limit(sp.diff(f, p, 2), p, 0, '+'))
eps = sp.Rational(1, 10**8); f = yh - y*sp.log(yh + eps); psi = sp.diff(f, yh)
print('torch psi=', psi, ' y->oo at yh=1:', sp.limit(psi.subs(yh, 1), y, sp.oo), ' argmin=', sp.solve(psi, yh), ' L2=', sp.diff(f, yh, 2))
print('  y=1: L(1-1e-8/2) < L(1)?', sp.N(f.subs({y:1, yh:1-eps/2}) - f.subs({y:1, yh:1}), 30))
print('  y=1e-9: L(1e-10) < L(1e-9)?', sp.N(f.subs({y:sp.Rational(1,10**9), yh:sp.Rational(1,10**10)}) - f.subs({y:sp.Rational(1,10**9), yh:sp.Rational(1,10**9)}), 30))
m = sp.symbols('m', real=True)
print('softplus: L(-20) - L(-20-1e-9) =', sp.N(sp.log(1 + sp.exp(20)) - (20 + sp.Rational(1, 10**9)), 30))
a, b = sp.Rational(-20) - sp.Rational(1,10**9), sp.Rational(-20) + sp.Rational(1,10**9)
L = lambda mm: -mm if mm < -20 else sp.log(1 + sp.exp(-mm))
print('  chord: L(mid) - avg =', sp.N(L(sp.Integer(-20)) - (L(a) + L(b))/2, 30))
# keras chord y=1
Lk = lambda q: -sp.log(min(max(q, sp.Rational(1,10**7)), 1 - sp.Rational(1,10**7)))
a, b = sp.Rational(5, 10**8), sp.Rational(2, 10**7)
print('keras y=1 chord: L(mid) - avg =', sp.N(Lk((a+b)/2) - (Lk(a) + Lk(b))/2, 20))
# hampel chord
H = lambda t: sp.Rational(867,100) - (sp.Rational(17,2) - t)**2/6
print('hampel chord L(6) - avg(L4,L8) =', H(6) - (H(4) + H(8))/2)
# capped sq / capped huber chords
print('capped_sq: L(1.5) - avg(L1, L2) =', min(sp.Rational(9,4), 2) - (1 + 2)/sp.Integer(2))
print('capped_huber: L(1.5) - avg(L1,L2) =', sp.Rational(7,10) - (sp.Rational(1,2) + sp.Rational(7,10))/2, ' crossing r=', sp.sqrt(sp.Rational(14,10)), ' huber(1.345)=', sp.Rational(1345,1000)**2/2)
# tangent identity
R = sp.symbols('R', nonnegative=True)
print('tangent: 0.5R^2 - (1.345R - 0.9045125) =', sp.factor(R**2/2 - (sp.Rational(1345,1000)*R - sp.Rational(9045125, 10**7))))
# Andrews psi at boundary, L2 inside
a_ = sp.Rational(1339,1000); fa = a_**2*(1 - sp.cos(r/a_))
print('andrews: a^2=', a_**2, ' psi(a pi)=', sp.diff(fa, r).subs(r, a_*sp.pi), ' L2(a pi-)=', sp.diff(fa, r, 2).subs(r, a_*sp.pi), ' 2a^2=', 2*a_**2)
# Tukey C2 check
c_ = sp.Rational(4685,1000); ft = 1 - (1 - (r/c_)**2)**3
print('tukey: psi(c)=', sp.diff(ft, r).subs(r, c_), ' L2(c)=', sp.diff(ft, r, 2).subs(r, c_), ' L3(c)=', sp.nsimplify(sp.diff(ft, r, 3).subs(r, c_)), ' L(c)=', ft.subs(r, c_))
# max_logistic_hingeline crossing
ms = sp.log(sp.E - 1); print('logistic=line at m*:', sp.simplify(sp.log(1 + sp.exp(-ms)) - (1 - ms)), ' slope right', sp.simplify(-1/(1 + sp.exp(ms))))
# quantile huber joins
k = sp.Rational(1345,1000); print('qhuber: k^2/2.69=', k**2/sp.Rational(269,100), ' k-0.6725=', k - sp.Rational(6725,10000), ' slope', 2*k/sp.Rational(269,100))
# modhuber join
print('modhuber: (1+2.7)^2 =', sp.Rational(37,10)**2, ' -7.4*(-2.7)-6.29=', sp.Rational(74,10)*sp.Rational(27,10) - sp.Rational(629,100))
# hampel joins
print('hampel: 1.7*3.4-1.445=', sp.Rational(17,10)*sp.Rational(34,10)-sp.Rational(1445,1000), ' 8.67-(8.5-3.4)^2/6=', sp.Rational(867,100) - (sp.Rational(51,10))**2/6, ' psi(3.4+)=', (sp.Rational(51,10))/3)
