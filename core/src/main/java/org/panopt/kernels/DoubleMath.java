package org.panopt.kernels;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.SUB;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;

/**
 * {@link FloatMath}'s functions on float64 vectors, computed in float64 by the same methods from the same exactly
 * rounded operations (see there for why and how). The polynomials are longer: exp's Q of degree 9, expm1's of
 * degree 12, tanh's P of degree 10, log's T of degree 6 ({@code core/scripts/math_coefficients.py}). 2ⁿ and the
 * exponent k are built from long lanes with adds, ors and shifts to the left or logical ones to the right: no
 * long→double conversion and no arithmetic shift of longs, which AVX2 lacks.
 *
 * <p>Special values follow {@link StrictMath}, as in {@link FloatMath}.
 *
 * <p>Accuracy, the largest error in ulps of the float64 result against values computed to 40 digits (mpmath, about
 * 150 000 inputs per function over all doubles and the busy ranges, measured once): exp 1.01, expm1 1.35,
 * log 0.76, log1p 0.75, tanh 1.24, sigmoid 1.22, softplus 1.56. Against {@code StrictMath}, which errs itself (up
 * to 1.88 ulps for tanh there), {@code MathKernelsTest} requires at most 2 (3 for sigmoid and softplus, against
 * their formulas evaluated around StrictMath's exp and log1p); it measures 1 for exp, expm1, log and log1p and
 * 2 for tanh, sigmoid and softplus.
 */
final class DoubleMath {
    private DoubleMath() {}

    private static final double LOG2E = 0x1.71547652b82fep+0;
    /** ln 2 rounded to double, and the rest. */
    private static final double LN2_HI = 0x1.62e42fefa39efp-1;
    private static final double LN2_LO = 0x1.abc9e3b39803fp-56;
    /** 1.5·2⁵²: adding it rounds a double below 2⁵¹ in magnitude to an integer, which its low bits then hold. */
    private static final double SHIFTER = 0x1.8p52;
    private static final long SIGN = 0x8000000000000000L;

    // exp: e^r = 1 + r + r²·(E0 + E1 r + … + E9 r⁹), |r| ≤ ln2/2
    private static final double E0 = 0x1.0000000000001p-1;
    private static final double E1 = 0x1.5555555555556p-3;
    private static final double E2 = 0x1.5555555553d21p-5;
    private static final double E3 = 0x1.111111111099fp-7;
    private static final double E4 = 0x1.6c16c178a5a31p-10;
    private static final double E5 = 0x1.a01a01a7d3fafp-13;
    private static final double E6 = 0x1.a019b8a91f41dp-16;
    private static final double E7 = 0x1.71de0d70d72e3p-19;
    private static final double E8 = 0x1.2891fc304d2p-22;
    private static final double E9 = 0x1.af393be024886p-26;

    // expm1: e^r − 1 = r + r²·(M0 + M1 r + … + M12 r¹²), |r| ≤ ln 2
    private static final double M0 = 0x1p-1;
    private static final double M1 = 0x1.5555555555554p-3;
    private static final double M2 = 0x1.5555555555555p-5;
    private static final double M3 = 0x1.111111111151p-7;
    private static final double M4 = 0x1.6c16c16c16e16p-10;
    private static final double M5 = 0x1.a01a019f10956p-13;
    private static final double M6 = 0x1.a01a019f95606p-16;
    private static final double M7 = 0x1.71de3c2d71862p-19;
    private static final double M8 = 0x1.27e4fc636954fp-22;
    private static final double M9 = 0x1.ae612697fcfafp-26;
    private static final double M10 = 0x1.1eebf74258b69p-29;
    private static final double M11 = 0x1.63c8ec8101f09p-33;
    private static final double M12 = 0x1.963b919bb5d8cp-37;

    // tanh: tanh x = x + x·z·(P0 + P1 z + … + P10 z¹⁰), z = x², |x| < 0.55
    private static final double P0 = -0x1.5555555555555p-2;
    private static final double P1 = 0x1.1111111111032p-3;
    private static final double P2 = -0x1.ba1ba1b9fec84p-5;
    private static final double P3 = 0x1.664f487713373p-6;
    private static final double P4 = -0x1.226e32f00cf0cp-7;
    private static final double P5 = 0x1.d6d339333f329p-9;
    private static final double P6 = -0x1.7d97cfd138c28p-10;
    private static final double P7 = 0x1.34c5a8a996cd4p-11;
    private static final double P8 = -0x1.ec1091436eb2ap-13;
    private static final double P9 = 0x1.64fd88e9900a5p-14;
    private static final double P10 = -0x1.59a834187ce22p-16;

    // log: log(1+f) = 2s + s·z·(T0 + T1 z + … + T6 z⁶), s = f/(2+f), z = s² ≤ 0.0295
    private static final double T0 = 0x1.5555555555558p-1;
    private static final double T1 = 0x1.99999999952d7p-2;
    private static final double T2 = 0x1.2492492df281ap-2;
    private static final double T3 = 0x1.c71c62e3f11e6p-3;
    private static final double T4 = 0x1.7462b51cb66b1p-3;
    private static final double T5 = 0x1.39fe51a7c18f9p-3;
    private static final double T6 = 0x1.2b5900de53b32p-3;

    /** Inputs clamped to [EXP_MIN, EXP_MAX] give the same exp: 0 below (e^−746 &lt; 2⁻¹⁰⁷⁵), +∞ above. */
    private static final double EXP_MIN = -746;
    private static final double EXP_MAX = 710;
    /** expm1 is −1 below −40 (e^−40 &lt; 2⁻⁵⁷) and +∞ above 710, as at the clamps. */
    private static final double EXPM1_MIN = -40;
    /** |x| below which expm1(x) is x. */
    private static final double EXPM1_TINY = 0x1p-54;
    private static final double EXPM1_MAX = 710;
    /** Below this |x|, tanh uses its polynomial; tanh(0.55) > ½. */
    private static final double TANH_SMALL = 0.55;

    private static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL; // the bits of √½
    private static final long MANTISSA = 0x000fffffffffffffL;
    /** log1p(x) for x in (LOG1P_NEAR_MIN, LOG1P_NEAR_MAX) = (√½ − 1, √2 − 1) goes straight to log's kernel. */
    private static final double LOG1P_NEAR_MIN = -0x1.2bec33301886p-2;
    private static final double LOG1P_NEAR_MAX = 0x1.a827999fcef32p-2;
    private static final double MIN_NORMAL = 0x1p-1022;

    /** e^x in every lane. */
    static DoubleVector exp(DoubleVector x) {
        // Clamped by compare and blend (Java's min and max cost more, for their NaN and −0 rules); NaN stays NaN.
        DoubleVector xc = x.blend(EXP_MIN, x.compare(LT, EXP_MIN)).blend(EXP_MAX, x.compare(GT, EXP_MAX));
        DoubleVector t = xc.fma(LOG2E, SHIFTER);        // SHIFTER + n
        DoubleVector n = t.sub(SHIFTER);
        DoubleVector r = n.fma(n.broadcast(-LN2_LO), n.fma(n.broadcast(-LN2_HI), xc));
        DoubleVector q = expPoly(r);
        DoubleVector p = r.mul(r).fma(q, r).add(1.0);
        // p·2ⁿ as (p·2^n₁)·2^n₂ with n₁ = round(n/2): both factors are normal for |n| ≤ 1076 and the first product
        // is exact. (bits + 1023) << 52 is 2^(bits − SHIFTER bits): the shift drops SHIFTER's bits.
        LongVector bitsN = t.reinterpretAsLongs();                     // SHIFTER bits + n
        LongVector bitsN1 = n.fma(0.5, SHIFTER).reinterpretAsLongs(); // SHIFTER bits + n₁
        DoubleVector s1 = bitsN1.add(1023).lanewise(LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = bitsN.sub(bitsN1).add(1023).lanewise(LSHL, 52).reinterpretAsDoubles();
        return p.mul(s1).mul(s2);
    }

    /** e^x − 1 in every lane, accurate near 0 where exp(x) − 1 would cancel. */
    static DoubleVector expm1(DoubleVector x) {
        DoubleVector xc = x.blend(EXPM1_MIN, x.compare(LT, EXPM1_MIN)).blend(EXPM1_MAX, x.compare(GT, EXPM1_MAX)); // NaN stays
        // n = round(x·log₂e − ½·sign x), about trunc(x·log₂e): r = x − n·ln 2 then has the sign of x (but for a
        // rounding-sized r of the other sign near the multiples of ln 2, harmless), and |r| ≤ ln 2.
        DoubleVector halfSigned = xc.reinterpretAsLongs().and(SIGN).or(Double.doubleToRawLongBits(0.5)).reinterpretAsDoubles();
        DoubleVector t = xc.fma(xc.broadcast(LOG2E), halfSigned.neg()).add(SHIFTER); // SHIFTER + n
        DoubleVector n = t.sub(SHIFTER);
        DoubleVector r = n.fma(n.broadcast(-LN2_LO), n.fma(n.broadcast(-LN2_HI), xc));
        DoubleVector q = expm1Poly(r);
        DoubleVector em1 = r.mul(r).fma(q, r); // e^r − 1
        // e^x − 1 = 2ⁿ·(e^r − 1) + (2ⁿ − 1) = 2·(h·(e^r − 1) + (h − ½)) with h = 2ⁿ⁻¹, a normal number for every n
        // the clamp allows (also where 2ⁿ would overflow). h − ½ is exact while |n| ≤ 53; beyond, the ½ lies
        // below half an ulp of the result. One rounding (the fma); the doubling is exact, or overflows to +∞.
        DoubleVector h = t.reinterpretAsLongs().add(1022).lanewise(LSHL, 52).reinterpretAsDoubles();
        DoubleVector y = h.fma(em1, h.sub(0.5)).mul(2.0);
        // Below EXPM1_TINY, e^x − 1 rounds to x (x²/2 is below half its ulp); the half-scale fma above would
        // round a subnormal x·½ first. Also keeps −0.
        return y.blend(x, x.abs().compare(LT, EXPM1_TINY));
    }


    /** The natural logarithm in every lane. */
    static DoubleVector log(DoubleVector x) {
        VectorMask<Double> subnormal = x.compare(LT, MIN_NORMAL); // also ≤ 0 and −∞: those are replaced below
        DoubleVector xn = x.blend(x.mul(0x1p52), subnormal);
        LongVector ix = xn.reinterpretAsLongs().sub(SQRT_HALF_BITS);
        DoubleVector m = ix.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsDoubles(); // x = 2ᵏ·m, m ∈ [√½, √2)
        DoubleVector k = exponent(ix).lanewise(SUB, 52.0, subnormal);
        DoubleVector y = logCore(m.sub(1.0), k);
        VectorMask<Double> ordinary = x.compare(GT, 0.0).and(x.compare(LT, Double.POSITIVE_INFINITY));
        if (!ordinary.allTrue()) {
            y = y.blend(x, x.compare(NE, x).or(x.compare(EQ, Double.POSITIVE_INFINITY))); // NaN, +∞
            y = y.blend(Double.NaN, x.compare(LT, 0.0));
            y = y.blend(Double.NEGATIVE_INFINITY, x.compare(EQ, 0.0));
        }
        return y;
    }

    /** k·ln 2 + log(1 + f) for f ∈ [√½ − 1, √2 − 1] and k an integer. */
    private static DoubleVector logCore(DoubleVector f, DoubleVector k) {
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector tz = logPoly(z);
        DoubleVector hfsq = f.mul(f).mul(0.5);
        // log(1+f) = f − (f²/2 − s·(f²/2 + z·T(z))); k·ln 2 in two parts, the high one in the final fma.
        DoubleVector lo = s.fma(z.fma(tz, hfsq), k.mul(LN2_LO));
        return k.fma(k.broadcast(LN2_HI), f.sub(hfsq.sub(lo)));
    }

    /** log(1 + x) in every lane, accurate near 0. */
    static DoubleVector log1p(DoubleVector x) {
        // Where 1 + x ∈ [√½, √2), log's kernel takes f = x itself (k = 0): 1 + x is never rounded. Elsewhere
        // u = 1 + x rounded is split like log's argument, and c/u is added, c = (1 + x) − u exactly: x − (u − 1)
        // while u < 2 (u − 1 is exact there), 1 − (u − x) from 2 on (u − x is); there |c/u| ≪ |log u|.
        VectorMask<Double> near = x.compare(GT, LOG1P_NEAR_MIN).and(x.compare(LT, LOG1P_NEAR_MAX));
        DoubleVector f = x;
        DoubleVector k = x.broadcast(0.0);
        DoubleVector correction = k;
        if (!near.allTrue()) {
            DoubleVector u = x.add(1.0); // ≥ 2⁻²⁴ or 0 for x ≥ −1: no subnormals
            LongVector iu = u.reinterpretAsLongs().sub(SQRT_HALF_BITS);
            DoubleVector m = iu.and(MANTISSA).add(SQRT_HALF_BITS).reinterpretAsDoubles();
            DoubleVector ku = exponent(iu);
            DoubleVector c = x.sub(u.sub(1.0)).blend(u.sub(x).neg().add(1.0), u.compare(GE, 2.0));
            f = m.sub(1.0).blend(x, near);
            k = ku.blend(k, near);
            correction = c.div(u).blend(correction, near);
        }
        DoubleVector y = logCore(f, k).add(correction);
        VectorMask<Double> ordinary = x.compare(GT, -1.0).and(x.compare(LT, Double.POSITIVE_INFINITY)).andNot(x.compare(EQ, 0.0));
        if (!ordinary.allTrue()) {
            y = y.blend(x, x.compare(EQ, 0.0).or(x.compare(EQ, Double.POSITIVE_INFINITY)).or(x.compare(NE, x))); // ±0, +∞, NaN
            y = y.blend(Double.NEGATIVE_INFINITY, x.compare(EQ, -1.0));
            y = y.blend(Double.NaN, x.compare(LT, -1.0));
        }
        return y;
    }

    /** tanh x in every lane: tanh |x| with the sign bit of x (so also −0 and NaN keep theirs). */
    static DoubleVector tanh(DoubleVector x) {
        DoubleVector a = x.abs();
        VectorMask<Double> small = a.compare(LT, TANH_SMALL);
        // |x| < 0.55: a + a·z·P(z), z = a² (a itself for tiny a); always computed, it is cheap.
        DoubleVector z = a.mul(a);
        DoubleVector p = tanhPoly(z);
        DoubleVector y = a.fma(z.mul(p), a);
        if (!small.allTrue()) {
            // 1 − 2/(e^{2|x|} + 1): the quotient is at most ½ here, so the subtraction loses nothing; e = +∞ for
            // large |x| gives 1.
            DoubleVector e = exp(a.add(a));
            y = x.broadcast(1.0).sub(x.broadcast(2.0).div(e.add(1.0))).blend(y, small);
        }
        return y.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
    }


    /** The logistic function 1/(1 + e^{−x}) in every lane. */
    static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = exp(x.abs().neg()); // ≤ 1
        DoubleVector d = e.add(1.0);
        DoubleVector err = e.sub(d.sub(1.0)); // (1 + e) − d exactly (d − 1 is exact, as 1 ≥ e)
        VectorMask<Double> negative = x.compare(LT, 0.0);
        DoubleVector num = x.broadcast(1.0).blend(e, negative); // (for NaN, d is NaN)
        DoubleVector y = num.div(d);
        // num/(d + err) = y + (num − y·d − y·err)/(d + err); the residual num − y·d is exact by fma, and 1/d is
        // y for x ≥ 0 and 1 − y for x < 0, accurately enough for a correction below an ulp.
        DoubleVector minusY = y.neg();
        DoubleVector residual = minusY.fma(err, minusY.fma(d, num));
        DoubleVector recip = y.blend(x.broadcast(1.0).sub(y), negative);
        return residual.fma(recip, y);
    }

    /** Q(r) of exp, by Horner's rule with fma. */
    private static DoubleVector expPoly(DoubleVector r) {
        DoubleVector q = r.fma(E9, E8);
        q = q.fma(r, r.broadcast(E7));
        q = q.fma(r, r.broadcast(E6));
        q = q.fma(r, r.broadcast(E5));
        q = q.fma(r, r.broadcast(E4));
        q = q.fma(r, r.broadcast(E3));
        q = q.fma(r, r.broadcast(E2));
        q = q.fma(r, r.broadcast(E1));
        q = q.fma(r, r.broadcast(E0));
        return q;
    }

    /** Q(r) of expm1, by Horner's rule with fma. */
    private static DoubleVector expm1Poly(DoubleVector r) {
        DoubleVector q = r.fma(M12, M11);
        q = q.fma(r, r.broadcast(M10));
        q = q.fma(r, r.broadcast(M9));
        q = q.fma(r, r.broadcast(M8));
        q = q.fma(r, r.broadcast(M7));
        q = q.fma(r, r.broadcast(M6));
        q = q.fma(r, r.broadcast(M5));
        q = q.fma(r, r.broadcast(M4));
        q = q.fma(r, r.broadcast(M3));
        q = q.fma(r, r.broadcast(M2));
        q = q.fma(r, r.broadcast(M1));
        q = q.fma(r, r.broadcast(M0));
        return q;
    }

    /** T(z) of log, by Horner's rule with fma. */
    private static DoubleVector logPoly(DoubleVector z) {
        DoubleVector tz = z.fma(T6, T5);
        tz = tz.fma(z, z.broadcast(T4));
        tz = tz.fma(z, z.broadcast(T3));
        tz = tz.fma(z, z.broadcast(T2));
        tz = tz.fma(z, z.broadcast(T1));
        tz = tz.fma(z, z.broadcast(T0));
        return tz;
    }

    /** P(z) of tanh, by Horner's rule with fma. */
    private static DoubleVector tanhPoly(DoubleVector z) {
        DoubleVector p = z.fma(P10, P9);
        p = p.fma(z, z.broadcast(P8));
        p = p.fma(z, z.broadcast(P7));
        p = p.fma(z, z.broadcast(P6));
        p = p.fma(z, z.broadcast(P5));
        p = p.fma(z, z.broadcast(P4));
        p = p.fma(z, z.broadcast(P3));
        p = p.fma(z, z.broadcast(P2));
        p = p.fma(z, z.broadcast(P1));
        p = p.fma(z, z.broadcast(P0));
        return p;
    }

    /**
     * k of x = 2ᵏ·m, m ∈ [√½, √2), from ix = bits(x) − bits(√½), as a double without an integer conversion:
     * (ix + 1024·2⁵²) >>> 52 = k + 1024 ∈ [0, 4096), placed in the mantissa of 2^52 and subtracted out again.
     */
    private static DoubleVector exponent(LongVector ix) {
        return ix.add(1024L << 52).lanewise(LSHR, 52).or(Double.doubleToRawLongBits(0x1p52)).reinterpretAsDoubles().sub(0x1p52 + 1024);
    }
}
