package org.panopt.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panopt.tensor.Tensor;

/** IDX files the test writes: every element type, plain and compressed, and every way a header can lie. */
class IdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void readsUnsignedBytesInRowMajorOrder(Compression c) throws Exception {
        byte[] data = TestFiles.pattern(3 * 5 * 7, 37);
        Path f = TestFiles.write(dir, "images", TestFiles.compress(c, TestFiles.idxBytes(new int[] {3, 5, 7}, data)));
        Tensor t = IdxReader.read(f, 3);
        assertThat(t.dims()).containsExactly(3, 5, 7);
        assertThat(t.at(2, 4, 6)).isEqualTo(data[2 * 35 + 4 * 7 + 6] & 0xff);
        float[] v = t.toFloatArray();
        for (int i = 0; i < data.length; i++) assertThat(v[i]).isEqualTo(data[i] & 0xff);
    }

    @Test
    void readsEveryElementType() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8 * 3);
        assertThat(IdxReader.read(TestFiles.write(dir, "s8", TestFiles.idx(0x09, new int[] {3}, new byte[] {-128, 0, 127}))).toFloatArray())
                .containsExactly(-128, 0, 127);
        b.clear();
        b.putShort((short) -300).putShort((short) 7).putShort((short) 32767);
        assertThat(IdxReader.read(TestFiles.write(dir, "i16", TestFiles.idx(0x0B, new int[] {3}, Arrays.copyOf(b.array(), 6)))).toFloatArray())
                .containsExactly(-300, 7, 32767);
        b.clear();
        b.putInt(-70000).putInt(1 << 20).putInt(5);
        assertThat(IdxReader.read(TestFiles.write(dir, "i32", TestFiles.idx(0x0C, new int[] {3, 1}, Arrays.copyOf(b.array(), 12)))).toFloatArray())
                .containsExactly(-70000, 1 << 20, 5);
        b.clear();
        b.putFloat(0.25f).putFloat(-1.5f).putFloat(3e7f);
        assertThat(IdxReader.read(TestFiles.write(dir, "f32", TestFiles.idx(0x0D, new int[] {1, 3}, Arrays.copyOf(b.array(), 12)))).toFloatArray())
                .containsExactly(0.25f, -1.5f, 3e7f);
        b.clear();
        b.putDouble(0.5).putDouble(-2).putDouble(1e-3);
        assertThat(IdxReader.read(TestFiles.write(dir, "f64", TestFiles.idx(0x0E, new int[] {3}, b.array()))).toFloatArray())
                .containsExactly(0.5f, -2f, 1e-3f);
    }

    @Test
    void emptyExtentsGiveEmptyTensors() throws Exception {
        Tensor t = IdxReader.read(TestFiles.write(dir, "empty", TestFiles.idxBytes(new int[] {0, 28, 28}, new byte[0])));
        assertThat(t.dims()).containsExactly(0, 28, 28);
    }

    @Test
    void wrongMagicNumbersAreNamed() {
        byte[] good = TestFiles.idxBytes(new int[] {2}, new byte[] {1, 2});
        byte[] bad = good.clone();
        bad[0] = 1;
        Path f = TestFiles.write(dir, "bad0", bad);
        assertThatThrownBy(() -> IdxReader.read(f)).isInstanceOf(DataFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("not an IDX file: magic number 01 00 08 01").hasMessageContaining("byte offset 0");
        byte[] badType = good.clone();
        badType[2] = 0x0A;
        Path g = TestFiles.write(dir, "badtype", badType);
        assertThatThrownBy(() -> IdxReader.read(g)).isInstanceOf(DataFileException.class).hasMessageContaining("00 00 0a 01");
        byte[] rank0 = good.clone();
        rank0[3] = 0;
        Path h = TestFiles.write(dir, "rank0", rank0);
        assertThatThrownBy(() -> IdxReader.read(h)).isInstanceOf(DataFileException.class).hasMessageContaining("IDX rank 0 is not in 1..8");
    }

    @Test
    void wrongRankIsNamedBeforeReadingData() {
        Path f = TestFiles.write(dir, "labels", TestFiles.idxBytes(new int[] {4}, new byte[4]));
        assertThatThrownBy(() -> IdxReader.read(f, 3)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("expected an IDX file of rank 3 but the header declares rank 1 [4]");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void headerDimensionsThatDoNotMatchTheLengthAreErrors(Compression c) {
        // Declares 4×5 = 20 bytes, holds 19.
        Path shortFile = TestFiles.write(dir, "short", TestFiles.compress(c, TestFiles.idxBytes(new int[] {4, 5}, new byte[19])));
        assertThatThrownBy(() -> IdxReader.read(shortFile)).isInstanceOf(DataFileException.class)
                .hasMessageContaining(shortFile.toString())
                .hasMessageContaining(c == Compression.NONE ? "declares 20 bytes but the file has only 19 bytes left" : "truncated")
                .hasMessageContaining("data of shape [4, 5]");
        // Declares 20, holds 21.
        Path longFile = TestFiles.write(dir, "long", TestFiles.compress(c, TestFiles.idxBytes(new int[] {4, 5}, new byte[21])));
        assertThatThrownBy(() -> IdxReader.read(longFile)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("unexpected 1 bytes after data of shape [4, 5]").hasMessageContaining("at byte offset 32");
    }

    @Test
    void extentsBeyondAnArrayAreRefusedFromTheHeaderAlone() {
        Path f = TestFiles.write(dir, "huge", TestFiles.idxBytes(new int[] {70000, 70000}, new byte[10]));
        assertThatThrownBy(() -> IdxReader.read(f)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("IDX extents [70000, 70000] declare more than");
        byte[] negative = TestFiles.idxBytes(new int[] {1, 1}, new byte[1]);
        negative[4] = (byte) 0xff;
        Path g = TestFiles.write(dir, "neg", negative);
        assertThatThrownBy(() -> IdxReader.read(g)).isInstanceOf(DataFileException.class).hasMessageContaining("too large").hasMessageContaining("byte offset 4");
    }

    /** A header that declares ~1.9 GB over a few bytes of data must not make the reader allocate it. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void absurdDeclaredSizesDoNotAllocate(Compression c) {
        Path f = TestFiles.write(dir, "absurd", TestFiles.compress(c, TestFiles.idxBytes(new int[] {40000, 224, 224}, new byte[1000])));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> IdxReader.read(f)).isInstanceOf(DataFileException.class);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated while refusing the file").isLessThan(16L << 20);
    }

    @Test
    void corruptAndTruncatedCompressedStreamsAreNamed() {
        byte[] plain = TestFiles.idxBytes(new int[] {50, 50}, TestFiles.pattern(2500, 13));
        byte[] gz = TestFiles.gzip(plain);
        Path cut = TestFiles.write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.read(cut)).isInstanceOf(DataFileException.class)
                .hasMessageContaining(cut.toString()).hasMessageMatching("(?s).*(truncated|Unexpected end).*");
        byte[] flipped = gz.clone();
        for (int i = 12; i < 40; i++) flipped[i] ^= (byte) 0x5a;
        Path bad = TestFiles.write(dir, "bad.gz", flipped);
        assertThatThrownBy(() -> IdxReader.read(bad)).isInstanceOf(DataFileException.class).hasMessageContaining("gzip");
        byte[] xz = TestFiles.xz(plain);
        Path cutXz = TestFiles.write(dir, "cut.xz", Arrays.copyOf(xz, xz.length - 20));
        assertThatThrownBy(() -> IdxReader.read(cutXz)).isInstanceOf(DataFileException.class).hasMessageContaining("xz");
        byte[] crc = xz.clone();
        crc[crc.length / 2] ^= 1;
        Path badXz = TestFiles.write(dir, "bad.xz", crc);
        assertThatThrownBy(() -> IdxReader.read(badXz)).isInstanceOf(DataFileException.class).hasMessageContaining("xz");
        byte[] header = gz.clone();
        header[2] = 7; // compression method: only 8 (deflate) exists
        Path badHeader = TestFiles.write(dir, "header.gz", header);
        assertThatThrownBy(() -> IdxReader.read(badHeader)).isInstanceOf(DataFileException.class).hasMessageContaining("gzip");
    }

    @Test
    void refusedCompressionsSaySo() {
        Path bz = TestFiles.write(dir, "x.bz2", new byte[] {'B', 'Z', 'h', '9', 0x31, 0x41, 0x59});
        assertThatThrownBy(() -> IdxReader.read(bz)).isInstanceOf(DataFileException.class).hasMessageContaining("bzip2-compressed");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> IdxReader.read(missing)).isInstanceOf(DataFileException.class).hasMessageContaining("no such file");
    }
}
