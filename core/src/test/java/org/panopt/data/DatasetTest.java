package org.panopt.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Splits, subsets, one-hot targets and mini-batches: every example exactly once, reproducible from the seed. */
class DatasetTest {

    /** Example i has inputs (i, 100 + i, 200 + i) as a [N, 3] row and target i. */
    static Dataset numbered(int n) {
        float[] x = new float[n * 3];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[3 * i] = i;
            x[3 * i + 1] = 100 + i;
            x[3 * i + 2] = 200 + i;
            y[i] = i;
        }
        return new Dataset(Tensor.of(x, n, 3), Tensor.of(y, n));
    }

    /** The example ids of a data set made by {@link #numbered}, checking inputs still match targets. */
    static int[] ids(Dataset d) {
        float[] x = d.inputs().toFloatArray();
        float[] y = d.targets().toFloatArray();
        int[] out = new int[d.size()];
        for (int k = 0; k < out.length; k++) {
            assertThat(x[3 * k]).isEqualTo(y[k]);
            assertThat(x[3 * k + 2]).isEqualTo(200 + y[k]);
            out[k] = (int) y[k];
        }
        return out;
    }

    @Test
    void mismatchedLeadingExtentsAreRefused() {
        assertThatThrownBy(() -> new Dataset(Tensor.zeros(4, 2), Tensor.zeros(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputs [4, 2] and targets [3]");
    }

    @Test
    void subsetSliceAndShuffle() {
        Dataset d = numbered(10);
        assertThat(ids(d.subset(new int[] {7, 0, 7, 3}))).containsExactly(7, 0, 7, 3);
        assertThat(ids(d.slice(2, 5))).containsExactly(2, 3, 4);
        int[] a = ids(d.shuffled(new SplittableRandom(5)));
        assertThat(a).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).isEqualTo(ids(d.shuffled(new SplittableRandom(5))));
        assertThat(a).isNotEqualTo(ids(d.shuffled(new SplittableRandom(6))));
        assertThatThrownBy(() -> d.subset(new int[] {10})).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("row 10 of 10");
        Dataset doubles = new Dataset(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), Tensor.of(new double[] {5, 6}, 2));
        Dataset picked = doubles.subset(new int[] {1});
        assertThat(picked.inputs().dtype()).isEqualTo(DType.FLOAT64);
        assertThat(picked.inputs().toDoubleArray()).containsExactly(3, 4);
    }

    @Test
    void splitIsDisjointCompleteAndSeeded() {
        Dataset d = numbered(101);
        Dataset.Partition p = d.split(0.2, new SplittableRandom(1));
        assertThat(p.validation().size()).isEqualTo(20);
        assertThat(p.train().size()).isEqualTo(81);
        List<Integer> all = new ArrayList<>();
        for (int i : ids(p.train())) all.add(i);
        for (int i : ids(p.validation())) all.add(i);
        assertThat(all).hasSize(101).doesNotHaveDuplicates();
        assertThat(ids(p.train())).isSorted();
        assertThat(ids(p.validation())).isEqualTo(ids(d.split(0.2, new SplittableRandom(1)).validation()));
        assertThat(ids(p.validation())).isNotEqualTo(ids(d.split(0.2, new SplittableRandom(2)).validation()));
        assertThat(d.split(0, new SplittableRandom(1)).train().size()).isEqualTo(101);
        assertThat(d.split(101, new SplittableRandom(1)).validation().size()).isEqualTo(101);
        assertThatThrownBy(() -> d.split(1.5, new SplittableRandom(1))).hasMessageContaining("validationFraction 1.5 must be in [0, 1]");
        assertThatThrownBy(() -> d.split(102, new SplittableRandom(1))).hasMessageContaining("validationSize 102 must be in [0, 101]");
    }

    @Test
    void splitDrawsEveryExampleForValidationAboutEquallyOften() {
        Dataset d = numbered(10);
        int[] chosen = new int[10];
        SplittableRandom rng = new SplittableRandom(3);
        int trials = 4000;
        for (int t = 0; t < trials; t++) for (int i : ids(d.split(3, rng).validation())) chosen[i]++;
        // Each example is chosen with probability 3/10: 1200 expected, standard deviation ≈ 29.
        for (int c : chosen) assertThat(c).isBetween(1200 - 150, 1200 + 150);
    }

    @Test
    void oneHotAndLabelCounts() {
        Tensor labels = Tensor.of(new float[] {2, 0, 2, 1});
        assertThat(Labels.oneHot(labels, 3).toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0);
        assertThat(Labels.counts(labels, 4)).containsExactly(1, 1, 2, 0);
        Dataset d = new Dataset(Tensor.zeros(4, 2), labels).oneHot(3);
        assertThat(d.targets().dims()).containsExactly(4, 3);
        assertThatThrownBy(() -> Labels.oneHot(Tensor.of(new float[] {0, 3}), 3)).hasMessageContaining("label 3.0 at index 1 is not a class index in 0..2");
        assertThatThrownBy(() -> Labels.oneHot(Tensor.of(new float[] {0.5f}), 3)).hasMessageContaining("label 0.5 at index 0");
        assertThatThrownBy(() -> Labels.oneHot(Tensor.zeros(2, 2), 3)).hasMessageContaining("must be a vector [N], not [2, 2]");
    }

    @Test
    void flattenAndMap() {
        Dataset images = new Dataset(Tensor.zeros(5, 1, 4, 4), Tensor.zeros(5));
        assertThat(images.flattenInputs().inputs().dims()).containsExactly(5, 16);
        assertThat(images.mapInputs(x -> x.add(1)).inputs().toFloatArray()).containsOnly(1f);
        assertThat(images.mapTargets(y -> y.reshape(5, 1)).targets().dims()).containsExactly(5, 1);
    }

    // ---------------------------------------------------------------- mini-batches

    @Test
    void batchesCoverEveryExampleOncePerEpoch() {
        Dataset d = numbered(103);
        MiniBatches batches = d.batches(10, true, false, new SplittableRandom(9));
        assertThat(batches.batchesPerEpoch()).isEqualTo(11);
        List<int[]> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            List<Integer> seen = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            for (Dataset b : batches) {
                sizes.add(b.size());
                for (int i : ids(b)) seen.add(i);
            }
            assertThat(sizes).hasSize(11).startsWith(10, 10).endsWith(3);
            assertThat(seen).hasSize(103).doesNotHaveDuplicates();
            epochs.add(seen.stream().mapToInt(Integer::intValue).toArray());
        }
        assertThat(epochs.get(0)).as("each epoch draws a new order").isNotEqualTo(epochs.get(1));
        // The same seed replays the same epochs.
        MiniBatches again = d.batches(10, true, false, new SplittableRandom(9));
        for (int[] epoch : epochs) {
            int[] replay = Arrays.stream(again.epochIndices()).flatMapToInt(Arrays::stream).toArray();
            assertThat(replay).isEqualTo(epoch);
        }
    }

    @Test
    void dropLastAndNoShuffle() {
        Dataset d = numbered(25);
        MiniBatches drop = d.batches(10, true, true, new SplittableRandom(1));
        assertThat(drop.batchesPerEpoch()).isEqualTo(2);
        int n = 0;
        for (Dataset b : drop) {
            assertThat(b.size()).isEqualTo(10);
            n++;
        }
        assertThat(n).isEqualTo(2);
        MiniBatches ordered = d.batches(10, false, false, null);
        List<Integer> seen = new ArrayList<>();
        for (Dataset b : ordered) for (int i : ids(b)) seen.add(i);
        assertThat(seen).isSorted().hasSize(25);
        assertThat(d.batches(30, false, true, null).batchesPerEpoch()).isZero();
        assertThatThrownBy(() -> d.batches(0, false, false, null)).hasMessageContaining("batchSize 0 must be positive");
        assertThatThrownBy(() -> d.batches(5, true, false, null)).hasMessageContaining("shuffling needs a random generator");
    }

    @Test
    void shuffledOrdersAreUniform() {
        // Position of example 0 after shuffling 4 examples: uniform over 4 places.
        Dataset d = numbered(4);
        MiniBatches b = d.batches(4, true, false, new SplittableRandom(11));
        int[] where = new int[4];
        for (int t = 0; t < 8000; t++) {
            int[] order = b.epochIndices()[0];
            for (int k = 0; k < 4; k++) if (order[k] == 0) where[k]++;
        }
        for (int w : where) assertThat(w).isBetween(2000 - 200, 2000 + 200);
    }
}
