package org.panopt.optim.kfac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Theorem 1 / Corollary 2 of the paper: K-FAC is invariant to the affine re-parameterization
 * s†_i = W†_i ā†_{i−1}, ā†_i = Ω_i φ̄(Φ_i s†_i), ā†_0 = Ω_0 ā_0 (Ω_ℓ = Φ_ℓ = I): with W̄_i = Φ_i W†_i Ω_{i−1}
 * both networks compute the same function, and with negligible damping and no momentum K-FAC moves both
 * along the same path in function space.
 */
class KfacInvarianceTest {
    static final int[] W = {3, 4, 3, 5};
    static final int N = 48;

    /** Ω·[φ(Φ s); 1], the transformed non-linearity with its homogeneous coordinate inside. */
    static final class AffineTanh extends Module {
        private final Tensor phi;
        private final Tensor omega;

        AffineTanh(Tensor phi, Tensor omega) {
            this.phi = phi;
            this.omega = omega;
        }

        @Override
        protected Tensor compute(Tensor s) {
            Tensor a = s.matmul(phi, false, true).tanh();
            return Tensor.concat(1, a, Tensor.ones(DType.FLOAT64, a.dim(0), 1)).matmul(omega, false, true);
        }
    }

    static Tensor invertible(int n, SplittableRandom rng) {
        return Tensor.randn(rng, DType.FLOAT64, n, n).mul(0.4).add(Tensor.eye(n, DType.FLOAT64));
    }

    @Test
    void reparameterizedNetworkFollowsTheSamePathInFunctionSpace() {
        // Block-diagonal K-FAC through the optimizer: six steps of a tanh network with Gaussian outputs, damping
        // 1e-13 (the path difference scales with it: 1e-10 gives ~1e-4), γ search and λ adaptation on.
        SplittableRandom rng = new SplittableRandom(31);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, N, W[0]);
        Tensor y = Tensor.randn(rng, DType.FLOAT64, N, W[3]);
        Tensor[] omega = {invertible(W[0] + 1, rng), invertible(W[1] + 1, rng), invertible(W[2] + 1, rng)};
        Tensor[] phi = {invertible(W[1], rng), invertible(W[2], rng), Tensor.eye(W[3], DType.FLOAT64)};
        Linear[] orig = new Linear[3];
        Linear[] dag = new Linear[3];
        for (int i = 0; i < 3; i++) {
            orig[i] = new Linear(W[i], W[i + 1], true, DType.FLOAT64, rng);
            dag[i] = new Linear(W[i] + 1, W[i + 1], false, DType.FLOAT64, rng);
            Tensor wBar = phi[i].matmul(dag[i].weight()).matmul(omega[i]); // W̄ = Φ W† Ω
            int at = i;
            Autograd.noGrad(() -> {
                orig[at].weight().copyFrom(wBar.narrow(1, 0, W[at]));
                orig[at].bias().copyFrom(wBar.narrow(1, W[at], 1).reshape(W[at + 1]));
            });
        }
        Sequential net = new Sequential(orig[0], Activation.tanh(), orig[1], Activation.tanh(), orig[2]);
        Sequential netDag = new Sequential(dag[0], new AffineTanh(phi[0], omega[1]), dag[1], new AffineTanh(phi[1], omega[2]), dag[2]);
        Tensor xDag = Tensor.concat(1, x, Tensor.ones(DType.FLOAT64, N, 1)).matmul(omega[0], false, true);

        MeanSquaredError loss = MeanSquaredError.halfSumPerCase();
        Optimizer a = Optimizer.of(rule(net), net);
        Optimizer b = Optimizer.of(rule(netDag), netDag);
        assertThat(maxDiff(net.forward(x), netDag.forward(xDag))).isLessThan(1e-12);
        Tensor start = Autograd.noGrad(() -> net.forward(x));
        double moved = 0;
        for (int k = 0; k < 6; k++) {
            a.step(new ModuleObjective(net, loss, x, y));
            b.step(new ModuleObjective(netDag, loss, xDag, y));
            Tensor za = Autograd.noGrad(() -> net.forward(x));
            Tensor zb = Autograd.noGrad(() -> netDag.forward(xDag));
            moved = maxDiff(za, start);
            assertThat(maxDiff(za, zb)).as("step %d", k + 1).isLessThan(1e-6 * (1 + moved));
        }
        assertThat(moved).as("the networks did move").isGreaterThan(0.5);
        double before = Autograd.noGrad(() -> loss.loss(start, y).item());
        double after = Autograd.noGrad(() -> loss.loss(net.forward(x), y).item());
        assertThat(after).as("loss %.4f → %.4f", before, after).isLessThan(before);
    }

    static Kfac rule(Module net) {
        return Kfac.builder(net).lambda(1e-13).l2(0).gamma(1e-13).set("min_lambda", 1e-15).set("min_gamma", 1e-15).momentum(false)
                .set("stats_fraction", 1.0).set("fisher_fraction", 1.0).gammaInterval(3).seed(3).build();
    }

    @Test
    void tridiagonalUpdateIsInvariantToAffineTransformsOfTheStatistics() {
        // Theorem 1 for F̂: with ā† = Ωā and g† = Φᵀg, every factor transforms as Ā†_{i,j} = Ω_iĀ_{i,j}Ω_jᵀ and
        // G†_{i,j} = Φ_iᵀG_{i,j}Φ_j, the gradient as ∇W† = Φᵀ∇W̄Ωᵀ, and the update back: Φ U† Ω = U. (Through
        // the optimizer the tridiagonal path is numerically fragile at negligible damping: g_i is nearly a linear
        // function of g_{i+1}, so Σ_{i|i+1} is nearly singular. Here the statistics are jointly sampled.)
        SplittableRandom rng = new SplittableRandom(5);
        int[] aDims = {4, 5, 3};
        int[] gDims = {5, 3, 2};
        int n = 60;
        Tensor[] as = KroneckerInverseTest.split(Tensor.randn(rng, DType.FLOAT64, n, 12).matmul(Tensor.randn(rng, DType.FLOAT64, 12, 12)), aDims);
        Tensor[] gs = KroneckerInverseTest.split(Tensor.randn(rng, DType.FLOAT64, n, 10).matmul(Tensor.randn(rng, DType.FLOAT64, 10, 10)), gDims);
        Tensor[] om = new Tensor[3];
        Tensor[] ph = new Tensor[3];
        Tensor[] asT = new Tensor[3];
        Tensor[] gsT = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            om[i] = invertible(aDims[i], rng);
            ph[i] = invertible(gDims[i], rng);
            asT[i] = as[i].matmul(om[i], false, true); // rows ā† = Ω ā
            gsT[i] = gs[i].matmul(ph[i]);              // rows g† = Φᵀ g
        }
        List<Tensor> grad = new ArrayList<>();
        List<Tensor> gradT = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Tensor gr = Tensor.randn(rng, DType.FLOAT64, gDims[i], aDims[i]);
            grad.add(gr);
            gradT.add(ph[i].matmul(gr, true, false).matmul(om[i], false, true));
        }
        double gamma = 1e-12;
        List<Tensor> u = BlockTridiagonalInverse.apply(BlockTridiagonalInverse.build(moments(as, gs), gamma), grad);
        List<Tensor> uT = BlockTridiagonalInverse.apply(BlockTridiagonalInverse.build(moments(asT, gsT), gamma), gradT);
        for (int i = 0; i < 3; i++) {
            Tensor back = ph[i].matmul(uT.get(i)).matmul(om[i]);
            double scale = Autograd.noGrad(() -> u.get(0).abs().max().item());
            assertThat(maxDiff(back, u.get(i))).as("layer %d", i).isLessThan(1e-7 * scale);
        }
    }

    static List<KroneckerFactors> moments(Tensor[] as, Tensor[] gs) {
        int n = as[0].dim(0);
        List<KroneckerFactors> out = new ArrayList<>();
        for (int i = 0; i < as.length; i++) {
            out.add(new KroneckerFactors(as[i].matmul(as[i], true, false).div(n), gs[i].matmul(gs[i], true, false).div(n),
                    i + 1 < as.length ? as[i].matmul(as[i + 1], true, false).div(n) : null,
                    i + 1 < as.length ? gs[i].matmul(gs[i + 1], true, false).div(n) : null));
        }
        return out;
    }

    static double maxDiff(Tensor a, Tensor b) {
        return Autograd.noGrad(() -> a.sub(b).abs().max().item());
    }
}
