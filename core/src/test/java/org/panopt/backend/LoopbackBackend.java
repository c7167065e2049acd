package org.panopt.backend;

import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ConvGeometry;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * A second device for the tests, {@code loopback:0}: heap storage wrapped so that it belongs to another
 * device, and every primitive delegated to {@link CpuBackend} on unwrapped views. Code that works on
 * the CPU but quietly creates tensors there (instead of on its inputs' device) fails on this device with
 * "tensors on different devices" — the bug a GPU backend would hit, found without a GPU.
 */
public final class LoopbackBackend implements Backend {
    public static final Device DEVICE = new Device("loopback", 0);
    private static final CpuBackend CPU = CpuBackend.INSTANCE;

    /** Host storage that says it lives on {@code loopback:0}. */
    record LoopStorage(Storage inner) implements Storage {
        @Override
        public DType dtype() {
            return inner.dtype();
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public Device device() {
            return DEVICE;
        }
    }

    /** Registers the device type {@code loopback} (test class path only). */
    public static final class Provider implements BackendProvider {
        @Override
        public String type() {
            return DEVICE.type();
        }

        @Override
        public Backend open(Device device) {
            return new LoopbackBackend();
        }
    }

    private static Tensor cpu(Tensor t) {
        if (!(t.storage() instanceof LoopStorage s)) throw new IllegalArgumentException("loopback backend handed a tensor on " + t.device());
        return new Tensor(s.inner(), t.offset(), t.shape());
    }

    @Override
    public Device device() {
        return DEVICE;
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        return new LoopStorage(CPU.allocate(dtype, size));
    }

    @Override
    public Storage fromHost(float[] data) {
        return new LoopStorage(CPU.fromHost(data));
    }

    @Override
    public Storage fromHost(double[] data) {
        return new LoopStorage(CPU.fromHost(data));
    }

    @Override
    public void toHost(Tensor t, float[] dst) {
        CPU.toHost(cpu(t), dst);
    }

    @Override
    public void toHost(Tensor t, double[] dst) {
        CPU.toHost(cpu(t), dst);
    }

    @Override
    public void fill(Tensor out, double value) {
        CPU.fill(cpu(out), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CPU.copy(cpu(src), cpu(dst));
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        CPU.unary(op, cpu(x), cpu(out));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        CPU.binary(op, cpu(a), cpu(b), cpu(out));
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        CPU.where(cpu(cond), cpu(a), cpu(b), cpu(out));
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int from, int to, Tensor out) {
        CPU.reduce(op, cpu(x), from, to, cpu(out));
    }

    @Override
    public void argReduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        CPU.argReduce(op, cpu(x), axis, cpu(out));
    }

    @Override
    public void softmax(Tensor x, int axis, boolean log, Tensor out) {
        CPU.softmax(cpu(x), axis, log, cpu(out));
    }

    @Override
    public void logSumExp(Tensor x, int axis, Tensor out) {
        CPU.logSumExp(cpu(x), axis, cpu(out));
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        CPU.matmul(cpu(a), transA, cpu(b), transB, cpu(out));
    }

    @Override
    public void permute(Tensor x, int[] perm, Tensor out) {
        CPU.permute(cpu(x), perm, cpu(out));
    }

    @Override
    public void copyBlocks(Tensor src, int srcStart, int srcStride, Tensor dst, int dstStart, int dstStride, int block, int count) {
        CPU.copyBlocks(cpu(src), srcStart, srcStride, cpu(dst), dstStart, dstStride, block, count);
    }

    @Override
    public void im2col(Tensor x, ConvGeometry g, Tensor cols) {
        CPU.im2col(cpu(x), g, cpu(cols));
    }

    @Override
    public void col2im(Tensor cols, ConvGeometry g, Tensor x) {
        CPU.col2im(cpu(cols), g, cpu(x));
    }

    @Override
    public void maxPool(Tensor x, ConvGeometry g, Tensor out, Tensor argmax) {
        CPU.maxPool(cpu(x), g, cpu(out), cpu(argmax));
    }

    @Override
    public void maxPoolBackward(Tensor gradOut, Tensor argmax, ConvGeometry g, Tensor gradIn) {
        CPU.maxPoolBackward(cpu(gradOut), cpu(argmax), g, cpu(gradIn));
    }

    @Override
    public void maxPoolGather(Tensor x, Tensor argmax, ConvGeometry g, Tensor out) {
        CPU.maxPoolGather(cpu(x), cpu(argmax), g, cpu(out));
    }

    @Override
    public void avgPool(Tensor x, ConvGeometry g, boolean countIncludePad, Tensor out) {
        CPU.avgPool(cpu(x), g, countIncludePad, cpu(out));
    }

    @Override
    public void avgPoolBackward(Tensor gradOut, ConvGeometry g, boolean countIncludePad, Tensor gradIn) {
        CPU.avgPoolBackward(cpu(gradOut), g, countIncludePad, cpu(gradIn));
    }
}
