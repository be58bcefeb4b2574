import sympy as sp
Rt = sp.Rational; oo = sp.oo
R = '(y_pred - y_true)'; M = 'y_true*y_pred'
def reg(rs): return lambda y: [y + r for r in rs]
def mar(ms): return lambda y: [m * y for m in ms]
REG = dict(kind='regression', targets=[0, Rt(17, 10)], dom=(-oo, oo))
MAR = dict(kind='margin', targets=[1, -1], dom=(-oo, oo))
PRB = dict(kind='probability', targets=[0, 1], dom=(0, 1))
h345 = Rt(1345, 1000)
SPECS = [
 dict(id='c1_huber_1p345', expr=f'where(abs{R} <= 1.345, 0.5*{R}**2, 1.345*abs{R} - 0.9045125)', bps=reg([-h345, h345]), **REG),
 dict(id='c1_smooth_l1_beta0p35', expr=f'where(abs{R} < 0.35, 0.5*{R}**2/0.35, abs{R} - 0.175)', bps=reg([-Rt(35,100), Rt(35,100)]), **REG),
 dict(id='c1_hampel_17a', expr=f'where(abs{R} <= 1.7, 0.5*{R}**2, where(abs{R} <= 3.4, 1.7*abs{R} - 1.445, where(abs{R} <= 8.5, 8.67 - (8.5 - abs{R})**2/6, 8.67)))', bps=reg([s*Rt(v) for s in (1,-1) for v in ('1.7','3.4','8.5')]), **REG),
 dict(id='c1_quantile_huber_t0p3_k1p345', expr=f'where(y_true >= y_pred, 0.3, 0.7)*where(abs{R} <= 1.345, {R}**2/2.69, abs{R} - 0.6725)', bps=reg([-h345, 0, h345]), **REG),
 dict(id='c1_modhuber_sqhinge_m2p7', expr=f'where({M} >= -2.7, max(0, 1 - {M})**2, -7.4*{M} - 6.29)', bps=mar([Rt(-27,10), 1]), **MAR),
 dict(id='c2_hinge_pow1p5', expr=f'max(0, 1 - {M})**1.5', bps=mar([1]), **MAR),
 dict(id='c2_eps_insensitive_pow1p25_0p1', expr=f'max(0, abs{R} - 0.1)**1.25', bps=reg([-Rt(1,10), Rt(1,10)]), **REG),
 dict(id='c2_pow_r2c_0p75_c0p01', expr=f'({R}**2 + 0.01)**0.75', bps=reg([]), **REG),
 dict(id='c2_charbonnier_1em5', expr=f'sqrt({R}**2 + 0.0000000001)', bps=reg([]), **REG),
 dict(id='c2_bce_eps1em9', expr='-(y_true*log(y_pred + 0.000000001) + (1 - y_true)*log(1 - y_pred + 0.000000001))', bps=lambda y: [], **PRB),
 dict(id='c3_capped_sq_2', expr=f'min({R}**2, 2)', bps=reg([-sp.sqrt(2), sp.sqrt(2)]), **REG),
 dict(id='c3_max_quad_absline_0p3', expr=f'max(0.5*{R}**2, abs{R} - 0.3)', bps=reg([s*(1 + t*sp.sqrt(Rt(2,5))) for s in (1,-1) for t in (1,-1)]), **REG),
 dict(id='c3_max_tangent_1p345', expr=f'max(0.5*{R}**2, 1.345*abs{R} - 0.9045125)', bps=reg([-h345, h345]), **REG),
 dict(id='c3_max_two_affine', expr=f'max(0.3*(y_true - y_pred), 1.2*{R} - 0.45)', bps=reg([Rt(3,10)]), **REG),
 dict(id='c3_max_logistic_hingeline', expr=f'max(log1p(exp(-{M})), 1 - {M})', bps=mar([sp.log(sp.E - 1)]), **MAR),
 dict(id='c4_keras_bce_clip1em7', expr='-(y_true*log(min(max(y_pred, 0.0000001), 0.9999999)) + (1 - y_true)*log(1 - min(max(y_pred, 0.0000001), 0.9999999)))', bps=lambda y: [Rt(1,10**7), 1 - Rt(1,10**7)], **PRB),
 dict(id='c4_torch_poisson_nll_eps1em8', expr='y_pred - y_true*log(y_pred + 0.00000001)', bps=lambda y: [], kind='positive', targets=[0, 1, Rt(5,2), Rt(1,10**9)], dom=(0, oo)),
 dict(id='c4_huber_tiny_1em4', expr=f'where(abs{R} <= 0.0001, 0.5*{R}**2/0.0001, abs{R} - 0.00005)', bps=reg([-Rt(1,10**4), Rt(1,10**4)]), **REG),
 dict(id='c4_sq_deadzone_1em8', expr=f'max(0, {R}**2 - 0.00000001)', bps=reg([-Rt(1,10**4), Rt(1,10**4)]), **REG),
 dict(id='c4_softplus_threshold20', expr=f'where({M} < -20, -{M}, log1p(exp(-{M})))', bps=mar([-20]), **MAR),
 dict(id='c5_andrews_1p339', expr=f'where(abs{R} <= 1.339*pi, 1.792921*(1 - cos({R}/1.339)), 3.585842)', bps=reg([-Rt(1339,1000)*sp.pi, Rt(1339,1000)*sp.pi]), **REG),
 dict(id='c5_tukey_4p685_normalized', expr=f'where(abs{R} < 4.685, 1 - (1 - ({R}/4.685)**2)**3, 1)', bps=reg([-Rt(4685,1000), Rt(4685,1000)]), **REG),
 dict(id='c6_capped_huber_1p345_at_0p7', expr=f'min(where(abs{R} <= 1.345, 0.5*{R}**2, 1.345*abs{R} - 0.9045125), 0.7)', bps=reg([-sp.sqrt(Rt(7,5)), sp.sqrt(Rt(7,5))]), **REG),
 dict(id='c6_abs_eps_pow1p5', expr=f'(abs{R} + 0.01)**1.5', bps=reg([0]), **REG),
]
