package org.panopt.nn;

import java.util.SplittableRandom;
import org.panopt.tensor.Tensor;

/**
 * Inverted dropout: in training, z' = z·m/(1 − p) with m ~ Bernoulli(1 − p) per element, so the expected
 * activation is unchanged and evaluation is the identity. Masks come from the layer's own seeded
 * generator, so a run is reproducible.
 *
 * <p><b>Replay</b> ({@link #beginReplay}): finite-difference probes of the loss (the Ravaut–Gorti learning-rate
 * rule) must see the same sub-network on every probe and must not advance the layer's generator, or the
 * differences measure mask noise and the training run changes because it was probed. While replaying, a
 * training pass multiplies by the given mask (normally {@link #lastMask()}, the mask of the latest training
 * pass) when the input has its shape, and otherwise draws from the replay generator the caller supplies.
 */
public class Dropout extends Module {
    private final double p;
    private final SplittableRandom rng;
    private Tensor lastMask;
    private boolean replaying;
    private Tensor replayMask;
    private SplittableRandom replayRng;

    public Dropout(double p, SplittableRandom rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p " + p + " must be in [0, 1)");
        this.p = p;
        this.rng = rng;
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (!isTraining() || p == 0) return x;
        Tensor mask;
        if (!replaying) {
            mask = drawMask(rng, x);
            lastMask = mask;
        } else if (replayMask != null && replayMask.shape().equals(x.shape())) {
            mask = replayMask.to(x.dtype()).to(x.device());
        } else {
            mask = drawMask(replayRng, x);
        }
        return x.mul(mask);
    }

    private Tensor drawMask(SplittableRandom generator, Tensor x) {
        return Tensor.rand(generator, 0, 1, x.dtype(), x.dims()).to(x.device()).ge(p).mul(1 / (1 - p));
    }

    /** The scaled mask m/(1 − p) of the latest training pass outside replay; null before the first. */
    public Tensor lastMask() {
        return lastMask;
    }

    /**
     * Until {@link #endReplay()}, training passes reuse {@code mask} (any dtype; null for none) when the input
     * has its shape and otherwise draw from {@code fallback}; the layer's own generator and {@link #lastMask()}
     * are left alone.
     */
    public void beginReplay(Tensor mask, SplittableRandom fallback) {
        if (fallback == null) throw new IllegalArgumentException("Dropout.beginReplay: the fallback generator must not be null");
        replaying = true;
        replayMask = mask;
        replayRng = fallback;
    }

    /** Ends {@link #beginReplay}: masks come from the layer's own generator again. */
    public void endReplay() {
        replaying = false;
        replayMask = null;
        replayRng = null;
    }

    public boolean isReplaying() {
        return replaying;
    }

    public double p() {
        return p;
    }

    @Override
    protected String describe() {
        return "Dropout(" + p + ")";
    }
}
