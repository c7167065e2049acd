package org.panopt.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Generates the float64 twin of a float32 Vector-API kernel source by swapping the element type.
 * The Vector API needs a constant species per loop, so float and double kernels are separate classes;
 * writing one by hand and generating the other keeps them one piece of logic.
 *
 * <p>Run {@code main} (from the {@code core} directory) after editing a float source;
 * {@link KernelTwinsTest} fails when a twin is out of date.
 */
public final class KernelTwins {
    static final Path DIR = Path.of("src/main/java/org/panopt/kernels");

    /** (float source, double twin) file names. */
    static final List<String[]> PAIRS = List.<String[]>of(new String[] {"FloatMaps.java", "DoubleMaps.java"});

    private static final Pattern FLOAT_KEYWORD = Pattern.compile("\\bfloat\\b");
    private static final Pattern FLOAT_LITERAL = Pattern.compile("\\b(\\d+)f\\b");

    private KernelTwins() {}

    static String twin(String floatSource, String sourceName) {
        String s = floatSource
                .replace("FloatVector", "DoubleVector")
                .replace("FloatMaps", "DoubleMaps")
                .replace("FloatMath", "DoubleMath")
                .replace("<Float>", "<Double>")
                .replace("Float.", "Double.")
                .replace("float32", "float64")
                .replace("(float) ", ""); // a cast to float is a no-op in the double twin
        s = FLOAT_KEYWORD.matcher(s).replaceAll("double");
        s = FLOAT_LITERAL.matcher(s).replaceAll("$1.0");
        return "// Generated from " + sourceName + " by KernelTwins (core/src/test): edit that file and run KernelTwins.main.\n" + s;
    }

    public static void main(String[] args) throws IOException {
        for (String[] pair : PAIRS) {
            String generated = twin(Files.readString(DIR.resolve(pair[0])), pair[0]);
            Path target = DIR.resolve(pair[1]);
            Path tmp = Files.createTempFile(DIR, pair[1], ".tmp");
            Files.writeString(tmp, generated);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("wrote " + target);
        }
    }
}
