package org.panopt.data.format;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.panopt.data.format.RObject.RDouble;
import org.panopt.data.format.RObject.RInteger;
import org.panopt.data.format.RObject.RList;
import org.panopt.data.format.RObject.RLogical;
import org.panopt.data.format.RObject.RNull;
import org.panopt.data.format.RObject.RPairList;
import org.panopt.data.format.RObject.RString;
import org.panopt.data.format.RObject.RSymbol;

/**
 * Writes R's XDR serialization the way R's {@code serialize.c} does — flags word, attributes after a
 * vector's elements and before a pairlist cell's tag, symbols by reference after their first use — so
 * the reader can be tested on files whose every byte the test controls. Raw writes craft bad input.
 */
final class RStreamWriter {
    static final int ASCII_LEVELS = 64 << 12;
    static final int UTF8_LEVELS = 8 << 12;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);
    private final Map<String, Integer> symbols = new HashMap<>();

    /** {@code RDX<version>\n} and the stream header. */
    RStreamWriter rda(int version) {
        raw(("RDX" + version + "\n").getBytes(StandardCharsets.US_ASCII));
        return header(version);
    }

    /** The stream header of an .rds file: "X\n", version, R versions, (v3) native encoding. */
    RStreamWriter header(int version) {
        raw("X\n".getBytes(StandardCharsets.US_ASCII));
        i32(version);
        i32(0x00040302); // written by R 4.3.2
        i32(version == 3 ? 0x00030500 : 0x00020300);
        if (version == 3) {
            i32(5);
            raw("UTF-8".getBytes(StandardCharsets.US_ASCII));
        }
        return this;
    }

    int offset() {
        return bytes.size();
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    RStreamWriter i32(int v) {
        try {
            out.writeInt(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    RStreamWriter f64(double v) {
        try {
            out.writeDouble(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    RStreamWriter raw(byte[] b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    static int flags(int type, boolean object, boolean attributes, boolean tag) {
        return type | (object ? 1 << 8 : 0) | (attributes ? 1 << 9 : 0) | (tag ? 1 << 10 : 0);
    }

    /** Writes {@code o} as R would. */
    RStreamWriter write(RObject o) {
        switch (o) {
            case RNull n -> i32(254);
            case RSymbol s -> symbol(s.name());
            case RLogical v -> {
                vectorFlags(10, v);
                i32(v.values().length);
                for (int x : v.values()) i32(x);
                attributes(v.attributes());
            }
            case RInteger v -> {
                vectorFlags(13, v);
                i32(v.values().length);
                for (int x : v.values()) i32(x);
                attributes(v.attributes());
            }
            case RDouble v -> {
                vectorFlags(14, v);
                i32(v.values().length);
                for (double x : v.values()) f64(x);
                attributes(v.attributes());
            }
            case RString v -> {
                vectorFlags(16, v);
                i32(v.values().size());
                for (String s : v.values()) charsxp(s);
                attributes(v.attributes());
            }
            case RList v -> {
                vectorFlags(19, v);
                i32(v.values().size());
                for (RObject x : v.values()) write(x);
                attributes(v.attributes());
            }
            case RPairList p -> pairList(p.entries(), p.attributes());
        }
        return this;
    }

    private void vectorFlags(int type, RObject v) {
        i32(flags(type, !v.classes().isEmpty(), !v.attributes().isEmpty(), false));
    }

    RStreamWriter symbol(String name) {
        Integer ref = symbols.get(name);
        if (ref != null) return i32((ref << 8) | 255);
        i32(1);
        charsxp(name);
        symbols.put(name, symbols.size() + 1);
        return this;
    }

    RStreamWriter charsxp(String s) {
        if (s == null) return i32(9).i32(-1);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        boolean ascii = b.length == s.length();
        i32(9 | (ascii ? ASCII_LEVELS : UTF8_LEVELS));
        i32(b.length);
        return raw(b);
    }

    private void attributes(Map<String, RObject> attributes) {
        if (attributes.isEmpty()) return;
        List<RPairList.Entry> entries = new ArrayList<>();
        attributes.forEach((k, v) -> entries.add(new RPairList.Entry(k, v)));
        pairList(entries, Map.of());
    }

    RStreamWriter pairList(List<RPairList.Entry> entries, Map<String, RObject> attributes) {
        for (int i = 0; i < entries.size(); i++) {
            RPairList.Entry e = entries.get(i);
            boolean hasAttributes = i == 0 && !attributes.isEmpty();
            i32(flags(2, false, hasAttributes, e.tag() != null));
            if (hasAttributes) attributes(attributes);
            if (e.tag() != null) symbol(e.tag());
            write(e.value());
        }
        return i32(254);
    }

    // ---------------------------------------------------------------- building values

    static Map<String, RObject> attrs(Object... nameValue) {
        Map<String, RObject> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put((String) nameValue[i], (RObject) nameValue[i + 1]);
        return m;
    }

    static RString strings(String... s) {
        return new RString(Arrays.asList(s), Map.of());
    }

    static RDouble doubles(double... v) {
        return new RDouble(v, Map.of());
    }

    static RInteger ints(int... v) {
        return new RInteger(v, Map.of());
    }

    static RInteger factor(int[] codes, String... levels) {
        return new RInteger(codes, attrs("levels", strings(levels), "class", strings("factor")));
    }

    /** A data.frame with compact row names c(NA, -rows). */
    static RList dataFrame(List<String> names, List<RObject> columns, int rows) {
        return new RList(columns, attrs("names", strings(names.toArray(String[]::new)),
                "row.names", ints(RObject.NA_INT, -rows), "class", strings("data.frame")));
    }

    /** A canonical text of an R value, for comparing structures. */
    static String render(RObject o) {
        String a = o.attributes().isEmpty() ? "" : o.attributes().entrySet().stream()
                .map(e -> e.getKey() + "=" + render(e.getValue())).collect(Collectors.joining(", ", " @{", "}"));
        return switch (o) {
            case RNull n -> "NULL";
            case RSymbol s -> "`" + s.name() + "`";
            case RLogical v -> "lgl" + Arrays.toString(v.values()) + a;
            case RInteger v -> "int" + Arrays.toString(v.values()) + a;
            case RDouble v -> "dbl" + Arrays.toString(v.values()) + a;
            case RString v -> "chr" + v.values() + a;
            case RList v -> v.values().stream().map(RStreamWriter::render).collect(Collectors.joining(", ", "list(", ")")) + a;
            case RPairList p -> p.entries().stream().map(e -> e.tag() + ": " + render(e.value()))
                    .collect(Collectors.joining(", ", "pairlist(", ")")) + a;
        };
    }
}
