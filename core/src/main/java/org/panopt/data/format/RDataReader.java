package org.panopt.data.format;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.data.format.RObject.RDouble;
import org.panopt.data.format.RObject.RInteger;
import org.panopt.data.format.RObject.RList;
import org.panopt.data.format.RObject.RLogical;
import org.panopt.data.format.RObject.RNull;
import org.panopt.data.format.RObject.RPairList;
import org.panopt.data.format.RObject.RString;
import org.panopt.data.format.RObject.RSymbol;

/**
 * Reads R's serialization format, version 2 or 3, XDR (big-endian binary) flavour: {@code .rda} /
 * {@code .RData} files written by {@code save()} (header {@code RDX2}/{@code RDX3}, then a pairlist of
 * named objects) and {@code .rds} files written by {@code saveRDS()} (a single object), uncompressed or
 * compressed with gzip or xz (bzip2 is refused with a message).
 *
 * <p>The stream is a tree of items; each starts with a 32-bit flags word: the SEXP type in the low
 * byte, then bit 8 "is an object", bit 9 "has attributes", bit 10 "has a tag", and the general-purpose
 * "levels" from bit 12 (for strings: the encoding). Vectors follow with a length (−1 announces a 64-bit
 * length in two words) and their elements; attributes come after a vector's elements, but before a
 * pairlist cell's tag, CAR and CDR. Symbols enter a reference table and are later written as
 * {@code REFSXP} with their 1-based index.
 *
 * <p>Read: NULL, symbols, pairlists, logical, integer, double and character vectors, generic vectors
 * (lists, data frames), factors (integer vectors with attributes), references to symbols, and the
 * ALTREP forms R 3.5+ writes for such data: compact integer/real sequences, wrappers, and deferred
 * strings of integers. Anything else — closures, environments, language objects, complex, raw, S4, byte
 * code, ASCII or native-binary streams — is a {@link DataFileException} naming the file, the SEXP type
 * and the byte offset of its flags word (in the decompressed stream). Nesting deeper than
 * {@value #MAX_DEPTH} and compact sequences longer than {@value #MAX_EXPANDED_SEQUENCE} are refused,
 * so a damaged file can neither overflow the stack nor make the reader allocate without bound.
 *
 * <p>Strings are decoded by their encoding flag (UTF-8, Latin-1, bytes as Latin-1, ASCII); unflagged
 * strings use the stream's native encoding (version 3), else UTF-8.
 */
public final class RDataReader {
    public static final int MAX_DEPTH = 512;
    public static final int MAX_EXPANDED_SEQUENCE = 1 << 24;

    // SEXP types (R's Rinternals.h) and the serialization's pseudo-types (serialize.c).
    static final int SYMSXP = 1, LISTSXP = 2, CHARSXP = 9, LGLSXP = 10, INTSXP = 13, REALSXP = 14, STRSXP = 16, VECSXP = 19;
    static final int ALTREP_SXP = 238, NILVALUE_SXP = 254, REFSXP = 255;
    static final int HAS_ATTR = 1 << 9, HAS_TAG = 1 << 10;
    // Encoding bits of a CHARSXP's levels.
    private static final int BYTES_MASK = 1 << 1, LATIN1_MASK = 1 << 2, UTF8_MASK = 1 << 3, ASCII_MASK = 1 << 6;

    private final ByteSource in;
    private final List<RObject> references = new ArrayList<>();
    private Charset nativeEncoding = StandardCharsets.UTF_8;
    private int depth;

    private RDataReader(ByteSource in) {
        this.in = in;
    }

    /** The named objects of an {@code .rda}/{@code .RData} file, in the order they were saved. */
    public static Map<String, RObject> readRda(Path file) throws IOException {
        try (ByteSource in = ByteSource.open(file)) {
            RDataReader r = new RDataReader(in);
            byte[] head = new byte[5];
            in.readFully(head, 0, 2, "R data header");
            if (head[0] != 'R' || head[1] != 'D') {
                if (head[0] == 'X' && head[1] == '\n') {
                    throw in.error(0, "this is a single serialized object (an .rds file, from saveRDS), not an .rda file: read it with readRds");
                }
                throw in.error(0, "not an R data file: expected the header RDX2 or RDX3, found " + printable(head, 2));
            }
            in.readFully(head, 2, 3, "R data header");
            String magic = new String(head, StandardCharsets.ISO_8859_1);
            switch (magic) {
                case "RDX2\n", "RDX3\n" -> { }
                case "RDA2\n", "RDA3\n", "RDB2\n", "RDB3\n" -> throw in.error(0, "R data file in the "
                        + (head[2] == 'A' ? "ASCII" : "native binary") + " format (" + magic.trim() + "); panopt reads the XDR format (RDX2/RDX3, R's default)");
                default -> throw in.error(0, "not an R data file: expected the header RDX2 or RDX3, found " + printable(head, 5));
            }
            r.streamHeader();
            long at = in.offset();
            RObject top = r.readItem();
            if (!(top instanceof RPairList list)) {
                throw in.error(at, "an .rda file holds a pairlist of named objects, but this one holds " + describe(top));
            }
            Map<String, RObject> out = new LinkedHashMap<>();
            for (RPairList.Entry e : list.entries()) {
                if (e.tag() == null) throw in.error(at, "an object in the .rda file has no name");
                out.put(e.tag(), e.value());
            }
            in.expectEnd("the saved objects");
            return Collections.unmodifiableMap(out);
        }
    }

    /** The single object of an {@code .rds} file. */
    public static RObject readRds(Path file) throws IOException {
        try (ByteSource in = ByteSource.open(file)) {
            RDataReader r = new RDataReader(in);
            r.streamHeader();
            RObject top = r.readItem();
            in.expectEnd("the serialized object");
            return top;
        }
    }

    /** The format line ("X\n"), the version, the writer's and minimal reader's R versions, and (v3) the native encoding. */
    private void streamHeader() throws DataFileException {
        long at = in.offset();
        byte[] format = new byte[2];
        in.readFully(format, 0, 2, "serialization format");
        if (format[1] == '\n' && (format[0] == 'A' || format[0] == 'B')) {
            throw in.error(at, "serialization in the " + (format[0] == 'A' ? "ASCII" : "native binary")
                    + " format; panopt reads the XDR format (R's default)");
        }
        if (format[0] != 'X' || format[1] != '\n') {
            throw in.error(at, "not an R serialization stream: expected \"X\\n\", found " + printable(format, 2));
        }
        at = in.offset();
        int version = in.readInt("serialization version");
        if (version != 2 && version != 3) {
            throw in.error(at, "serialization format version " + version + "; panopt reads versions 2 and 3");
        }
        in.readInt("writer's R version");
        in.readInt("minimal reader's R version");
        if (version == 3) {
            at = in.offset();
            int length = in.readInt("native encoding length");
            if (length < 0 || length > 63) throw in.error(at, "native encoding name of length " + length + " (R allows at most 63)");
            byte[] name = new byte[length];
            in.readFully(name, 0, length, "native encoding name");
            String enc = new String(name, StandardCharsets.US_ASCII);
            try {
                nativeEncoding = Charset.forName(enc);
            } catch (IllegalArgumentException unknownToJava) {
                nativeEncoding = StandardCharsets.UTF_8;
            }
        }
    }

    private RObject readItem() throws DataFileException {
        long at = in.offset();
        return readItem(in.readInt("R item flags"), at);
    }

    private RObject readItem(int flags, long at) throws DataFileException {
        if (++depth > MAX_DEPTH) throw in.error(at, "R objects nested deeper than " + MAX_DEPTH + " levels");
        try {
            int type = flags & 0xff;
            return switch (type) {
                case NILVALUE_SXP -> RNull.INSTANCE;
                case REFSXP -> reference(flags, at);
                case SYMSXP -> symbol(at);
                case LISTSXP -> pairList(flags);
                case LGLSXP -> new RLogical(in.readInts(length(), "logical vector"), attributes(flags));
                case INTSXP -> new RInteger(in.readInts(length(), "integer vector"), attributes(flags));
                case REALSXP -> new RDouble(in.readDoubles(length(), "double vector"), attributes(flags));
                case STRSXP -> strings(flags);
                case VECSXP -> list(flags);
                case ALTREP_SXP -> altrep(at);
                case CHARSXP -> throw in.error(at, "a CHARSXP outside a character vector or symbol");
                default -> throw unsupported(type, at);
            };
        } finally {
            depth--;
        }
    }

    private DataFileException unsupported(int type, long at) {
        return in.error(at, "unsupported R type " + type + " (" + typeName(type) + "); panopt reads NULL, symbols, pairlists, "
                + "logical, integer, double and character vectors, lists, data frames and factors");
    }

    private RObject reference(int flags, long at) throws DataFileException {
        int index = flags >>> 8;
        if (index == 0) index = in.readInt("reference index");
        if (index < 1 || index > references.size()) {
            throw in.error(at, "reference to entry " + index + " of a reference table holding " + references.size());
        }
        return references.get(index - 1);
    }

    private RSymbol symbol(long at) throws DataFileException {
        long nameAt = in.offset();
        int flags = in.readInt("symbol name flags");
        if ((flags & 0xff) != CHARSXP) {
            throw in.error(nameAt, "the name of a symbol must be a CHARSXP, found type " + (flags & 0xff) + " (" + typeName(flags & 0xff) + ")");
        }
        String name = charsxp(flags);
        if (name == null) throw in.error(at, "symbol with an NA name");
        RSymbol s = new RSymbol(name);
        references.add(s);
        return s;
    }

    /** Cells are read in a loop over the CDR chain (not recursively), so long pairlists cost no stack. */
    private RPairList pairList(int flags) throws DataFileException {
        List<RPairList.Entry> entries = new ArrayList<>();
        Map<String, RObject> attributes = Map.of();
        boolean first = true;
        while (true) {
            // R keeps attributes per cell; only the first cell's are the pairlist's own.
            Map<String, RObject> cellAttributes = attributes(flags);
            if (first) attributes = cellAttributes;
            String tag = null;
            if ((flags & HAS_TAG) != 0) {
                long tagAt = in.offset();
                RObject t = readItem();
                if (!(t instanceof RSymbol s)) throw in.error(tagAt, "a pairlist tag must be a symbol, found " + describe(t));
                tag = s.name();
            }
            entries.add(new RPairList.Entry(tag, readItem()));
            long next = in.offset();
            int cdr = in.readInt("pairlist CDR flags");
            int cdrType = cdr & 0xff;
            if (cdrType == NILVALUE_SXP) break;
            if (cdrType != LISTSXP) {
                entries.add(new RPairList.Entry(null, readItem(cdr, next)));
                break;
            }
            flags = cdr;
            first = false;
        }
        return new RPairList(List.copyOf(entries), attributes);
    }

    private RString strings(int flags) throws DataFileException {
        int n = length();
        List<String> values = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
            long elementAt = in.offset();
            int f = in.readInt("character vector element flags");
            if ((f & 0xff) != CHARSXP) {
                throw in.error(elementAt, "element " + i + " of a character vector must be a CHARSXP, found type "
                        + (f & 0xff) + " (" + typeName(f & 0xff) + ")");
            }
            values.add(charsxp(f));
        }
        return new RString(Collections.unmodifiableList(values), attributes(flags));
    }

    private RList list(int flags) throws DataFileException {
        int n = length();
        List<RObject> values = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) values.add(readItem());
        return new RList(Collections.unmodifiableList(values), attributes(flags));
    }

    /** The bytes of a CHARSXP after its flags word; null for NA_character_. */
    private String charsxp(int flags) throws DataFileException {
        long at = in.offset();
        int length = in.readInt("string length");
        if (length == -1) return null;
        if (length < -1) throw in.error(at, "negative string length " + length);
        byte[] bytes = in.readBytes(length, "string");
        int levels = flags >>> 12;
        Charset cs = (levels & UTF8_MASK) != 0 || (levels & ASCII_MASK) != 0 ? StandardCharsets.UTF_8
                : (levels & (LATIN1_MASK | BYTES_MASK)) != 0 ? StandardCharsets.ISO_8859_1 : nativeEncoding;
        return new String(bytes, cs);
    }

    /** A vector length: one word, or −1 followed by the upper and lower words of a 64-bit length. */
    private int length() throws DataFileException {
        long lengthAt = in.offset();
        long n = in.readInt("vector length");
        if (n == -1) {
            long upper = in.readInt("long vector length (upper word)");
            long lower = in.readInt("long vector length (lower word)") & 0xffffffffL;
            n = (upper << 32) | lower;
        }
        if (n < 0) throw in.error(lengthAt, "negative vector length " + n);
        if (n > ByteSource.MAX_ARRAY_LENGTH) {
            throw in.error(lengthAt, "vector length " + n + " exceeds what one Java array holds (" + ByteSource.MAX_ARRAY_LENGTH + ")");
        }
        return (int) n;
    }

    /** The attribute pairlist announced by bit 9 of {@code flags}, as a map from tag to value. */
    private Map<String, RObject> attributes(int flags) throws DataFileException {
        if ((flags & HAS_ATTR) == 0) return Map.of();
        long at = in.offset();
        RObject a = readItem();
        if (!(a instanceof RPairList list)) throw in.error(at, "attributes must be a pairlist, found " + describe(a));
        return attributeMap(list, at);
    }

    private Map<String, RObject> attributeMap(RPairList list, long at) throws DataFileException {
        Map<String, RObject> out = new LinkedHashMap<>();
        for (RPairList.Entry e : list.entries()) {
            if (e.tag() == null) throw in.error(at, "an attribute without a name");
            out.put(e.tag(), e.value());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * An ALTREP object: its class (a pairlist: class symbol, package symbol, type), its state and its
     * attributes. Only R's own classes that plain data uses are expanded.
     */
    private RObject altrep(long at) throws DataFileException {
        RObject info = readItem();
        RObject state = readItem();
        long attrAt = in.offset();
        RObject attr = readItem();
        if (!(info instanceof RPairList p) || p.entries().isEmpty() || !(p.entries().getFirst().value() instanceof RSymbol cls)) {
            throw in.error(at, "ALTREP object whose class information is not a pairlist starting with a symbol");
        }
        Map<String, RObject> attributes = switch (attr) {
            case RNull n -> Map.of();
            case RPairList list -> attributeMap(list, attrAt);
            default -> throw in.error(attrAt, "ALTREP attributes must be a pairlist, found " + describe(attr));
        };
        return switch (cls.name()) {
            case "compact_intseq" -> {
                double[] s = sequenceState(state, at, cls.name());
                int n = (int) s[0];
                long first = (long) s[1];
                long last = first + (n - 1L) * (long) s[2];
                if (n > 0 && (first != s[1] || Math.min(first, last) <= Integer.MIN_VALUE || Math.max(first, last) > Integer.MAX_VALUE)) {
                    throw in.error(at, "compact integer sequence from " + s[1] + " by " + s[2] + " leaves the integer range");
                }
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = (int) (first + i * (long) s[2]);
                yield new RInteger(v, attributes);
            }
            case "compact_realseq" -> {
                double[] s = sequenceState(state, at, cls.name());
                double[] v = new double[(int) s[0]];
                for (int i = 0; i < v.length; i++) v[i] = s[1] + i * s[2];
                yield new RDouble(v, attributes);
            }
            case "wrap_integer", "wrap_real", "wrap_logical", "wrap_string", "wrap_list" -> {
                // State: CONS(wrapped vector, metadata); the wrapper's attributes replace the vector's.
                if (!(state instanceof RPairList p2) || p2.entries().isEmpty()) {
                    throw in.error(at, "ALTREP " + cls.name() + " whose state is not a pairlist");
                }
                yield withAttributes(p2.entries().getFirst().value(), attributes, at, cls.name());
            }
            case "deferred_string" -> {
                // State: CONS(the numbers to format, scipen). Integers format exactly; doubles would need R's formatting rules.
                if (!(state instanceof RPairList p2) || p2.entries().isEmpty()) {
                    throw in.error(at, "ALTREP deferred_string whose state is not a pairlist");
                }
                if (!(p2.entries().getFirst().value() instanceof RInteger ints)) {
                    throw in.error(at, "ALTREP deferred_string of " + describe(p2.entries().getFirst().value())
                            + ": panopt expands deferred strings of integers only");
                }
                List<String> v = new ArrayList<>(ints.values().length);
                for (int x : ints.values()) v.add(x == RObject.NA_INT ? null : Integer.toString(x));
                yield new RString(Collections.unmodifiableList(v), attributes);
            }
            default -> throw in.error(at, "unsupported ALTREP class " + cls.name() + " (R type 238, ALTREP_SXP)");
        };
    }

    /** (length, first, step) of a compact sequence, checked. */
    private double[] sequenceState(RObject state, long at, String cls) throws DataFileException {
        if (!(state instanceof RDouble d) || d.values().length != 3) {
            throw in.error(at, "ALTREP " + cls + " whose state is not a double vector (length, first, step)");
        }
        double[] s = d.values();
        if (!(s[0] >= 0 && s[0] <= MAX_EXPANDED_SEQUENCE && s[0] == Math.rint(s[0]))) {
            throw in.error(at, "ALTREP " + cls + " of length " + s[0] + ": not a whole number in 0.." + MAX_EXPANDED_SEQUENCE);
        }
        if (!Double.isFinite(s[1]) || !(s[2] == 1 || s[2] == -1)) {
            throw in.error(at, "ALTREP " + cls + " starting at " + s[1] + " with step " + s[2] + " (R writes steps of ±1)");
        }
        return s;
    }

    private RObject withAttributes(RObject x, Map<String, RObject> attributes, long at, String cls) throws DataFileException {
        return switch (x) {
            case RInteger v -> new RInteger(v.values(), attributes);
            case RDouble v -> new RDouble(v.values(), attributes);
            case RLogical v -> new RLogical(v.values(), attributes);
            case RString v -> new RString(v.values(), attributes);
            case RList v -> new RList(v.values(), attributes);
            default -> throw in.error(at, "ALTREP " + cls + " wrapping " + describe(x));
        };
    }

    static String describe(RObject o) {
        return switch (o) {
            case RNull n -> "NULL";
            case RSymbol s -> "the symbol " + s.name();
            case RLogical v -> "a logical vector of length " + v.values().length;
            case RInteger v -> "an integer vector of length " + v.values().length;
            case RDouble v -> "a double vector of length " + v.values().length;
            case RString v -> "a character vector of length " + v.values().size();
            case RList v -> "a list of length " + v.values().size();
            case RPairList v -> "a pairlist of length " + v.entries().size();
        };
    }

    /** R's name of a SEXP type or serialization pseudo-type. */
    static String typeName(int type) {
        return switch (type) {
            case 0 -> "NILSXP";
            case 1 -> "SYMSXP";
            case 2 -> "LISTSXP";
            case 3 -> "CLOSXP";
            case 4 -> "ENVSXP";
            case 5 -> "PROMSXP";
            case 6 -> "LANGSXP";
            case 7 -> "SPECIALSXP";
            case 8 -> "BUILTINSXP";
            case 9 -> "CHARSXP";
            case 10 -> "LGLSXP";
            case 13 -> "INTSXP";
            case 14 -> "REALSXP";
            case 15 -> "CPLXSXP";
            case 16 -> "STRSXP";
            case 17 -> "DOTSXP";
            case 18 -> "ANYSXP";
            case 19 -> "VECSXP";
            case 20 -> "EXPRSXP";
            case 21 -> "BCODESXP";
            case 22 -> "EXTPTRSXP";
            case 23 -> "WEAKREFSXP";
            case 24 -> "RAWSXP";
            case 25 -> "S4SXP";
            case 238 -> "ALTREP_SXP";
            case 239 -> "ATTRLISTSXP";
            case 240 -> "ATTRLANGSXP";
            case 241 -> "BASEENV_SXP";
            case 242 -> "EMPTYENV_SXP";
            case 243 -> "BCREPREF";
            case 244 -> "BCREPDEF";
            case 245 -> "GENERICREFSXP";
            case 246 -> "CLASSREFSXP";
            case 247 -> "PERSISTSXP";
            case 248 -> "PACKAGESXP";
            case 249 -> "NAMESPACESXP";
            case 250 -> "BASENAMESPACE_SXP";
            case 251 -> "MISSINGARG_SXP";
            case 252 -> "UNBOUNDVALUE_SXP";
            case 253 -> "GLOBALENV_SXP";
            case 254 -> "NILVALUE_SXP";
            case 255 -> "REFSXP";
            default -> "not an R type";
        };
    }

    private static String printable(byte[] b, int n) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c == '\n') s.append("\\n");
            else if (c >= 0x20 && c < 0x7f) s.append((char) c);
            else s.append(String.format("\\x%02x", c));
        }
        return s.append('"').toString();
    }
}
