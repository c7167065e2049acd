package org.panopt.gpu;

/** The device has no memory left for a tensor, even after the cache was freed and the garbage collected. */
public final class DeviceOutOfMemoryException extends RuntimeException {
    public DeviceOutOfMemoryException(String message) {
        super(message);
    }
}
