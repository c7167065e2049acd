package org.panopt.gpu;

import java.lang.foreign.MemorySegment;
import org.panopt.gpu.kernels.CudaKernels;
import org.panopt.tensor.DType;

/**
 * What {@link CudaBackend} needs from a device: memory, copies, kernel launches by name (kernels of
 * {@link CudaKernels}) and a column-major GEMM with cuBLAS's semantics. {@link CudaRuntime} is the
 * CUDA driver + cuBLAS + NVRTC; the tests add a host emulation that runs the same kernel source, so the
 * backend's logic is exercised where no GPU is.
 *
 * <p>All work is ordered on one stream: a call returns once its work is enqueued, except the host
 * copies, which return when the host memory may be used again.
 */
public interface DeviceRuntime extends AutoCloseable {

    /** Device, driver and library versions, for messages and benchmark reports. */
    String description();

    /** Bytes of device memory. */
    long totalMemory();

    /** How many blocks a grid-stride kernel is launched with at most (a few per multiprocessor). */
    int maxGridBlocks();

    /** A new block of device memory, or 0 when the device is out of memory. */
    long tryAllocate(long bytes);

    void free(long address);

    /** Sets {@code bytes} bytes at {@code address} to zero. */
    void zero(long address, long bytes);

    /** Device-to-device copy of {@code bytes} bytes. */
    void copy(long src, long dst, long bytes);

    /** Host-to-device copy from {@code host} (a heap array's segment or native memory). */
    void upload(MemorySegment host, long dst, long bytes);

    /** Device-to-host copy into {@code host}, after all work enqueued before it has finished. */
    void download(long src, MemorySegment host, long bytes);

    /** Launches kernel {@code name} on {@code blocks} blocks of {@code threads} threads with {@code args} ({@code void**}). */
    void launch(String name, int blocks, int threads, MemorySegment args);

    /**
     * Column-major {@code C_i = op(A_i)·op(B_i)} for i < batch, as {@code cublas?gemmStridedBatched} with
     * α = 1, β = 0: op(A) is m×k, op(B) k×n, C m×n; addresses are device addresses, strides in elements
     * (0 = the same matrix for every i).
     */
    void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, long a, int lda, long strideA,
              long b, int ldb, long strideB, long c, int ldc, long strideC, int batch);

    /** Waits for all enqueued work. */
    void synchronize();

    /** Milliseconds of device time {@code work} takes (events around it on the stream). */
    float time(Runnable work);

    /** Releases the device's resources; the runtime is unusable afterwards. */
    @Override
    void close();
}
