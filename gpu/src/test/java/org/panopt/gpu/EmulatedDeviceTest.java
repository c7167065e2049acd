package org.panopt.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.panopt.gpu.emulator.EmulatedBackendProvider;
import org.panopt.gpu.emulator.KernelEmulator;
import org.panopt.tensor.Device;

/**
 * {@link DeviceContract} on the host emulation of the CUDA kernels (device type {@code emu}): the
 * backend, its index arithmetic and argument marshalling, and the kernels' logic, checked without a GPU.
 * Skipped where no {@code g++} can build the emulator.
 */
class EmulatedDeviceTest extends DeviceContract {
    @BeforeEach
    void requireEmulator() {
        String reason = KernelEmulator.unavailableReason();
        assumeTrue(reason == null, reason);
    }

    @Override
    Device device() {
        return new Device(EmulatedBackendProvider.TYPE, 0);
    }
}
