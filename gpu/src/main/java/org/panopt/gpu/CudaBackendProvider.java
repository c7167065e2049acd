package org.panopt.gpu;

import org.panopt.backend.Backend;
import org.panopt.backend.BackendProvider;
import org.panopt.tensor.Device;

/**
 * Registers {@link CudaBackend} for device type {@code cuda} with core's {@link org.panopt.backend.Backends}
 * (through {@code META-INF/services}). Nothing CUDA is touched until a {@code cuda} device is first used;
 * then a missing driver, library or device is an {@link IllegalStateException} that says which.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String type() {
        return Cuda.TYPE;
    }

    @Override
    public Backend open(Device device) {
        return new CudaBackend(device, new CudaRuntime(Cuda.libraries(), device.index()));
    }
}
