package org.panopt.backend;

import org.panopt.backend.KernelTiming.Category;
import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ConvGeometry;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/** A backend that runs another and adds each primitive's elapsed time to {@link KernelTiming}. */
final class TimedBackend implements Backend {
    static final TimedBackend CPU = new TimedBackend(CpuBackend.INSTANCE);

    private final Backend inner;

    TimedBackend(Backend inner) {
        this.inner = inner;
    }

    private static void done(Category c, long start) {
        KernelTiming.add(c, System.nanoTime() - start);
    }

    @Override
    public Device device() {
        return inner.device();
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        long t = System.nanoTime();
        try {
            return inner.allocate(dtype, size);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public Storage fromHost(float[] data) {
        long t = System.nanoTime();
        try {
            return inner.fromHost(data);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public Storage fromHost(double[] data) {
        long t = System.nanoTime();
        try {
            return inner.fromHost(data);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public void toHost(Tensor x, float[] dst) {
        long t = System.nanoTime();
        try {
            inner.toHost(x, dst);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public void toHost(Tensor x, double[] dst) {
        long t = System.nanoTime();
        try {
            inner.toHost(x, dst);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public void fill(Tensor out, double value) {
        long t = System.nanoTime();
        try {
            inner.fill(out, value);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        long t = System.nanoTime();
        try {
            inner.copy(src, dst);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.unary(op, x, out);
        } finally {
            done(Category.ELEMENTWISE, t);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.binary(op, a, b, out);
        } finally {
            done(Category.ELEMENTWISE, t);
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        long t = System.nanoTime();
        try {
            inner.axpy(alpha, x, y);
        } finally {
            done(Category.ELEMENTWISE, t);
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.where(cond, a, b, out);
        } finally {
            done(Category.ELEMENTWISE, t);
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int from, int to, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.reduce(op, x, from, to, out);
        } finally {
            done(Category.REDUCTION, t);
        }
    }

    @Override
    public void argReduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.argReduce(op, x, axis, out);
        } finally {
            done(Category.REDUCTION, t);
        }
    }

    @Override
    public void softmax(Tensor x, int axis, boolean log, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.softmax(x, axis, log, out);
        } finally {
            done(Category.REDUCTION, t);
        }
    }

    @Override
    public void logSumExp(Tensor x, int axis, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.logSumExp(x, axis, out);
        } finally {
            done(Category.REDUCTION, t);
        }
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.matmul(a, transA, b, transB, out);
        } finally {
            done(Category.GEMM, t);
        }
    }

    @Override
    public void permute(Tensor x, int[] perm, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.permute(x, perm, out);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public void copyBlocks(Tensor src, int srcStart, int srcStride, Tensor dst, int dstStart, int dstStride, int block, int count) {
        long t = System.nanoTime();
        try {
            inner.copyBlocks(src, srcStart, srcStride, dst, dstStart, dstStride, block, count);
        } finally {
            done(Category.MEMORY, t);
        }
    }

    @Override
    public void im2col(Tensor x, ConvGeometry g, Tensor cols) {
        long t = System.nanoTime();
        try {
            inner.im2col(x, g, cols);
        } finally {
            done(Category.CONVOLUTION, t);
        }
    }

    @Override
    public void col2im(Tensor cols, ConvGeometry g, Tensor x) {
        long t = System.nanoTime();
        try {
            inner.col2im(cols, g, x);
        } finally {
            done(Category.CONVOLUTION, t);
        }
    }

    @Override
    public void maxPool(Tensor x, ConvGeometry g, Tensor out, Tensor argmax) {
        long t = System.nanoTime();
        try {
            inner.maxPool(x, g, out, argmax);
        } finally {
            done(Category.POOLING, t);
        }
    }

    @Override
    public void maxPoolBackward(Tensor gradOut, Tensor argmax, ConvGeometry g, Tensor gradIn) {
        long t = System.nanoTime();
        try {
            inner.maxPoolBackward(gradOut, argmax, g, gradIn);
        } finally {
            done(Category.POOLING, t);
        }
    }

    @Override
    public void maxPoolGather(Tensor x, Tensor argmax, ConvGeometry g, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.maxPoolGather(x, argmax, g, out);
        } finally {
            done(Category.POOLING, t);
        }
    }

    @Override
    public void avgPool(Tensor x, ConvGeometry g, boolean countIncludePad, Tensor out) {
        long t = System.nanoTime();
        try {
            inner.avgPool(x, g, countIncludePad, out);
        } finally {
            done(Category.POOLING, t);
        }
    }

    @Override
    public void avgPoolBackward(Tensor gradOut, ConvGeometry g, boolean countIncludePad, Tensor gradIn) {
        long t = System.nanoTime();
        try {
            inner.avgPoolBackward(gradOut, g, countIncludePad, gradIn);
        } finally {
            done(Category.POOLING, t);
        }
    }
}
