#!/usr/bin/env python3
"""Polynomial coefficients of panopt's exp and log kernels (FloatMath, DoubleMath).

Near-minimax fits (mpmath.chebyfit: least squares on Chebyshev nodes, within a small factor of the
minimax error) at 60 digits, printed as Java hexadecimal literals rounded to the kernel's precision.

  exp:  e^r = 1 + r + r^2 Q(r),  |r| <= ln(2)/2 (+ margin);  Q(r) = sum_k r^k / (k+2)!
  expm1: e^r - 1 = r + r^2 Q(r) as for exp, but on |r| <= ln 2 (+ margin): expm1 reduces x = n ln 2 + r
        with r of the sign of x, so that 2^n (e^r - 1) + (2^n - 1) adds terms of one sign.
  tanh: tanh(x) = x + x z P(z), z = x^2, |x| < 0.55 (where tanh < 1/2; beyond, 1 - 2/(e^2|x| + 1)).
  log:  log(1+f) = 2s + s z T(z),  s = f/(2+f),  z = s^2,  f in [sqrt(1/2) - 1, sqrt(2) - 1];
        T(z) = (2 atanh(s) - 2s) / s^3 = 2/3 + 2z/5 + 2z^2/7 + ...

Run: python3 core/scripts/math_coefficients.py   (needs mpmath)
"""
import struct
import mpmath as mp

mp.mp.dps = 60


def q_exp(r):
    return sum(r ** k / mp.factorial(k + 2) for k in range(60))


def p_tanh(z):
    if z == 0:
        return mp.mpf(-1) / 3
    x = mp.sqrt(z)
    return (mp.tanh(x) - x) / (x * z)


def t_log(z):
    return sum(2 * z ** k / (2 * k + 3) for k in range(80))


def java_hex(x, single):
    v = float(x)
    if single:
        v = struct.unpack('f', struct.pack('f', v))[0]
    h = v.hex()                       # e.g. '0x1.5555555555555p-3'
    mant, exp = h.split('p')
    mant = mant.rstrip('0').rstrip('.')
    return mant + 'p' + exp + ('f' if single else '')


def fit(name, f, a, b, degree, single):
    poly, err = mp.chebyfit(f, [a, b], degree + 1, error=True)
    coeffs = poly[::-1]               # ascending powers
    print(f'{name}: degree {degree} on [{mp.nstr(a, 6)}, {mp.nstr(b, 6)}], fit error {mp.nstr(err, 3)}')
    for i, c in enumerate(coeffs):
        print(f'  c{i} = {java_hex(c, single)}')


a = mp.log(2) / 2 + mp.mpf('0.0005')
s = (mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)
zmax = s * s * mp.mpf('1.0001')
fit('exp Q, float', q_exp, -a, a, 4, True)
fit('exp Q, double', q_exp, -a, a, 9, False)
b = mp.log(2) + mp.mpf('0.001')
fit('expm1 Q, float', q_exp, -b, b, 6, True)
fit('expm1 Q, double', q_exp, -b, b, 12, False)
fit('tanh P, float', p_tanh, 0, mp.mpf('0.55') ** 2, 4, True)
fit('tanh P, double', p_tanh, 0, mp.mpf('0.55') ** 2, 10, False)
fit('log T, float', t_log, 0, zmax, 2, True)
fit('log T, double', t_log, 0, zmax, 6, False)

ln2 = mp.log(2)
for single, name in ((True, 'float'), (False, 'double')):
    hi = mp.mpf(float(ln2)) if not single else mp.mpf(struct.unpack('f', struct.pack('f', float(ln2)))[0])
    print(f'{name}: LN2_HI = {java_hex(hi, single)}, LN2_LO = {java_hex(ln2 - hi, single)}, '
          f'LOG2E = {java_hex(1 / ln2, single)}')
