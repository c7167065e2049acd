package org.panopt.gpu.cuda;

/**
 * A CUDA library call that returned an error status: names the call, the status code, its enum name and
 * the library's description of it, e.g.
 * {@code cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory}.
 */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int status;

    public CudaException(String call, int status, String name, String description) {
        super(format(call, status, name, description));
        this.call = call;
        this.status = status;
    }

    /** The message for a failed call; {@code name} or {@code description} may be null when the library could not say. */
    public static String format(String call, int status, String name, String description) {
        StringBuilder sb = new StringBuilder(call).append(" failed: ");
        sb.append(name == null || name.isBlank() ? "status" : name).append(" (").append(status).append(')');
        if (description != null && !description.isBlank() && !description.equals(name)) sb.append(": ").append(description);
        return sb.toString();
    }

    /** The library function that failed, e.g. {@code cuLaunchKernel}. */
    public String call() {
        return call;
    }

    /** The status it returned ({@code CUresult}, {@code cublasStatus_t} or {@code nvrtcResult}). */
    public int status() {
        return status;
    }
}
