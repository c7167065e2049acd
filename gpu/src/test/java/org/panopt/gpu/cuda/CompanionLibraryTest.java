package org.panopt.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which companion library is loaded beside cuBLAS and NVRTC: the one of the same major version. */
class CompanionLibraryTest {
    private static final Path D = Path.of("/opt/cuda/lib64");

    @Test
    void picksTheSameMajorVersion() {
        List<Path> files = List.of(D.resolve("libnvrtc-builtins.so.12.8"), D.resolve("libnvrtc-builtins.so.13.0.48"),
                D.resolve("libnvrtc-builtins.so.13.0"), D.resolve("libnvrtc.so.13"), D.resolve("libnvrtc-builtins.so.130"));
        assertThat(CudaLibraries.companion(files, "libnvrtc.so.13", "libnvrtc-builtins.so")).contains(D.resolve("libnvrtc-builtins.so.13.0"));
        assertThat(CudaLibraries.companion(files, "libnvrtc.so.12", "libnvrtc-builtins.so")).contains(D.resolve("libnvrtc-builtins.so.12.8"));
        assertThat(CudaLibraries.companion(List.of(D.resolve("libcublasLt.so.13")), "libcublas.so.13", "libcublasLt.so"))
                .contains(D.resolve("libcublasLt.so.13"));
        assertThat(CudaLibraries.companion(files, "libcublas.so.13", "libcublasLt.so")).isEmpty();
    }
}
