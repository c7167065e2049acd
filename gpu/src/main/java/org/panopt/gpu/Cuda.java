package org.panopt.gpu;

import java.util.ArrayList;
import java.util.List;
import org.panopt.backend.Backends;
import org.panopt.gpu.cuda.CudaLibraries;
import org.panopt.gpu.cuda.CudaUnavailableException;
import org.panopt.gpu.cuda.LibraryLocator;
import org.panopt.tensor.Device;

/**
 * Entry point of the CUDA backend: whether CUDA is usable here, and the devices.
 *
 * <pre>
 *   if (Cuda.isAvailable()) {
 *       Device gpu = Cuda.device(0);                  // "cuda:0"
 *       Tensor y = x.to(gpu).matmul(w.to(gpu)).relu(); // runs on the GPU
 *       float[] back = y.toFloatArray();               // waits for it, copies to the host
 *   } else {
 *       System.out.println(Cuda.availability().description());  // why not
 *   }
 * </pre>
 *
 * The libraries are looked for once per process ({@link LibraryLocator}); without a driver, a CUDA
 * library or a device, {@link #availability()} says why and the CPU backend is untouched.
 */
public final class Cuda {
    /** The device type of CUDA devices: {@code new Device("cuda", i)}. */
    public static final String TYPE = "cuda";

    private static CudaLibraries libraries;
    private static CudaUnavailableException failure;

    private Cuda() {}

    /**
     * Whether CUDA can be used, how many devices there are, and a description: the devices and
     * libraries, or the reason CUDA is unavailable.
     */
    public record Availability(boolean available, int deviceCount, String description) {}

    /** The process's CUDA libraries, loaded and initialized on first use. */
    public static synchronized CudaLibraries libraries() {
        if (libraries == null && failure == null) {
            try {
                libraries = CudaLibraries.load(LibraryLocator.system());
            } catch (CudaUnavailableException e) {
                failure = e;
            } catch (RuntimeException | LinkageError e) {
                failure = new CudaUnavailableException("CUDA could not be loaded: " + e, e);
            }
        }
        if (failure != null) throw new CudaUnavailableException(failure.getMessage(), failure);
        return libraries;
    }

    public static Availability availability() {
        try {
            CudaLibraries libs = libraries();
            int count = libs.driver().deviceCount();
            if (count == 0) return new Availability(false, 0, "no CUDA device (the driver reports none)");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < count; i++) names.add("cuda:" + i + " " + libs.driver().deviceName(libs.driver().device(i)));
            int v = libs.driver().driverVersion();
            return new Availability(true, count, String.join(", ", names) + "; CUDA driver " + v / 1000 + "." + (v % 1000) / 10
                    + " (" + libs.driver().library().location() + "), " + libs.cublas().library() + ", " + libs.nvrtc().library());
        } catch (CudaUnavailableException e) {
            return new Availability(false, 0, e.getMessage());
        }
    }

    /** Whether at least one CUDA device can be used. */
    public static boolean isAvailable() {
        return availability().available();
    }

    /** {@code cuda:index}. */
    public static Device device(int index) {
        return new Device(TYPE, index);
    }

    /** The backend of a CUDA device (opened on first use), for its CUDA-specific methods: synchronize, memory statistics. */
    public static CudaBackend backend(Device device) {
        if (!device.type().equals(TYPE)) throw new IllegalArgumentException(device + " is not a CUDA device");
        return (CudaBackend) Backends.of(device);
    }
}
