package org.panopt.backend;

import org.panopt.tensor.Device;

/**
 * Makes backends for one device type. Registered through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.panopt.backend.BackendProvider}); a module such as {@code gpu} adds one
 * without any change to the tensor API.
 */
public interface BackendProvider {

    /** The device type served, e.g. {@code "cpu"} or {@code "cuda"}. */
    String type();

    /**
     * The backend for {@code device}; throws {@link IllegalStateException} with a message a user can act
     * on when the device is not usable here (no driver, no library, index out of range).
     */
    Backend open(Device device);
}
