package org.panopt.optim.first;

import java.util.ArrayList;
import java.util.List;
import org.panopt.optim.GradientTransformation;
import org.panopt.optim.Hyper;
import org.panopt.optim.HyperParams;
import org.panopt.optim.OptState;
import org.panopt.optim.Rule;
import org.panopt.optim.StepContext;
import org.panopt.tensor.Tensor;

/**
 * Nesterov's accelerated gradient in the form of Sutskever, Martens, Dahl &amp; Hinton (2013), the K-FAC
 * paper's baseline, with their momentum schedule:
 * <pre>
 *   v_{t+1} = μ_t v_t − η ∇L(θ_t + μ_t v_t),   θ_{t+1} = θ_t + v_{t+1},   v₀ = 0
 *   μ_t = min(1 − 2^(−1 − log₂(⌊t/250⌋ + 1)), μ_max)  =  min(1 − 1/(2(⌊t/250⌋ + 1)), μ_max)    (t = 0, 1, …)
 * </pre>
 * The gradient is taken at the look-ahead point, so the parameters this transformation updates hold that
 * point, φ_t = θ_t + μ_t v_t (the change of variables of Bengio et al. 2013): the gradient the optimizer reads
 * is then ∇L(φ_t), and
 * <pre>
 *   φ_{t+1} = φ_t − μ_t v_t + (1 + μ_{t+1}) v_{t+1}.
 * </pre>
 * {@link #theta} recovers θ_t = φ_t − μ_t v_t. With a constant μ and η this is the same sequence as
 * {@code torch.optim.SGD(nesterov=True)} (whose buffer is v/(−η)); they differ when η changes, because here
 * v carries the η of past steps. {@code schedule = false} uses μ_t = μ_max throughout.
 *
 * <p>Hyper-parameters: {@code lr} (η, default 1e-2), {@code momentum} (μ_max, default 0.99), {@code schedule} (true).
 */
public record SutskeverNesterov(double lr, double maxMomentum, boolean schedule) implements GradientTransformation<SutskeverNesterov.NesterovState> {

    /** t and the velocity v_t (in parameter units: η is inside). */
    public record NesterovState(long count, List<Tensor> velocity) implements OptState {
        public NesterovState {
            velocity = OptState.tensors(velocity);
        }
    }

    public SutskeverNesterov {
        Hyper.checkLearningRate(lr);
        Hyper.unitInterval("momentum", maxMomentum);
    }

    public static Rule rule() {
        return new Rule("SutskeverNesterov", HyperParams.of("lr", 1e-2, "momentum", 0.99, "schedule", true),
                h -> new SutskeverNesterov(h.get("lr"), h.get("momentum"), h.flag("schedule")));
    }

    /** μ_t = min(1 − 2^(−1 − log₂(⌊t/250⌋ + 1)), μ_max) for step t = 0, 1, … (μ_max when not scheduled). */
    public double momentum(long t) {
        if (!schedule) return maxMomentum;
        return Math.min(1 - 1.0 / (2.0 * (Math.floorDiv(t, 250L) + 1)), maxMomentum);
    }

    @Override
    public NesterovState init(List<Tensor> params) {
        return new NesterovState(0, OptState.zerosLike(params));
    }

    @Override
    public Update<NesterovState> update(List<Tensor> updates, NesterovState s, List<Tensor> params, StepContext context) {
        long t = s.count();
        double mu = momentum(t);
        double muNext = momentum(t + 1);
        List<Tensor> out = new ArrayList<>(updates.size());
        List<Tensor> vel = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            Tensor v = s.velocity().get(i);
            Tensor next = v.mul(mu).sub(updates.get(i).mul(lr));
            out.add(next.mul(1 + muNext).sub(v.mul(mu)));
            vel.add(next);
        }
        return new Update<>(out, new NesterovState(t + 1, vel));
    }

    /** θ_t = φ_t − μ_t v_t: the "real" iterate behind the look-ahead parameters φ_t. */
    public List<Tensor> theta(List<Tensor> params, NesterovState state) {
        double mu = momentum(state.count());
        List<Tensor> out = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) out.add(params.get(i).detach().sub(state.velocity().get(i).mul(mu)));
        return out;
    }
}
