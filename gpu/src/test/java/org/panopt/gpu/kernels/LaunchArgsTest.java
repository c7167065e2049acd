package org.panopt.gpu.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.panopt.kernels.ConvGeometry;

/** Kernel arguments are marshalled as {@code cuLaunchKernel} reads them, and checked against the signature. */
class LaunchArgsTest {
    private final CudaKernels catalogue = CudaKernels.catalogue();

    private static MemorySegment value(MemorySegment pointers, int i, long bytes) {
        return pointers.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(bytes);
    }

    @Test
    void writesEachValueAndPointsAtIt() {
        MemorySegment p = LaunchArgs.start(catalogue.kernel("binary_mul_f32")).pointer(0x1000).pointer(0x2000).pointer(0x3000)
                .i32(51).shape(new int[] {3, 17}).strides(new int[] {0, 1}).strides(new int[] {17, 0}).pointers();
        assertThat(value(p, 0, 8).get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0x1000);
        assertThat(value(p, 2, 8).get(ValueLayout.JAVA_LONG, 0)).isEqualTo(0x3000);
        assertThat(value(p, 3, 4).get(ValueLayout.JAVA_INT, 0)).isEqualTo(51);
        MemorySegment shape = value(p, 4, 36);
        assertThat(shape.toArray(ValueLayout.JAVA_INT)).containsExactly(2, 3, 17, 0, 0, 0, 0, 0, 0);
        assertThat(value(p, 6, 32).toArray(ValueLayout.JAVA_INT)).containsExactly(17, 0, 0, 0, 0, 0, 0, 0);
        for (int i = 0; i < 7; i++) assertThat(p.getAtIndex(ValueLayout.ADDRESS, i).address() % 8).isZero();
    }

    @Test
    void convGeometryFieldsInStructOrder() {
        ConvGeometry g = new ConvGeometry(2, 9, 6, 3, 2, 2, 1, 1, 0, 1, 1);
        MemorySegment p = LaunchArgs.start(catalogue.kernel("im2col_f64")).pointer(1).pointer(2).i32(4).conv(g).pointers();
        assertThat(value(p, 3, 52).toArray(ValueLayout.JAVA_INT))
                .containsExactly(2, 9, 6, 3, 2, 2, 1, 1, 0, 1, 1, g.outHeight(), g.outWidth());
    }

    @Test
    void aWrongKindOrCountNamesTheKernelAndTheParameter() {
        assertThatThrownBy(() -> LaunchArgs.start(catalogue.kernel("fill_f32")).pointer(1).i32(3).f64(2.0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fill_f32").hasMessageContaining("float value")
                .hasMessageContaining("DOUBLE");
        assertThatThrownBy(() -> LaunchArgs.start(catalogue.kernel("fill_f32")).pointer(1).i32(3).pointers())
                .hasMessageContaining("takes 3 arguments; got 2");
        assertThatThrownBy(() -> LaunchArgs.start(catalogue.kernel("fill_f32")).pointer(1).i32(3).f32(1).i32(4))
                .hasMessageContaining("takes 3 arguments; got more");
        assertThatThrownBy(() -> LaunchArgs.start(catalogue.kernel("unary_exp_f32")).pointer(1).pointer(2).i32(1)
                .shape(new int[CudaKernels.MAX_RANK + 1])).hasMessageContaining("rank 9");
    }
}
