package org.panopt.optim.kfac;

import java.util.List;
import org.panopt.autograd.Autograd;
import org.panopt.nn.loss.Loss;
import org.panopt.optim.ModelObjective;
import org.panopt.tensor.Tensor;

/**
 * Products uᵀFv with the exact Fisher of the objective, estimated on a subset S₂ of the batch (Martens &amp;
 * Grosse 2015, arXiv App. C; {@code spec/kfac.md} §4.3):
 * <pre>
 *   uᵀFv = c · Σ_{x∈S₂} (J_x u)ᵀ H_L(z_x) (J_x v),
 * </pre>
 * J_x = ∂z/∂θ the network's output Jacobian, H_L the output Hessian of the loss reduced over S₂
 * ({@link Loss#outputHessianVectorProduct}: for the canonical-link losses it is the output-space Fisher F_R,
 * so JᵀH_LJ is both the Fisher and the Gauss–Newton matrix), c the rescaling to the whole batch
 * ({@link BatchRows#fisherScale}). The Jacobian–vector products J·v come from a forward-mode pass
 * ({@link ForwardModeJvp}: about one forward pass per tangent) when the model is a chain of dense,
 * convolution and elementwise layers, and otherwise from one recorded forward pass on S₂ and the double-vjp
 * trick ({@link Autograd#jvp}): the transposed products Jᵀu with a dummy u are recorded once, and each
 * tangent costs one more backward pass through them. No full Fisher–vector product is ever formed.
 */
final class ExactFisherProducts {
    private final Tensor output;
    private final ForwardModeJvp forward;
    private final java.util.Map<Tensor, Integer> index;
    private final Tensor dummy;
    private final List<Tensor> transposedProducts;
    private final Loss loss;
    private final double scale;

    private ExactFisherProducts(Tensor output, ForwardModeJvp forward, java.util.Map<Tensor, Integer> index, Tensor dummy,
                                List<Tensor> transposedProducts, Loss loss, double scale) {
        this.output = output;
        this.forward = forward;
        this.index = index;
        this.dummy = dummy;
        this.transposedProducts = transposedProducts;
        this.loss = loss;
        this.scale = scale;
    }

    /**
     * Records the forward pass on the cases {@code cases} of the objective's batch: a forward-mode chain
     * ({@link ForwardModeJvp}) when the model is one, else the graph with Jᵀu for a dummy u (double-vjp).
     */
    static ExactFisherProducts on(ModelObjective objective, int[] cases) {
        return on(objective, cases, true);
    }

    static ExactFisherProducts on(ModelObjective objective, int[] cases, boolean allowForwardMode) {
        Tensor x = BatchRows.select(objective.inputs(), cases);
        List<Tensor> params = objective.parameters();
        int m = objective.inputs().dim(0);
        return objective.withFrozenState(() -> {
            ForwardModeJvp fwd = allowForwardMode ? ForwardModeJvp.record(objective.model(), x) : null;
            if (fwd != null) {
                double c = BatchRows.fisherScale(objective.loss(), fwd.output(), cases.length, m);
                return new ExactFisherProducts(fwd.output(), fwd, ForwardModeJvp.indexOf(params), null, null, objective.loss(), c);
            }
            Tensor z = objective.model().forward(x);
            Tensor u = Tensor.zeros(z.dtype(), z.dims()).requiresGrad(true);
            List<Tensor> jtu = Autograd.grad(List.of(z), params, List.of(u), true, true);
            double c = BatchRows.fisherScale(objective.loss(), z, cases.length, m);
            return new ExactFisherProducts(z.detach(), null, null, u, jtu, objective.loss(), c);
        });
    }

    /** J·t for a tangent given per parameter (each of its parameter's shape). */
    Tensor jvp(List<Tensor> tangent) {
        if (forward != null) return forward.jvp(tangent, index);
        Tensor dot = null;
        for (int i = 0; i < transposedProducts.size(); i++) {
            Tensor jt = transposedProducts.get(i);
            Tensor term = jt.mul(tangent.get(i).to(jt.dtype())).sum();
            dot = dot == null ? term : dot.add(term);
        }
        return Autograd.grad(List.of(dot), List.of(dummy), null, false, true).getFirst().detach();
    }

    /** uᵀFv from the output-space tangents Ju and Jv. */
    double product(Tensor ju, Tensor jv) {
        Tensor hv = Autograd.noGrad(() -> loss.outputHessianVectorProduct(output, jv));
        double[] a = ju.toDoubleArray();
        double[] b = hv.toDoubleArray();
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return scale * s;
    }
}
