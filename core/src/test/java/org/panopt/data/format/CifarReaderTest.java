package org.panopt.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.tensor.Tensor;

/** CIFAR binary records the test writes: label bytes, channel planes, and damaged files. */
class CifarReaderTest {
    @TempDir
    Path dir;

    /** Record r: labels, then pixel (ch, y, x) = (r + 3ch + 5y + 7x) mod 256. */
    static byte[] records(int n, CifarReader.Variant v, int[] labels, int[] coarse) {
        byte[] b = new byte[n * v.recordBytes()];
        for (int r = 0; r < n; r++) {
            int at = r * v.recordBytes();
            if (v == CifarReader.Variant.CIFAR100) b[at++] = (byte) coarse[r];
            b[at++] = (byte) labels[r];
            for (int ch = 0; ch < 3; ch++) for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) b[at++] = (byte) (r + 3 * ch + 5 * y + 7 * x);
        }
        return b;
    }

    @Test
    void cifar10RecordsBecomeChannelFirstImages() throws Exception {
        int[] labels = {3, 0, 9};
        Path f = TestFiles.write(dir, "data_batch_1.bin", records(3, CifarReader.Variant.CIFAR10, labels, null));
        CifarReader.Records r = CifarReader.read(f, CifarReader.Variant.CIFAR10);
        assertThat(r.images().dims()).containsExactly(3, 3, 32, 32);
        assertThat(r.labels().toFloatArray()).containsExactly(3, 0, 9);
        assertThat(r.coarseLabels()).isNull();
        for (int[] p : new int[][] {{0, 0, 0, 0}, {1, 2, 31, 5}, {2, 1, 7, 30}}) {
            assertThat(r.images().at(p)).isEqualTo((p[0] + 3 * p[1] + 5 * p[2] + 7 * p[3]) & 0xff);
        }
    }

    @Test
    void cifar100HasCoarseAndFineLabels() throws Exception {
        Path f = TestFiles.write(dir, "train.bin", TestFiles.gzip(records(2, CifarReader.Variant.CIFAR100, new int[] {99, 4}, new int[] {19, 0})));
        CifarReader.Records r = CifarReader.read(f, CifarReader.Variant.CIFAR100);
        assertThat(r.labels().toFloatArray()).containsExactly(99, 4);
        assertThat(r.coarseLabels().toFloatArray()).containsExactly(19, 0);
        Tensor img = r.images();
        assertThat(img.at(1, 2, 3, 4)).isEqualTo((1 + 6 + 15 + 28) & 0xff);
    }

    @Test
    void aPartialRecordIsAnError() {
        byte[] b = records(2, CifarReader.Variant.CIFAR10, new int[] {1, 2}, null);
        Path f = TestFiles.write(dir, "cut.bin", Arrays.copyOf(b, b.length - 1));
        assertThatThrownBy(() -> CifarReader.read(f, CifarReader.Variant.CIFAR10)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("length 6145 is not a whole number of CIFAR10 records of 3073 bytes (1 records and 3072 bytes left over)");
        Path g = TestFiles.write(dir, "cut.bin.gz", TestFiles.gzip(Arrays.copyOf(b, b.length - 1)));
        assertThatThrownBy(() -> CifarReader.read(g, CifarReader.Variant.CIFAR10)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("decompressed length 6145");
        // CIFAR-100 records read as CIFAR-10: 3074 is no multiple of 3073.
        Path h = TestFiles.write(dir, "c100.bin", records(1, CifarReader.Variant.CIFAR100, new int[] {5}, new int[] {1}));
        assertThatThrownBy(() -> CifarReader.read(h, CifarReader.Variant.CIFAR10)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("not a whole number of CIFAR10 records");
    }

    @Test
    void labelsOutsideTheClassesNameTheRecord() {
        Path f = TestFiles.write(dir, "bad.bin", records(3, CifarReader.Variant.CIFAR10, new int[] {1, 10, 2}, null));
        assertThatThrownBy(() -> CifarReader.read(f, CifarReader.Variant.CIFAR10)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("record 1: label 10 is not a class index in 0..9").hasMessageContaining("at byte offset 3073");
        Path g = TestFiles.write(dir, "bad100.bin", records(1, CifarReader.Variant.CIFAR100, new int[] {5}, new int[] {20}));
        assertThatThrownBy(() -> CifarReader.read(g, CifarReader.Variant.CIFAR100)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("record 0: coarse label 20 is not a class index in 0..19");
        Path empty = TestFiles.write(dir, "empty.bin", new byte[0]);
        assertThatThrownBy(() -> CifarReader.read(empty, CifarReader.Variant.CIFAR10)).isInstanceOf(DataFileException.class).hasMessageContaining("holds no records");
    }
}
