package org.panopt.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into the CUDA driver API ({@code libcuda.so.1}), the subset the backend uses: initialization,
 * devices, primary contexts, memory, copies, streams, events, modules and kernel launches. Each method
 * checks the {@code CUresult} and throws a {@link CudaException} naming the call and the driver's
 * description of the error ({@code cuGetErrorName}, {@code cuGetErrorString}).
 *
 * <p>Types follow {@code cuda.h} on a 64-bit platform: {@code CUdevice} is an {@code int},
 * {@code CUdeviceptr} an unsigned 64-bit integer ({@code long} here), handles ({@code CUcontext},
 * {@code CUstream}, {@code CUevent}, {@code CUmodule}, {@code CUfunction}) are pointers, {@code size_t}
 * is a {@code long}. Where {@code cuda.h} maps a name to a versioned symbol ({@code cuMemAlloc} →
 * {@code cuMemAlloc_v2}), the versioned symbol is bound.
 *
 * <p>The two host copies are bound with {@link Linker.Option#critical(boolean) critical(true)}, so a Java
 * array can be passed without a staging copy; callers synchronize the stream first, so these calls only
 * copy and never wait for kernels while the garbage collector is held off.
 */
public final class CudaDriver {
    public static final int CUDA_SUCCESS = 0;
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int CUDA_ERROR_NO_DEVICE = 100;
    public static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    /** {@code CU_STREAM_NON_BLOCKING}: no implicit synchronization with the legacy default stream. */
    public static final int STREAM_NON_BLOCKING = 1;
    public static final int EVENT_DEFAULT = 0;

    private final NativeLibrary library;
    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease,
            cuCtxSetCurrent, cuCtxSynchronize, cuMemAlloc, cuMemFree, cuMemGetInfo, cuMemcpyHtoDAsync,
            cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD8Async, cuStreamCreate, cuStreamDestroy,
            cuStreamSynchronize, cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime,
            cuEventDestroy, cuModuleLoadData, cuModuleGetFunction, cuModuleUnload, cuLaunchKernel,
            cuGetErrorName, cuGetErrorString;

    public CudaDriver(NativeLibrary library) {
        this.library = library;
        cuInit = library.bind("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDriverGetVersion = library.bind("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuDeviceGetCount = library.bind("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuDeviceGet = library.bind("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = library.bind("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = library.bind("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceTotalMem = library.bind("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRetain = library.bind("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRelease = library.bind("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuCtxSetCurrent = library.bind("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuCtxSynchronize = library.bind("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemAlloc = library.bind("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = library.bind("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemGetInfo = library.bind("cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuMemcpyHtoDAsync = library.bind("cuMemcpyHtoDAsync_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS), Linker.Option.critical(true));
        cuMemcpyDtoHAsync = library.bind("cuMemcpyDtoHAsync_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS), Linker.Option.critical(true));
        cuMemcpyDtoDAsync = library.bind("cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemsetD8Async = library.bind("cuMemsetD8Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS));
        cuStreamCreate = library.bind("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamDestroy = library.bind("cuStreamDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuStreamSynchronize = library.bind("cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuEventCreate = library.bind("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuEventRecord = library.bind("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuEventSynchronize = library.bind("cuEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // CUDA 12.8 added cuEventElapsedTime_v2 (what cuda.h 13 maps the name to); older drivers have only the first.
        FunctionDescriptor elapsed = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuEventElapsedTime = library.bindOptional("cuEventElapsedTime_v2", elapsed)
                .orElseGet(() -> library.bind("cuEventElapsedTime", elapsed));
        cuEventDestroy = library.bind("cuEventDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuModuleLoadData = library.bind("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = library.bind("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuModuleUnload = library.bind("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        cuLaunchKernel = library.bind("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuGetErrorName = library.bind("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuGetErrorString = library.bind("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    public NativeLibrary library() {
        return library;
    }

    // ---------------------------------------------------------------- errors

    /** Throws a {@link CudaException} for a non-zero status. */
    public void check(String call, int status) {
        if (status != CUDA_SUCCESS) throw error(call, status);
    }

    /** The exception for {@code call} returning {@code status}. */
    public CudaException error(String call, int status) {
        return new CudaException(call, status, errorName(status), errorString(status));
    }

    /** {@code cuGetErrorName}: e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}; null for an unknown code. */
    public String errorName(int status) {
        return describe(cuGetErrorName, status);
    }

    /** {@code cuGetErrorString}: e.g. {@code out of memory}; null for an unknown code. */
    public String errorString(int status) {
        return describe(cuGetErrorString, status);
    }

    private static String describe(MethodHandle fn, int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int r = (int) fn.invokeExact(status, out);
            return r == CUDA_SUCCESS ? Downcalls.string(out.get(ADDRESS, 0)) : null;
        } catch (Throwable t) {
            return null;
        }
    }

    // ---------------------------------------------------------------- initialization and devices

    /** {@code cuInit(0)}; returns the status so that callers can tell "no device" (100) from other failures. */
    public int init() {
        try {
            return (int) cuInit.invokeExact(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The driver's CUDA version, e.g. 13000 for 13.0. */
    public int driverVersion() {
        return intOut("cuDriverGetVersion", cuDriverGetVersion);
    }

    public int deviceCount() {
        return intOut("cuDeviceGetCount", cuDeviceGetCount);
    }

    /** The {@code CUdevice} of ordinal {@code ordinal}. */
    public int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGet", (int) cuDeviceGet.invokeExact(out, ordinal));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(256);
            check("cuDeviceGetName", (int) cuDeviceGetName.invokeExact(out, 256, device));
            return out.getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", (int) cuDeviceGetAttribute.invokeExact(out, attribute, device));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public long totalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", (int) cuDeviceTotalMem.invokeExact(out, device));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    // ---------------------------------------------------------------- contexts

    /** The device's primary context (shared with the CUDA runtime API, e.g. with PyTorch in the same process). */
    public MemorySegment retainPrimaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) cuDevicePrimaryCtxRetain.invokeExact(out, device));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public void releasePrimaryContext(int device) {
        call("cuDevicePrimaryCtxRelease_v2", () -> (int) cuDevicePrimaryCtxRelease.invokeExact(device));
    }

    /** Binds {@code context} to the calling thread (CUDA contexts are current per thread). */
    public void setCurrent(MemorySegment context) {
        call("cuCtxSetCurrent", () -> (int) cuCtxSetCurrent.invokeExact(context));
    }

    public void synchronizeContext() {
        call("cuCtxSynchronize", () -> (int) cuCtxSynchronize.invokeExact());
    }

    // ---------------------------------------------------------------- memory

    /** {@code cuMemAlloc_v2}, or 0 when the device is out of memory (any other failure throws). */
    public long tryAllocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int r = (int) cuMemAlloc.invokeExact(out, bytes);
            if (r == CUDA_ERROR_OUT_OF_MEMORY) return 0;
            check("cuMemAlloc_v2", r);
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public void free(long address) {
        call("cuMemFree_v2", () -> (int) cuMemFree.invokeExact(address));
    }

    /** {free, total} bytes of device memory. */
    public long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check("cuMemGetInfo_v2", (int) cuMemGetInfo.invokeExact(free, total));
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Host (a Java array's segment or native memory) to device, ordered on {@code stream}. */
    public void copyHostToDevice(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        call("cuMemcpyHtoDAsync_v2", () -> (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream));
    }

    /** Device to host, ordered on {@code stream}; to pageable memory it returns when the copy is done. */
    public void copyDeviceToHost(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        call("cuMemcpyDtoHAsync_v2", () -> (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream));
    }

    public void copyDeviceToDevice(long dst, long src, long bytes, MemorySegment stream) {
        call("cuMemcpyDtoDAsync_v2", () -> (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream));
    }

    /** Sets {@code bytes} bytes at {@code dst} to {@code value}, ordered on {@code stream}. */
    public void memset(long dst, byte value, long bytes, MemorySegment stream) {
        call("cuMemsetD8Async", () -> (int) cuMemsetD8Async.invokeExact(dst, value, bytes, stream));
    }

    // ---------------------------------------------------------------- streams and events

    public MemorySegment createStream(int flags) {
        return handleOut("cuStreamCreate", cuStreamCreate, flags);
    }

    public void destroyStream(MemorySegment stream) {
        call("cuStreamDestroy_v2", () -> (int) cuStreamDestroy.invokeExact(stream));
    }

    public void synchronize(MemorySegment stream) {
        call("cuStreamSynchronize", () -> (int) cuStreamSynchronize.invokeExact(stream));
    }

    public MemorySegment createEvent(int flags) {
        return handleOut("cuEventCreate", cuEventCreate, flags);
    }

    public void record(MemorySegment event, MemorySegment stream) {
        call("cuEventRecord", () -> (int) cuEventRecord.invokeExact(event, stream));
    }

    public void synchronizeEvent(MemorySegment event) {
        call("cuEventSynchronize", () -> (int) cuEventSynchronize.invokeExact(event));
    }

    /** Milliseconds between two recorded, completed events. */
    public float elapsedMillis(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", (int) cuEventElapsedTime.invokeExact(out, start, end));
            return out.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public void destroyEvent(MemorySegment event) {
        call("cuEventDestroy_v2", () -> (int) cuEventDestroy.invokeExact(event));
    }

    // ---------------------------------------------------------------- modules and launches

    /** Loads a module from a NUL-terminated PTX image (the driver JIT-compiles it for the device). */
    public MemorySegment loadModule(MemorySegment image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleLoadData", (int) cuModuleLoadData.invokeExact(out, image));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int r = (int) cuModuleGetFunction.invokeExact(out, module, arena.allocateFrom(name));
            if (r != CUDA_SUCCESS) {
                throw new CudaException("cuModuleGetFunction(\"" + name + "\")", r, errorName(r), errorString(r));
            }
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public void unloadModule(MemorySegment module) {
        call("cuModuleUnload", () -> (int) cuModuleUnload.invokeExact(module));
    }

    /**
     * {@code cuLaunchKernel} on a 1-d grid of 1-d blocks; {@code kernelParams} is an array of pointers to
     * the argument values (copied by the driver during the call), {@code name} is for messages.
     */
    public void launch(String name, MemorySegment function, int gridX, int blockX, int sharedBytes,
                       MemorySegment stream, MemorySegment kernelParams) {
        int r;
        try {
            r = (int) cuLaunchKernel.invokeExact(function, gridX, 1, 1, blockX, 1, 1, sharedBytes, stream,
                    kernelParams, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (r != CUDA_SUCCESS) {
            throw new CudaException("cuLaunchKernel(" + name + ", grid " + gridX + ", block " + blockX + ")", r,
                    errorName(r), errorString(r));
        }
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface NativeCall {
        int invoke() throws Throwable;
    }

    private void call(String name, NativeCall c) {
        int r;
        try {
            r = c.invoke();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        check(name, r);
    }

    private int intOut(String name, MethodHandle fn) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(name, (int) fn.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private MemorySegment handleOut(String name, MethodHandle fn, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(name, (int) fn.invokeExact(out, flags));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
