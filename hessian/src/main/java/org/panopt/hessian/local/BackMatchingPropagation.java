package org.panopt.hessian.local;

import java.util.ArrayList;
import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.hessian.ModuleState;
import org.panopt.nn.Module;
import org.panopt.nn.loss.Loss;
import org.panopt.tensor.Tensor;

/**
 * Procedure 1 of Zhang, Chen &amp; Liu (2018), back-matching propagation, with each sub-problem solved by
 * one gradient step — the setting of their Proposition 1 ({@code spec/local-hessian.md} A.1–A.2). For a
 * chain of blocks z_b = F_b(W_b, z_{b−1}), from the top:
 * <pre>
 *   b = B:     ℓ_B = J(y; F_B(W_B, z_{B−1}))                       (the training loss, a batch mean)
 *   b &lt; B:     ℓ_b = ½ Σⱼ ‖z_b^{k+½}[j] − F_b(W_b, z_{b−1})[j]‖²     (summed over samples)
 *   W_b^{k+1}      = W_b − µ ∂ℓ_b/∂W_b          (eq. 3, one step of size µ; z_{b−1} frozen)
 *   z_{b−1}^{k+½}  = z_{b−1} − ∂ℓ_b/∂z_{b−1}    (eq. 4, one step of size 1; W_b frozen)
 * </pre>
 * Proposition 1: then W^{k+1} is exactly the gradient step W − µ∇J, because z_b^{k+½} − z_b = −∂J/∂z_b at
 * every level — the residual F_b − z_b^{k+½} is the back-propagated gradient. The step's targets and
 * residuals are returned so that local Hessians can be taken at this linearization point
 * ({@link LocalHessian#exact}).
 */
public final class BackMatchingPropagation {
    private BackMatchingPropagation() {}

    /**
     * @param newParameters per block, its parameters after the W-step (in {@link Module#parameters()} order)
     * @param inputs        per block, its forward input z_{b−1}
     * @param residuals     per block b &lt; B, F_b(W_b, z_{b−1}) − z_b^{k+½} (= ∂J/∂z_b); null for the top block
     */
    public record Step(List<List<Tensor>> newParameters, List<Tensor> inputs, List<Tensor> residuals) {}

    /** One back-matching step over {@code blocks} (a chain) on the batch (x, y), W-step size µ. Parameters are not changed. */
    public static Step oneStep(List<Module> blocks, Tensor x, Tensor y, Loss loss, double mu) {
        if (blocks.isEmpty()) throw new IllegalArgumentException("BackMatchingPropagation: no blocks");
        if (!(mu > 0)) throw new IllegalArgumentException("BackMatchingPropagation: step size µ " + mu + " must be positive");
        int count = blocks.size();
        List<ModuleState> states = blocks.stream().map(ModuleState::of).toList();
        try {
            List<Tensor> inputs = new ArrayList<>(count);
            Tensor z = x.detach();
            for (Module b : blocks) {
                inputs.add(z);
                Tensor in = z;
                z = Autograd.noGrad(() -> b.forward(in)).detach();
            }
            List<List<Tensor>> updated = new ArrayList<>(count);
            List<Tensor> residuals = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                updated.add(null);
                residuals.add(null);
            }
            Tensor target = null; // z_b^{k+½} for the block being solved
            for (int b = count - 1; b >= 0; b--) {
                Module block = blocks.get(b);
                List<Tensor> params = block.parameters();
                Tensor in = inputs.get(b).detach().requiresGrad(true);
                Tensor out = block.forward(in);
                Tensor local;
                if (b == count - 1) {
                    local = loss.loss(out, y);
                } else {
                    residuals.set(b, out.detach().sub(target));
                    local = out.sub(target).square().sum().mul(0.5);
                }
                List<Tensor> wrt = new ArrayList<>(params);
                wrt.add(in);
                List<Tensor> grads = Autograd.grad(List.of(local), wrt, null, false);
                List<Tensor> next = new ArrayList<>(params.size());
                for (int p = 0; p < params.size(); p++) {
                    Tensor g = grads.get(p);
                    Tensor w = params.get(p);
                    next.add(Autograd.noGrad(() -> w.detach().sub(g.mul(mu))));
                }
                updated.set(b, next);
                Tensor gz = grads.get(params.size());
                target = inputs.get(b).sub(gz).detach(); // the z-step, size 1: the target for block b − 1
            }
            return new Step(updated, inputs, residuals);
        } finally {
            states.forEach(ModuleState::restore);
        }
    }
}
