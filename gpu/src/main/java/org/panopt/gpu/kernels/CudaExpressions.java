package org.panopt.gpu.kernels;

import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;

/**
 * Each elementwise and reduction op of core as a CUDA C expression, written to compute what the CPU
 * kernels compute ({@code FloatMaps}/{@code DoubleMaps}, whose definitions are {@link UnaryOp#apply},
 * {@link BinaryOp#apply}, {@link ReduceOp#combine}): the same formula in the same order of operations,
 * and Java's special cases where C's differ. {@code pn_max}/{@code pn_min} are Java's
 * {@code Math.max}/{@code min} (NaN wins; +0 above −0) rather than CUDA's {@code fmaxf}, which drops a
 * NaN; {@code pn_pow} is {@code Math.pow} ({@code pow(1, NaN)} and {@code pow(±1, ±∞)} are NaN, where C
 * gives 1). The expressions are type-generic: {@code pn_exp} etc. are overloaded for float and double.
 *
 * <p>The switches have no default branch, so a new op in core does not compile here until it has an
 * expression.
 */
public final class CudaExpressions {
    private CudaExpressions() {}

    /** y as an expression of x. */
    public static String unary(UnaryOp op) {
        return switch (op) {
            case IDENTITY -> "x";
            case NEG -> "-x";
            case ABS -> "pn_abs(x)";
            case EXP -> "pn_exp(x)";
            case LOG -> "pn_log(x)";
            case SQRT -> "pn_sqrt(x)";
            case RSQRT -> "T(1) / pn_sqrt(x)";
            case TANH -> "pn_tanh(x)";
            case SIGMOID -> "T(1) / (pn_exp(-x) + T(1))";
            case RELU -> "pn_max(x, T(0))";
            case SQUARE -> "x * x";
            case RECIPROCAL -> "T(1) / x";
            case SIGN -> "pn_sign(x)";
            case LOG1P -> "pn_log1p(x)";
            case EXPM1 -> "pn_expm1(x)";
            case SIN -> "pn_sin(x)";
            case COS -> "pn_cos(x)";
            case SOFTPLUS -> "pn_max(x, T(0)) + pn_log1p(pn_exp(-pn_abs(x)))";
            case STEP -> "x > T(0) ? T(1) : T(0)";
            case ERF -> "pn_erf(x)";
        };
    }

    /** y as an expression of a and b; comparisons give 1 or 0 in the operands' type. */
    public static String binary(BinaryOp op) {
        return switch (op) {
            case ADD -> "a + b";
            case SUB -> "a - b";
            case MUL -> "a * b";
            case DIV -> "a / b";
            case MAX -> "pn_max(a, b)";
            case MIN -> "pn_min(a, b)";
            case POW -> "pn_pow(a, b)";
            case EQ -> "a == b ? T(1) : T(0)";
            case NE -> "a != b ? T(1) : T(0)";
            case LT -> "a < b ? T(1) : T(0)";
            case LE -> "a <= b ? T(1) : T(0)";
            case GT -> "a > b ? T(1) : T(0)";
            case GE -> "a >= b ? T(1) : T(0)";
        };
    }

    /** The prelude's code for a reduction: 0 = sum, 1 = max, 2 = min (see {@code pn_combine}). */
    public static int reduceCode(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 1;
            case MIN -> 2;
        };
    }
}
