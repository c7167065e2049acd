package org.panopt.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.panopt.data.format.RStreamWriter.attrs;
import static org.panopt.data.format.RStreamWriter.dataFrame;
import static org.panopt.data.format.RStreamWriter.doubles;
import static org.panopt.data.format.RStreamWriter.factor;
import static org.panopt.data.format.RStreamWriter.ints;
import static org.panopt.data.format.RStreamWriter.render;
import static org.panopt.data.format.RStreamWriter.strings;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.panopt.data.format.RObject.RDouble;
import org.panopt.data.format.RObject.RInteger;
import org.panopt.data.format.RObject.RList;
import org.panopt.data.format.RObject.RLogical;
import org.panopt.data.format.RObject.RPairList;
import org.panopt.data.format.RObject.RString;
import org.panopt.data.format.RObject.RSymbol;

/** R serialization streams the test writes byte by byte: data frames, factors, references, ALTREP, and bad streams. */
class RDataReaderTest {
    @TempDir
    Path dir;

    static final int NA = RObject.NA_INT;

    /** A small Boston-like frame: a double, an integer with NA, a 0/1 factor, a labelled factor, a logical. */
    static RList sampleFrame() {
        return dataFrame(List.of("crim", "rad", "chas", "size", "big"), List.of(
                doubles(0.00632, 0.02731, Double.NaN),
                ints(1, NA, 24),
                factor(new int[] {1, 2, 1}, "0", "1"),
                factor(new int[] {2, NA, 1}, "low", "high"),
                new RLogical(new int[] {1, 0, NA}, Map.of())), 3);
    }

    private Path write(String name, Compression c, byte[] stream) {
        return TestFiles.write(dir, name, TestFiles.compress(c, stream));
    }

    @ParameterizedTest
    @CsvSource({"2, NONE", "2, GZIP", "3, XZ", "3, NONE"})
    void dataFramesRoundTrip(int version, Compression c) throws Exception {
        RList frame = sampleFrame();
        byte[] stream = new RStreamWriter().rda(version).pairList(List.of(
                new RPairList.Entry("first", frame), new RPairList.Entry("second", frame)), Map.of()).bytes();
        Path f = write("frames.rda", c, stream);
        Map<String, RObject> objects = RDataReader.readRda(f);
        assertThat(objects.keySet()).containsExactly("first", "second");
        // The second frame's symbols (names, row.names, class, levels) are references to the first's.
        assertThat(render(objects.get("second"))).isEqualTo(render(frame)).isEqualTo(render(objects.get("first")));

        DataFrame df = DataFrame.fromR(f, "first", objects.get("first"));
        assertThat(df.names()).containsExactly("crim", "rad", "chas", "size", "big");
        assertThat(df.rows()).isEqualTo(3);
        assertThat(df.column("crim")).containsExactly(0.00632, 0.02731, Double.NaN);
        assertThat(df.column("rad")).containsExactly(1, Double.NaN, 24);
        assertThat(df.column("chas")).as("numeric levels become their values").containsExactly(0, 1, 0);
        assertThat(df.column("size")).as("other levels become 0-based codes").containsExactly(1, Double.NaN, 0);
        assertThat(df.column("big")).containsExactly(1, 0, Double.NaN);
        assertThat(df.factorLevels()).containsOnlyKeys("chas", "size");
        assertThat(df.factorLevels().get("size")).containsExactly("low", "high");
        assertThat(df.toTensor(List.of("rad", "chas")).toFloatArray()).containsExactly(1, 0, Float.NaN, 1, 24, 0);
    }

    @Test
    void stringsKeepTheirEncodingAndNa() throws Exception {
        RString s = new RString(java.util.Arrays.asList("Zürich", null, "", "ascii"), attrs("names", strings("a", "b", "c", "d")));
        Path f = write("s.rds", Compression.NONE, new RStreamWriter().header(2).write(s).bytes());
        RObject back = RDataReader.readRds(f);
        assertThat(back).isInstanceOf(RString.class);
        assertThat(((RString) back).values()).containsExactly("Zürich", null, "", "ascii");
        assertThat(render(back)).isEqualTo(render(s));
    }

    @Test
    void latin1StringsAreDecodedAsLatin1() throws Exception {
        byte[] latin1 = "Köln".getBytes(StandardCharsets.ISO_8859_1);
        RStreamWriter w = new RStreamWriter().header(2).i32(16).i32(1).i32(9 | (4 << 12)).i32(latin1.length).raw(latin1);
        assertThat(((RString) RDataReader.readRds(write("l.rds", Compression.NONE, w.bytes()))).values()).containsExactly("Köln");
    }

    @Test
    void rowNamesMayBeStrings() throws Exception {
        RList frame = new RList(List.of(doubles(1, 2)), attrs("names", strings("x"), "row.names", strings("r1", "r2"), "class", strings("data.frame")));
        Path f = write("rn.rds", Compression.NONE, new RStreamWriter().header(3).write(frame).bytes());
        DataFrame df = DataFrame.fromR(f, "frame", RDataReader.readRds(f));
        assertThat(df.rows()).isEqualTo(2);
        assertThat(df.column("x")).containsExactly(1, 2);
    }

    /** Pairlist cells are read in a loop: a list far longer than the nesting limit (512) reads fine. */
    @Test
    void longPairlistsDoNotRecurse() throws Exception {
        int n = 3000;
        List<RPairList.Entry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) entries.add(new RPairList.Entry("v" + (i % 7), ints(i)));
        Path f = write("long.rds", Compression.NONE, new RStreamWriter().header(2).pairList(entries, Map.of()).bytes());
        RPairList p = (RPairList) RDataReader.readRds(f);
        assertThat(p.entries()).hasSize(n);
        assertThat(((RInteger) p.entries().get(n - 1).value()).values()).containsExactly(n - 1);
        assertThat(p.entries().get(n - 1).tag()).isEqualTo("v" + (n - 1) % 7);
    }

    // ---------------------------------------------------------------- ALTREP

    private static RStreamWriter altrep(RStreamWriter w, String cls, int type, Runnable state, Runnable attributes) {
        w.i32(238);
        w.pairList(List.of(new RPairList.Entry(null, new RSymbol(cls)), new RPairList.Entry(null, new RSymbol("base")),
                new RPairList.Entry(null, ints(type))), Map.of());
        state.run();
        attributes.run();
        return w;
    }

    @Test
    void compactSequencesWrappersAndDeferredStringsExpand() throws Exception {
        RStreamWriter w = new RStreamWriter().header(3);
        w.i32(19).i32(4); // list of four ALTREP objects
        altrep(w, "compact_intseq", 13, () -> w.write(doubles(5, -2, 1)), () -> w.i32(254));
        altrep(w, "compact_realseq", 14, () -> w.write(doubles(3, 2.5, -1)), () -> w.i32(254));
        // Wrapper and deferred-string states are dotted pairs CONS(value, metadata).
        altrep(w, "wrap_real", 14, () -> w.i32(2).write(doubles(7, 8)).write(ints(0, 0)),
                () -> w.pairList(List.of(new RPairList.Entry("names", strings("a", "b"))), Map.of()));
        altrep(w, "deferred_string", 16, () -> w.i32(2).write(ints(10, NA, -3)).write(ints(0)), () -> w.i32(254));
        RList list = (RList) RDataReader.readRds(write("alt.rds", Compression.NONE, w.bytes()));
        assertThat(((RInteger) list.values().get(0)).values()).containsExactly(-2, -1, 0, 1, 2);
        assertThat(((RDouble) list.values().get(1)).values()).containsExactly(2.5, 1.5, 0.5);
        assertThat(render(list.values().get(2))).isEqualTo("dbl[7.0, 8.0] @{names=chr[a, b]}");
        assertThat(((RString) list.values().get(3)).values()).containsExactly("10", null, "-3");
    }

    @Test
    void unknownAltrepClassesAndAbsurdSequencesAreRefused() {
        RStreamWriter w = new RStreamWriter().header(3);
        altrep(w, "arrow_vector", 14, () -> w.i32(254), () -> w.i32(254));
        Path f = write("a.rds", Compression.NONE, w.bytes());
        assertThatThrownBy(() -> RDataReader.readRds(f)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("unsupported ALTREP class arrow_vector (R type 238, ALTREP_SXP)").hasMessageContaining("byte offset 23");
        RStreamWriter v = new RStreamWriter().header(3);
        altrep(v, "compact_intseq", 13, () -> v.write(doubles(2e9, 1, 1)), () -> v.i32(254));
        Path g = write("b.rds", Compression.NONE, v.bytes());
        assertThatThrownBy(() -> RDataReader.readRds(g)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("compact_intseq of length 2.0E9");
    }

    // ---------------------------------------------------------------- unsupported types and bad streams

    @ParameterizedTest
    @CsvSource({"3, CLOSXP", "4, ENVSXP", "6, LANGSXP", "15, CPLXSXP", "20, EXPRSXP", "24, RAWSXP", "25, S4SXP", "253, GLOBALENV_SXP", "77, not an R type"})
    void unsupportedTypesNameTypeAndOffset(int type, String name) {
        for (Compression c : new Compression[] {Compression.NONE, Compression.XZ}) {
            RStreamWriter w = new RStreamWriter().rda(2);
            w.i32(RStreamWriter.flags(2, false, false, true)).symbol("frame");
            w.i32(19).i32(2).write(doubles(1.5));
            int at = w.offset();
            w.i32(type).i32(0).i32(254);
            Path f = write("u" + type + c + ".rda", c, w.bytes());
            assertThatThrownBy(() -> RDataReader.readRda(f)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining("unsupported R type " + type + " (" + name + ")")
                    .hasMessageContaining("at byte offset " + at + (c == Compression.NONE ? ")" : " of the decompressed content)"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "RDA2|R data file in the ASCII format (RDA2)",
        "RDB3|R data file in the native binary format (RDB3)",
        "RDX9|expected the header RDX2 or RDX3, found \"RDX9\\n\"",
        "PK..|not an R data file",
    })
    void badHeadersAreNamed(String head, String message) {
        byte[] b = (head + "\nX\n").getBytes(StandardCharsets.ISO_8859_1);
        Path f = write("h.rda", Compression.NONE, b);
        assertThatThrownBy(() -> RDataReader.readRda(f)).isInstanceOf(DataFileException.class).hasMessageContaining(message);
    }

    @Test
    void badStreamHeadersAreNamed() {
        Path ascii = write("a.rda", Compression.NONE, "RDX2\nA\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> RDataReader.readRda(ascii)).isInstanceOf(DataFileException.class).hasMessageContaining("serialization in the ASCII format");
        RStreamWriter v4 = new RStreamWriter().raw("X\n".getBytes(StandardCharsets.US_ASCII)).i32(4).i32(0).i32(0);
        Path f = write("v4.rds", Compression.NONE, v4.bytes());
        assertThatThrownBy(() -> RDataReader.readRds(f)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("serialization format version 4; panopt reads versions 2 and 3").hasMessageContaining("byte offset 2");
        Path rds = write("x.rds", Compression.NONE, new RStreamWriter().header(2).write(doubles(1)).bytes());
        assertThatThrownBy(() -> RDataReader.readRda(rds)).isInstanceOf(DataFileException.class).hasMessageContaining("read it with readRds");
        RStreamWriter enc = new RStreamWriter().raw("X\n".getBytes(StandardCharsets.US_ASCII)).i32(3).i32(0).i32(0).i32(1000);
        Path g = write("enc.rds", Compression.NONE, enc.bytes());
        assertThatThrownBy(() -> RDataReader.readRds(g)).isInstanceOf(DataFileException.class).hasMessageContaining("native encoding name of length 1000");
    }

    @Test
    void badReferencesLengthsAndStructuresAreNamed() {
        assertBad(new RStreamWriter().header(2).i32((7 << 8) | 255), "reference to entry 7 of a reference table holding 0", 14);
        assertBad(new RStreamWriter().header(2).i32(14).i32(-5), "negative vector length -5", 18);
        assertBad(new RStreamWriter().header(2).i32(14).i32(-1).i32(1).i32(0), "vector length 4294967296 exceeds what one Java array holds", 18);
        assertBad(new RStreamWriter().header(2).i32(9).i32(1), "a CHARSXP outside a character vector or symbol", 14);
        assertBad(new RStreamWriter().header(2).i32(1).i32(13), "the name of a symbol must be a CHARSXP, found type 13 (INTSXP)", 18);
        assertBad(new RStreamWriter().header(2).i32(16).i32(1).i32(14), "element 0 of a character vector must be a CHARSXP, found type 14 (REALSXP)", 22);
        assertBad(new RStreamWriter().header(2).i32(RStreamWriter.flags(13, false, true, false)).i32(1).i32(5).write(doubles(1)),
                "attributes must be a pairlist, found a double vector of length 1", 26);
        assertBad(new RStreamWriter().header(2).i32(RStreamWriter.flags(2, false, false, true)).write(ints(1)).write(ints(2)).i32(254),
                "a pairlist tag must be a symbol, found an integer vector of length 1", 18);
        assertBad(new RStreamWriter().header(2).i32(9 + 7).i32(1).i32(9).i32(-7), "negative string length -7", 26);
        assertBad(new RStreamWriter().header(2).write(doubles(1)).i32(0), "unexpected 4 bytes after the serialized object", 30);
        assertBad(new RStreamWriter().header(2).i32(14).i32(3).f64(1), "double vector: declares 24 bytes but the file has only 8 bytes left (file length 30)", 22);
    }

    private void assertBad(RStreamWriter w, String message, long offset) {
        Path f = write("bad.rds", Compression.NONE, w.bytes());
        assertThatThrownBy(() -> RDataReader.readRds(f)).isInstanceOf(DataFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining(message).hasMessageContaining("at byte offset " + offset + ")");
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        RStreamWriter w = new RStreamWriter().header(2);
        for (int i = 0; i < 100_000; i++) w.i32(19).i32(1);
        w.i32(254);
        Path f = write("deep.rds", Compression.GZIP, w.bytes());
        assertThatThrownBy(() -> RDataReader.readRds(f)).isInstanceOf(DataFileException.class).hasMessageContaining("nested deeper than 512 levels");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void absurdVectorLengthsDoNotAllocate(Compression c) {
        Path f = write("huge.rds", c, new RStreamWriter().header(2).i32(14).i32(Integer.MAX_VALUE / 8 - 8).f64(1).f64(2).bytes());
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> RDataReader.readRds(f)).isInstanceOf(DataFileException.class);
        assertThat(mx.getCurrentThreadAllocatedBytes() - before).as("bytes allocated while refusing").isLessThan(16L << 20);
        Path g = write("hugeStrings.rds", c, new RStreamWriter().header(2).i32(16).i32(Integer.MAX_VALUE - 100).i32(9).i32(1).raw(new byte[] {'a'}).bytes());
        before = mx.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> RDataReader.readRds(g)).isInstanceOf(DataFileException.class);
        assertThat(mx.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);
    }

    // ---------------------------------------------------------------- data frame conversion

    @Test
    void dataFrameConversionRefusesWhatIsNotANumericFrame() throws Exception {
        Path f = dir.resolve("x.rda");
        assertThatThrownBy(() -> DataFrame.fromR(f, "v", doubles(1, 2))).isInstanceOf(DataFileException.class)
                .hasMessageContaining("object v is a double vector of length 2 with classes [], not a data.frame");
        RList withText = dataFrame(List.of("id", "x"), List.of(strings("a", "b"), doubles(1, 2)), 2);
        assertThatThrownBy(() -> DataFrame.fromR(f, "t", withText)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("object t column id is a character vector of length 2");
        RList badCode = dataFrame(List.of("f"), List.of(factor(new int[] {1, 3}, "a", "b")), 2);
        assertThatThrownBy(() -> DataFrame.fromR(f, "b", badCode)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("row 1 has factor code 3 but there are 2 levels");
        RList ragged = dataFrame(List.of("x"), List.of(doubles(1, 2, 3)), 2);
        assertThatThrownBy(() -> DataFrame.fromR(f, "r", ragged)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("column x has 3 rows but row.names declares 2");
        RList noNames = new RList(List.of(doubles(1)), attrs("class", strings("data.frame")));
        assertThatThrownBy(() -> DataFrame.fromR(f, "n", noNames)).isInstanceOf(DataFileException.class).hasMessageContaining("one name per column");
        assertThatThrownBy(() -> DataFrame.fromR(f, "first", sampleFrame()).column("medv"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no column medv; the columns are [crim, rad, chas, size, big]");
    }
}
