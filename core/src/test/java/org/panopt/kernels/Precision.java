package org.panopt.kernels;

/**
 * Runs the float32 ({@link FloatMaps}) or float64 ({@link DoubleMaps}) kernels on double arrays, so one
 * test body covers both. Values are rounded to the kernel's precision on the way in (so the scalar
 * reference sees exactly the kernel's inputs) and widened on the way out; untouched elements keep their
 * values, which lets the tests check sentinels around the written range.
 */
enum Precision {
    F32 {
        @Override
        double round(double v) {
            return (float) v;
        }

        @Override
        double ulp(double v) {
            return Math.ulp((float) v);
        }

        @Override
        int lanes() {
            return FloatMaps.S.length();
        }

        @Override
        void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int n) {
            float[] yf = f(y);
            FloatMaps.unary(op, f(x), xo, xs, yf, yo, n);
            back(yf, y);
        }

        @Override
        void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
            float[] yf = f(y);
            FloatMaps.binary(op, f(a), ao, as, f(b), bo, bs, yf, yo, n);
            back(yf, y);
        }

        @Override
        void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs,
                   double[] y, int yo, int n) {
            float[] yf = f(y);
            FloatMaps.where(f(c), co, cs, f(a), ao, as, f(b), bo, bs, yf, yo, n);
            back(yf, y);
        }

        @Override
        double reduce(ReduceOp op, double[] x, int xo, int n) {
            return FloatMaps.reduce(op, f(x), xo, n);
        }

        @Override
        void reduceInto(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n) {
            float[] af = f(acc);
            FloatMaps.reduceInto(op, f(x), xo, af, ao, n);
            back(af, acc);
        }

        @Override
        double dot(double[] x, int xo, double[] y, int yo, int n) {
            return FloatMaps.dot(f(x), xo, f(y), yo, n);
        }

        @Override
        void softmaxRow(double[] x, int xo, double[] y, int yo, int n, boolean log) {
            float[] yf = f(y);
            FloatMaps.softmaxRow(f(x), xo, yf, yo, n, log);
            back(yf, y);
        }

        @Override
        double logSumExpRow(double[] x, int xo, int n) {
            return FloatMaps.logSumExpRow(f(x), xo, n);
        }

        private static float[] f(double[] v) {
            float[] r = new float[v.length];
            for (int i = 0; i < v.length; i++) r[i] = (float) v[i];
            return r;
        }

        private static void back(float[] src, double[] dst) {
            for (int i = 0; i < src.length; i++) dst[i] = src[i];
        }
    },

    F64 {
        @Override
        double round(double v) {
            return v;
        }

        @Override
        double ulp(double v) {
            return Math.ulp(v);
        }

        @Override
        int lanes() {
            return DoubleMaps.S.length();
        }

        @Override
        void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int n) {
            DoubleMaps.unary(op, x.clone(), xo, xs, y, yo, n);
        }

        @Override
        void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n) {
            DoubleMaps.binary(op, a.clone(), ao, as, b.clone(), bo, bs, y, yo, n);
        }

        @Override
        void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs,
                   double[] y, int yo, int n) {
            DoubleMaps.where(c.clone(), co, cs, a.clone(), ao, as, b.clone(), bo, bs, y, yo, n);
        }

        @Override
        double reduce(ReduceOp op, double[] x, int xo, int n) {
            return DoubleMaps.reduce(op, x.clone(), xo, n);
        }

        @Override
        void reduceInto(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n) {
            DoubleMaps.reduceInto(op, x.clone(), xo, acc, ao, n);
        }

        @Override
        double dot(double[] x, int xo, double[] y, int yo, int n) {
            return DoubleMaps.dot(x.clone(), xo, y.clone(), yo, n);
        }

        @Override
        void softmaxRow(double[] x, int xo, double[] y, int yo, int n, boolean log) {
            DoubleMaps.softmaxRow(x.clone(), xo, y, yo, n, log);
        }

        @Override
        double logSumExpRow(double[] x, int xo, int n) {
            return DoubleMaps.logSumExpRow(x.clone(), xo, n);
        }
    };

    /** v rounded to this precision. */
    abstract double round(double v);

    /** One unit in the last place of v in this precision. */
    abstract double ulp(double v);

    /** Elements per vector of the kernel's species. */
    abstract int lanes();

    abstract void unary(UnaryOp op, double[] x, int xo, int xs, double[] y, int yo, int n);

    abstract void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] y, int yo, int n);

    abstract void where(double[] c, int co, int cs, double[] a, int ao, int as, double[] b, int bo, int bs,
                        double[] y, int yo, int n);

    abstract double reduce(ReduceOp op, double[] x, int xo, int n);

    abstract void reduceInto(ReduceOp op, double[] x, int xo, double[] acc, int ao, int n);

    abstract double dot(double[] x, int xo, double[] y, int yo, int n);

    abstract void softmaxRow(double[] x, int xo, double[] y, int yo, int n, boolean log);

    abstract double logSumExpRow(double[] x, int xo, int n);

    /** Every value of {@code v} rounded to this precision, in place; returns v. */
    double[] roundAll(double[] v) {
        for (int i = 0; i < v.length; i++) v[i] = round(v[i]);
        return v;
    }
}
