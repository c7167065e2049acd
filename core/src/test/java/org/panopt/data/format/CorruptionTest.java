package org.panopt.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panopt.data.format.RObject.RLogical;
import org.panopt.data.format.RObject.RPairList;

/**
 * Randomized corruptions of valid small files, seeded: every damaged file must give either a
 * {@link DataFileException} or — when the damage happens to leave a valid file — a valid result. Never
 * an unchecked exception (index out of bounds, negative array size, class cast, null pointer), never an
 * out-of-memory error, never a stack overflow. Compressed formats are damaged both before compression
 * (the parser sees bad content through the decompressor, whose length it cannot know in advance) and
 * after (the decompressor sees a bad stream).
 */
class CorruptionTest {
    static final int TRIALS = 250;

    @TempDir
    Path dir;

    /** A format: a valid file's content and the read that must either succeed or throw a DataFileException. */
    enum Format {
        IDX_PLAIN(Compression.NONE), IDX_GZIP(Compression.GZIP), IDX_XZ(Compression.XZ),
        JSON_PLAIN(Compression.NONE), JSON_GZIP(Compression.GZIP),
        CIFAR_PLAIN(Compression.NONE),
        RDA_PLAIN(Compression.NONE), RDA_GZIP(Compression.GZIP), RDA_XZ(Compression.XZ);

        final Compression compression;

        Format(Compression compression) {
            this.compression = compression;
        }

        byte[] valid() {
            return switch (this) {
                case IDX_PLAIN, IDX_GZIP, IDX_XZ -> TestFiles.idxBytes(new int[] {3, 4, 5}, TestFiles.pattern(60, 11));
                case JSON_PLAIN, JSON_GZIP -> "{ \"data\": [0,0.5,1,0.25,\n0.125,0,0.992,1e-1]}".getBytes(StandardCharsets.US_ASCII);
                case CIFAR_PLAIN -> CifarReaderTest.records(2, CifarReader.Variant.CIFAR10, new int[] {3, 7}, null);
                case RDA_PLAIN, RDA_GZIP, RDA_XZ -> new RStreamWriter().rda(3).pairList(List.of(
                        new RPairList.Entry("frame", RDataReaderTest.sampleFrame()),
                        new RPairList.Entry("flags", new RLogical(new int[] {1, 0}, Map.of()))), Map.of()).bytes();
            };
        }

        void read(Path f) throws DataFileException {
            try {
                switch (this) {
                    case IDX_PLAIN, IDX_GZIP, IDX_XZ -> {
                        var t = IdxReader.read(f);
                        assertThat(t.size()).isEqualTo(Arrays.stream(t.dims()).reduce(1, (a, b) -> a * b));
                    }
                    case JSON_PLAIN, JSON_GZIP -> assertThat(MnistJsonReader.read(f, 2).dim(1)).isEqualTo(2);
                    case CIFAR_PLAIN -> assertThat(CifarReader.read(f, CifarReader.Variant.CIFAR10).images().dim(1)).isEqualTo(3);
                    case RDA_PLAIN, RDA_GZIP, RDA_XZ -> {
                        for (var e : RDataReader.readRda(f).entrySet()) {
                            if (e.getValue().inherits("data.frame")) DataFrame.fromR(f, e.getKey(), e.getValue());
                        }
                    }
                }
            } catch (DataFileException e) {
                throw e;
            } catch (java.io.IOException e) {
                fail("an IOException that is not a DataFileException: " + e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void everyCorruptionIsAClearErrorOrAValidFile(Format format) {
        byte[] valid = format.valid();
        byte[] validCompressed = TestFiles.compress(format.compression, valid);
        SplittableRandom rng = new SplittableRandom(20_240_000 + format.ordinal());
        int errors = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            boolean beforeCompression = format.compression != Compression.NONE && rng.nextBoolean();
            String[] how = new String[1];
            byte[] bytes = beforeCompression
                    ? TestFiles.compress(format.compression, corrupt(valid, rng, how))
                    : corrupt(validCompressed, rng, how);
            Path f = TestFiles.write(dir, format + "-" + trial, bytes);
            try {
                format.read(f);
            } catch (DataFileException expected) {
                errors++;
                assertThat(expected.getMessage()).startsWith(f.toString());
            } catch (Throwable t) {
                throw new AssertionError(format + " trial " + trial + " (" + how[0] + (beforeCompression ? ", before compression" : "")
                        + ") threw " + t + " instead of a DataFileException", t);
            }
        }
        assertThat(errors).as("corruptions detected as errors").isGreaterThan(TRIALS / 4);
    }

    private static final int[] INTERESTING = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 255, 254, 238, 0x7fff_fff7, -2, 1 << 16, 1 << 30};

    /** One random damage: a bit flip, bytes overwritten, an int overwritten, truncation, insertion or deletion. */
    static byte[] corrupt(byte[] in, SplittableRandom rng, String[] how) {
        byte[] b = in.clone();
        int kind = rng.nextInt(7);
        int at = rng.nextInt(b.length);
        switch (kind) {
            case 0 -> {
                int bit = rng.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                how[0] = "bit " + bit + " of byte " + at + " flipped";
            }
            case 1 -> {
                int n = 1 + rng.nextInt(8);
                for (int i = 0; i < n; i++) b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                how[0] = n + " random bytes overwritten";
            }
            case 2 -> {
                int v = rng.nextBoolean() ? INTERESTING[rng.nextInt(INTERESTING.length)] : rng.nextInt();
                int pos = Math.max(0, Math.min(b.length - 4, at & ~3));
                for (int i = 0; i < 4 && pos + i < b.length; i++) b[pos + i] = (byte) (v >>> (24 - 8 * i));
                how[0] = "int " + v + " written at " + pos;
            }
            case 3 -> {
                b = Arrays.copyOf(b, at);
                how[0] = "truncated to " + at + " bytes";
            }
            case 4 -> {
                int n = 1 + rng.nextInt(16);
                byte[] ins = new byte[n];
                for (int i = 0; i < n; i++) ins[i] = (byte) rng.nextInt(256);
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, n);
                System.arraycopy(b, at, out, at + n, b.length - at);
                b = out;
                how[0] = n + " bytes inserted at " + at;
            }
            case 5 -> {
                int n = 1 + rng.nextInt(Math.min(16, b.length - at));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                b = out;
                how[0] = n + " bytes deleted at " + at;
            }
            default -> {
                b[at] = (byte) INTERESTING[rng.nextInt(INTERESTING.length)];
                how[0] = "byte " + at + " set to an interesting value";
            }
        }
        return b;
    }
}
