package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long rows and columns are cut into parts: enough parallel work, and never an empty part. */
class ReductionSplitTest {
    @Test
    void everyPartIsNonEmpty() {
        for (int r = 1; r < 3000; r++) {
            for (int parts = 1; parts < 80; parts++) {
                int p = CudaBackend.evenParts(r, parts);
                int chunk = (r + parts - 1) / parts;
                assertThat(p).isBetween(1, parts);
                assertThat((long) (p - 1) * chunk).as("last part of r=%d, parts=%d", r, parts).isLessThan(r);
                assertThat((long) p * chunk).isGreaterThanOrEqualTo(r);
            }
        }
    }

    @Test
    void splitsOnlyWhenTheDeviceWouldIdle() {
        assertThat(CudaBackend.splitRows(4096, 784, 2112)).isEqualTo(1);       // many rows: one block each
        assertThat(CudaBackend.splitRows(1, 100_000, 2112)).isEqualTo(25);     // one long row: ~4096 per part
        assertThat(CudaBackend.splitRows(10, 4000, 2112)).isEqualTo(1);        // short rows stay whole
        assertThat(CudaBackend.splitColumns(1000, 4096, 2112)).isGreaterThan(1); // a bias gradient over a big batch
        assertThat(CudaBackend.splitColumns(1_000_000, 4096, 2112)).isEqualTo(1);
        assertThat(CudaBackend.splitColumns(10, 40, 2112)).isEqualTo(1);
    }
}
