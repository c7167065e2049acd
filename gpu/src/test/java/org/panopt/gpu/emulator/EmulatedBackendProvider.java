package org.panopt.gpu.emulator;

import org.panopt.backend.Backend;
import org.panopt.backend.BackendProvider;
import org.panopt.gpu.CudaBackend;
import org.panopt.tensor.Device;

/**
 * Device type {@code emu} for the tests: {@link CudaBackend} — the real backend class — on an
 * {@link EmulatedRuntime}, so tensors can be moved there with {@code to(new Device("emu", 0))} and every
 * tensor op runs the CUDA kernels on the host.
 */
public final class EmulatedBackendProvider implements BackendProvider {
    public static final String TYPE = "emu";

    @Override
    public String type() {
        return TYPE;
    }

    private static final java.util.Map<Device, EmulatedRuntime> RUNTIMES = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Backend open(Device device) {
        return new CudaBackend(device, runtime(device));
    }

    /** The emulated runtime behind {@code device} (1 GiB, 2 blocks per launch), for counting copies and launches. */
    public static EmulatedRuntime runtime(Device device) {
        return RUNTIMES.computeIfAbsent(device, d -> new EmulatedRuntime(1L << 30, 2));
    }
}
