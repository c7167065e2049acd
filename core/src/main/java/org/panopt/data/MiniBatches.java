package org.panopt.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Mini-batches of a {@link Dataset}, as PyTorch's {@code DataLoader(dataset, batch_size, shuffle,
 * drop_last, generator)}: every {@link #iterator()} is one epoch; with {@code shuffle} it draws a fresh
 * permutation from the generator (so epoch k's order depends on the seed and on k, and a run is
 * reproducible), otherwise batches follow the data set's order. The last batch is smaller when N is not
 * a multiple of the batch size, unless {@code dropLast} drops it. Batches are copies.
 *
 * <pre>{@code
 * MiniBatches batches = train.batches(128, true, true, new SplittableRandom(seed));
 * for (int epoch = 0; epoch < epochs; epoch++)
 *     for (Dataset batch : batches) step(batch.inputs(), batch.targets());
 * }</pre>
 */
public final class MiniBatches implements Iterable<Dataset> {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final SplittableRandom rng;

    public MiniBatches(Dataset data, int batchSize, boolean shuffle, boolean dropLast, SplittableRandom rng) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize " + batchSize + " must be positive");
        if (shuffle && rng == null) throw new IllegalArgumentException("shuffling needs a random generator");
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.rng = rng;
    }

    /** Batches per epoch: ⌊N/B⌋ with {@code dropLast}, else ⌈N/B⌉. */
    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The example indices of one epoch's batches, in order (drawing the permutation when shuffling). */
    public int[][] epochIndices() {
        int n = data.size();
        int[] order = shuffle ? Permutations.random(n, rng) : identity(n);
        int[][] out = new int[batchesPerEpoch()][];
        for (int b = 0; b < out.length; b++) out[b] = Arrays.copyOfRange(order, b * batchSize, Math.min(n, (b + 1) * batchSize));
        return out;
    }

    /** One epoch: a new permutation when shuffling. */
    @Override
    public Iterator<Dataset> iterator() {
        int[][] batches = epochIndices();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches.length;
            }

            @Override
            public Dataset next() {
                if (!hasNext()) throw new NoSuchElementException();
                return data.subset(batches[next++]);
            }
        };
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }
}
