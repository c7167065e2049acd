package org.panopt.backend;

import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.BroadcastPlan;
import org.panopt.kernels.ConvGeometry;
import org.panopt.kernels.Im2col;
import org.panopt.kernels.Parallel;
import org.panopt.kernels.Pooling;
import org.panopt.kernels.DoubleMaps;
import org.panopt.kernels.FloatMaps;
import org.panopt.kernels.Gemm;
import org.panopt.kernels.Permute;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * The default backend: heap arrays and the Vector-API kernels of {@code org.panopt.kernels}. Each
 * method picks the float or double kernel by the storage it is handed; shapes were checked by
 * {@link Tensor}.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        return HostStorage.allocate(dtype, size);
    }

    @Override
    public Storage fromHost(float[] data) {
        return new HostStorage.Floats(data.clone());
    }

    @Override
    public Storage fromHost(double[] data) {
        return new HostStorage.Doubles(data.clone());
    }

    @Override
    public void toHost(Tensor t, float[] dst) {
        int o = t.offset();
        int n = t.size();
        switch (t.storage()) {
            case HostStorage.Floats f -> System.arraycopy(f.data(), o, dst, 0, n);
            case HostStorage.Doubles d -> {
                double[] s = d.data();
                for (int i = 0; i < n; i++) dst[i] = (float) s[o + i];
            }
            default -> throw foreign(t);
        }
    }

    @Override
    public void toHost(Tensor t, double[] dst) {
        int o = t.offset();
        int n = t.size();
        switch (t.storage()) {
            case HostStorage.Doubles d -> System.arraycopy(d.data(), o, dst, 0, n);
            case HostStorage.Floats f -> {
                float[] s = f.data();
                for (int i = 0; i < n; i++) dst[i] = s[o + i];
            }
            default -> throw foreign(t);
        }
    }

    @Override
    public void fill(Tensor out, double value) {
        int o = out.offset();
        switch (out.storage()) {
            case HostStorage.Floats f -> java.util.Arrays.fill(f.data(), o, o + out.size(), (float) value);
            case HostStorage.Doubles d -> java.util.Arrays.fill(d.data(), o, o + out.size(), value);
            default -> throw foreign(out);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.dtype() == dst.dtype()) {
            System.arraycopy(array(src), src.offset(), array(dst), dst.offset(), src.size());
        } else if (dst.storage() instanceof HostStorage.Floats f) {
            float[] tmp = new float[src.size()];
            toHost(src, tmp);
            System.arraycopy(tmp, 0, f.data(), dst.offset(), tmp.length);
        } else {
            double[] tmp = new double[src.size()];
            toHost(src, tmp);
            System.arraycopy(tmp, 0, ((HostStorage.Doubles) dst.storage()).data(), dst.offset(), tmp.length);
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        BroadcastPlan plan = BroadcastPlan.of(out.dims(), x.dims());
        int xs = plan.innerStride(1);
        int xo = x.offset();
        int yo = out.offset();
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                float[] ya = f.data();
                plan.forAll((off, n) -> FloatMaps.unary(op, xa, xo + off[1], xs, ya, yo + off[0], n));
            }
            case HostStorage.Doubles d -> {
                double[] xa = doubles(x);
                double[] ya = d.data();
                plan.forAll((off, n) -> DoubleMaps.unary(op, xa, xo + off[1], xs, ya, yo + off[0], n));
            }
            default -> throw foreign(out);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        BroadcastPlan plan = BroadcastPlan.of(out.dims(), a.dims(), b.dims());
        int as = plan.innerStride(1);
        int bs = plan.innerStride(2);
        int ao = a.offset();
        int bo = b.offset();
        int yo = out.offset();
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] aa = floats(a);
                float[] ba = floats(b);
                float[] ya = f.data();
                plan.forAll((off, n) ->
                        FloatMaps.binary(op, aa, ao + off[1], as, ba, bo + off[2], bs, ya, yo + off[0], n));
            }
            case HostStorage.Doubles d -> {
                double[] aa = doubles(a);
                double[] ba = doubles(b);
                double[] ya = d.data();
                plan.forAll((off, n) ->
                        DoubleMaps.binary(op, aa, ao + off[1], as, ba, bo + off[2], bs, ya, yo + off[0], n));
            }
            default -> throw foreign(out);
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        BroadcastPlan plan = BroadcastPlan.of(y.dims(), x.dims());
        int xs = plan.innerStride(1);
        int xo = x.offset();
        int yo = y.offset();
        switch (y.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                float[] ya = f.data();
                float a = (float) alpha;
                plan.forAll((off, n) -> FloatMaps.axpy(a, xa, xo + off[1], xs, ya, yo + off[0], n));
            }
            case HostStorage.Doubles d -> {
                double[] xa = doubles(x);
                double[] ya = d.data();
                plan.forAll((off, n) -> DoubleMaps.axpy(alpha, xa, xo + off[1], xs, ya, yo + off[0], n));
            }
            default -> throw foreign(y);
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        BroadcastPlan plan = BroadcastPlan.of(out.dims(), cond.dims(), a.dims(), b.dims());
        int cs = plan.innerStride(1);
        int as = plan.innerStride(2);
        int bs = plan.innerStride(3);
        int co = cond.offset();
        int ao = a.offset();
        int bo = b.offset();
        int yo = out.offset();
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] ca = floats(cond);
                float[] aa = floats(a);
                float[] ba = floats(b);
                float[] ya = f.data();
                plan.forAll((off, n) -> FloatMaps.where(ca, co + off[1], cs, aa, ao + off[2], as,
                        ba, bo + off[3], bs, ya, yo + off[0], n));
            }
            case HostStorage.Doubles d -> {
                double[] ca = doubles(cond);
                double[] aa = doubles(a);
                double[] ba = doubles(b);
                double[] ya = d.data();
                plan.forAll((off, n) -> DoubleMaps.where(ca, co + off[1], cs, aa, ao + off[2], as,
                        ba, bo + off[3], bs, ya, yo + off[0], n));
            }
            default -> throw foreign(out);
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int from, int to, Tensor out) {
        int[] d = x.dims();
        int outer = product(d, 0, from);
        int r = product(d, from, to);
        int inner = product(d, to, d.length);
        int xo = x.offset();
        int yo = out.offset();
        if (r == 0) {
            fill(out, op.identity());
            return;
        }
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                float[] ya = f.data();
                for (int o = 0; o < outer; o++) {
                    int base = xo + o * r * inner;
                    if (inner == 1) {
                        ya[yo + o] = FloatMaps.reduce(op, xa, base, r);
                    } else {
                        System.arraycopy(xa, base, ya, yo + o * inner, inner);
                        for (int j = 1; j < r; j++) FloatMaps.reduceInto(op, xa, base + j * inner, ya, yo + o * inner, inner);
                    }
                }
            }
            case HostStorage.Doubles dd -> {
                double[] xa = doubles(x);
                double[] ya = dd.data();
                for (int o = 0; o < outer; o++) {
                    int base = xo + o * r * inner;
                    if (inner == 1) {
                        ya[yo + o] = DoubleMaps.reduce(op, xa, base, r);
                    } else {
                        System.arraycopy(xa, base, ya, yo + o * inner, inner);
                        for (int j = 1; j < r; j++) DoubleMaps.reduceInto(op, xa, base + j * inner, ya, yo + o * inner, inner);
                    }
                }
            }
            default -> throw foreign(out);
        }
    }

    @Override
    public void argReduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int[] d = x.dims();
        int outer = product(d, 0, axis);
        int r = d[axis];
        int inner = product(d, axis + 1, d.length);
        double[] xv = new double[x.size()];
        toHost(x, xv);
        double[] result = new double[outer * inner];
        boolean max = op == ReduceOp.MAX;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                double bv = xv[o * r * inner + i];
                for (int j = 1; j < r && !Double.isNaN(bv); j++) {
                    double v = xv[(o * r + j) * inner + i];
                    if (Double.isNaN(v) || (max ? v > bv : v < bv)) {
                        best = j;
                        bv = v;
                    }
                }
                result[o * inner + i] = best;
            }
        }
        copyFromHost(result, out);
    }

    @Override
    public void softmax(Tensor x, int axis, boolean log, Tensor out) {
        int[] d = x.dims();
        int r = d[axis];
        if (product(d, axis + 1, d.length) > 1) {
            // Along an inner axis: move it last, work on contiguous rows, move it back.
            int[] perm = moveToEnd(d.length, axis);
            Tensor moved = permuted(x, perm);
            Tensor result = Tensor.zeros(x.dtype(), moved.dims());
            softmax(moved, d.length - 1, log, result);
            permute(result, inverse(perm), out);
            return;
        }
        int rows = product(d, 0, axis);
        int xo = x.offset();
        int yo = out.offset();
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                for (int o = 0; o < rows; o++) FloatMaps.softmaxRow(xa, xo + o * r, f.data(), yo + o * r, r, log);
            }
            case HostStorage.Doubles dd -> {
                double[] xa = doubles(x);
                for (int o = 0; o < rows; o++) DoubleMaps.softmaxRow(xa, xo + o * r, dd.data(), yo + o * r, r, log);
            }
            default -> throw foreign(out);
        }
    }

    @Override
    public void logSumExp(Tensor x, int axis, Tensor out) {
        int[] d = x.dims();
        int r = d[axis];
        if (product(d, axis + 1, d.length) > 1) {
            logSumExp(permuted(x, moveToEnd(d.length, axis)), d.length - 1, out);
            return;
        }
        int rows = product(d, 0, axis);
        int xo = x.offset();
        int yo = out.offset();
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                for (int o = 0; o < rows; o++) f.data()[yo + o] = FloatMaps.logSumExpRow(xa, xo + o * r, r);
            }
            case HostStorage.Doubles dd -> {
                double[] xa = doubles(x);
                for (int o = 0; o < rows; o++) dd.data()[yo + o] = DoubleMaps.logSumExpRow(xa, xo + o * r, r);
            }
            default -> throw foreign(out);
        }
    }

    private Tensor permuted(Tensor x, int[] perm) {
        int[] d = x.dims();
        int[] pd = new int[d.length];
        for (int i = 0; i < d.length; i++) pd[i] = d[perm[i]];
        Tensor moved = Tensor.zeros(x.dtype(), pd);
        permute(x, perm, moved);
        return moved;
    }

    private static int[] moveToEnd(int rank, int axis) {
        int[] perm = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) if (i != axis) perm[j++] = i;
        perm[rank - 1] = axis;
        return perm;
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        int[] ad = a.dims();
        int[] bd = b.dims();
        int[] od = out.dims();
        int batch = od[0];
        int m = od[1];
        int n = od[2];
        int k = transA ? ad[1] : ad[2];
        if ((long) batch * m * n == 0) return;
        if (k == 0) { // an empty sum: zeros (BLAS would reject the leading dimension 0 of the empty operands)
            fill(out, 0);
            return;
        }
        int lda = ad[2];
        int ldb = bd[2];
        int aStep = ad[0] == 1 ? 0 : ad[1] * ad[2];
        int bStep = bd[0] == 1 ? 0 : bd[1] * bd[2];
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] aa = floats(a);
                float[] ba = floats(b);
                forBatch(batch, m, n, k, i -> Gemm.sgemm(transA, transB, m, n, k, 1f, aa, a.offset() + i * aStep, lda,
                        ba, b.offset() + i * bStep, ldb, 0f, f.data(), out.offset() + i * m * n, n));
            }
            case HostStorage.Doubles d -> {
                double[] aa = doubles(a);
                double[] ba = doubles(b);
                forBatch(batch, m, n, k, i -> Gemm.dgemm(transA, transB, m, n, k, 1.0, aa, a.offset() + i * aStep, lda,
                        ba, b.offset() + i * bStep, ldb, 0.0, d.data(), out.offset() + i * m * n, n));
            }
            default -> throw foreign(out);
        }
    }

    // Many small products (a convolution's per-image GEMMs) split over the batch; a few large ones run
    // one after another, each spread over the threads by the GEMM itself.
    private static void forBatch(int batch, int m, int n, int k, java.util.function.IntConsumer product) {
        if (batch >= Parallel.threads() && (long) m * n * k < (1L << 21)) {
            Parallel.forEach(batch, product);
        } else {
            for (int i = 0; i < batch; i++) product.accept(i);
        }
    }

    @Override
    public void permute(Tensor x, int[] perm, Tensor out) {
        switch (out.storage()) {
            case HostStorage.Floats f -> Permute.apply(floats(x), x.offset(), x.dims(), perm, f.data(), out.offset());
            case HostStorage.Doubles d -> Permute.apply(doubles(x), x.offset(), x.dims(), perm, d.data(), out.offset());
            default -> throw foreign(out);
        }
    }

    @Override
    public void copyBlocks(Tensor src, int srcStart, int srcStride, Tensor dst, int dstStart, int dstStride, int block, int count) {
        Object s = array(src);
        Object d = array(dst);
        int so = src.offset() + srcStart;
        int dof = dst.offset() + dstStart;
        for (int j = 0; j < count; j++) System.arraycopy(s, so + j * srcStride, d, dof + j * dstStride, block);
    }

    @Override
    public void im2col(Tensor x, ConvGeometry g, Tensor cols) {
        int n = x.dim(0);
        int in = g.inputSize();
        int col = g.colSize();
        switch (cols.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                Parallel.forEach(n, i -> Im2col.im2col(g, xa, x.offset() + i * in, f.data(), cols.offset() + i * col));
            }
            case HostStorage.Doubles d -> {
                double[] xa = doubles(x);
                Parallel.forEach(n, i -> Im2col.im2col(g, xa, x.offset() + i * in, d.data(), cols.offset() + i * col));
            }
            default -> throw foreign(cols);
        }
    }

    @Override
    public void col2im(Tensor cols, ConvGeometry g, Tensor x) {
        fill(x, 0);
        int n = x.dim(0);
        int in = g.inputSize();
        int col = g.colSize();
        switch (x.storage()) {
            case HostStorage.Floats f -> {
                float[] ca = floats(cols);
                Parallel.forEach(n, i -> Im2col.col2im(g, ca, cols.offset() + i * col, f.data(), x.offset() + i * in));
            }
            case HostStorage.Doubles d -> {
                double[] ca = doubles(cols);
                Parallel.forEach(n, i -> Im2col.col2im(g, ca, cols.offset() + i * col, d.data(), x.offset() + i * in));
            }
            default -> throw foreign(x);
        }
    }

    @Override
    public void maxPool(Tensor x, ConvGeometry g, Tensor out, Tensor argmax) {
        int n = x.dim(0);
        int in = g.inputSize();
        int os = g.outputSize();
        int[] idx = new int[out.size()];
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                Parallel.forEach(n, i -> Pooling.maxPoolForward(g, 1, xa, x.offset() + i * in, f.data(), out.offset() + i * os, idx, i * os));
            }
            case HostStorage.Doubles d -> {
                double[] xa = doubles(x);
                Parallel.forEach(n, i -> Pooling.maxPoolForward(g, 1, xa, x.offset() + i * in, d.data(), out.offset() + i * os, idx, i * os));
            }
            default -> throw foreign(out);
        }
        double[] asValues = new double[idx.length];
        for (int i = 0; i < idx.length; i++) asValues[i] = idx[i];
        copyFromHost(asValues, argmax);
    }

    @Override
    public void maxPoolBackward(Tensor gradOut, Tensor argmax, ConvGeometry g, Tensor gradIn) {
        fill(gradIn, 0);
        int n = gradIn.dim(0);
        int in = g.inputSize();
        int os = g.outputSize();
        double[] av = new double[argmax.size()];
        toHost(argmax, av);
        int[] idx = new int[av.length];
        for (int i = 0; i < av.length; i++) idx[i] = (int) av[i];
        switch (gradIn.storage()) {
            case HostStorage.Floats f -> {
                float[] ga = floats(gradOut);
                Parallel.forEach(n, i -> Pooling.maxPoolBackward(g, 1, ga, gradOut.offset() + i * os, idx, i * os, f.data(), gradIn.offset() + i * in));
            }
            case HostStorage.Doubles d -> {
                double[] ga = doubles(gradOut);
                Parallel.forEach(n, i -> Pooling.maxPoolBackward(g, 1, ga, gradOut.offset() + i * os, idx, i * os, d.data(), gradIn.offset() + i * in));
            }
            default -> throw foreign(gradIn);
        }
    }

    @Override
    public void maxPoolGather(Tensor x, Tensor argmax, ConvGeometry g, Tensor out) {
        double[] xv = new double[x.size()];
        double[] idx = new double[argmax.size()];
        toHost(x, xv);
        toHost(argmax, idx);
        int planes = x.size() / g.inputPlaneSize();
        int op = g.outputPlaneSize();
        double[] result = new double[idx.length];
        for (int p = 0; p < planes; p++) {
            for (int o = 0; o < op; o++) result[p * op + o] = xv[p * g.inputPlaneSize() + (int) idx[p * op + o]];
        }
        copyFromHost(result, out);
    }

    @Override
    public void avgPool(Tensor x, ConvGeometry g, boolean countIncludePad, Tensor out) {
        int n = x.dim(0);
        int in = g.inputSize();
        int os = g.outputSize();
        switch (out.storage()) {
            case HostStorage.Floats f -> {
                float[] xa = floats(x);
                Parallel.forEach(n, i -> Pooling.avgPoolForward(g, 1, countIncludePad, xa, x.offset() + i * in, f.data(), out.offset() + i * os));
            }
            case HostStorage.Doubles d -> {
                double[] xa = doubles(x);
                Parallel.forEach(n, i -> Pooling.avgPoolForward(g, 1, countIncludePad, xa, x.offset() + i * in, d.data(), out.offset() + i * os));
            }
            default -> throw foreign(out);
        }
    }

    @Override
    public void avgPoolBackward(Tensor gradOut, ConvGeometry g, boolean countIncludePad, Tensor gradIn) {
        fill(gradIn, 0);
        int n = gradIn.dim(0);
        int in = g.inputSize();
        int os = g.outputSize();
        switch (gradIn.storage()) {
            case HostStorage.Floats f -> {
                float[] ga = floats(gradOut);
                Parallel.forEach(n, i -> Pooling.avgPoolBackward(g, 1, countIncludePad, ga, gradOut.offset() + i * os, f.data(), gradIn.offset() + i * in));
            }
            case HostStorage.Doubles d -> {
                double[] ga = doubles(gradOut);
                Parallel.forEach(n, i -> Pooling.avgPoolBackward(g, 1, countIncludePad, ga, gradOut.offset() + i * os, d.data(), gradIn.offset() + i * in));
            }
            default -> throw foreign(gradIn);
        }
    }

    private void copyFromHost(double[] values, Tensor out) {
        switch (out.storage()) {
            case HostStorage.Doubles d -> System.arraycopy(values, 0, d.data(), out.offset(), values.length);
            case HostStorage.Floats f -> {
                float[] y = f.data();
                for (int i = 0; i < values.length; i++) y[out.offset() + i] = (float) values[i];
            }
            default -> throw foreign(out);
        }
    }

    private static int product(int[] d, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= d[i];
        return p;
    }

    private static float[] floats(Tensor t) {
        if (t.storage() instanceof HostStorage.Floats f) return f.data();
        throw new IllegalArgumentException("expected a float32 cpu tensor, got " + t.dtype() + " on " + t.device());
    }

    private static double[] doubles(Tensor t) {
        if (t.storage() instanceof HostStorage.Doubles d) return d.data();
        throw new IllegalArgumentException("expected a float64 cpu tensor, got " + t.dtype() + " on " + t.device());
    }

    private static Object array(Tensor t) {
        return switch (t.storage()) {
            case HostStorage.Floats f -> f.data();
            case HostStorage.Doubles d -> d.data();
            default -> throw foreign(t);
        };
    }

    private static IllegalArgumentException foreign(Tensor t) {
        return new IllegalArgumentException("cpu backend handed a tensor on " + t.device());
    }
}
