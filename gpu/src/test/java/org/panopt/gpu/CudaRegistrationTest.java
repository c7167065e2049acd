package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.panopt.backend.Backends;
import org.panopt.backend.CpuBackend;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;
import org.panopt.tensor.Tensor;

/**
 * With this module on the class path, {@code cuda} is a registered device type; the CPU stays the
 * default and, without CUDA, keeps working while {@code cuda:0} fails with the reason.
 */
class CudaRegistrationTest {
    @Test
    void cudaIsRegisteredAndCpuStaysTheDefault() {
        assertThat(Backends.types()).startsWith("cpu").contains("cuda");
        assertThat(Backends.of(Device.CPU)).isSameAs(CpuBackend.INSTANCE);
        assertThat(Tensor.zeros(DType.FLOAT32, 2, 3).device()).isEqualTo(Device.CPU);
        assertThat(Cuda.device(1)).isEqualTo(Device.parse("cuda:1"));
        assertThatThrownBy(() -> Cuda.backend(Device.CPU)).hasMessageContaining("not a CUDA device");
    }

    @Test
    void withoutCudaTheDeviceFailsWithTheReasonAndTheCpuWorks() {
        Cuda.Availability a = Cuda.availability();
        assumeFalse(a.available(), "CUDA is available here; this test is about machines without it");
        assertThat(a.deviceCount()).isZero();
        assertThat(a.description()).isNotBlank();
        assertThatThrownBy(() -> Tensor.ones(DType.FLOAT32, 3).to(Cuda.device(0))).isInstanceOf(IllegalStateException.class)
                .hasMessage(a.description());
        assertThat(Tensor.ones(DType.FLOAT32, 3).add(1).toFloatArray()).containsExactly(2f, 2f, 2f);
    }

    @Test
    void withCudaTheDeviceOpensAndDescribesItself() {
        Cuda.Availability a = Cuda.availability();
        assumeTrue(a.available(), "CUDA unavailable: " + a.description());
        assertThat(a.deviceCount()).isPositive();
        CudaBackend b = Cuda.backend(Cuda.device(0));
        assertThat(b.description()).startsWith("cuda:0: ").contains("sm_").contains("cuBLAS").contains("nvrtc");
        assertThatThrownBy(() -> Backends.of(Cuda.device(a.deviceCount()))).hasMessageContaining("out of range");
    }
}
