package org.panopt.gpu.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order of {@link LibraryLocator} against fake directories and a fake system loader. */
class LibraryLocatorTest {
    @TempDir
    Path root;

    private Path dir(String name, String... files) throws IOException {
        Path d = Files.createDirectories(root.resolve(name));
        for (String f : files) Files.createFile(d.resolve(f));
        return d;
    }

    private LibraryLocator locator(Map<String, String> env, List<Path> defaults, Set<String> loadable, List<String> asked) {
        return new LibraryLocator(env, "x86_64", defaults, Files::isRegularFile, soname -> {
            asked.add(soname);
            return loadable.contains(soname);
        });
    }

    @Test
    void cudaHomeComesFirstThenLdLibraryPathThenTheDefaults() throws IOException {
        Path home = dir("toolkit");
        Path homeLib = dir("toolkit/lib64", "libcublas.so.12");
        Path ld = dir("ld", "libcublas.so.13");
        Path def = dir("default", "libcublas.so.13");
        LibraryLocator l = locator(Map.of("CUDA_HOME", home.toString(), "LD_LIBRARY_PATH", ld + "::" + root.resolve("missing")),
                List.of(def), Set.of(), new ArrayList<>());
        // The user's toolkit wins even over a newer version elsewhere.
        assertThat(l.locate(LibraryLocator.CUBLAS)).get().satisfies(loc -> {
            assertThat(loc.path()).isEqualTo(homeLib.resolve("libcublas.so.12"));
            assertThat(loc.soname()).isEqualTo("libcublas.so.12");
        });
        assertThat(l.searchDirectories()).containsSubsequence(homeLib, home.resolve("targets/x86_64-linux/lib"), home.resolve("lib"), ld,
                root.resolve("missing"), def);
    }

    @Test
    void withinADirectoryTheNewestVersionWins() throws IOException {
        Path d = dir("both", "libnvrtc.so.12", "libnvrtc.so.13");
        LibraryLocator l = locator(Map.of(), List.of(d), Set.of(), new ArrayList<>());
        assertThat(l.locate(LibraryLocator.NVRTC)).get().extracting(LibraryLocator.Location::soname).isEqualTo("libnvrtc.so.13");
    }

    @Test
    void fallsBackToVersion12AndToTheTargetsDirectory() throws IOException {
        Path home = dir("cuda12");
        Path targets = dir("cuda12/targets/x86_64-linux/lib", "libnvrtc.so.12");
        LibraryLocator l = locator(Map.of("CUDA_PATH", home.toString()), List.of(), Set.of(), new ArrayList<>());
        assertThat(l.locate(LibraryLocator.NVRTC)).get().extracting(LibraryLocator.Location::path).isEqualTo(targets.resolve("libnvrtc.so.12"));
    }

    @Test
    void skipsTheToolkitsLinkTimeStubOfTheDriver() throws IOException {
        Path stubs = dir("toolkit/lib64/stubs", "libcuda.so.1");
        List<String> asked = new ArrayList<>();
        LibraryLocator l = locator(Map.of("LD_LIBRARY_PATH", stubs.toString()), List.of(stubs), Set.of(), asked);
        assertThat(l.searchDirectories()).doesNotContain(stubs);
        assertThat(l.locate(LibraryLocator.DRIVER)).isEmpty();
        assertThat(asked).containsExactly("libcuda.so.1");
    }

    @Test
    void asksTheSystemLoaderLastNewestFirst() throws IOException {
        List<String> asked = new ArrayList<>();
        LibraryLocator l = locator(Map.of(), List.of(dir("empty")), Set.of("libcublas.so.12"), asked);
        LibraryLocator.Location loc = l.locate(LibraryLocator.CUBLAS).orElseThrow();
        assertThat(asked).containsExactly("libcublas.so.13", "libcublas.so.12");
        assertThat(loc.path()).isNull();
        assertThat(loc.describe()).isEqualTo("libcublas.so.12 from the system loader");
    }

    @Test
    void notFoundSaysWhatWhereAndWhatToDo() throws IOException {
        Path d = dir("nothing");
        LibraryLocator l = locator(Map.of(), List.of(d), Set.of(), new ArrayList<>());
        assertThatThrownBy(() -> l.require(LibraryLocator.DRIVER)).isInstanceOf(CudaUnavailableException.class)
                .hasMessageContaining("CUDA driver library not found").hasMessageContaining("libcuda.so.1")
                .hasMessageContaining(d.toString()).hasMessageContaining("NVIDIA driver").hasMessageContaining("cpu");
        assertThatThrownBy(() -> l.require(LibraryLocator.CUBLAS)).hasMessageContaining("libcublas.so.13 or libcublas.so.12")
                .hasMessageContaining("CUDA_HOME");
    }

    @Test
    void defaultDirectoriesFollowTheArchitecture() {
        assertThat(LibraryLocator.defaultDirectories("x86_64")).contains(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"),
                Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/local/nvidia/lib64"));
        assertThat(LibraryLocator.defaultDirectories("aarch64")).contains(Path.of("/usr/local/cuda/targets/sbsa-linux/lib"),
                Path.of("/usr/lib/aarch64-linux-gnu"));
    }
}
