package org.panopt.gpu.cuda;

import java.lang.foreign.Arena;

/**
 * The three libraries of the CUDA stack, found by a {@link LibraryLocator}, opened for the life of the
 * process, and the driver initialized ({@code cuInit}). Any failure is a {@link CudaUnavailableException}
 * that says what is missing.
 *
 * @param driver the CUDA driver API
 * @param cublas cuBLAS
 * @param nvrtc  the run-time compiler
 */
public record CudaLibraries(CudaDriver driver, Cublas cublas, Nvrtc nvrtc) {

    /** Finds, opens and initializes the libraries; throws {@link CudaUnavailableException} saying why when it cannot. */
    public static CudaLibraries load(LibraryLocator locator) {
        LibraryLocator.Location driverAt = locator.require(LibraryLocator.DRIVER);
        CudaDriver driver = new CudaDriver(driverAt.open(Arena.global()));
        int status = driver.init();
        if (status == CudaDriver.CUDA_ERROR_NO_DEVICE) {
            throw new CudaUnavailableException("no CUDA device: cuInit reports " + CudaException.format("cuInit", status,
                    driver.errorName(status), driver.errorString(status)) + " (driver " + driverAt.describe() + ")");
        }
        if (status != CudaDriver.CUDA_SUCCESS) {
            throw new CudaUnavailableException("the CUDA driver " + driverAt.describe() + " could not be initialized: "
                    + CudaException.format("cuInit", status, driver.errorName(status), driver.errorString(status)));
        }
        LibraryLocator.Location cublasAt = locator.require(LibraryLocator.CUBLAS);
        preloadCompanion(cublasAt, "libcublasLt.so");
        Cublas cublas = new Cublas(cublasAt.open(Arena.global()));
        LibraryLocator.Location nvrtcAt = locator.require(LibraryLocator.NVRTC);
        preloadCompanion(nvrtcAt, "libnvrtc-builtins.so");
        Nvrtc nvrtc = new Nvrtc(nvrtcAt.open(Arena.global()));
        return new CudaLibraries(driver, cublas, nvrtc);
    }

    /**
     * Loads the library a CUDA library loads by soname at run time ({@code libcublasLt} for cuBLAS,
     * {@code libnvrtc-builtins} for NVRTC's compilations) from the directory it was found in, so that it
     * is found there too when that directory is on no loader path (a toolkit found through
     * {@code CUDA_HOME}). Failures are left to the library itself to report.
     */
    static void preloadCompanion(LibraryLocator.Location main, String prefix) {
        if (main.path() == null || main.path().getParent() == null) return;
        try (var files = java.nio.file.Files.list(main.path().getParent())) {
            companion(files.toList(), main.soname(), prefix).ifPresent(f -> {
                try {
                    java.lang.foreign.SymbolLookup.libraryLookup(f, Arena.global());
                } catch (IllegalArgumentException ignored) {
                    // the main library reports what it misses
                }
            });
        } catch (java.io.IOException ignored) {
            // as above
        }
    }

    /** Among {@code files}, the first (by name) called {@code prefix.<major>…} for the major version of {@code soname}. */
    static java.util.Optional<java.nio.file.Path> companion(java.util.List<java.nio.file.Path> files, String soname, String prefix) {
        String major = soname.substring(soname.lastIndexOf('.') + 1);
        String start = prefix + "." + major;
        return files.stream().filter(f -> {
            String name = f.getFileName().toString();
            return name.equals(start) || name.startsWith(start + ".");
        }).sorted().findFirst();
    }
}
