package org.panopt.optim.first;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.OptState;
import org.panopt.optim.StepContext;
import org.panopt.tensor.Tensor;

/**
 * Adam's direction (Kingma &amp; Ba 2015) in {@code torch.optim.Adam}'s arithmetic, optionally AMSGrad
 * (Reddi et al. 2018) as PyTorch implements it:
 * <pre>
 *   t ← t + 1
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 *   v_max ← max(v_max, v)                                   (AMSGrad; the max of the <em>raw</em> v)
 *   d = (m / (1 − β₁ᵗ)) / (√v' / √(1 − β₂ᵗ) + ε)           v' = v, or v_max with AMSGrad
 * </pre>
 * ε is added to the bias-corrected √v̂ (PyTorch, optax: {@code eps_root = 0}), not inside the root. AMSGrad
 * here is PyTorch's: the paper's v̂_max = max(v̂_max, v̂) takes the maximum of corrected values; PyTorch keeps
 * the maximum of the raw v and corrects it with the current step's factor. The output is the direction
 * d; a following {@code Scale.byLearningRate(η)} makes it −ηd.
 */
public record ScaleByAdam(double beta1, double beta2, double eps, boolean amsgrad) implements GradientTransformation<ScaleByAdam.AdamState> {

    /** t, the moments m and v, and v_max (null entries without AMSGrad). */
    public record AdamState(long count, List<Tensor> mu, List<Tensor> nu, List<Tensor> nuMax) implements OptState {
        public AdamState {
            mu = OptState.tensors(mu);
            nu = OptState.tensors(nu);
            nuMax = OptState.tensors(nuMax);
        }
    }

    public ScaleByAdam {
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        Hyper.nonNegative("eps", eps);
    }

    @Override
    public AdamState init(List<Tensor> params) {
        return new AdamState(0, OptState.zerosLike(params), OptState.zerosLike(params),
                amsgrad ? OptState.zerosLike(params) : Collections.nCopies(params.size(), null));
    }

    @Override
    public Update<AdamState> update(List<Tensor> updates, AdamState s, List<Tensor> params, StepContext context) {
        long t = s.count() + 1;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        List<Tensor> out = new ArrayList<>(updates.size());
        List<Tensor> mu = new ArrayList<>(updates.size());
        List<Tensor> nu = new ArrayList<>(updates.size());
        List<Tensor> nuMax = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            Tensor g = updates.get(i);
            Tensor m = Moments.ema(s.mu().get(i), g, beta1);
            Tensor v = Moments.ema(s.nu().get(i), g.square(), beta2);
            Tensor vMax = amsgrad ? s.nuMax().get(i).max(v) : null;
            Tensor denom = (amsgrad ? vMax : v).sqrt().div(bc2Sqrt).add(eps);
            out.add(m.div(bc1).div(denom));
            mu.add(m);
            nu.add(v);
            nuMax.add(vMax);
        }
        return new Update<>(out, new AdamState(t, mu, nu, nuMax));
    }
}
