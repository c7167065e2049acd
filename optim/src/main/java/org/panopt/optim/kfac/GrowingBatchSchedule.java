package org.panopt.optim.kfac;

/**
 * The exponentially growing mini-batch size of the paper's main experiment ({@code spec/kfac.md} §8.4):
 * <pre>
 *   m_k = min(⌊m₁ · exp((k − 1)/b)⌋, |S|),   b = (K − 1) / ln(|S| / m₁),
 * </pre>
 * so that m₁ cases are used at k = 1 and the whole training set |S| from iteration K on (the paper: m₁ =
 * 1000, K = 500). tensorflow/kfac's {@code _get_batch_size_schedule} is the same curve in base 2. For the
 * driver that draws the batches; the optimizer itself takes whatever batch the objective holds.
 *
 * @param initial   m₁, the first batch size
 * @param datasetSize |S|, the size reached and then kept
 * @param fullAt    K, the 1-based iteration at which the full set is first used
 */
public record GrowingBatchSchedule(int initial, int datasetSize, int fullAt) {

    public GrowingBatchSchedule {
        if (initial < 1) throw new IllegalArgumentException("GrowingBatchSchedule: initial batch size " + initial + " must be ≥ 1");
        if (datasetSize < initial) {
            throw new IllegalArgumentException("GrowingBatchSchedule: dataset size " + datasetSize + " is smaller than the initial batch size " + initial);
        }
        if (fullAt < 1) throw new IllegalArgumentException("GrowingBatchSchedule: fullAt = " + fullAt + " must be ≥ 1");
    }

    /** The paper's schedule: 1000 cases at first, the whole set at iteration 500. */
    public static GrowingBatchSchedule paper(int datasetSize) {
        return new GrowingBatchSchedule(Math.min(1000, datasetSize), datasetSize, 500);
    }

    /** m_k for the 1-based iteration k. */
    public int size(long k) {
        if (k < 1) throw new IllegalArgumentException("GrowingBatchSchedule: iteration k = " + k + " must be ≥ 1 (1-based)");
        if (k >= fullAt || datasetSize == initial) return datasetSize;
        double b = (fullAt - 1) / Math.log((double) datasetSize / initial);
        // The tiny tolerance keeps exp/log round-off from dropping a case where m lands on an integer.
        double m = initial * Math.exp((k - 1) / b);
        return (int) Math.min(datasetSize, Math.floor(m + 1e-9));
    }
}
