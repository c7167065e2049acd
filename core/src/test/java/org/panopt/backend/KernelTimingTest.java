package org.panopt.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.backend.KernelTiming.Category;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Kernel-time accounting counts each primitive in its category while on, nothing while off, and changes no result. */
class KernelTimingTest {

    private static Tensor work(SplittableRandom rng) {
        Tensor x = Tensor.randn(rng, DType.FLOAT32, 2, 3, 6, 6);
        Tensor w = Tensor.randn(rng, DType.FLOAT32, 4, 3, 3, 3);
        Tensor y = x.conv2d(w, null, 1, 0).relu().maxPool2d(2, 2, 0); // im2col, one batched matmul, unary, pool
        return y.sum();                                               // a reduction
    }

    @Test
    void countsPrimitivesByCategoryOnlyWhileEnabled() {
        double untimed = work(new SplittableRandom(1)).item();
        Tensor timed;
        KernelTiming.Snapshot before = KernelTiming.snapshot();
        KernelTiming.enable();
        try {
            timed = work(new SplittableRandom(1));
        } finally {
            KernelTiming.disable();
        }
        KernelTiming.Snapshot during = KernelTiming.snapshot().minus(before);
        assertThat(timed.item()).isEqualTo(untimed);
        assertThat(during.calls(Category.GEMM)).isEqualTo(1);
        assertThat(during.calls(Category.CONVOLUTION)).isEqualTo(1);
        assertThat(during.calls(Category.POOLING)).isEqualTo(1);
        assertThat(during.calls(Category.ELEMENTWISE)).isGreaterThanOrEqualTo(1);
        assertThat(during.calls(Category.REDUCTION)).isGreaterThanOrEqualTo(1);
        assertThat(during.calls(Category.MEMORY)).isGreaterThanOrEqualTo(5); // randn, results allocated zero-filled
        assertThat(during.nanos(Category.GEMM)).isPositive();
        assertThat(during.totalNanos()).isGreaterThanOrEqualTo(during.nanos(Category.GEMM) + during.nanos(Category.CONVOLUTION));

        KernelTiming.Snapshot off = KernelTiming.snapshot();
        work(new SplittableRandom(2));
        assertThat(KernelTiming.snapshot().minus(off).calls()).containsOnly(0L);
        assertThat(KernelTiming.isEnabled()).isFalse();
    }
}
