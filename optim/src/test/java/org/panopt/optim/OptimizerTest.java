package org.panopt.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.optim.first.Sgd;
import org.panopt.tensor.Tensor;

/** The facade: groups, learning rate, state save/restore, non-finite gradients. */
class OptimizerTest {

    private static Tensor param(double... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    @Test
    void groupsHaveTheirOwnHyperParameters() {
        Tensor p = param(1, 1);
        Tensor q = param(1, 1);
        Optimizer opt = Optimizer.withGroups(Sgd.create(0.1), List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of(q)).with("lr", 0.5)));
        p.setGrad(Tensor.of(new double[] {1, 2}, 2));
        q.setGrad(Tensor.of(new double[] {1, 2}, 2));
        opt.step();
        assertThat(p.toDoubleArray()).containsExactly(new double[] {0.9, 0.8}, within(1e-15));
        assertThat(q.toDoubleArray()).containsExactly(new double[] {0.5, 0.0}, within(1e-15));
        assertThat(opt.learningRate(1)).isEqualTo(0.5);
        opt.setLearningRate(0.01);
        assertThat(opt.learningRate(0)).isEqualTo(0.01);
        assertThat(opt.hyperParams(1).get("lr")).isEqualTo(0.01);
        assertThatThrownBy(() -> Optimizer.withGroups(Sgd.create(0.1), List.of(ParamGroup.of(List.of(p)).with("lrr", 1.0))))
                .hasMessageContaining("'lrr'").hasMessageContaining("lr");
        assertThatThrownBy(() -> Optimizer.withGroups(Sgd.create(0.1), List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of(p)))))
                .hasMessageContaining("more than one group");
        assertThatThrownBy(() -> opt.setLearningRate(-1)).hasMessageContaining("lr");
    }

    @Test
    void stateDictResumesTheTrajectoryExactly() {
        Tensor a = Tensor.of(new double[] {1, 3, 0.5}, 3);
        Tensor p1 = param(1, -2, 3);
        Sgd rule = Sgd.builder().lr(0.05).momentum(0.9).build();
        Optimizer o1 = Optimizer.of(rule, List.of(p1));
        Objective f1 = Objective.of(List.of(p1), () -> p1.square().mul(a).sum());
        for (int i = 0; i < 3; i++) o1.step(f1);
        StateDict saved = o1.stateDict();
        double[] at3 = p1.toDoubleArray();
        for (int i = 0; i < 4; i++) o1.step(f1);

        Tensor p2 = param(at3);
        Optimizer o2 = Optimizer.of(rule, List.of(p2));
        o2.loadStateDict(saved);
        assertThat(o2.steps()).isEqualTo(3);
        assertThat(o2.parameterState(p2)).containsKey("links.1.buffers");
        Objective f2 = Objective.of(List.of(p2), () -> p2.square().mul(a).sum());
        for (int i = 0; i < 4; i++) o2.step(f2);
        assertThat(p2.toDoubleArray()).containsExactly(p1.toDoubleArray());
    }

    @Test
    void nonFiniteGradientsThrowOrSkipWithoutTouchingAnything() {
        Tensor p = param(1, 2);
        Optimizer opt = Optimizer.of(Sgd.builder().lr(0.1).momentum(0.9).build(), List.of(p));
        p.setGrad(Tensor.of(new double[] {1, Double.NaN}, 2));
        assertThatThrownBy(opt::step).hasMessageContaining("non-finite").hasMessageContaining("p0");
        assertThat(p.toDoubleArray()).containsExactly(1, 2);
        opt.nonFinitePolicy(NonFinitePolicy.SKIP);
        p.setGrad(Tensor.of(new double[] {Double.POSITIVE_INFINITY, 0}, 2));
        opt.step();
        assertThat(p.toDoubleArray()).containsExactly(1, 2);
        assertThat(opt.skippedSteps()).isEqualTo(1);
        assertThat(opt.steps()).isZero();
        assertThat(opt.parameterState(p)).isEmpty();
    }
}
