package org.panopt.optim.first;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.optim.Chain;
import org.panopt.optim.Objective;
import org.panopt.optim.OptState;
import org.panopt.optim.Optimizer;
import org.panopt.optim.Rule;
import org.panopt.optim.HyperParams;
import org.panopt.optim.Scale;
import org.panopt.optim.UpdateRule;
import org.panopt.tensor.Tensor;

/** Coupled L2 (λθ added to the gradient) and decoupled weight decay (θ ← θ − ηλθ beside the step): equal for plain SGD, not otherwise. */
class WeightDecayTest {

    private static double[] run(UpdateRule rule) {
        List<Tensor> ps = FirstOrderGoldenTest.params();
        Optimizer opt = Optimizer.of(rule, ps);
        Objective f = FirstOrderGoldenTest.objective(ps);
        for (int i = 0; i < 5; i++) opt.step(f);
        return FirstOrderGoldenTest.flat(ps);
    }

    private static UpdateRule decoupledSgd(double lr, double momentum, double wd) {
        return new Rule("SGDW", HyperParams.empty(), h -> Chain.of(new Trace(momentum, 0, false), new AddDecayedWeights(wd), Scale.byLearningRate(lr)));
    }

    @Test
    void sameForPlainSgd() {
        double[] coupled = run(Sgd.builder().lr(0.05).weightDecay(0.2).build());
        double[] decoupled = run(decoupledSgd(0.05, 0, 0.2));
        assertThat(decoupled).containsExactly(coupled, org.assertj.core.api.Assertions.within(1e-15));
    }

    @Test
    void differentWithMomentumAndWithAdam() {
        assertThat(run(Sgd.builder().lr(0.05).momentum(0.9).weightDecay(0.2).build())[0]).isNotCloseTo(run(decoupledSgd(0.05, 0.9, 0.2))[0],
                org.assertj.core.api.Assertions.within(1e-4));
        assertThat(run(Adam.rule().with("lr", 0.01, "weight_decay", 0.2))[0]).isNotCloseTo(run(Adam.adamW().with("lr", 0.01, "weight_decay", 0.2))[0],
                org.assertj.core.api.Assertions.within(1e-4));
        assertThat(run(Adam.rule().with("lr", 0.01))).containsExactly(run(Adam.adamW().with("lr", 0.01, "weight_decay", 0.0)));
    }

    @Test
    void stateOfAStatelessLinkIsEmpty() {
        assertThat(new AddDecayedWeights(0.1).init(List.of())).isSameAs(OptState.Empty.INSTANCE);
    }
}
