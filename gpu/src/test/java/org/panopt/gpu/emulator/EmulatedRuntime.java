package org.panopt.gpu.emulator;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;
import org.panopt.gpu.DeviceRuntime;
import org.panopt.tensor.DType;

/**
 * A {@link DeviceRuntime} on the host, for the tests: "device memory" is {@code malloc}ed (up to a
 * capacity, beyond which allocation reports out-of-memory like {@code cuMemAlloc}), kernels run in
 * {@link KernelEmulator}, and GEMM is a straightforward column-major loop written from cuBLAS's
 * definition {@code C = op(A)·op(B)} — so the backend's row-major-to-column-major mapping is checked
 * against the definition, not against itself. Work runs synchronously.
 */
public final class EmulatedRuntime implements DeviceRuntime {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(LINKER.defaultLookup().find("malloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    private final KernelEmulator kernels = KernelEmulator.get();
    private final long capacity;
    private final int maxGridBlocks;
    private final Map<Long, Long> allocations = new HashMap<>();
    private long used;
    private int launches, uploads, downloads;

    /**
     * @param capacity      bytes of "device memory"
     * @param maxGridBlocks the most blocks a launch gets (small, so grid-stride loops and split reductions run)
     */
    public EmulatedRuntime(long capacity, int maxGridBlocks) {
        this.capacity = capacity;
        this.maxGridBlocks = maxGridBlocks;
    }

    private static MemorySegment at(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public String description() {
        return "host emulation of the CUDA kernels (" + capacity / 1048576 + " MiB)";
    }

    @Override
    public long totalMemory() {
        return capacity;
    }

    @Override
    public int maxGridBlocks() {
        return maxGridBlocks;
    }

    @Override
    public synchronized long tryAllocate(long bytes) {
        if (used + bytes > capacity) return 0;
        try {
            long address = ((MemorySegment) MALLOC.invokeExact(bytes)).address();
            if (address == 0) return 0;
            allocations.put(address, bytes);
            used += bytes;
            return address;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public synchronized void free(long address) {
        Long bytes = allocations.remove(address);
        if (bytes == null) throw new IllegalStateException("free of 0x" + Long.toHexString(address) + ", which is not allocated");
        used -= bytes;
        try {
            FREE.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Bytes currently allocated from the "device". */
    public synchronized long usedBytes() {
        return used;
    }

    /** Kernels launched so far. */
    public synchronized int launches() {
        return launches;
    }

    /** Host-to-device copies so far. */
    public synchronized int uploads() {
        return uploads;
    }

    /** Device-to-host copies so far: each is a wait for the device on a GPU. */
    public synchronized int downloads() {
        return downloads;
    }

    @Override
    public void zero(long address, long bytes) {
        at(address, bytes).fill((byte) 0);
    }

    @Override
    public void copy(long src, long dst, long bytes) {
        MemorySegment.copy(at(src, bytes), 0, at(dst, bytes), 0, bytes);
    }

    @Override
    public void upload(MemorySegment host, long dst, long bytes) {
        synchronized (this) {
            uploads++;
        }
        MemorySegment.copy(host, 0, at(dst, bytes), 0, bytes);
    }

    @Override
    public void download(long src, MemorySegment host, long bytes) {
        synchronized (this) {
            downloads++;
        }
        MemorySegment.copy(at(src, bytes), 0, host, 0, bytes);
    }

    @Override
    public void launch(String name, int blocks, int threads, MemorySegment args) {
        synchronized (this) {
            launches++;
        }
        kernels.launch(name, blocks, threads, args);
    }

    @Override
    public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, long a, int lda, long strideA,
                     long b, int ldb, long strideB, long c, int ldc, long strideC, int batch) {
        int e = dtype.bytes();
        // Extents of the stored matrices (column-major: rows × columns, leading dimension ≥ rows).
        long aCols = transA ? m : k;
        long bCols = transB ? k : n;
        for (int i = 0; i < batch; i++) {
            MemorySegment A = at(a + i * strideA * e, (lda * (aCols - 1) + (transA ? k : m)) * e);
            MemorySegment B = at(b + i * strideB * e, (ldb * (bCols - 1) + (transB ? n : k)) * e);
            MemorySegment C = at(c + i * strideC * e, ((long) ldc * (n - 1) + m) * e);
            for (int col = 0; col < n; col++) {
                for (int row = 0; row < m; row++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        long ai = transA ? p + (long) row * lda : row + (long) p * lda;   // op(A)[row, p]
                        long bi = transB ? col + (long) p * ldb : p + (long) col * ldb;   // op(B)[p, col]
                        sum += read(A, dtype, ai) * read(B, dtype, bi);
                    }
                    long ci = row + (long) col * ldc;
                    if (dtype == DType.FLOAT32) C.setAtIndex(ValueLayout.JAVA_FLOAT, ci, (float) sum);
                    else C.setAtIndex(ValueLayout.JAVA_DOUBLE, ci, sum);
                }
            }
        }
    }

    private static double read(MemorySegment s, DType dtype, long index) {
        return dtype == DType.FLOAT32 ? s.getAtIndex(ValueLayout.JAVA_FLOAT, index) : s.getAtIndex(ValueLayout.JAVA_DOUBLE, index);
    }

    @Override
    public void synchronize() {}

    @Override
    public float time(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6f;
    }

    @Override
    public synchronized void close() {
        for (long address : Map.copyOf(allocations).keySet()) free(address);
    }
}
