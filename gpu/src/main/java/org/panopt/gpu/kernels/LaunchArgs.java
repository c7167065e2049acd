package org.panopt.gpu.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panopt.kernels.ConvGeometry;

/**
 * The arguments of one kernel launch in the form {@code cuLaunchKernel} takes them: each value written to
 * native memory, and an array of pointers to those values ({@code void** kernelParams}). Every value is
 * checked against the kernel's declared parameter — count and kind — so a mismatch between Java and the
 * CUDA signature fails here with the kernel's name rather than as garbage on the device.
 *
 * <p>The driver copies the values during the launch call, so one buffer per thread is reused for every
 * launch ({@link #start}).
 */
public final class LaunchArgs {
    private static final int CAPACITY = 4096;
    private static final ThreadLocal<LaunchArgs> PER_THREAD = ThreadLocal.withInitial(LaunchArgs::new);

    private final MemorySegment values = Arena.ofAuto().allocate(CAPACITY, 16);
    private final MemorySegment pointers = Arena.ofAuto().allocate(ValueLayout.ADDRESS, 64);
    private Kernel kernel;
    private int count;
    private long used;

    private LaunchArgs() {}

    /** This thread's buffer, emptied, for a launch of {@code kernel}. */
    public static LaunchArgs start(Kernel kernel) {
        LaunchArgs a = PER_THREAD.get();
        a.kernel = kernel;
        a.count = 0;
        a.used = 0;
        return a;
    }

    public Kernel kernel() {
        return kernel;
    }

    private MemorySegment slot(Param.Kind kind) {
        if (count >= kernel.params().size()) {
            throw new IllegalStateException("kernel " + kernel.name() + " takes " + kernel.params().size() + " arguments; got more");
        }
        Param p = kernel.params().get(count);
        if (p.kind() != kind) {
            throw new IllegalStateException("kernel " + kernel.name() + ": argument " + count + " (" + p.cType() + " " + p.name()
                    + ") is a " + p.kind() + ", got a " + kind);
        }
        MemorySegment s = values.asSlice(used, kind.bytes());
        pointers.setAtIndex(ValueLayout.ADDRESS, count, s);
        used += (kind.bytes() + 7) & ~7L;
        count++;
        return s;
    }

    /** A device address. */
    public LaunchArgs pointer(long address) {
        slot(Param.Kind.POINTER).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, address);
        return this;
    }

    public LaunchArgs i32(int value) {
        slot(Param.Kind.INT).set(ValueLayout.JAVA_INT_UNALIGNED, 0, value);
        return this;
    }

    public LaunchArgs f32(float value) {
        slot(Param.Kind.FLOAT).set(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, value);
        return this;
    }

    public LaunchArgs f64(double value) {
        slot(Param.Kind.DOUBLE).set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, value);
        return this;
    }

    /** {@code PnShape}: the rank, then the extents (unused entries 0). */
    public LaunchArgs shape(int[] dims) {
        if (dims.length > CudaKernels.MAX_RANK) {
            throw new IllegalArgumentException("kernel " + kernel.name() + ": shape of rank " + dims.length + " exceeds " + CudaKernels.MAX_RANK);
        }
        MemorySegment s = slot(Param.Kind.SHAPE);
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 0, dims.length);
        for (int i = 0; i < dims.length; i++) s.set(ValueLayout.JAVA_INT_UNALIGNED, 4L * (i + 1), dims[i]);
        return this;
    }

    /** {@code PnStrides}: one stride per axis of the shape (unused entries 0). */
    public LaunchArgs strides(int[] strides) {
        if (strides.length > CudaKernels.MAX_RANK) {
            throw new IllegalArgumentException("kernel " + kernel.name() + ": " + strides.length + " strides exceed " + CudaKernels.MAX_RANK);
        }
        MemorySegment s = slot(Param.Kind.STRIDES);
        s.fill((byte) 0);
        for (int i = 0; i < strides.length; i++) s.set(ValueLayout.JAVA_INT_UNALIGNED, 4L * i, strides[i]);
        return this;
    }

    /** {@code PnConv}: the geometry's fields in declaration order, then the output extents. */
    public LaunchArgs conv(ConvGeometry g) {
        MemorySegment s = slot(Param.Kind.CONV);
        int[] v = {g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                   g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.outHeight(), g.outWidth()};
        for (int i = 0; i < v.length; i++) s.set(ValueLayout.JAVA_INT_UNALIGNED, 4L * i, v[i]);
        return this;
    }

    /** The {@code void**} array, after checking that every parameter got a value. */
    public MemorySegment pointers() {
        if (count != kernel.params().size()) {
            throw new IllegalStateException("kernel " + kernel.name() + " takes " + kernel.params().size() + " arguments; got " + count);
        }
        return pointers;
    }
}
