package org.panopt.gpu.kernels;

/**
 * One parameter of a kernel: its C declaration type and how its value is passed from Java.
 *
 * @param cType the type as written in the kernel signature, e.g. {@code const float*}, {@code int}, {@code PnShape}
 * @param name  the parameter's name in the source
 * @param kind  how {@link LaunchArgs} marshals the value
 */
public record Param(String cType, String name, Kind kind) {

    /** Value kinds, with their sizes in the kernel's parameter space. */
    public enum Kind {
        /** A device address ({@code T*}): 8 bytes. */
        POINTER(8),
        INT(4),
        FLOAT(4),
        DOUBLE(8),
        /** {@code struct PnShape { int rank; int dims[8]; }}: 36 bytes. */
        SHAPE(4 * (1 + CudaKernels.MAX_RANK)),
        /** {@code struct PnStrides { int s[8]; }}: 32 bytes. */
        STRIDES(4 * CudaKernels.MAX_RANK),
        /** {@code struct PnConv}: 13 ints, a {@link org.panopt.kernels.ConvGeometry} and its output extents. */
        CONV(4 * 13);

        private final int bytes;

        Kind(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    static Param pointer(String cType, String name) {
        return new Param(cType, name, Kind.POINTER);
    }

    static Param integer(String name) {
        return new Param("int", name, Kind.INT);
    }
}
