package org.panopt.gpu;

import java.lang.foreign.MemorySegment;
import org.panopt.backend.Backend;
import org.panopt.backend.Storage;
import org.panopt.gpu.kernels.BroadcastIndex;
import org.panopt.gpu.kernels.CudaKernels;
import org.panopt.gpu.kernels.LaunchArgs;
import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ConvGeometry;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * core's {@link Backend} on a CUDA device: storage in device memory ({@link DeviceStorage}, from a
 * {@link CachingAllocator}), every primitive as a kernel of {@link CudaKernels} or a cuBLAS GEMM, all
 * ordered on one stream, so a training step runs on the device without waiting for the host; the host
 * waits only when it reads a tensor ({@code toFloatArray}, {@code item}).
 *
 * <p>Row-major products through column-major cuBLAS: a row-major m×n matrix with row length n is, read
 * column-major, its n×m transpose. So {@code C = op(A)·op(B)} is computed as
 * {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: cuBLAS is handed B for its first operand and A for its second, with the
 * transpose flags swapped along, {@code m ↔ n}, and each stored matrix's row length as its leading
 * dimension.
 *
 * <p>Results are the CPU backend's up to summation order: elementwise ops use the same formulas (see
 * {@link org.panopt.gpu.kernels.CudaExpressions}); sums along the last axis, softmax and GEMMs add in
 * a different order; sums along inner axes, col2im and the pooling backward passes add in the CPU's
 * order. Math functions ({@code expf}, {@code tanhf}, …) are CUDA's, within a few ulp of Java's.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private static final int BLOCK = CudaKernels.BLOCK;
    /** Rows up to this long are reduced (and soft-maxed) one per thread rather than one per block of 256 threads. */
    static final int SHORT_ROW = 32;

    private final Device device;
    private final DeviceRuntime runtime;
    private final CachingAllocator allocator;
    private final CudaKernels kernels = CudaKernels.catalogue();

    /**
     * A backend for {@code device} running on {@code runtime}. Device memory is capped at
     * {@code -Dpanopt.cuda.memoryFraction} (default 0.9) of the device's, beyond which unreachable tensors
     * are collected before more is allocated.
     */
    public CudaBackend(Device device, DeviceRuntime runtime) {
        this.device = device;
        this.runtime = runtime;
        double fraction = Double.parseDouble(System.getProperty("panopt.cuda.memoryFraction", "0.9"));
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("panopt.cuda.memoryFraction must be in (0, 1], got " + fraction);
        }
        long limit = (long) (runtime.totalMemory() * fraction);
        this.allocator = new CachingAllocator(new CachingAllocator.RawMemory() {
            @Override
            public long tryAllocate(long bytes) {
                return runtime.tryAllocate(bytes);
            }

            @Override
            public void free(long address) {
                runtime.free(address);
            }
        }, limit, System::gc, 1000);
    }

    @Override
    public Device device() {
        return device;
    }

    /** The device and library versions. */
    public String description() {
        return device + ": " + runtime.description();
    }

    /** Waits until every enqueued kernel and copy has finished (for timing). */
    public void synchronize() {
        runtime.synchronize();
    }

    /** Device milliseconds of {@code work}, measured with events on the stream. */
    public float time(Runnable work) {
        return runtime.time(work);
    }

    public CachingAllocator.Stats memoryStats() {
        return allocator.stats();
    }

    /** Gives cached, unused device memory back to the driver (PyTorch's {@code torch.cuda.empty_cache()}). */
    public void emptyCache() {
        runtime.synchronize();
        allocator.emptyCache();
    }

    /** Frees all device memory, including that of live tensors, and releases the device. */
    @Override
    public void close() {
        runtime.synchronize();
        allocator.close();
        runtime.close();
    }

    // ---------------------------------------------------------------- storage

    private DeviceStorage storage(Tensor t) {
        if (t.storage() instanceof DeviceStorage s && s.device().equals(device)) return s;
        throw new IllegalArgumentException(device + " backend handed a tensor on " + t.device());
    }

    /** Device address of element {@code index} of {@code t}'s view. */
    private long address(Tensor t, long index) {
        return storage(t).address(t.offset() + (int) index);
    }

    private long address(Tensor t) {
        return address(t, 0);
    }

    private DeviceStorage scratch(DType dtype, int size) {
        return new DeviceStorage(dtype, size, device, allocator);
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        DeviceStorage s = scratch(dtype, size);
        if (size > 0) runtime.zero(s.address(0), (long) size * dtype.bytes());
        return s;
    }

    @Override
    public Storage fromHost(float[] data) {
        DeviceStorage s = scratch(DType.FLOAT32, data.length);
        if (data.length == 1) fillKernel(DType.FLOAT32, s.address(0), 1, data[0]); // a scalar: no host-device round trip
        else if (data.length > 0) runtime.upload(MemorySegment.ofArray(data), s.address(0), 4L * data.length);
        return s;
    }

    @Override
    public Storage fromHost(double[] data) {
        DeviceStorage s = scratch(DType.FLOAT64, data.length);
        if (data.length == 1) fillKernel(DType.FLOAT64, s.address(0), 1, data[0]);
        else if (data.length > 0) runtime.upload(MemorySegment.ofArray(data), s.address(0), 8L * data.length);
        return s;
    }

    @Override
    public void toHost(Tensor t, float[] dst) {
        int n = t.size();
        if (n == 0) return;
        if (t.dtype() == DType.FLOAT32) {
            runtime.download(address(t), MemorySegment.ofArray(dst), 4L * n);
        } else {
            double[] tmp = new double[n];
            runtime.download(address(t), MemorySegment.ofArray(tmp), 8L * n);
            for (int i = 0; i < n; i++) dst[i] = (float) tmp[i];
        }
    }

    @Override
    public void toHost(Tensor t, double[] dst) {
        int n = t.size();
        if (n == 0) return;
        if (t.dtype() == DType.FLOAT64) {
            runtime.download(address(t), MemorySegment.ofArray(dst), 8L * n);
        } else {
            float[] tmp = new float[n];
            runtime.download(address(t), MemorySegment.ofArray(tmp), 4L * n);
            for (int i = 0; i < n; i++) dst[i] = tmp[i];
        }
    }

    // ---------------------------------------------------------------- launching

    private LaunchArgs args(String kernel) {
        return LaunchArgs.start(kernels.kernel(kernel));
    }

    /** Launches with enough blocks for {@code work} grid-stride iterations, capped by the runtime. */
    private void launch(LaunchArgs a, long work) {
        if (work <= 0) return;
        long blocks = Math.min((work + BLOCK - 1) / BLOCK, runtime.maxGridBlocks());
        runtime.launch(a.kernel().name(), (int) Math.max(1, blocks), BLOCK, a.pointers());
    }

    /** Launches a kernel that gives each of {@code tasks} rows a whole block. */
    private void launchPerBlock(LaunchArgs a, long tasks) {
        if (tasks <= 0) return;
        runtime.launch(a.kernel().name(), (int) Math.min(tasks, runtime.maxGridBlocks()), BLOCK, a.pointers());
    }

    private void fillKernel(DType dtype, long address, int n, double value) {
        LaunchArgs a = args(CudaKernels.fill(dtype)).pointer(address).i32(n);
        if (dtype == DType.FLOAT32) a.f32((float) value);
        else a.f64(value);
        launch(a, n);
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void fill(Tensor out, double value) {
        int n = out.size();
        if (n == 0) return;
        if (Double.doubleToRawLongBits(value) == 0) runtime.zero(address(out), (long) n * out.dtype().bytes());
        else fillKernel(out.dtype(), address(out), n, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        int n = src.size();
        if (n == 0) return;
        if (src.dtype() == dst.dtype()) {
            runtime.copy(address(src), address(dst), (long) n * src.dtype().bytes());
        } else {
            launch(args(CudaKernels.convert(src.dtype(), dst.dtype())).pointer(address(src)).pointer(address(dst)).i32(n), n);
        }
    }

    /**
     * One launch per slice of the index's leading axes beyond {@link CudaKernels#MAX_RANK} (one launch
     * in every ordinary case): inputs, output, count, shape, then each input's strides.
     */
    private void elementwise(String kernel, BroadcastIndex index, Tensor out, Tensor... inputs) {
        if (index.size() == 0) return;
        BroadcastIndex slice = index.trailing(CudaKernels.MAX_RANK);
        for (long[] base : index.leading(CudaKernels.MAX_RANK)) {
            LaunchArgs a = args(kernel);
            for (int k = 0; k < inputs.length; k++) a.pointer(address(inputs[k], base[k + 1]));
            a.pointer(address(out, base[0])).i32(slice.size()).shape(slice.dims());
            for (int k = 0; k < inputs.length; k++) a.strides(slice.strides()[k]);
            launch(a, slice.size());
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        elementwise(CudaKernels.unary(op, out.dtype()), BroadcastIndex.of(out.dims(), x.dims()), out, x);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        elementwise(CudaKernels.binary(op, out.dtype()), BroadcastIndex.of(out.dims(), a.dims(), b.dims()), out, a, b);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        elementwise(CudaKernels.where(out.dtype()), BroadcastIndex.of(out.dims(), cond.dims(), a.dims(), b.dims()), out, cond, a, b);
    }

    @Override
    public void permute(Tensor x, int[] perm, Tensor out) {
        elementwise(CudaKernels.unary(UnaryOp.IDENTITY, out.dtype()), BroadcastIndex.permutation(x.dims(), perm), out, x);
    }

    @Override
    public void copyBlocks(Tensor src, int srcStart, int srcStride, Tensor dst, int dstStart, int dstStride, int block, int count) {
        long total = (long) block * count;
        if (total == 0) return;
        long bytes = src.dtype().bytes();
        if (count == 1 || (srcStride == block && dstStride == block)) {
            runtime.copy(address(src, srcStart), address(dst, dstStart), total * bytes);
            return;
        }
        launch(args(CudaKernels.copyBlocks(dst.dtype())).pointer(address(src, srcStart)).pointer(address(dst, dstStart))
                .i32(count).i32(block).i32(srcStride).i32(dstStride), total);
    }

    // ---------------------------------------------------------------- reductions

    private static int product(int[] d, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= d[i];
        return p;
    }

    /**
     * Reduces x viewed as {@code [outer, r, inner]}. Along the last axis (inner = 1) a block takes a row;
     * few long rows are split into parts reduced by separate blocks, then the parts reduced again. Along
     * an inner axis, or for rows of at most {@link #SHORT_ROW} elements, a thread folds a column (row)
     * in order; few long columns are likewise split.
     */
    @Override
    public void reduce(ReduceOp op, Tensor x, int from, int to, Tensor out) {
        int[] d = x.dims();
        int outer = product(d, 0, from);
        int r = product(d, from, to);
        int inner = product(d, to, d.length);
        if ((long) outer * inner == 0) return;
        if (r == 0) {
            fill(out, op.identity());
            return;
        }
        DType t = out.dtype();
        int grid = runtime.maxGridBlocks();
        if (inner == 1 && r > SHORT_ROW) {
            int parts = splitRows(outer, r, grid);
            if (parts == 1) {
                reduceRows(op, t, address(x), address(out), outer, r, 1);
                return;
            }
            try (DeviceStorage partial = scratch(t, outer * parts)) {
                reduceRows(op, t, address(x), partial.address(0), outer, r, parts);
                reduceRows(op, t, partial.address(0), address(out), outer, parts, 1);
            }
            return;
        }
        long columns = (long) outer * inner;
        int parts = splitColumns(columns, r, grid);
        if (parts == 1) {
            reduceCols(op, t, address(x), address(out), outer, r, inner, 1);
            return;
        }
        try (DeviceStorage partial = scratch(t, outer * parts * inner)) {
            reduceCols(op, t, address(x), partial.address(0), outer, r, inner, parts);
            reduceCols(op, t, partial.address(0), address(out), outer, parts, inner, 1);
        }
    }

    /** How many parts to split each of {@code rows} rows of length r into: enough blocks to fill the device. */
    static int splitRows(int rows, int r, int grid) {
        if (rows >= grid || r < 8192) return 1;
        int parts = Math.min((r + 4095) / 4096, Math.max(1, grid / rows));
        return evenParts(r, parts);
    }

    /** How many parts to split each of {@code columns} columns of length r into: enough threads to fill the device. */
    static int splitColumns(long columns, int r, int grid) {
        long threads = (long) grid * BLOCK;
        if (columns * 4 >= threads || r < 64) return 1;
        int parts = (int) Math.min((r + 31) / 32, Math.max(1, threads / columns));
        return evenParts(r, parts);
    }

    // The number of non-empty chunks when r is cut into chunks of ⌈r/parts⌉: the kernels need every part non-empty.
    static int evenParts(int r, int parts) {
        if (parts <= 1) return 1;
        int chunk = (r + parts - 1) / parts;
        return (r + chunk - 1) / chunk;
    }

    private void reduceRows(ReduceOp op, DType t, long x, long y, int rows, int r, int parts) {
        launchPerBlock(args(CudaKernels.reduceRows(op, t)).pointer(x).pointer(y).i32(rows).i32(r).i32(parts), (long) rows * parts);
    }

    private void reduceCols(ReduceOp op, DType t, long x, long y, int outer, int r, int inner, int parts) {
        launch(args(CudaKernels.reduceCols(op, t)).pointer(x).pointer(y).i32(outer).i32(r).i32(inner).i32(parts),
                (long) outer * parts * inner);
    }

    @Override
    public void argReduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        int[] d = x.dims();
        int outer = product(d, 0, axis);
        int r = d[axis];
        int inner = product(d, axis + 1, d.length);
        if ((long) outer * inner == 0) return;
        if (r == 0) throw new IllegalArgumentException("arg" + op.name().toLowerCase() + " over empty axis " + axis);
        launch(args(CudaKernels.argReduce(op, out.dtype())).pointer(address(x)).pointer(address(out)).i32(outer).i32(r).i32(inner),
                (long) outer * inner);
    }

    @Override
    public void softmax(Tensor x, int axis, boolean log, Tensor out) {
        int[] d = x.dims();
        int outer = product(d, 0, axis);
        int r = d[axis];
        int inner = product(d, axis + 1, d.length);
        if ((long) outer * r * inner == 0) return;
        if (inner == 1 && r > SHORT_ROW) {
            launchPerBlock(args(CudaKernels.softmaxRows(log, out.dtype())).pointer(address(x)).pointer(address(out)).i32(outer).i32(r), outer);
        } else {
            launch(args(CudaKernels.softmaxCols(log, out.dtype())).pointer(address(x)).pointer(address(out)).i32(outer).i32(r).i32(inner),
                    (long) outer * inner);
        }
    }

    @Override
    public void logSumExp(Tensor x, int axis, Tensor out) {
        int[] d = x.dims();
        int outer = product(d, 0, axis);
        int r = d[axis];
        int inner = product(d, axis + 1, d.length);
        if ((long) outer * inner == 0) return;
        if (r == 0) {
            fill(out, Double.NEGATIVE_INFINITY);
            return;
        }
        if (inner == 1 && r > SHORT_ROW) {
            launchPerBlock(args(CudaKernels.logSumExpRows(out.dtype())).pointer(address(x)).pointer(address(out)).i32(outer).i32(r), outer);
        } else {
            launch(args(CudaKernels.logSumExpCols(out.dtype())).pointer(address(x)).pointer(address(out)).i32(outer).i32(r).i32(inner),
                    (long) outer * inner);
        }
    }

    // ---------------------------------------------------------------- products

    /** See the class comment for the row-major to column-major mapping. */
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
        if (k == 0) {
            fill(out, 0);
            return;
        }
        long aStep = ad[0] == 1 ? 0 : (long) ad[1] * ad[2];
        long bStep = bd[0] == 1 ? 0 : (long) bd[1] * bd[2];
        runtime.gemm(out.dtype(), transB, transA, n, m, k, address(b), bd[2], bStep, address(a), ad[2], aStep,
                address(out), n, (long) m * n, batch);
    }

    // ---------------------------------------------------------------- convolution and pooling

    @Override
    public void im2col(Tensor x, ConvGeometry g, Tensor cols) {
        int images = x.dim(0);
        launch(args(CudaKernels.im2col(cols.dtype())).pointer(address(x)).pointer(address(cols)).i32(images).conv(g),
                (long) images * g.colSize());
    }

    @Override
    public void col2im(Tensor cols, ConvGeometry g, Tensor x) {
        int images = x.dim(0);
        launch(args(CudaKernels.col2im(x.dtype())).pointer(address(cols)).pointer(address(x)).i32(images).conv(g),
                (long) images * g.inputSize());
    }

    @Override
    public void maxPool(Tensor x, ConvGeometry g, Tensor out, Tensor argmax) {
        checkWindows("max pool forward", g);
        int planes = x.size() / g.inputPlaneSize();
        launch(args(CudaKernels.maxPool(out.dtype())).pointer(address(x)).pointer(address(out)).pointer(address(argmax))
                .i32(planes).conv(g), (long) planes * g.outputPlaneSize());
    }

    @Override
    public void maxPoolBackward(Tensor gradOut, Tensor argmax, ConvGeometry g, Tensor gradIn) {
        checkWindows("max pool backward", g);
        int planes = gradIn.size() / g.inputPlaneSize();
        launch(args(CudaKernels.maxPoolBackward(gradIn.dtype())).pointer(address(gradOut)).pointer(address(argmax))
                .pointer(address(gradIn)).i32(planes).conv(g), (long) planes * g.inputPlaneSize());
    }

    @Override
    public void maxPoolGather(Tensor x, Tensor argmax, ConvGeometry g, Tensor out) {
        int planes = x.size() / g.inputPlaneSize();
        launch(args(CudaKernels.maxPoolGather(out.dtype())).pointer(address(x)).pointer(address(argmax)).pointer(address(out))
                .i32(planes).conv(g), (long) planes * g.outputPlaneSize());
    }

    @Override
    public void avgPool(Tensor x, ConvGeometry g, boolean countIncludePad, Tensor out) {
        checkWindows("avg pool forward", g);
        int planes = x.size() / g.inputPlaneSize();
        launch(args(CudaKernels.avgPool(out.dtype())).pointer(address(x)).pointer(address(out)).i32(planes).conv(g)
                .i32(countIncludePad ? 1 : 0), (long) planes * g.outputPlaneSize());
    }

    @Override
    public void avgPoolBackward(Tensor gradOut, ConvGeometry g, boolean countIncludePad, Tensor gradIn) {
        checkWindows("avg pool backward", g);
        int planes = gradIn.size() / g.inputPlaneSize();
        launch(args(CudaKernels.avgPoolBackward(gradIn.dtype())).pointer(address(gradOut)).pointer(address(gradIn)).i32(planes)
                .conv(g).i32(countIncludePad ? 1 : 0), (long) planes * g.inputPlaneSize());
    }

    /** The check core's {@code Pooling} makes: no window may lie entirely in the padding. */
    static void checkWindows(String op, ConvGeometry g) {
        checkAxis(op, g, "row", g.outHeight(), g.strideH(), g.padH(), g.dilationH(), g.height(), g.kernelH());
        checkAxis(op, g, "column", g.outWidth(), g.strideW(), g.padW(), g.dilationW(), g.width(), g.kernelW());
    }

    private static void checkAxis(String op, ConvGeometry g, String axis, int outs, int stride, int pad, int dil, int n, int k) {
        for (int o = 0; o < outs; o++) {
            int start = o * stride - pad;
            int lo = start >= 0 ? 0 : (dil == 1 ? -start : Math.ceilDiv(-start, dil));
            int last = n - 1 - start;
            int hi = Math.max(lo, Math.min(k, last < 0 ? 0 : (dil == 1 ? last + 1 : last / dil + 1)));
            if (hi == lo) {
                throw new IllegalArgumentException(op + ": the window of output " + axis + " " + o + " lies entirely in the padding (" + g + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "CudaBackend[" + device + "]";
    }
}
