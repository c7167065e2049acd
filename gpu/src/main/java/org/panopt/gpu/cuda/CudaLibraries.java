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
        Cublas cublas = new Cublas(locator.require(LibraryLocator.CUBLAS).open(Arena.global()));
        Nvrtc nvrtc = new Nvrtc(locator.require(LibraryLocator.NVRTC).open(Arena.global()));
        return new CudaLibraries(driver, cublas, nvrtc);
    }
}
