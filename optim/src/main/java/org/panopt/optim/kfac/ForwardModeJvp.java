package org.panopt.optim.kfac;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.Conv2d;
import org.panopt.nn.Flatten;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.tensor.Tensor;

/**
 * Jacobian–vector products J·v of a chain of {@link Linear}, {@link Conv2d}, elementwise {@link Activation}
 * and {@link Flatten} layers (nested {@link Sequential}s allowed) by a true forward-mode pass — the R-op of
 * Pearlmutter / Schraudolph (spec §4.3): with ȧ₀ = 0,
 * <pre>
 *   ṡ_i = V_i ā_{i−1} + W_i ȧ_{i−1}   (dense or convolution, V_i the tangent of W̄_i),   ȧ_i = φ'_i(s_i) ⊙ ṡ_i,
 * </pre>
 * about one forward pass per tangent, no backward pass. The forward pass recorded once keeps each layer's
 * input and each activation's derivative φ'(s) (obtained from the activation itself by one elementwise
 * backward pass, so every {@link Activation.Kind} works). {@link #record} returns null for any other module —
 * {@link ExactFisherProducts} then uses the double-vjp trick.
 */
final class ForwardModeJvp {
    private final List<Module> chain;
    private final List<Tensor> saved; // per chain element: the layer's input (Linear/Conv2d) or φ'(s) (Activation)
    private final Tensor output;

    private ForwardModeJvp(List<Module> chain, List<Tensor> saved, Tensor output) {
        this.chain = chain;
        this.saved = saved;
        this.output = output;
    }

    /** The network's output on {@code x}. */
    Tensor output() {
        return output;
    }

    /** The forward pass on {@code x}, or null when the model is not a supported chain. */
    static ForwardModeJvp record(Module model, Tensor x) {
        List<Module> chain = new ArrayList<>();
        if (!flatten(model, chain)) return null;
        List<Tensor> saved = new ArrayList<>(chain.size());
        Tensor h = x;
        for (Module m : chain) {
            if (m instanceof Activation) {
                Tensor s = h.detach().requiresGrad(true);
                Tensor a = m.forward(s);
                saved.add(Autograd.grad(List.of(a.sum()), List.of(s), null, false).getFirst().detach());
                h = a.detach();
            } else {
                Tensor in = h;
                saved.add(in);
                h = Autograd.noGrad(() -> m.forward(in));
            }
        }
        return new ForwardModeJvp(chain, saved, h);
    }

    private static boolean flatten(Module m, List<Module> out) {
        if (m instanceof Sequential seq) {
            for (Module c : seq.layers()) if (!flatten(c, out)) return false;
            return true;
        }
        if (m instanceof Linear || m instanceof Conv2d || m instanceof Activation || m instanceof Flatten) {
            out.add(m);
            return true;
        }
        return false;
    }

    /** J·v for the tangent {@code tangent.get(index.get(p))} of every parameter p (absent: zero). */
    Tensor jvp(List<Tensor> tangent, Map<Tensor, Integer> index) {
        return Autograd.noGrad(() -> {
            Tensor dot = null; // null: the tangent is still zero
            for (int i = 0; i < chain.size(); i++) {
                Module m = chain.get(i);
                Tensor in = saved.get(i);
                switch (m) {
                    case Linear lin -> {
                        Tensor vw = part(tangent, index, lin.weight());
                        Tensor vb = lin.bias() == null ? null : part(tangent, index, lin.bias());
                        Tensor next = dot == null ? null : dot.matmul(lin.weight(), false, true);
                        if (vw != null) next = add(next, in.matmul(vw.to(in.dtype()), false, true));
                        if (vb != null) next = add(next, next == null ? vb.expand(outShape(in, lin.outFeatures())) : vb);
                        dot = next;
                    }
                    case Conv2d conv -> {
                        Tensor vw = part(tangent, index, conv.weight());
                        Tensor vb = conv.bias() == null ? null : part(tangent, index, conv.bias());
                        int s = conv.stride();
                        int p = conv.padding();
                        int d = conv.dilation();
                        Tensor next = dot == null ? null : dot.conv2d(conv.weight(), null, s, s, p, p, d, d);
                        if (vw != null || vb != null) {
                            Tensor w = vw != null ? vw.to(in.dtype()) : Tensor.zeros(in.dtype(), conv.weight().dims());
                            next = add(next, in.conv2d(w, vb == null ? null : vb.to(in.dtype()), s, s, p, p, d, d));
                        }
                        dot = next;
                    }
                    case Activation a -> dot = dot == null ? null : dot.mul(in);
                    default -> dot = dot == null ? null : m.forward(dot); // Flatten
                }
            }
            return dot == null ? Tensor.zeros(output.dtype(), output.dims()) : dot;
        });
    }

    private static int[] outShape(Tensor in, int features) {
        int[] d = in.dims().clone();
        d[d.length - 1] = features;
        return d;
    }

    private static Tensor part(List<Tensor> tangent, Map<Tensor, Integer> index, Tensor param) {
        Integer i = index.get(param);
        return i == null ? null : tangent.get(i);
    }

    private static Tensor add(Tensor a, Tensor b) {
        return a == null ? b : a.add(b);
    }

    /** Parameter → position in {@code params}, by identity. */
    static Map<Tensor, Integer> indexOf(List<Tensor> params) {
        Map<Tensor, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) index.put(params.get(i), i);
        return index;
    }
}
