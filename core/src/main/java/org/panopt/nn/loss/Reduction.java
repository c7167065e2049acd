package org.panopt.nn.loss;

/**
 * How per-element losses become one number.
 * <ul>
 * <li>{@link #MEAN}: the mean over all elements (PyTorch's default; for one value per case, the batch mean).</li>
 * <li>{@link #BATCH_MEAN}: summed over each case's outputs, averaged over the batch (axis 0) — the
 *     convention of the K-FAC paper and kfac-jax, where a case's loss is −log r(y|z) of its whole output.</li>
 * <li>{@link #SUM}: the sum over everything.</li>
 * </ul>
 */
public enum Reduction { MEAN, BATCH_MEAN, SUM }
