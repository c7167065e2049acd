package org.panopt.data.format;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.backend.HostStorage;
import org.panopt.data.format.RObject.RDouble;
import org.panopt.data.format.RObject.RInteger;
import org.panopt.data.format.RObject.RList;
import org.panopt.data.format.RObject.RLogical;
import org.panopt.data.format.RObject.RString;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * A table of named numeric columns, made from an R {@code data.frame}. Double columns are kept as they
 * are; integer and logical columns become doubles (NA → NaN); a factor becomes the numeric value of its
 * level label when every level is a number (R's {@code as.numeric(as.character(f))}: Boston Housing's
 * {@code chas} factor with levels "0", "1" becomes 0/1, as in every other copy of that data set), and
 * otherwise its 0-based level index (like pandas' category codes), with the labels kept in
 * {@link #factorLevels}. Character columns are refused.
 */
public record DataFrame(List<String> names, List<double[]> columns, int rows, Map<String, List<String>> factorLevels) {

    public DataFrame {
        names = List.copyOf(names);
        columns = List.copyOf(columns);
        factorLevels = Collections.unmodifiableMap(new LinkedHashMap<>(factorLevels));
        if (names.size() != columns.size()) throw new IllegalArgumentException(names.size() + " names for " + columns.size() + " columns");
        for (int j = 0; j < columns.size(); j++) {
            if (columns.get(j).length != rows) {
                throw new IllegalArgumentException("column " + names.get(j) + " has " + columns.get(j).length + " rows, not " + rows);
            }
        }
    }

    /** The data frame {@code value}, the object named {@code objectName} in {@code file}. */
    public static DataFrame fromR(Path file, String objectName, RObject value) throws DataFileException {
        String where = "object " + objectName;
        if (!(value instanceof RList list) || !value.inherits("data.frame")) {
            throw new DataFileException(file, where + " is " + RDataReader.describe(value) + " with classes " + value.classes() + ", not a data.frame");
        }
        if (!(list.attribute("names") instanceof RString names) || names.values().size() != list.values().size()) {
            throw new DataFileException(file, where + ": a data.frame needs one name per column");
        }
        int na = names.values().indexOf(null);
        if (na >= 0) throw new DataFileException(file, where + ": column " + na + " has an NA name");
        int rows = rowCount(file, where, list);
        List<double[]> columns = new ArrayList<>();
        Map<String, List<String>> levels = new LinkedHashMap<>();
        for (int j = 0; j < list.values().size(); j++) {
            String name = names.values().get(j);
            RObject col = list.values().get(j);
            double[] v = switch (col) {
                case RDouble d -> d.values().clone();
                case RInteger i when i.isFactor() -> {
                    List<String> labels = ((RString) i.attribute("levels")).values();
                    levels.put(name, labels);
                    yield factor(file, where + " column " + name, i.values(), labels);
                }
                case RInteger i -> integers(i.values());
                case RLogical l -> integers(l.values());
                default -> throw new DataFileException(file, where + " column " + name + " is " + RDataReader.describe(col)
                        + " with classes " + col.classes() + "; panopt reads numeric, integer, logical and factor columns");
            };
            if (v.length != rows) {
                throw new DataFileException(file, where + " column " + name + " has " + v.length + " rows but row.names declares " + rows);
            }
            columns.add(v);
        }
        return new DataFrame(names.values(), columns, rows, levels);
    }

    /** R stores n automatic row names compactly as c(NA, -n) (or c(NA, n)); otherwise one name per row. */
    private static int rowCount(Path file, String where, RList frame) throws DataFileException {
        RObject rowNames = frame.attribute("row.names");
        if (rowNames instanceof RInteger r && r.values().length == 2 && r.values()[0] == RObject.NA_INT) {
            int n = r.values()[1];
            if (n == RObject.NA_INT) throw new DataFileException(file, where + ": compact row.names c(NA, NA)");
            return Math.abs(n);
        }
        return switch (rowNames) {
            case RInteger r -> r.values().length;
            case RDouble r -> r.values().length;
            case RString r -> r.values().size();
            case null -> frame.values().isEmpty() ? 0 : length(frame.values().getFirst());
            default -> throw new DataFileException(file, where + ": row.names is " + RDataReader.describe(rowNames));
        };
    }

    private static int length(RObject o) {
        return switch (o) {
            case RDouble d -> d.values().length;
            case RInteger i -> i.values().length;
            case RLogical l -> l.values().length;
            case RString s -> s.values().size();
            case RList l -> l.values().size();
            default -> 0;
        };
    }

    private static double[] integers(int[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i] == RObject.NA_INT ? Double.NaN : values[i];
        return out;
    }

    private static double[] factor(Path file, String where, int[] codes, List<String> labels) throws DataFileException {
        double[] numeric = new double[labels.size()];
        boolean allNumeric = true;
        for (int k = 0; k < labels.size() && allNumeric; k++) {
            try {
                numeric[k] = labels.get(k) == null ? Double.NaN : Double.parseDouble(labels.get(k).trim());
            } catch (NumberFormatException notANumber) {
                allNumeric = false;
            }
        }
        double[] out = new double[codes.length];
        for (int i = 0; i < codes.length; i++) {
            int c = codes[i];
            if (c == RObject.NA_INT) {
                out[i] = Double.NaN;
            } else if (c < 1 || c > labels.size()) {
                throw new DataFileException(file, where + ": row " + i + " has factor code " + c + " but there are " + labels.size() + " levels");
            } else {
                out[i] = allNumeric ? numeric[c - 1] : c - 1;
            }
        }
        return out;
    }

    public int columnCount() {
        return columns.size();
    }

    /** The position of column {@code name}; an exception listing the columns when there is none. */
    public int indexOf(String name) {
        int j = names.indexOf(name);
        if (j < 0) throw new IllegalArgumentException("no column " + name + "; the columns are " + names);
        return j;
    }

    /** The values of column {@code name} (a copy). */
    public double[] column(String name) {
        return columns.get(indexOf(name)).clone();
    }

    /** The named columns side by side as a float32 tensor {@code [rows, names.size()]}. */
    public Tensor toTensor(List<String> selected) {
        float[] out = new float[rows * selected.size()];
        for (int j = 0; j < selected.size(); j++) {
            double[] c = columns.get(indexOf(selected.get(j)));
            for (int i = 0; i < rows; i++) out[i * selected.size() + j] = (float) c[i];
        }
        return new Tensor(new HostStorage.Floats(out), 0, Shape.of(rows, selected.size()));
    }
}
