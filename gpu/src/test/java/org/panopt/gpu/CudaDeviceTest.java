package org.panopt.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.panopt.tensor.Device;

/** {@link DeviceContract} on {@code cuda:0}; skipped, with the reason, where CUDA is unavailable. */
class CudaDeviceTest extends DeviceContract {
    @BeforeEach
    void requireCuda() {
        Cuda.Availability a = Cuda.availability();
        assumeTrue(a.available(), "CUDA unavailable: " + a.description());
    }

    @Override
    Device device() {
        return Cuda.device(0);
    }
}
