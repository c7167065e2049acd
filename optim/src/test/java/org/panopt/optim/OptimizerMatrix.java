package org.panopt.optim;

import java.util.List;
import org.panopt.optim.first.AdaMax;
import org.panopt.optim.first.Adadelta;
import org.panopt.optim.first.Adagrad;
import org.panopt.optim.first.Adam;
import org.panopt.optim.first.NAdam;
import org.panopt.optim.first.RAdam;
import org.panopt.optim.first.RmsProp;
import org.panopt.optim.first.Sgd;
import org.panopt.optim.first.SutskeverNesterov;

/**
 * The declarative optimizer matrix (torch's {@code OptimizerInfo}): each entry a rule configured to converge
 * on the generic problems of {@link OptimizerMatrixTest}, the step budget it gets, and the hyper-parameters
 * whose bad values must be refused.
 *
 * @param name         for test names
 * @param rule         configured for the convergence problems (all scaled to curvature in [0.1, 10])
 * @param steps        step budget on each convergence problem
 * @param betaNames    hyper-parameters that must lie in [0, 1)
 */
record OptimizerInfo(String name, UpdateRule rule, int steps, List<String> betaNames) {
    @Override
    public String toString() {
        return name;
    }
}

final class OptimizerMatrix {
    private OptimizerMatrix() {}

    static List<OptimizerInfo> all() {
        return List.of(
                new OptimizerInfo("SGD", Sgd.create(0.1), 500, List.of()),
                new OptimizerInfo("SGD momentum", Sgd.builder().lr(0.05).momentum(0.8).build(), 500, List.of("momentum")),
                new OptimizerInfo("SGD Nesterov + dampening-free", Sgd.builder().lr(0.05).momentum(0.8).nesterov(true).build(), 500, List.of("momentum")),
                new OptimizerInfo("Sutskever Nesterov", SutskeverNesterov.rule().with("lr", 0.05, "momentum", 0.8), 500, List.of("momentum")),
                new OptimizerInfo("Adagrad", Adagrad.rule().with("lr", 0.5), 1500, List.of()),
                new OptimizerInfo("Adadelta", Adadelta.rule().with("lr", 0.1, "eps", 1e-3, "rho", 0.95), 1500, List.of()),
                new OptimizerInfo("RMSprop centered momentum", RmsProp.rule().with("lr", 0.003, "centered", true, "momentum", 0.5), 2000, List.of("momentum")),
                new OptimizerInfo("Adam", Adam.rule().with("lr", 0.02), 1500, List.of("beta1", "beta2")),
                new OptimizerInfo("AMSGrad", Adam.rule().with("lr", 0.02, "amsgrad", true), 1500, List.of("beta1", "beta2")),
                new OptimizerInfo("AdamW", Adam.adamW().with("lr", 0.02, "weight_decay", 0.0), 1500, List.of("beta1", "beta2")),
                new OptimizerInfo("AdaMax", AdaMax.rule().with("lr", 0.02), 1500, List.of("beta1", "beta2")),
                new OptimizerInfo("NAdam", NAdam.rule().with("lr", 0.02), 1500, List.of("beta1", "beta2")),
                new OptimizerInfo("RAdam", RAdam.rule().with("lr", 0.02), 1500, List.of("beta1", "beta2")));
    }
}
