package org.panopt.data.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The R values {@link RDataReader} understands: what data frames, factors and plain vectors are made of.
 * Attributes (names, class, levels, row.names, dim, …) keep their order. Missing values: R's
 * {@code NA_integer_} and {@code NA} logical are {@link #NA_INT}; {@code NA_real_} is a NaN; a missing
 * string is {@code null}.
 */
public sealed interface RObject {
    /** R's NA for integers and logicals: the smallest int. */
    int NA_INT = Integer.MIN_VALUE;

    /** The attributes, in the order R stored them (empty for NULL and symbols). */
    Map<String, RObject> attributes();

    /** The attribute {@code name}, or null. */
    default RObject attribute(String name) {
        return attributes().get(name);
    }

    /** The values of the {@code class} attribute (empty when there is none). */
    default List<String> classes() {
        return attribute("class") instanceof RString s ? s.values() : List.of();
    }

    /** Whether {@code cls} is among the object's classes (R's {@code inherits}). */
    default boolean inherits(String cls) {
        return classes().contains(cls);
    }

    /** R's NULL. */
    record RNull() implements RObject {
        public static final RNull INSTANCE = new RNull();

        @Override
        public Map<String, RObject> attributes() {
            return Map.of();
        }
    }

    /** A symbol (a name, as in the tags of a pairlist). */
    record RSymbol(String name) implements RObject {
        @Override
        public Map<String, RObject> attributes() {
            return Map.of();
        }
    }

    /** A logical vector (LGLSXP): 0, 1 or {@link #NA_INT}. */
    record RLogical(int[] values, Map<String, RObject> attributes) implements RObject {}

    /** An integer vector (INTSXP); a factor is one with {@code levels} and class {@code "factor"}. */
    record RInteger(int[] values, Map<String, RObject> attributes) implements RObject {
        /** Whether this is a factor: class "factor" and character levels. */
        public boolean isFactor() {
            return inherits("factor") && attribute("levels") instanceof RString;
        }
    }

    /** A double vector (REALSXP). */
    record RDouble(double[] values, Map<String, RObject> attributes) implements RObject {}

    /** A character vector (STRSXP); {@code null} elements are NA. */
    record RString(List<String> values, Map<String, RObject> attributes) implements RObject {}

    /** A generic vector (VECSXP): R's {@code list}, and the storage of a data frame. */
    record RList(List<RObject> values, Map<String, RObject> attributes) implements RObject {}

    /**
     * A pairlist (LISTSXP), as a list of tagged entries; a tag is null where the cell had none. A dotted
     * pair's final non-list CDR becomes a last, untagged entry.
     */
    record RPairList(List<Entry> entries, Map<String, RObject> attributes) implements RObject {
        public record Entry(String tag, RObject value) {}

        /** The values, without tags. */
        public List<RObject> values() {
            List<RObject> out = new ArrayList<>(entries.size());
            for (Entry e : entries) out.add(e.value());
            return out;
        }
    }
}
