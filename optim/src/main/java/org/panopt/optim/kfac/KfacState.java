package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.panopt.optim.OptState;
import org.panopt.tensor.Tensor;

/**
 * The state of adaptive K-FAC: the iteration count, the two damping strengths, the previous update δ₀ (one
 * tensor per parameter, null before the first step), per layer the running Kronecker factors and the cached
 * approximate inverse, and the last step's report.
 *
 * @param step           k, the number of steps taken
 * @param lambda         λ, the Levenberg–Marquardt damping of the exact-Fisher quadratic model
 * @param gamma          γ, the factored-Tikhonov strength of the approximate inverse
 * @param previousUpdate δ₀ per parameter (in the parameter's dtype), null entries before the first step
 * @param factors        Kronecker factor estimates per curved layer
 * @param inverses       cached approximate inverses per curved layer
 * @param report         what the last step did
 */
public record KfacState(long step, double lambda, double gamma, List<Tensor> previousUpdate,
                        List<KroneckerFactors> factors, List<LayerInverse> inverses, KfacReport report) implements OptState {

    public KfacState {
        previousUpdate = Collections.unmodifiableList(new ArrayList<>(previousUpdate));
        factors = List.copyOf(factors);
        inverses = List.copyOf(inverses);
    }

    /** The inverse placeholder before the first refresh. */
    static final LayerInverse NO_INVERSE = new LayerInverse(Double.NaN, Double.NaN, null, null, null, null, null, null, null, null, false);

    boolean hasInverses() {
        return !inverses.isEmpty() && inverses.getFirst().outputInverse() != null;
    }
}
