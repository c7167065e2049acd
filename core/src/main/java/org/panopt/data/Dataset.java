package org.panopt.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.panopt.tensor.Tensor;

/**
 * A supervised data set held in memory: {@code inputs [N, …]} and {@code targets [N, …]}, row i of one
 * belonging to row i of the other. Class labels are float class indices {@code [N]} (what
 * {@code SoftmaxCrossEntropy} takes) until {@link #oneHot} makes them {@code [N, K]}; regression
 * targets are {@code [N, k]}. Images are {@code [N, C, H, W]}.
 *
 * <p>Operations return new data sets; {@link #slice} shares storage, the others copy. Randomness only
 * comes from the caller's {@link SplittableRandom}, so a seed reproduces every split and batch order.
 */
public record Dataset(Tensor inputs, Tensor targets) {

    public Dataset {
        if (inputs.rank() < 1 || targets.rank() < 1 || inputs.dim(0) != targets.dim(0)) {
            throw new IllegalArgumentException("inputs " + inputs.shape() + " and targets " + targets.shape()
                    + " must have the same leading extent (one row per example)");
        }
    }

    /** The number of examples N. */
    public int size() {
        return inputs.dim(0);
    }

    /** Examples {@code [from, to)}, sharing storage. */
    public Dataset slice(int from, int to) {
        return new Dataset(inputs.slice(from, to), targets.slice(from, to));
    }

    /** The examples at {@code indices}, in that order (copied). */
    public Dataset subset(int[] indices) {
        return new Dataset(HostArrays.gatherRows(inputs, indices), HostArrays.gatherRows(targets, indices));
    }

    /** All examples in a random order drawn from {@code rng}. */
    public Dataset shuffled(SplittableRandom rng) {
        return subset(Permutations.random(size(), rng));
    }

    /** The result of {@link #split}: disjoint parts that together hold every example once. */
    public record Partition(Dataset train, Dataset validation) {}

    /**
     * A random train/validation split: {@code round(N · validationFraction)} examples, drawn without
     * replacement, go to validation, the rest (in their original order) to training — as
     * {@code torch.utils.data.random_split} with a seeded generator.
     */
    public Partition split(double validationFraction, SplittableRandom rng) {
        if (!(validationFraction >= 0 && validationFraction <= 1)) {
            throw new IllegalArgumentException("validationFraction " + validationFraction + " must be in [0, 1]");
        }
        return split((int) Math.round(size() * validationFraction), rng);
    }

    /** A random split with exactly {@code validationSize} validation examples. */
    public Partition split(int validationSize, SplittableRandom rng) {
        int n = size();
        if (validationSize < 0 || validationSize > n) {
            throw new IllegalArgumentException("validationSize " + validationSize + " must be in [0, " + n + "]");
        }
        int[] perm = Permutations.random(n, rng);
        boolean[] inValidation = new boolean[n];
        int[] validation = new int[validationSize];
        for (int k = 0; k < validationSize; k++) {
            validation[k] = perm[k];
            inValidation[perm[k]] = true;
        }
        Arrays.sort(validation);
        int[] train = new int[n - validationSize];
        for (int i = 0, k = 0; i < n; i++) if (!inValidation[i]) train[k++] = i;
        return new Partition(subset(train), subset(validation));
    }

    /** Inputs reshaped to {@code [N, features]} (a view), as a fully connected network takes them. */
    public Dataset flattenInputs() {
        return new Dataset(inputs.reshape(size(), -1), targets);
    }

    /** Class-index targets {@code [N]} replaced by one-hot rows {@code [N, classes]}. */
    public Dataset oneHot(int classes) {
        return new Dataset(inputs, Labels.oneHot(targets, classes));
    }

    /** The same targets with {@code f} applied to the inputs. */
    public Dataset mapInputs(UnaryOperator<Tensor> f) {
        return new Dataset(f.apply(inputs), targets);
    }

    /** The same inputs with {@code f} applied to the targets. */
    public Dataset mapTargets(UnaryOperator<Tensor> f) {
        return new Dataset(inputs, f.apply(targets));
    }

    /** Seeded mini-batches over this data set; see {@link MiniBatches}. */
    public MiniBatches batches(int batchSize, boolean shuffle, boolean dropLast, SplittableRandom rng) {
        return new MiniBatches(this, batchSize, shuffle, dropLast, rng);
    }
}
