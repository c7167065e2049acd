package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk cache of compiled kernels. */
class PtxCacheTest {
    @TempDir
    Path dir;

    @Test
    void keysDependOnSourceOptionsAndCompiler() {
        String k = PtxCache.key("src", List.of("--gpu-architecture=compute_90"), "nvrtc 13.0");
        assertThat(k).hasSize(64).isEqualTo(PtxCache.key("src", List.of("--gpu-architecture=compute_90"), "nvrtc 13.0"));
        assertThat(k).isNotEqualTo(PtxCache.key("src2", List.of("--gpu-architecture=compute_90"), "nvrtc 13.0"));
        assertThat(k).isNotEqualTo(PtxCache.key("src", List.of("--gpu-architecture=compute_80"), "nvrtc 13.0"));
        assertThat(k).isNotEqualTo(PtxCache.key("src", List.of("--gpu-architecture=compute_90"), "nvrtc 12.8"));
    }

    @Test
    void storesAndFindsPtxAndLeavesNoTemporaryFiles() throws Exception {
        PtxCache cache = new PtxCache(dir.resolve("sub"));
        assertThat(cache.get("abc")).isEmpty();
        cache.put("abc", ".version 8.8\n.target sm_90\n");
        assertThat(cache.get("abc")).contains(".version 8.8\n.target sm_90\n");
        try (var files = Files.list(dir.resolve("sub"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("abc.ptx");
        }
    }
}
