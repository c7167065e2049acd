package org.panopt.gpu.cuda;

/**
 * CUDA cannot be used in this process: no driver library, no CUDA library of a supported version, or no
 * device. The message says what was looked for and where; tensors keep working on the CPU.
 */
public final class CudaUnavailableException extends IllegalStateException {
    public CudaUnavailableException(String message) {
        super(message);
    }

    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
