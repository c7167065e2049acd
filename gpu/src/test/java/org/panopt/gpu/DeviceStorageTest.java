package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panopt.gpu.emulator.EmulatedRuntime;
import org.panopt.gpu.emulator.KernelEmulator;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * Device memory is returned deterministically by {@code close()}, by the {@link java.lang.ref.Cleaner}
 * when tensors become unreachable, and wholesale when the backend closes; on the emulated device.
 */
class DeviceStorageTest {
    @BeforeEach
    void requireEmulator() {
        String reason = KernelEmulator.unavailableReason();
        assumeTrue(reason == null, reason);
    }

    @Test
    void closeReturnsTheBlockForReuseAndForbidsFurtherUse() {
        EmulatedRuntime runtime = new EmulatedRuntime(64L << 20, 2);
        try (CudaBackend backend = new CudaBackend(new Device("emu", 101), runtime)) {
            DeviceStorage s = (DeviceStorage) backend.allocate(DType.FLOAT32, 1000);
            long address = s.address(0);
            assertThat(backend.memoryStats().liveBytes()).isEqualTo(4096);
            s.close();
            s.close(); // idempotent
            assertThat(backend.memoryStats().liveBytes()).isZero();
            assertThat(backend.memoryStats().cachedBytes()).isEqualTo(4096);
            assertThatThrownBy(() -> s.address(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            DeviceStorage again = (DeviceStorage) backend.allocate(DType.FLOAT64, 500);
            assertThat(again.address(0)).isEqualTo(address);
            assertThat(backend.memoryStats().rawAllocations()).isEqualTo(1);
            backend.emptyCache();
            assertThat(runtime.usedBytes()).isEqualTo(4096);
        }
        assertThat(runtime.usedBytes()).isZero();
    }

    @Test
    void unreachableTensorsAreCollectedWhenTheDeviceFillsUp() {
        EmulatedRuntime runtime = new EmulatedRuntime(16L << 20, 2); // 16 MiB of "device memory"
        try (CudaBackend backend = new CudaBackend(new Device("emu", 102), runtime)) {
            for (int i = 0; i < 200; i++) backend.allocate(DType.FLOAT32, 1 << 18); // 1 MiB each, dropped at once: 200 MiB in all
            assertThat(backend.memoryStats().peakLiveBytes()).isLessThanOrEqualTo(16L << 20);
            assertThat(runtime.usedBytes()).isLessThanOrEqualTo(16L << 20);
        }
    }

    @Test
    void livingTensorsBeyondTheDeviceAreAClearError() {
        EmulatedRuntime runtime = new EmulatedRuntime(8L << 20, 2);
        try (CudaBackend backend = new CudaBackend(new Device("emu", 103), runtime)) {
            java.util.List<Object> held = new java.util.ArrayList<>();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) held.add(backend.allocate(DType.FLOAT32, 1 << 18));
            }).isInstanceOf(DeviceOutOfMemoryException.class).hasMessageContaining("out of device memory allocating 1048576 bytes");
            assertThat(held).hasSizeBetween(6, 8);
        }
    }

    @Test
    void closingTheBackendFreesEverythingAndOrphansItsTensors() {
        EmulatedRuntime runtime = new EmulatedRuntime(64L << 20, 2);
        CudaBackend backend = new CudaBackend(new Device("emu", 104), runtime);
        DeviceStorage live = (DeviceStorage) backend.fromHost(new float[] {1, 2, 3});
        Tensor view = new Tensor(live, 0, Shape.of(3));
        assertThat(runtime.usedBytes()).isPositive();
        backend.close();
        assertThat(runtime.usedBytes()).isZero();
        assertThatThrownBy(() -> backend.toHost(view, new float[3])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backend was closed");
    }
}
