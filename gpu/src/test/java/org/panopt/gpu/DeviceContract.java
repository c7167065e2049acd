package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panopt.backend.Backend;
import org.panopt.backend.Backends;
import org.panopt.backend.CpuBackend;
import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ConvGeometry;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * Every primitive of core's {@link Backend} on a device against {@link CpuBackend} on the same inputs,
 * on awkward sizes (1, 3, 17, 1000+), broadcasting patterns, special values, and geometries; in float32
 * and float64. Run by {@code CudaDeviceTest} on a GPU and by {@code EmulatedDeviceTest} on the host
 * emulation of the same kernels. Tolerances: {@link Compare#rtol} unless a test says otherwise.
 */
@Timeout(300)
abstract class DeviceContract {
    static final int[] SIZES = {1, 3, 17, 1025};

    /** The device under test. */
    abstract Device device();

    Backend backend() {
        return Backends.of(device());
    }

    static final CpuBackend CPU = CpuBackend.INSTANCE;

    static Tensor random(long seed, DType t, double lo, double hi, int... dims) {
        return Tensor.rand(new SplittableRandom(seed), lo, hi, t, dims);
    }

    /** Small integers 0 … bound−1 as floats: ties for comparisons, max and pooling. */
    static Tensor randomInts(long seed, DType t, int bound, int... dims) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(bound);
        return Tensor.of(v, dims).to(t);
    }

    Tensor dev(Tensor cpu) {
        return cpu.to(device());
    }

    Tensor zerosOn(Device d, DType t, int... dims) {
        return Tensor.zeros(t, Shape.of(dims), d);
    }

    // ---------------------------------------------------------------- data movement

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripsHostDataOfEverySize(DType t) {
        for (int n : new int[] {0, 1, 3, 17, 1025, 100_003}) {
            Tensor x = random(n, t, -5, 5, n);
            Tensor back = dev(x).to(Device.CPU);
            assertThat(back.toDoubleArray()).as("size %d", n).containsExactly(x.toDoubleArray());
            assertThat(dev(x).toFloatArray()).as("as float, size %d", n).containsExactly(x.toFloatArray());
        }
    }

    @Test
    void convertsBetweenDtypesOnTheDevice() {
        Tensor x = random(1, DType.FLOAT64, -1e3, 1e3, 1025);
        Compare.close("f64→f32", dev(x).to(DType.FLOAT32), x.to(DType.FLOAT32), 0, 0);
        Tensor y = random(2, DType.FLOAT32, -1e3, 1e3, 1025);
        Compare.close("f32→f64", dev(y).to(DType.FLOAT64), y.to(DType.FLOAT64), 0, 0);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void allocatesZerosAndFills(DType t) {
        for (int n : SIZES) {
            Tensor z = zerosOn(device(), t, n);
            assertThat(z.toDoubleArray()).containsOnly(0.0);
            for (double v : new double[] {0.0, -0.0, 1.5, -3.25e7, Double.NaN, Double.NEGATIVE_INFINITY}) {
                Tensor f = zerosOn(device(), t, n).fill(v);
                Compare.close("fill " + v + " size " + n, f, zerosOn(Device.CPU, t, n).fill(v), 0, 0);
            }
        }
        Tensor negZero = zerosOn(device(), t, 3).fill(-0.0);
        assertThat(Double.doubleToRawLongBits(negZero.toDoubleArray()[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void copiesBlocksForNarrowAndConcat(DType t) {
        Tensor a = random(3, t, -1, 1, 4, 17, 3);
        Tensor b = random(4, t, -1, 1, 4, 5, 3);
        Compare.close("concat axis 1", Tensor.concat(1, dev(a), dev(b)), Tensor.concat(1, a, b), 0, 0);
        Compare.close("concat axis 0", Tensor.concat(0, dev(a), dev(a)), Tensor.concat(0, a, a), 0, 0);
        Compare.close("narrow", dev(a).narrow(1, 3, 11), a.narrow(1, 3, 11), 0, 0);
        Compare.close("stack", Tensor.stack(2, dev(b), dev(b)), Tensor.stack(2, b, b), 0, 0);
        Tensor src = dev(random(5, t, -1, 1, 100));
        Tensor dst = zerosOn(device(), t, 100);
        Tensor cpuDst = zerosOn(Device.CPU, t, 100);
        backend().copyBlocks(src, 1, 7, dst, 2, 9, 5, 10);
        CPU.copyBlocks(src.to(Device.CPU), 1, 7, cpuDst, 2, 9, 5, 10);
        Compare.close("copyBlocks", dst, cpuDst, 0, 0);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void permutesAxesIncludingRanksBeyondTheKernelLimit(DType t) {
        Tensor x = random(6, t, -1, 1, 3, 17, 5, 2);
        for (int[] perm : new int[][] {{0, 1, 3, 2}, {3, 2, 1, 0}, {1, 0, 2, 3}, {2, 0, 3, 1}, {0, 1, 2, 3}}) {
            Compare.close("permute " + java.util.Arrays.toString(perm), dev(x).permute(perm), x.permute(perm), 0, 0);
        }
        int[] dims = {2, 3, 2, 2, 3, 2, 2, 3, 2}; // rank 9 reversed: nothing merges, one axis over the limit
        Tensor big = random(7, t, -1, 1, dims);
        int[] reverse = {8, 7, 6, 5, 4, 3, 2, 1, 0};
        Compare.close("permute rank 9", dev(big).permute(reverse), big.permute(reverse), 0, 0);
    }

    // ---------------------------------------------------------------- elementwise

    private static double[] domain(UnaryOp op) {
        return switch (op) {
            case LOG, SQRT, RSQRT -> new double[] {0.05, 4};
            case LOG1P -> new double[] {-0.9, 4};
            default -> new double[] {-4, 4};
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOpsMatchTheCpu(UnaryOp op) {
        for (DType t : DType.values()) {
            for (int n : SIZES) {
                double[] d = domain(op);
                Tensor x = random(n + op.ordinal(), t, d[0], d[1], n);
                Tensor out = zerosOn(device(), t, n);
                Tensor expected = zerosOn(Device.CPU, t, n);
                backend().unary(op, dev(x), out);
                CPU.unary(op, x, expected);
                Compare.close(op + " " + t + " size " + n, out, expected);
            }
            // Broadcast: x [1, 17] written to [3, 17], and a scalar expanded.
            Tensor row = random(9, t, domain(op)[0], domain(op)[1], 1, 17);
            Tensor out = zerosOn(device(), t, 3, 17);
            Tensor expected = zerosOn(Device.CPU, t, 3, 17);
            backend().unary(op, dev(row), out);
            CPU.unary(op, row, expected);
            Compare.close(op + " broadcast " + t, out, expected);
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOpsAgreeOnSpecialValues(UnaryOp op) {
        double[] v = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1, -1, 0.5, 1e-30, 30, -30, 100, -100};
        for (DType t : DType.values()) {
            Tensor x = Tensor.of(v).to(t);
            Tensor out = zerosOn(device(), t, v.length);
            Tensor expected = zerosOn(Device.CPU, t, v.length);
            backend().unary(op, dev(x), out);
            CPU.unary(op, x, expected);
            Compare.close(op + " specials " + t, out, expected);
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryOpsMatchTheCpuUnderBroadcasting(BinaryOp op) {
        int[][][] shapes = {
            {{1025}, {1025}, {1025}},
            {{3, 1, 17}, {1, 5, 17}, {3, 5, 17}},
            {{}, {17}, {17}},
            {{17}, {}, {17}},
            {{2, 3, 4, 5}, {3, 1, 1}, {2, 3, 4, 5}},
            {{1}, {1}, {1}},
        };
        for (DType t : DType.values()) {
            for (int[][] s : shapes) {
                boolean positiveBase = op == BinaryOp.POW;
                boolean ties = op.isComparison() || op == BinaryOp.MAX || op == BinaryOp.MIN;
                Tensor a = ties ? randomInts(11, t, 3, s[0]) : random(11, t, positiveBase ? 0.1 : -3, 3, s[0]);
                Tensor b = ties ? randomInts(12, t, 3, s[1]) : random(12, t, -3, 3, s[1]);
                Tensor out = zerosOn(device(), t, s[2]);
                Tensor expected = zerosOn(Device.CPU, t, s[2]);
                backend().binary(op, dev(a), dev(b), out);
                CPU.binary(op, a, b, expected);
                Compare.close(op + " " + t + " " + Shape.of(s[0]) + " with " + Shape.of(s[1]), out, expected);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryOpsAgreeOnSpecialValues(BinaryOp op) {
        double[] s = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1, -1, 2.5};
        double[] a = new double[s.length * s.length];
        double[] b = new double[a.length];
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                a[i * s.length + j] = s[i];
                b[i * s.length + j] = s[j];
            }
        }
        for (DType t : DType.values()) {
            Tensor ta = Tensor.of(a).to(t);
            Tensor tb = Tensor.of(b).to(t);
            Tensor out = zerosOn(device(), t, a.length);
            Tensor expected = zerosOn(Device.CPU, t, a.length);
            backend().binary(op, dev(ta), dev(tb), out);
            CPU.binary(op, ta, tb, expected);
            Compare.close(op + " specials " + t, out, expected);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void whereSelectsUnderBroadcasting(DType t) {
        Tensor cond = random(13, t, -1, 1, 3, 1, 17).gt(0);
        Tensor a = random(14, t, -1, 1, 5, 17);
        Tensor b = random(15, t, -1, 1, 3, 5, 1);
        Compare.close("where", Tensor.where(dev(cond), dev(a), dev(b)), Tensor.where(cond, a, b), 0, 0);
    }

    // ---------------------------------------------------------------- reductions

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reductionsOverEveryAxisRunMatchTheCpu(ReduceOp op) {
        for (DType t : DType.values()) {
            Tensor x = random(16, t, -1, 1, 3, 17, 1025);
            // From/to pairs: the last axis (rows), an inner axis (columns), the first, a run, everything.
            int[][] runs = {{2, 3}, {1, 2}, {0, 1}, {1, 3}, {0, 3}, {0, 2}};
            for (int[] r : runs) {
                int[] d = x.dims();
                for (int a = r[0]; a < r[1]; a++) d[a] = 1;
                Tensor out = zerosOn(device(), t, d);
                Tensor expected = zerosOn(Device.CPU, t, d);
                backend().reduce(op, dev(x), r[0], r[1], out);
                CPU.reduce(op, x, r[0], r[1], expected);
                double scale = op == ReduceOp.SUM ? Math.sqrt(x.size()) : 1; // sums: error grows with the count
                Compare.close(op + " " + t + " over [" + r[0] + ", " + r[1] + ")", out, expected, Compare.rtol(t), Compare.rtol(t) * scale);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void longRowsAndColumnsAreSplitAndStillMatch(ReduceOp op) {
        for (DType t : DType.values()) {
            for (int[] dims : new int[][] {{1, 20_000}, {2, 9_000}, {3000, 3}, {2000, 2}, {1, 1}}) {
                Tensor x = random(17, t, -1, 1, dims);
                for (int axis = 0; axis < 2; axis++) {
                    int[] d = dims.clone();
                    d[axis] = 1;
                    Tensor out = zerosOn(device(), t, d);
                    Tensor expected = zerosOn(Device.CPU, t, d);
                    backend().reduce(op, dev(x), axis, axis + 1, out);
                    CPU.reduce(op, x, axis, axis + 1, expected);
                    double scale = op == ReduceOp.SUM ? Math.sqrt(x.size()) : 1;
                    Compare.close(op + " " + t + " " + Shape.of(dims) + " axis " + axis, out, expected, Compare.rtol(t), Compare.rtol(t) * scale);
                }
            }
        }
    }

    @Test
    void reductionsPropagateNaNAndGiveIdentitiesForEmptyRuns() {
        Tensor x = Tensor.of(new double[] {1, Double.NaN, 3, -2, 5, 7}, 2, 3);
        Compare.close("max with NaN", dev(x).max(new int[] {1}, false), x.max(new int[] {1}, false));
        Compare.close("min columns", dev(x).min(new int[] {0}, false), x.min(new int[] {0}, false));
        Tensor empty = Tensor.zeros(DType.FLOAT64, 3, 0, 2);
        for (ReduceOp op : ReduceOp.values()) {
            Tensor out = zerosOn(device(), DType.FLOAT64, 3, 1, 2);
            backend().reduce(op, dev(empty), 1, 2, out);
            assertThat(out.toDoubleArray()).as("%s over an empty axis", op).containsOnly(op.identity());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void argmaxAndArgminTakeTheFirstExtremeAndNaN(DType t) {
        double[] v = {3, 1, 3, 2, -1, -1, Double.NaN, 4, 0, 7, 7, 7};
        Tensor x = Tensor.of(v, 3, 4).to(t);
        for (int axis = 0; axis < 2; axis++) {
            Compare.close("argmax axis " + axis, dev(x).argmax(axis, false), x.argmax(axis, false), 0, 0);
            Compare.close("argmin axis " + axis, dev(x).argmin(axis, false), x.argmin(axis, false), 0, 0);
        }
        Tensor big = random(18, t, -1, 1, 4, 1025, 3);
        for (int axis = 0; axis < 3; axis++) {
            Compare.close("argmax big axis " + axis, dev(big).argmax(axis, true), big.argmax(axis, true), 0, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void softmaxAndLogSoftmaxAlongEveryAxis(DType t) {
        Tensor x = random(19, t, -20, 20, 3, 17, 33);
        for (int axis = 0; axis < 3; axis++) {
            Compare.close("softmax axis " + axis, dev(x).softmax(axis), x.softmax(axis));
            Compare.close("logSoftmax axis " + axis, dev(x).logSoftmax(axis), x.logSoftmax(axis));
            Compare.close("logSumExp axis " + axis, dev(x).logSumExp(axis, false), x.logSumExp(axis, false));
        }
        Tensor wide = random(20, t, -5, 5, 2, 3000);
        Compare.close("softmax long rows", dev(wide).softmax(1), wide.softmax(1));
        double inf = Double.POSITIVE_INFINITY;
        Tensor special = Tensor.of(new double[] {-inf, -inf, -inf, 1000, 1001, 999, inf, 0, 1, Double.NaN, 0, 0}, 4, 3).to(t);
        for (int axis = 0; axis < 2; axis++) {
            Compare.close("softmax specials axis " + axis, dev(special).softmax(axis), special.softmax(axis));
            Compare.close("logSoftmax specials axis " + axis, dev(special).logSoftmax(axis), special.logSoftmax(axis));
            Compare.close("logSumExp specials axis " + axis, dev(special).logSumExp(axis, true), special.logSumExp(axis, true));
        }
    }

    // ---------------------------------------------------------------- products

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulWithEveryTransposeAndBatchBroadcast(DType t) {
        int[][] mnk = {{1, 1, 1}, {3, 17, 5}, {17, 3, 65}, {65, 33, 17}, {2, 3, 0}};
        double tol = t == DType.FLOAT32 ? 1e-5 : 1e-12;
        for (int[] s : mnk) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (int[] batches : new int[][] {{1, 1}, {4, 4}, {1, 4}, {4, 1}}) {
                        Tensor a = random(21, t, -1, 1, batches[0], ta ? k : m, ta ? m : k);
                        Tensor b = random(22, t, -1, 1, batches[1], tb ? n : k, tb ? k : n);
                        int batch = Math.max(batches[0], batches[1]);
                        Tensor out = zerosOn(device(), t, batch, m, n);
                        Tensor expected = zerosOn(Device.CPU, t, batch, m, n);
                        backend().matmul(dev(a), ta, dev(b), tb, out);
                        CPU.matmul(a, ta, b, tb, expected);
                        Compare.close("matmul m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " batches "
                                + batches[0] + "," + batches[1] + " " + t, out, expected, tol, tol * Math.max(1, k));
                    }
                }
            }
        }
        Tensor a = random(23, t, -1, 1, 2, 3, 7, 5);
        Tensor b = random(24, t, -1, 1, 3, 5, 4);
        Compare.close("Tensor.matmul batched broadcast", dev(a).matmul(dev(b)), a.matmul(b), tol, tol * 5);
    }

    @Test
    void kroneckerFactorStatisticsOnTheDevice() {
        // K-FAC's factors of a layer: A = ā^T ā / N over homogeneous inputs ā = [a, 1], G = g^T g / N: transposed GEMMs.
        Tensor a = random(33, DType.FLOAT32, -1, 1, 256, 100);
        Tensor g = random(34, DType.FLOAT32, -1, 1, 256, 30);
        Tensor ones = Tensor.ones(DType.FLOAT32, 256, 1);
        Tensor abar = Tensor.concat(1, a, ones);
        Tensor expectedA = abar.matmul(abar, true, false).div(256);
        Tensor expectedG = g.matmul(g, true, false).div(256);
        Tensor abarDev = Tensor.concat(1, dev(a), dev(ones));
        Compare.close("A factor", abarDev.matmul(abarDev, true, false).div(256), expectedA, 1e-5, 1e-5);
        Compare.close("G factor", dev(g).matmul(dev(g), true, false).div(256), expectedG, 1e-5, 1e-5);
    }

    // ---------------------------------------------------------------- convolution and pooling

    static List<ConvGeometry> geometries() {
        return List.of(
                ConvGeometry.square(3, 7, 7, 3, 1, 1),
                new ConvGeometry(2, 9, 6, 3, 2, 2, 1, 1, 0, 1, 1),
                new ConvGeometry(4, 11, 13, 3, 3, 2, 3, 2, 1, 2, 2),
                ConvGeometry.square(1, 5, 5, 5, 1, 0),
                ConvGeometry.square(2, 1, 1, 1, 1, 0));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void im2colAndCol2imMatchTheCpu(DType t) {
        for (ConvGeometry g : geometries()) {
            Tensor x = random(25, t, -1, 1, 3, g.channels(), g.height(), g.width());
            Compare.close("im2col " + g, dev(x).im2col(g), x.im2col(g), 0, 0);
            Tensor cols = random(26, t, -1, 1, 3, g.colRows(), g.outputPlaneSize());
            Compare.close("col2im " + g, dev(cols).col2im(g), cols.col2im(g), 0, 0); // same order of additions: exact
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void poolingForwardAndBackwardMatchTheCpu(DType t) {
        List<ConvGeometry> pools = List.of(ConvGeometry.square(3, 8, 8, 2, 2, 0), ConvGeometry.square(2, 7, 9, 3, 2, 1),
                new ConvGeometry(2, 10, 7, 3, 2, 1, 2, 1, 0, 2, 1), ConvGeometry.square(1, 5, 5, 3, 1, 1));
        for (ConvGeometry g : pools) {
            Tensor x = randomInts(27, t, 4, 2, g.channels(), g.height(), g.width()); // ties: the first in window order wins
            Tensor.Pooled dv = dev(x).maxPool2d(g);
            Tensor.Pooled cp = x.maxPool2d(g);
            Compare.close("max pool " + g, dv.values(), cp.values(), 0, 0);
            Compare.close("max pool argmax " + g, dv.indices(), cp.indices(), 0, 0);
            Tensor gradOut = random(28, t, -1, 1, cp.values().dims());
            Compare.close("max pool backward " + g, Tensor.maxPool2dBackward(dev(gradOut), dv.indices(), g),
                    Tensor.maxPool2dBackward(gradOut, cp.indices(), g), 0, 0);
            Tensor gathered = zerosOn(device(), t, cp.values().dims());
            Tensor expectedGather = zerosOn(Device.CPU, t, cp.values().dims());
            backend().maxPoolGather(dev(x), dv.indices(), g, gathered);
            CPU.maxPoolGather(x, cp.indices(), g, expectedGather);
            Compare.close("max pool gather " + g, gathered, expectedGather, 0, 0);
            for (boolean pad : new boolean[] {false, true}) {
                Compare.close("avg pool " + pad + " " + g, dev(x).avgPool2d(g, pad), x.avgPool2d(g, pad));
                Compare.close("avg pool backward " + pad + " " + g, Tensor.avgPool2dBackward(dev(gradOut), g, pad),
                        Tensor.avgPool2dBackward(gradOut, g, pad), 0, 0);
            }
        }
    }

    @Test
    void poolingRejectsWindowsInThePaddingAsTheCpuDoes() {
        ConvGeometry g = new ConvGeometry(1, 2, 2, 1, 1, 3, 3, 1, 1, 1, 1); // output (0,0) sits on padding
        Tensor x = random(29, DType.FLOAT32, -1, 1, 1, 1, 2, 2);
        assertThatThrownBy(() -> x.avgPool2d(g, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padding");
        assertThatThrownBy(() -> dev(x).avgPool2d(g, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padding");
    }

    // ---------------------------------------------------------------- through autograd

    @ParameterizedTest
    @EnumSource(DType.class)
    void gradientsOfAConvNetMatchTheCpu(DType t) {
        Tensor x = random(30, t, -1, 1, 2, 3, 9, 9);
        Tensor w = random(31, t, -0.5, 0.5, 4, 3, 3, 3);
        Tensor bias = random(32, t, -0.1, 0.1, 4);
        Tensor[] cpu = convNetGradients(x, w, bias);
        Tensor[] onDevice = convNetGradients(dev(x), dev(w), dev(bias));
        double tol = t == DType.FLOAT32 ? 1e-4 : 1e-11;
        String[] names = {"loss", "dx", "dw", "db"};
        for (int i = 0; i < cpu.length; i++) Compare.close("conv net " + names[i] + " " + t, onDevice[i], cpu[i], tol, tol);
    }

    private static Tensor[] convNetGradients(Tensor x, Tensor w, Tensor b) {
        Tensor xs = x.detach().requiresGrad(true);
        Tensor ws = w.detach().requiresGrad(true);
        Tensor bs = b.detach().requiresGrad(true);
        ConvGeometry pool = ConvGeometry.square(4, 9, 9, 2, 2, 0);
        Tensor h = xs.conv2d(ws, bs, 1, 1).tanh().maxPool2d(pool).values();
        Tensor loss = h.reshape(2, -1).logSoftmax(1).sum().neg();
        loss.backward();
        return new Tensor[] {loss.detach(), xs.grad(), ws.grad(), bs.grad()};
    }
}
