package org.panopt.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.panopt.gpu.cuda.Cublas;
import org.panopt.gpu.cuda.CudaDriver;
import org.panopt.gpu.cuda.CudaLibraries;
import org.panopt.gpu.cuda.CudaUnavailableException;
import org.panopt.gpu.kernels.CudaKernels;
import org.panopt.tensor.DType;

/**
 * One CUDA device as a {@link DeviceRuntime}: its primary context, one non-blocking stream, a cuBLAS
 * handle bound to that stream, and the module of {@link CudaKernels} compiled by NVRTC for the device's
 * architecture (PTX, JIT-compiled by the driver on load; cached on disk by {@link PtxCache}).
 *
 * <p>A CUDA context is current per thread: every entry point makes it current on the calling thread
 * first (once per thread). Host copies synchronize the stream before copying, so the copy itself — a
 * critical downcall that may read a Java array in place — never waits on kernels.
 */
public final class CudaRuntime implements DeviceRuntime {
    private final CudaDriver driver;
    private final Cublas cublas;
    private final int ordinal;
    private final int device;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment blas;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new ConcurrentHashMap<>();
    private final ThreadLocal<Boolean> current = new ThreadLocal<>();
    private final long totalMemory;
    private final int maxGridBlocks;
    private final String description;
    private volatile boolean closed;

    /** Opens device {@code ordinal}: context, stream, cuBLAS handle, kernels. */
    public CudaRuntime(CudaLibraries libs, int ordinal) {
        this.driver = libs.driver();
        this.cublas = libs.cublas();
        this.ordinal = ordinal;
        int count = driver.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new CudaUnavailableException("CUDA device index " + ordinal + " is out of range: this machine has " + count
                    + (count == 1 ? " CUDA device (cuda:0)" : " CUDA devices (cuda:0 … cuda:" + (count - 1) + ")"));
        }
        this.device = driver.device(ordinal);
        this.context = driver.retainPrimaryContext(device);
        makeCurrent();
        this.stream = driver.createStream(CudaDriver.STREAM_NON_BLOCKING);
        this.blas = cublas.createHandle();
        cublas.setStream(blas, stream);
        int major = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        int minor = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        int sms = driver.attribute(CudaDriver.ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        this.maxGridBlocks = Math.max(1, sms) * 16;
        this.totalMemory = driver.totalMemory(device);
        int[] nvrtcVersion = libs.nvrtc().version();
        String arch = "compute_" + major + minor;
        List<String> options = List.of("--gpu-architecture=" + arch, "--fmad=false", "--std=c++17");
        String source = CudaKernels.catalogue().source();
        String compiler = "nvrtc " + nvrtcVersion[0] + "." + nvrtcVersion[1];
        var cache = PtxCache.configured();
        String key = PtxCache.key(source, options, compiler);
        String ptx = cache.flatMap(c -> c.get(key)).orElse(null);
        if (ptx == null) {
            ptx = libs.nvrtc().compileToPtx(source, "panopt_kernels.cu", options);
            String compiled = ptx;
            cache.ifPresent(c -> c.put(key, compiled));
        }
        try (Arena arena = Arena.ofConfined()) {
            this.module = driver.loadModule(arena.allocateFrom(ptx));
        }
        int driverVersion = driver.driverVersion();
        this.description = driver.deviceName(device) + " (sm_" + major + minor + ", " + sms + " SMs, "
                + String.format("%.1f GiB", totalMemory / 1073741824.0) + "), CUDA driver " + driverVersion / 1000 + "."
                + (driverVersion % 1000) / 10 + ", cuBLAS " + cublas.version(blas) + " (" + cublas.library().location() + "), "
                + compiler + " (" + libs.nvrtc().library().location() + ")";
    }

    private void makeCurrent() {
        if (closed) throw new IllegalStateException("cuda:" + ordinal + " was closed");
        if (current.get() == null) {
            driver.setCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long totalMemory() {
        return totalMemory;
    }

    @Override
    public int maxGridBlocks() {
        return maxGridBlocks;
    }

    @Override
    public long tryAllocate(long bytes) {
        makeCurrent();
        return driver.tryAllocate(bytes);
    }

    @Override
    public void free(long address) {
        makeCurrent();
        driver.free(address);
    }

    @Override
    public void zero(long address, long bytes) {
        makeCurrent();
        driver.memset(address, (byte) 0, bytes, stream);
    }

    @Override
    public void copy(long src, long dst, long bytes) {
        makeCurrent();
        driver.copyDeviceToDevice(dst, src, bytes, stream);
    }

    @Override
    public void upload(MemorySegment host, long dst, long bytes) {
        makeCurrent();
        driver.synchronize(stream);
        driver.copyHostToDevice(dst, host, bytes, stream);
        if (host.isNative()) driver.synchronize(stream); // pinned memory would still be read after the call
    }

    @Override
    public void download(long src, MemorySegment host, long bytes) {
        makeCurrent();
        driver.synchronize(stream);
        driver.copyDeviceToHost(host, src, bytes, stream);
        driver.synchronize(stream);
    }

    @Override
    public void launch(String name, int blocks, int threads, MemorySegment args) {
        makeCurrent();
        MemorySegment fn = functions.computeIfAbsent(name, n -> driver.function(module, n));
        driver.launch(name, fn, blocks, threads, 0, stream, args);
    }

    @Override
    public synchronized void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, long a, int lda, long strideA,
                                  long b, int ldb, long strideB, long c, int ldc, long strideC, int batch) {
        makeCurrent();
        cublas.gemm(blas, dtype == DType.FLOAT64, transA ? Cublas.OP_T : Cublas.OP_N, transB ? Cublas.OP_T : Cublas.OP_N,
                m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batch);
    }

    @Override
    public void synchronize() {
        makeCurrent();
        driver.synchronize(stream);
    }

    @Override
    public float time(Runnable work) {
        makeCurrent();
        MemorySegment start = driver.createEvent(CudaDriver.EVENT_DEFAULT);
        MemorySegment end = driver.createEvent(CudaDriver.EVENT_DEFAULT);
        try {
            driver.record(start, stream);
            work.run();
            driver.record(end, stream);
            driver.synchronizeEvent(end);
            return driver.elapsedMillis(start, end);
        } finally {
            driver.destroyEvent(start);
            driver.destroyEvent(end);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        makeCurrent();
        driver.synchronize(stream);
        cublas.destroyHandle(blas);
        driver.unloadModule(module);
        driver.destroyStream(stream);
        closed = true;
        driver.releasePrimaryContext(device);
    }
}
