package org.panopt.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Downcalls into cuBLAS ({@code libcublas.so.13} or {@code .12}): handle management and the
 * single/double-precision GEMMs, plain and strided-batched.
 *
 * <p>cuBLAS is column-major: {@code C = α·op(A)·op(B) + β·C} with {@code op(A)} m×k, {@code op(B)} k×n,
 * C m×n, and {@code lda} the distance between columns. α and β are passed by host pointer (the default
 * pointer mode). The handle keeps cuBLAS's default math mode, so float GEMMs use full FP32 arithmetic,
 * not TF32 tensor cores (as PyTorch's default {@code allow_tf32 = False} for matmul).
 */
public final class Cublas {
    public static final int OP_N = 0;
    public static final int OP_T = 1;

    private final NativeLibrary library;
    private final MethodHandle create, destroy, setStream, getVersion, sgemm, dgemm, sgemmBatched, dgemmBatched;
    private final Optional<MethodHandle> statusName, statusString;

    public Cublas(NativeLibrary library) {
        this.library = library;
        create = library.bind("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = library.bind("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = library.bind("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getVersion = library.bind("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        FunctionDescriptor gemm = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
        sgemm = library.bind("cublasSgemm_v2", gemm);
        dgemm = library.bind("cublasDgemm_v2", gemm);
        FunctionDescriptor batched = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);
        sgemmBatched = library.bind("cublasSgemmStridedBatched", batched);
        dgemmBatched = library.bind("cublasDgemmStridedBatched", batched);
        statusName = library.bindOptional("cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        statusString = library.bindOptional("cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    public NativeLibrary library() {
        return library;
    }

    /**
     * The enum name of a {@code cublasStatus_t}, from the table in {@code cublas_api.h} (used when the
     * library has no {@code cublasGetStatusName}, and for the tests).
     */
    public static String statusName(int status) {
        return switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> null;
        };
    }

    public CudaException error(String call, int status) {
        String name = statusName.map(h -> nativeString(h, status)).orElse(null);
        String text = statusString.map(h -> nativeString(h, status)).orElse(null);
        return new CudaException(call, status, name != null ? name : statusName(status), text);
    }

    private static String nativeString(MethodHandle fn, int status) {
        try {
            return Downcalls.string((MemorySegment) fn.invokeExact(status));
        } catch (Throwable t) {
            return null;
        }
    }

    private void check(String call, int status) {
        if (status != 0) throw error(call, status);
    }

    /** A new cuBLAS handle, for the context current on this thread. */
    public MemorySegment createHandle() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invokeExact(out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public void destroyHandle(MemorySegment handle) {
        try {
            check("cublasDestroy_v2", (int) destroy.invokeExact(handle));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Makes every later call on {@code handle} run on {@code stream}. */
    public void setStream(MemorySegment handle, MemorySegment stream) {
        try {
            check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The library version, e.g. 130002 for 13.0.2 (major·10000 + minor·100 + patch). */
    public int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cublasGetVersion_v2", (int) getVersion.invokeExact(handle, out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * Column-major {@code C = op(A)·op(B)} (α = 1, β = 0) in float32 or float64, for {@code batch} matrix
     * triples {@code stride*} elements apart (a stride of 0 reuses one matrix). Pointers are device
     * addresses.
     */
    public void gemm(MemorySegment handle, boolean doublePrecision, int transA, int transB, int m, int n, int k,
                     long a, int lda, long strideA, long b, int ldb, long strideB, long c, int ldc, long strideC, int batch) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alpha = doublePrecision ? arena.allocateFrom(JAVA_DOUBLE, 1.0) : arena.allocateFrom(JAVA_FLOAT, 1f);
            MemorySegment beta = doublePrecision ? arena.allocateFrom(JAVA_DOUBLE, 0.0) : arena.allocateFrom(JAVA_FLOAT, 0f);
            int r;
            String call;
            if (batch == 1) {
                call = doublePrecision ? "cublasDgemm_v2" : "cublasSgemm_v2";
                MethodHandle fn = doublePrecision ? dgemm : sgemm;
                r = (int) fn.invokeExact(handle, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            } else {
                call = doublePrecision ? "cublasDgemmStridedBatched" : "cublasSgemmStridedBatched";
                MethodHandle fn = doublePrecision ? dgemmBatched : sgemmBatched;
                r = (int) fn.invokeExact(handle, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB,
                        beta, c, ldc, strideC, batch);
            }
            if (r != 0) {
                throw error(call + "(" + (transA == OP_T ? "T" : "N") + (transB == OP_T ? "T" : "N")
                        + ", m=" + m + ", n=" + n + ", k=" + k + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc
                        + (batch == 1 ? "" : ", batch=" + batch) + ")", r);
            }
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
