package org.panopt.kernels;

/** Elementwise functions of one argument. Each has a vector kernel per dtype and a scalar definition. */
public enum UnaryOp {
    /** y = x (a copy; with broadcasting, an expand). */
    IDENTITY,
    NEG,
    ABS,
    EXP,
    LOG,
    SQRT,
    /** y = 1/√x. */
    RSQRT,
    TANH,
    /** y = 1 / (1 + e^{−x}). */
    SIGMOID,
    /** y = max(x, 0); NaN stays NaN. */
    RELU,
    SQUARE,
    RECIPROCAL,
    /** y = −1, 0 or 1 (0 for ±0; NaN stays NaN). */
    SIGN,
    LOG1P,
    EXPM1,
    SIN,
    COS,
    /** y = log(1 + e^x), computed as max(x,0) + log1p(e^{−|x|}) so it neither overflows nor loses small values. */
    SOFTPLUS,
    /** y = 1 if x > 0 else 0: the derivative of {@link #RELU}. */
    STEP,
    /** The error function (scalar kernel: the Vector API has no erf). */
    ERF;

    /** The definition in double precision; kernels are tested against it. */
    public double apply(double x) {
        return switch (this) {
            case IDENTITY -> x;
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case RELU -> Math.max(x, 0.0); // NaN stays NaN, as in torch.relu
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case SIGN -> Math.signum(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case SOFTPLUS -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case STEP -> x > 0 ? 1.0 : 0.0;
            case ERF -> Erf.erf(x);
        };
    }
}
