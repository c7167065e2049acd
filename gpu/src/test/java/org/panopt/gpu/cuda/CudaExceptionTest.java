package org.panopt.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The messages of failed CUDA calls. */
class CudaExceptionTest {
    @Test
    void namesTheCallTheStatusAndItsDescription() {
        CudaException e = new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");
        assertThat(e).hasMessage("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory");
        assertThat(e.call()).isEqualTo("cuMemAlloc_v2");
        assertThat(e.status()).isEqualTo(2);
    }

    @Test
    void copesWithALibraryThatCannotDescribeTheStatus() {
        assertThat(CudaException.format("cuLaunchKernel", 999, null, null)).isEqualTo("cuLaunchKernel failed: status (999)");
        assertThat(CudaException.format("nvrtcCompileProgram", 6, "NVRTC_ERROR_COMPILATION", "NVRTC_ERROR_COMPILATION"))
                .isEqualTo("nvrtcCompileProgram failed: NVRTC_ERROR_COMPILATION (6)");
        assertThat(CudaException.format("cublasSgemm_v2", 7, "CUBLAS_STATUS_INVALID_VALUE", ""))
                .isEqualTo("cublasSgemm_v2 failed: CUBLAS_STATUS_INVALID_VALUE (7)");
    }

    @Test
    void cublasStatusNamesFollowTheHeader() {
        assertThat(Cublas.statusName(0)).isEqualTo("CUBLAS_STATUS_SUCCESS");
        assertThat(Cublas.statusName(3)).isEqualTo("CUBLAS_STATUS_ALLOC_FAILED");
        assertThat(Cublas.statusName(7)).isEqualTo("CUBLAS_STATUS_INVALID_VALUE");
        assertThat(Cublas.statusName(13)).isEqualTo("CUBLAS_STATUS_EXECUTION_FAILED");
        assertThat(Cublas.statusName(16)).isEqualTo("CUBLAS_STATUS_LICENSE_ERROR");
        assertThat(Cublas.statusName(2)).isNull();
    }
}
