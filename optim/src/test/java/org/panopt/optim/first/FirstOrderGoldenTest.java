package org.panopt.optim.first;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panopt.optim.Objective;
import org.panopt.optim.Optimizer;
import org.panopt.optim.UpdateRule;
import org.panopt.tensor.Tensor;

/**
 * Every first-order optimizer against trajectories re-computed in numpy from torch.optim's single-tensor
 * reference code ({@code make_golden.py} next to {@code golden.properties}): same problem, same
 * hyper-parameters, parameters compared after several steps to 1e-12 (relative to max(1, |θ|)).
 */
class FirstOrderGoldenTest {
    static final double[] A = {1.0, 3.0, 0.5, 2.0, 0.25, 1.5, 4.0};
    static final double[] B = {0.5, -1.0, 2.0, 0.0, 1.0, -0.5, 0.3};
    static final double[] THETA0 = {1.0, -2.0, 0.5, 0.3, -0.7, 1.2, -0.4};

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("sgd.plain", Sgd.create(0.05)),
                Arguments.of("sgd.momentum", Sgd.builder().lr(0.05).momentum(0.9).build()),
                Arguments.of("sgd.dampening_wd", Sgd.builder().lr(0.05).momentum(0.8).dampening(0.3).weightDecay(0.1).build()),
                Arguments.of("sgd.nesterov", Sgd.builder().lr(0.05).momentum(0.9).nesterov(true).weightDecay(0.01).build()),
                Arguments.of("adagrad.default", Adagrad.rule().with("lr", 0.1)),
                Arguments.of("adagrad.decay_wd_init", Adagrad.rule().with("lr", 0.1, "lr_decay", 0.05, "weight_decay", 0.1, "initial_accumulator_value", 0.5, "eps", 1e-6)),
                Arguments.of("adadelta.default", Adadelta.rule()),
                Arguments.of("adadelta.rho_eps_wd", Adadelta.rule().with("lr", 0.5, "rho", 0.95, "eps", 1e-4, "weight_decay", 0.05)),
                Arguments.of("rmsprop.default", RmsProp.rule().with("lr", 0.01)),
                Arguments.of("rmsprop.centered_momentum_wd", RmsProp.rule().with("lr", 0.01, "alpha", 0.9, "centered", true, "momentum", 0.5, "weight_decay", 0.1)),
                Arguments.of("adam.default", Adam.rule().with("lr", 0.01)),
                Arguments.of("adam.amsgrad_wd", Adam.rule().with("lr", 0.01, "beta1", 0.8, "beta2", 0.9, "amsgrad", true, "weight_decay", 0.1, "eps", 1e-3)),
                Arguments.of("adamw.default", Adam.adamW().with("lr", 0.01)),
                Arguments.of("adamw.amsgrad", Adam.adamW().with("lr", 0.01, "weight_decay", 0.5, "amsgrad", true, "beta2", 0.9)),
                Arguments.of("adamax.default", AdaMax.rule().with("lr", 0.02)),
                Arguments.of("adamax.wd", AdaMax.rule().with("lr", 0.02, "beta1", 0.5, "beta2", 0.8, "eps", 1e-3, "weight_decay", 0.1)),
                Arguments.of("nadam.default", NAdam.rule().with("lr", 0.02)),
                Arguments.of("nadam.decoupled", NAdam.rule().with("lr", 0.02, "weight_decay", 0.1, "decoupled_weight_decay", true, "momentum_decay", 0.1)),
                Arguments.of("nadam.coupled", NAdam.rule().with("lr", 0.02, "weight_decay", 0.1, "beta2", 0.9)),
                Arguments.of("radam.default", RAdam.rule().with("lr", 0.01)),
                Arguments.of("radam.decoupled", RAdam.rule().with("lr", 0.01, "weight_decay", 0.1, "decoupled_weight_decay", true, "beta2", 0.9)),
                Arguments.of("radam.coupled", RAdam.rule().with("lr", 0.01, "weight_decay", 0.1, "beta2", 0.9)),
                Arguments.of("sutskever.schedule", SutskeverNesterov.rule().with("lr", 0.002, "momentum", 0.9)),
                Arguments.of("sutskever.constant", SutskeverNesterov.rule().with("lr", 0.01, "momentum", 0.8, "schedule", false)));
    }

    static Properties golden() throws IOException {
        Properties p = new Properties();
        try (InputStream in = FirstOrderGoldenTest.class.getResourceAsStream("golden.properties")) {
            p.load(in);
        }
        return p;
    }

    /** p0 = θ[0..3), p1 = θ[3..7) as 2×2; the test loss Σ ½aθ² + ¼θ⁴ − bθ. */
    static List<Tensor> params() {
        return List.of(Tensor.of(Arrays.copyOfRange(THETA0, 0, 3), 3).requiresGrad(true),
                Tensor.of(Arrays.copyOfRange(THETA0, 3, 7), 2, 2).requiresGrad(true));
    }

    static Objective objective(List<Tensor> ps) {
        Tensor a0 = Tensor.of(Arrays.copyOfRange(A, 0, 3), 3);
        Tensor a1 = Tensor.of(Arrays.copyOfRange(A, 3, 7), 2, 2);
        Tensor b0 = Tensor.of(Arrays.copyOfRange(B, 0, 3), 3);
        Tensor b1 = Tensor.of(Arrays.copyOfRange(B, 3, 7), 2, 2);
        return Objective.of(ps, () -> term(ps.get(0), a0, b0).add(term(ps.get(1), a1, b1)));
    }

    private static Tensor term(Tensor x, Tensor a, Tensor b) {
        Tensor sq = x.square();
        return sq.mul(a).mul(0.5).add(sq.square().mul(0.25)).sub(x.mul(b)).sum();
    }

    static double[] flat(List<Tensor> ps) {
        double[] out = new double[7];
        System.arraycopy(ps.get(0).toDoubleArray(), 0, out, 0, 3);
        System.arraycopy(ps.get(1).toDoubleArray(), 0, out, 3, 4);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheTorchReferenceStepForStep(String name, UpdateRule rule) throws IOException {
        Properties gold = golden();
        List<String> keys = new ArrayList<>(gold.stringPropertyNames().stream().filter(k -> k.startsWith(name + ".step")).toList());
        assertThat(keys).as("golden entries for " + name).isNotEmpty();
        int last = keys.stream().mapToInt(k -> Integer.parseInt(k.substring(k.lastIndexOf("step") + 4))).max().orElseThrow();
        List<Tensor> ps = params();
        Optimizer opt = Optimizer.of(rule, ps);
        Objective f = objective(ps);
        for (int t = 1; t <= last; t++) {
            opt.step(f);
            String value = gold.getProperty(name + ".step" + t);
            if (value == null) continue;
            double[] expected = Arrays.stream(value.split(",")).mapToDouble(Double::parseDouble).toArray();
            double[] actual = flat(ps);
            for (int k = 0; k < 7; k++) {
                double tol = 1e-12 * Math.max(1, Math.abs(expected[k]));
                assertThat(actual[k]).as("%s step %d element %d", name, t, k).isCloseTo(expected[k], org.assertj.core.api.Assertions.within(tol));
            }
        }
    }
}
