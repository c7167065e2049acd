package org.panopt.kernels;

/**
 * Elementwise functions of two arguments. Comparisons yield 1 or 0 in the operands' dtype (panopt has
 * no boolean dtype; a mask is a tensor of zeros and ones, ready to multiply).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV,
    /** IEEE maximum: NaN if either is NaN, as {@link Math#max}. */
    MAX,
    MIN,
    POW,
    EQ, NE, LT, LE, GT, GE;

    /** The definition in double precision; kernels are tested against it. */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> Math.pow(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
        };
    }

    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
