package org.panopt.backend;

import org.panopt.tensor.DType;
import org.panopt.tensor.Device;

/** Storage in the Java heap: a {@code float[]} or a {@code double[]}. Used by {@link CpuBackend}. */
public sealed interface HostStorage extends Storage {

    @Override
    default Device device() {
        return Device.CPU;
    }

    /** float32 elements. */
    record Floats(float[] data) implements HostStorage {
        @Override
        public DType dtype() {
            return DType.FLOAT32;
        }

        @Override
        public int size() {
            return data.length;
        }
    }

    /** float64 elements. */
    record Doubles(double[] data) implements HostStorage {
        @Override
        public DType dtype() {
            return DType.FLOAT64;
        }

        @Override
        public int size() {
            return data.length;
        }
    }

    static HostStorage allocate(DType dtype, int size) {
        return switch (dtype) {
            case FLOAT32 -> new Floats(new float[size]);
            case FLOAT64 -> new Doubles(new double[size]);
        };
    }
}
