package org.panopt.backend;

import org.panopt.tensor.DType;
import org.panopt.tensor.Device;

/**
 * A flat buffer of elements of one dtype on one device. Tensors are views (offset + shape) of a
 * storage; several tensors may share one (reshape and leading-axis slices do).
 */
public interface Storage {
    DType dtype();

    /** Number of elements. */
    int size();

    Device device();
}
