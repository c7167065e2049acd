package org.panopt.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.panopt.data.fetch.DataCache;
import org.panopt.data.fetch.DataUnavailableException;
import org.panopt.data.format.DataFrame;
import org.panopt.tensor.Tensor;

/**
 * The real data sets, fetched on demand into the standard cache ({@code $PANOPT_DATA} or
 * {@code ~/.cache/panopt}) — so a machine that reaches Debian and npm, as CI does, exercises the whole
 * fetch-verify-read path. Where the fetch tools or the network are missing the tests are skipped with
 * the reason; a checksum mismatch or a read error is a failure. Each set is read once and shared.
 */
class RealDataTest {
    private static final Map<String, Object> loaded = new HashMap<>();
    private static final Map<String, String> unavailable = new HashMap<>();

    interface Load<T> {
        T load() throws IOException;
    }

    @SuppressWarnings("unchecked")
    private static synchronized <T> T shared(String key, Load<T> load) throws IOException {
        if (unavailable.containsKey(key)) Assumptions.abort(unavailable.get(key));
        if (!loaded.containsKey(key)) {
            try {
                loaded.put(key, load.load());
            } catch (DataUnavailableException e) {
                unavailable.put(key, "skipped: " + key + " is not cached and cannot be fetched here: " + e.getMessage());
                Assumptions.abort(unavailable.get(key));
            }
        }
        return (T) loaded.get(key);
    }

    /** min, max, mean and population standard deviation of all elements, in double. */
    private static double[] stats(Tensor t) {
        HostArrays.Floats v = HostArrays.floats(t);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, sum = 0, sq = 0;
        for (int i = v.offset(), end = v.offset() + t.size(); i < end; i++) {
            double x = v.data()[i];
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
            sum += x;
            sq += x * x;
        }
        double mean = sum / t.size();
        return new double[] {lo, hi, mean, Math.sqrt(sq / t.size() - mean * mean)};
    }

    @Test
    void fashionMnistHas60000And10000ImagesInTenBalancedClasses() throws IOException {
        Dataset train = shared("fashion-mnist train", () -> DataSets.fashionMnist(Split.TRAIN));
        Dataset test = shared("fashion-mnist test", () -> DataSets.fashionMnist(Split.TEST));
        assertThat(train.inputs().dims()).containsExactly(60_000, 1, 28, 28);
        assertThat(test.inputs().dims()).containsExactly(10_000, 1, 28, 28);
        assertThat(Labels.counts(train.targets(), 10)).containsOnly(6_000);
        assertThat(Labels.counts(test.targets(), 10)).containsOnly(1_000);
        double[] s = stats(train.inputs());
        assertThat(s[0]).isZero();
        assertThat(s[1]).isEqualTo(1);
        // The published per-pixel statistics of the training set (mean 0.2860, std 0.3530).
        assertThat(s[2]).isCloseTo(0.2860, within(5e-4));
        assertThat(s[3]).isCloseTo(0.3530, within(5e-4));
        assertThat(train.targets().at(0)).as("the first training image is an ankle boot").isEqualTo(9);
    }

    @Test
    void mnistDigitsHave10000WithTheirPerDigitCounts() throws IOException {
        Dataset digits = shared("mnist-digits", DataSets::mnistDigits);
        assertThat(digits.inputs().dims()).containsExactly(10_000, 1, 28, 28);
        assertThat(Labels.counts(digits.targets(), 10)).containsExactly(1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978);
        double[] s = stats(digits.inputs());
        assertThat(s[0]).isZero();
        assertThat(s[1]).isEqualTo(1);
        // The 16×16 version of the K-FAC paper's Figure 1, standardized for a 256-input network.
        Tensor small = Resize.area(digits.inputs(), 16, 16);
        assertThat(small.dims()).containsExactly(10_000, 1, 16, 16);
        Tensor flat = small.reshape(10_000, 256);
        Tensor z = Standardizer.fit(flat).apply(flat);
        assertThat(z.mean().item()).isCloseTo(0, within(1e-4));
    }

    @Test
    void bostonHousingHas506RowsOf14NamedColumns() throws IOException {
        DataFrame f = shared("boston-housing", DataSets::bostonHousingFrame);
        assertThat(f.rows()).isEqualTo(506);
        assertThat(f.names()).containsExactlyElementsOf(DataSets.BOSTON_COLUMNS)
                .containsExactly("crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat", "medv");
        double[] medv = f.column("medv");
        assertThat(Arrays.stream(medv).min().orElseThrow()).isEqualTo(5.0);
        assertThat(Arrays.stream(medv).max().orElseThrow()).isEqualTo(50.0);
        assertThat(Arrays.stream(medv).average().orElseThrow()).isCloseTo(22.532806, within(1e-6));
        assertThat(f.column("chas")).containsOnly(0, 1);
        assertThat(Arrays.stream(f.column("chas")).sum()).as("tracts bounding the Charles river").isEqualTo(35);
        assertThat(f.factorLevels()).containsOnlyKeys("chas");
        double[] first = new double[14];
        for (int j = 0; j < 14; j++) first[j] = f.columns().get(j)[0];
        assertThat(first).containsExactly(0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 396.9, 4.98, 24.0);
        Dataset d = shared("boston-housing dataset", DataSets::bostonHousing);
        assertThat(d.inputs().dims()).containsExactly(506, 13);
        assertThat(d.targets().dims()).containsExactly(506, 1);
    }

    @Test
    void theCommandLineFetchesAndVerifies() throws IOException {
        shared("boston-housing", DataSets::bostonHousingFrame); // skips when it cannot be fetched
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = DataTool.run(new String[] {"fetch", "boston-housing"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                DataCache.standard());
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("boston-housing: already cached, verified in " + DataCache.standard().root());
    }
}
