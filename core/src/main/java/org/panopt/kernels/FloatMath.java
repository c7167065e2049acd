package org.panopt.kernels;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.SUB;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;

/**
 * exp, expm1, log, log1p, tanh and the logistic sigmoid on float32 vectors, computed in float32 from operations
 * that IEEE 754 rounds exactly (add, sub, mul, fma, div, compare/blend, integer and bit operations), so a lane
 * gives the same bits in the interpreter, in C1- and in C2-compiled code. The Vector API's own
 * {@code lanewise(EXP)} and friends do not: compiled, they call SVML-style intrinsics; interpreted, they round
 * {@code Math.exp} in double to float; the two differ in the last bit for most inputs, so a training run would
 * depend on when the JIT compiled which kernel. {@link DoubleMath} is the float64 counterpart, written by hand
 * (longer polynomials, long lanes).
 *
 * <p>Every lane is computed on its own, so a masked tail lane gives the bits a full-vector lane gives. The methods
 * are small so that they inline into the loops of {@link FloatMaps}; the few branches only skip work when no lane
 * needs it (they never change a result).
 *
 * <ul>
 * <li><b>exp</b>: x = n·ln 2 + r with n = round(x·log₂e) and |r| ≤ ln2/2, by Cody–Waite reduction with fma
 * (x − n·LN2_HI is exact, the LN2_LO term rounds once); e^r = 1 + r + r²Q(r), Q of degree 4; 2ⁿ is built from
 * exponent bits as two factors 2^n₁·2^n₂, each a normal number, so the result is rounded once also where it is
 * subnormal or overflows.
 * <li><b>expm1</b>: the same reduction with n rounded towards zero, so that r has the sign of x and
 * e^x − 1 = 2ⁿ(e^r − 1) + (2ⁿ − 1) adds two terms of one sign (no cancellation), in one fma at half scale
 * (2ⁿ⁻¹ stays normal where 2ⁿ would overflow) and an exact doubling; Q of degree 6 on |r| ≤ ln 2.
 * <li><b>log</b>: x = 2ᵏ·m with m ∈ [√½, √2) from the bits (subnormals scaled by 2²³ first);
 * log m = 2 atanh(s), s = (m − 1)/(m + 1), as f − (f²/2 − s(f²/2 + z·T(z))) with f = m − 1, z = s² and T of degree
 * 2 (fdlibm's arrangement); k·ln 2 is added in two parts, the high one in the final fma.
 * <li><b>log1p</b>: for 1 + x ∈ [√½, √2), log's kernel with f = x and k = 0 (1 + x is never formed); elsewhere
 * log(u) + c/u with u = 1 + x rounded and c = (1 + x) − u its rounding error, exactly.
 * <li><b>tanh</b>: |x| &lt; 0.55: x + x·z·P(z), z = x², P of degree 4; beyond, 1 − 2/(e^{2|x|} + 1) with the sign
 * of x (the quotient is at most ½ there, so the subtraction loses nothing).
 * <li><b>sigmoid</b>: 1/(1 + e) for x ≥ 0 and e/(1 + e) for x &lt; 0, e = e^{−|x|} ≤ 1, with 1 + e's rounding
 * error and the division's residual (an fma) added back, so only e's error and one rounding remain.
 * </ul>
 * Polynomials are near-minimax fits computed by {@code core/scripts/math_coefficients.py}.
 *
 * <p>Special values follow {@link StrictMath}: NaN gives NaN; exp(+∞) = +∞, exp(−∞) = +0; expm1(−∞) = −1;
 * log(±0) = −∞, log(x &lt; 0) = NaN, log(+∞) = +∞; log1p(−1) = −∞; expm1, log1p and tanh keep the sign of ±0;
 * tanh(±∞) = ±1; overflow gives +∞ and underflow 0 (through the subnormals) where the true value rounds so.
 *
 * <p>Accuracy: the largest error against {@code StrictMath} evaluated in double, in ulps of the float32 result,
 * over all 2³² float inputs ({@code MathAccuracy.main}): exp 1.08, expm1 1.41, log 0.86, log1p 1.24, tanh 1.50,
 * sigmoid 1.53 (softplus, composed in {@link FloatMaps}, 1.82). {@code MathKernelsTest} requires at most 2 on a
 * sweep of every binade and random inputs.
 */
final class FloatMath {
    private FloatMath() {}

    private static final float LOG2E = 0x1.715476p+0f;
    /** ln 2 rounded to float, and the rest: n·LN2_HI + n·LN2_LO is n·ln 2 to 2⁻⁵⁰ relative. */
    private static final float LN2_HI = 0x1.62e43p-1f;
    private static final float LN2_LO = -0x1.05c61p-29f;
    /** 1.5·2²³: adding it rounds a float below 2²² in magnitude to an integer, which its low bits then hold. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final int SIGN = 0x80000000;

    // exp: e^r = 1 + r + r²·(E0 + E1 r + … + E4 r⁴), |r| ≤ ln2/2
    private static final float E0 = 0x1p-1f;
    private static final float E1 = 0x1.5554dcp-3f;
    private static final float E2 = 0x1.555518p-5f;
    private static final float E3 = 0x1.120c1ap-7f;
    private static final float E4 = 0x1.6d11b6p-10f;

    // expm1: e^r − 1 = r + r²·(M0 + M1 r + … + M6 r⁶), |r| ≤ ln 2
    private static final float M0 = 0x1p-1f;
    private static final float M1 = 0x1.55555ap-3f;
    private static final float M2 = 0x1.555558p-5f;
    private static final float M3 = 0x1.110c56p-7f;
    private static final float M4 = 0x1.6c12fap-10f;
    private static final float M5 = 0x1.a50062p-13f;
    private static final float M6 = 0x1.a40498p-16f;

    // tanh: tanh x = x + x·z·(P0 + P1 z + … + P4 z⁴), z = x², |x| < 0.55
    private static final float P0 = -0x1.555554p-2f;
    private static final float P1 = 0x1.110feap-3f;
    private static final float P2 = -0x1.b9a044p-5f;
    private static final float P3 = 0x1.5d220ep-6f;
    private static final float P4 = -0x1.b13538p-8f;

    // log: log(1+f) = 2s + s·z·(T0 + T1 z + T2 z²), s = f/(2+f), z = s² ≤ 0.0295
    private static final float T0 = 0x1.55555cp-1f;
    private static final float T1 = 0x1.997c2ep-2f;
    private static final float T2 = 0x1.2ee656p-2f;

    /** Inputs clamped to [EXP_MIN, EXP_MAX] give the same exp: 0 below (e^−104 &lt; 2⁻¹⁵⁰), +∞ above. */
    private static final float EXP_MIN = -104f;
    private static final float EXP_MAX = 89f;
    /** expm1 is −1 below −30 (e^−30 &lt; 2⁻⁴³) and +∞ above 89, as at the clamps. */
    private static final float EXPM1_MIN = -30f;
    /** |x| below which expm1(x) is x. */
    private static final float EXPM1_TINY = 0x1p-25f;
    private static final float EXPM1_MAX = 89f;
    /** Below this |x|, tanh uses its polynomial; tanh(0.55) > ½. */
    private static final float TANH_SMALL = 0.55f;

    private static final int SQRT_HALF_BITS = 0x3f3504f3; // the bits of √½
    private static final int MANTISSA = 0x007fffff;
    /** log1p(x) for x in (LOG1P_NEAR_MIN, LOG1P_NEAR_MAX) = (√½ − 1, √2 − 1) goes straight to log's kernel. */
    private static final float LOG1P_NEAR_MIN = -0x1.2bec32p-2f;
    private static final float LOG1P_NEAR_MAX = 0x1.a82798p-2f;
    private static final float MIN_NORMAL = 0x1p-126f;

    /** e^x in every lane. */
    static FloatVector exp(FloatVector x) {
        // Clamped by compare and blend (Java's min and max cost more, for their NaN and −0 rules); NaN stays NaN.
        FloatVector xc = x.blend(EXP_MIN, x.compare(LT, EXP_MIN)).blend(EXP_MAX, x.compare(GT, EXP_MAX));
        FloatVector t = xc.fma(LOG2E, SHIFTER);        // SHIFTER + n
        FloatVector n = t.sub(SHIFTER);
        FloatVector r = n.fma(n.broadcast(-LN2_LO), n.fma(n.broadcast(-LN2_HI), xc));
        FloatVector q = expPoly(r);
        FloatVector p = r.mul(r).fma(q, r).add(1f);
        // p·2ⁿ as (p·2^n₁)·2^n₂ with n₁ = round(n/2): both factors are normal for |n| ≤ 150 and the first product
        // is exact. (bits + 127) << 23 is 2^(bits − SHIFTER bits): the shift drops SHIFTER's bits.
        IntVector bitsN = t.reinterpretAsInts();                     // SHIFTER bits + n
        IntVector bitsN1 = n.fma(0.5f, SHIFTER).reinterpretAsInts(); // SHIFTER bits + n₁
        FloatVector s1 = bitsN1.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = bitsN.sub(bitsN1).add(127).lanewise(LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** e^x − 1 in every lane, accurate near 0 where exp(x) − 1 would cancel. */
    static FloatVector expm1(FloatVector x) {
        FloatVector xc = x.blend(EXPM1_MIN, x.compare(LT, EXPM1_MIN)).blend(EXPM1_MAX, x.compare(GT, EXPM1_MAX)); // NaN stays
        // n = round(x·log₂e − ½·sign x), about trunc(x·log₂e): r = x − n·ln 2 then has the sign of x (but for a
        // rounding-sized r of the other sign near the multiples of ln 2, harmless), and |r| ≤ ln 2.
        FloatVector halfSigned = xc.reinterpretAsInts().and(SIGN).or(Float.floatToRawIntBits(0.5f)).reinterpretAsFloats();
        FloatVector t = xc.fma(xc.broadcast(LOG2E), halfSigned.neg()).add(SHIFTER); // SHIFTER + n
        FloatVector n = t.sub(SHIFTER);
        FloatVector r = n.fma(n.broadcast(-LN2_LO), n.fma(n.broadcast(-LN2_HI), xc));
        FloatVector q = expm1Poly(r);
        FloatVector em1 = r.mul(r).fma(q, r); // e^r − 1
        // e^x − 1 = 2ⁿ·(e^r − 1) + (2ⁿ − 1) = 2·(h·(e^r − 1) + (h − ½)) with h = 2ⁿ⁻¹, a normal number for every n
        // the clamp allows (also where 2ⁿ would overflow). h − ½ is exact while |n| ≤ 24; beyond, the ½ lies
        // below half an ulp of the result. One rounding (the fma); the doubling is exact, or overflows to +∞.
        FloatVector h = t.reinterpretAsInts().add(126).lanewise(LSHL, 23).reinterpretAsFloats();
        FloatVector y = h.fma(em1, h.sub(0.5f)).mul(2f);
        // Below EXPM1_TINY, e^x − 1 rounds to x (x²/2 is below half its ulp); the half-scale fma above would
        // round a subnormal x·½ first. Also keeps −0.
        return y.blend(x, x.abs().compare(LT, EXPM1_TINY));
    }


    /** The natural logarithm in every lane. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(LT, MIN_NORMAL); // also ≤ 0 and −∞: those are replaced below
        FloatVector xn = x.blend(x.mul(0x1p23f), subnormal);
        IntVector ix = xn.reinterpretAsInts().sub(SQRT_HALF_BITS);
        FloatVector m = ix.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats(); // x = 2ᵏ·m, m ∈ [√½, √2)
        FloatVector k = exponent(ix).lanewise(SUB, 23f, subnormal);
        FloatVector y = logCore(m.sub(1f), k);
        VectorMask<Float> ordinary = x.compare(GT, 0f).and(x.compare(LT, Float.POSITIVE_INFINITY));
        if (!ordinary.allTrue()) {
            y = y.blend(x, x.compare(NE, x).or(x.compare(EQ, Float.POSITIVE_INFINITY))); // NaN, +∞
            y = y.blend(Float.NaN, x.compare(LT, 0f));
            y = y.blend(Float.NEGATIVE_INFINITY, x.compare(EQ, 0f));
        }
        return y;
    }

    /** k·ln 2 + log(1 + f) for f ∈ [√½ − 1, √2 − 1] and k an integer. */
    private static FloatVector logCore(FloatVector f, FloatVector k) {
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector tz = logPoly(z);
        FloatVector hfsq = f.mul(f).mul(0.5f);
        // log(1+f) = f − (f²/2 − s·(f²/2 + z·T(z))); k·ln 2 in two parts, the high one in the final fma.
        FloatVector lo = s.fma(z.fma(tz, hfsq), k.mul(LN2_LO));
        return k.fma(k.broadcast(LN2_HI), f.sub(hfsq.sub(lo)));
    }

    /** log(1 + x) in every lane, accurate near 0. */
    static FloatVector log1p(FloatVector x) {
        // Where 1 + x ∈ [√½, √2), log's kernel takes f = x itself (k = 0): 1 + x is never rounded. Elsewhere
        // u = 1 + x rounded is split like log's argument, and c/u is added, c = (1 + x) − u exactly: x − (u − 1)
        // while u < 2 (u − 1 is exact there), 1 − (u − x) from 2 on (u − x is); there |c/u| ≪ |log u|.
        VectorMask<Float> near = x.compare(GT, LOG1P_NEAR_MIN).and(x.compare(LT, LOG1P_NEAR_MAX));
        FloatVector f = x;
        FloatVector k = x.broadcast(0f);
        FloatVector correction = k;
        if (!near.allTrue()) {
            FloatVector u = x.add(1f); // ≥ 2⁻²⁴ or 0 for x ≥ −1: no subnormals
            IntVector iu = u.reinterpretAsInts().sub(SQRT_HALF_BITS);
            FloatVector m = iu.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsFloats();
            FloatVector ku = exponent(iu);
            FloatVector c = x.sub(u.sub(1f)).blend(u.sub(x).neg().add(1f), u.compare(GE, 2f));
            f = m.sub(1f).blend(x, near);
            k = ku.blend(k, near);
            correction = c.div(u).blend(correction, near);
        }
        FloatVector y = logCore(f, k).add(correction);
        VectorMask<Float> ordinary = x.compare(GT, -1f).and(x.compare(LT, Float.POSITIVE_INFINITY)).andNot(x.compare(EQ, 0f));
        if (!ordinary.allTrue()) {
            y = y.blend(x, x.compare(EQ, 0f).or(x.compare(EQ, Float.POSITIVE_INFINITY)).or(x.compare(NE, x))); // ±0, +∞, NaN
            y = y.blend(Float.NEGATIVE_INFINITY, x.compare(EQ, -1f));
            y = y.blend(Float.NaN, x.compare(LT, -1f));
        }
        return y;
    }

    /** tanh x in every lane: tanh |x| with the sign bit of x (so also −0 and NaN keep theirs). */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        VectorMask<Float> small = a.compare(LT, TANH_SMALL);
        // |x| < 0.55: a + a·z·P(z), z = a² (a itself for tiny a); always computed, it is cheap.
        FloatVector z = a.mul(a);
        FloatVector p = tanhPoly(z);
        FloatVector y = a.fma(z.mul(p), a);
        if (!small.allTrue()) {
            // 1 − 2/(e^{2|x|} + 1): the quotient is at most ½ here, so the subtraction loses nothing; e = +∞ for
            // large |x| gives 1.
            FloatVector e = exp(a.add(a));
            y = x.broadcast(1f).sub(x.broadcast(2f).div(e.add(1f))).blend(y, small);
        }
        return y.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN)).reinterpretAsFloats();
    }


    /** The logistic function 1/(1 + e^{−x}) in every lane. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg()); // ≤ 1
        FloatVector d = e.add(1f);
        FloatVector err = e.sub(d.sub(1f)); // (1 + e) − d exactly (d − 1 is exact, as 1 ≥ e)
        VectorMask<Float> negative = x.compare(LT, 0f);
        FloatVector num = x.broadcast(1f).blend(e, negative); // (for NaN, d is NaN)
        FloatVector y = num.div(d);
        // num/(d + err) = y + (num − y·d − y·err)/(d + err); the residual num − y·d is exact by fma, and 1/d is
        // y for x ≥ 0 and 1 − y for x < 0, accurately enough for a correction below an ulp.
        FloatVector minusY = y.neg();
        FloatVector residual = minusY.fma(err, minusY.fma(d, num));
        FloatVector recip = y.blend(x.broadcast(1f).sub(y), negative);
        return residual.fma(recip, y);
    }

    /** Q(r) of exp, by Horner's rule with fma. */
    private static FloatVector expPoly(FloatVector r) {
        FloatVector q = r.fma(E4, E3);
        q = q.fma(r, r.broadcast(E2));
        q = q.fma(r, r.broadcast(E1));
        q = q.fma(r, r.broadcast(E0));
        return q;
    }

    /** Q(r) of expm1, by Horner's rule with fma. */
    private static FloatVector expm1Poly(FloatVector r) {
        FloatVector q = r.fma(M6, M5);
        q = q.fma(r, r.broadcast(M4));
        q = q.fma(r, r.broadcast(M3));
        q = q.fma(r, r.broadcast(M2));
        q = q.fma(r, r.broadcast(M1));
        q = q.fma(r, r.broadcast(M0));
        return q;
    }

    /** T(z) of log, by Horner's rule with fma. */
    private static FloatVector logPoly(FloatVector z) {
        FloatVector tz = z.fma(T2, T1);
        tz = tz.fma(z, z.broadcast(T0));
        return tz;
    }

    /** P(z) of tanh, by Horner's rule with fma. */
    private static FloatVector tanhPoly(FloatVector z) {
        FloatVector p = z.fma(P4, P3);
        p = p.fma(z, z.broadcast(P2));
        p = p.fma(z, z.broadcast(P1));
        p = p.fma(z, z.broadcast(P0));
        return p;
    }

    /**
     * k of x = 2ᵏ·m, m ∈ [√½, √2), from ix = bits(x) − bits(√½), as a float without an integer conversion:
     * (ix + 256·2²³) >>> 23 = k + 256 ∈ [0, 512), placed in the mantissa of 2^23 and subtracted out again.
     */
    private static FloatVector exponent(IntVector ix) {
        return ix.add(256 << 23).lanewise(LSHR, 23).or(Float.floatToRawIntBits(0x1p23f)).reinterpretAsFloats().sub(0x1p23f + 256);
    }
}
