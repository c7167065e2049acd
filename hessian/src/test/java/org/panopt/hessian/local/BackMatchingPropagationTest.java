package org.panopt.hessian.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Activation;
import org.panopt.nn.BatchNorm;
import org.panopt.nn.Linear;
import org.panopt.nn.Module;
import org.panopt.nn.Sequential;
import org.panopt.nn.loss.Loss;
import org.panopt.nn.loss.MeanSquaredError;
import org.panopt.nn.loss.SoftmaxCrossEntropy;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Proposition 1: one-step back-matching propagation is the back-propagation gradient step. */
class BackMatchingPropagationTest {

    private static void checkProposition1(List<Module> blocks, Tensor x, Tensor y, Loss loss) {
        double mu = 0.3;
        Sequential network = new Sequential(blocks);
        List<Tensor> params = network.parameters();
        List<Tensor> values = Autograd.noGrad(() -> params.stream().map(p -> p.detach().copy()).toList());
        // BP: W − µ∇J, and ∂J/∂z_b for every block output through hooks
        List<Tensor> outputs = new ArrayList<>();
        Tensor z = x;
        for (Module b : blocks) {
            z = b.forward(z);
            outputs.add(z);
        }
        List<Tensor> wrt = new ArrayList<>(params);
        wrt.addAll(outputs.subList(0, outputs.size() - 1));
        List<Tensor> grads = Autograd.grad(List.of(loss.loss(z, y)), wrt, null, false);

        BackMatchingPropagation.Step step = BackMatchingPropagation.oneStep(blocks, x, y, loss, mu);
        int p = 0;
        for (int b = 0; b < blocks.size(); b++) {
            for (Tensor updated : step.newParameters().get(b)) {
                double[] expected = values.get(p).sub(grads.get(p).mul(mu)).toDoubleArray();
                double[] actual = updated.toDoubleArray();
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("block %d parameter %d entry %d", b, p, i).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-12));
                }
                p++;
            }
            if (b < blocks.size() - 1) { // the residual F_b − z_b^{k+½} is ∂J/∂z_b
                double[] r = step.residuals().get(b).toDoubleArray();
                double[] g = grads.get(params.size() + b).toDoubleArray();
                for (int i = 0; i < r.length; i++) assertThat(r[i]).isCloseTo(g[i], org.assertj.core.api.Assertions.within(1e-12));
            }
        }
        // the network is untouched
        for (int i = 0; i < params.size(); i++) assertThat(params.get(i).toDoubleArray()).containsExactly(values.get(i).toDoubleArray());
    }

    @Test
    void threeTanhBlocksWithSquaredError() {
        SplittableRandom rng = new SplittableRandom(1);
        List<Module> blocks = List.of(new Sequential(new Linear(5, 7, true, DType.FLOAT64, rng), Activation.tanh()),
                new Sequential(new Linear(7, 6, true, DType.FLOAT64, rng), Activation.tanh()), new Linear(6, 3, true, DType.FLOAT64, rng));
        checkProposition1(blocks, Tensor.randn(rng, DType.FLOAT64, 9, 5), Tensor.randn(rng, DType.FLOAT64, 9, 3), new MeanSquaredError());
    }

    @Test
    void batchNormBlocksWithCrossEntropy() {
        SplittableRandom rng = new SplittableRandom(2);
        List<Module> blocks = List.of(
                new Sequential(new Linear(4, 8, false, DType.FLOAT64, rng), new BatchNorm(8, false, false, 1e-5, 0.1, DType.FLOAT64), Activation.relu()),
                new Sequential(new Linear(8, 8, false, DType.FLOAT64, rng), new BatchNorm(8, false, true, 1e-5, 0.1, DType.FLOAT64), Activation.tanh()),
                new Linear(8, 4, true, DType.FLOAT64, rng));
        checkProposition1(blocks, Tensor.randn(rng, DType.FLOAT64, 12, 4), Tensor.of(new double[] {0, 1, 2, 3, 0, 1, 2, 3, 3, 2, 1, 0}),
                new SoftmaxCrossEntropy());
    }
}
