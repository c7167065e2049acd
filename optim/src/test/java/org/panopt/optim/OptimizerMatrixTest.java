package org.panopt.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Generic checks run over every entry of {@link OptimizerMatrix}: the loss decreases, the optimum of a
 * quadratic with condition number 10 and of a least-squares problem is reached, logistic regression reaches
 * the loss Newton's method finds, a saved state resumes the trajectory bit for bit, and bad
 * hyper-parameters are refused by name.
 */
class OptimizerMatrixTest {

    static List<OptimizerInfo> matrix() {
        return OptimizerMatrix.all();
    }

    private static Tensor param(double... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    /** f(θ) = ½ Σ λ_i (θ_i − θ*_i)², λ from 1 to 10 (κ = 10), θ* = (1, −2, 0.5, 3, −1). */
    private static final double[] LAMBDA = {1, 2.5, 4, 7, 10};
    private static final double[] OPT = {1, -2, 0.5, 3, -1};

    private static Objective quadratic(Tensor theta) {
        Tensor l = Tensor.of(LAMBDA, 5);
        Tensor opt = Tensor.of(OPT, 5);
        return Objective.of(List.of(theta), () -> theta.sub(opt).square().mul(l).sum().mul(0.5));
    }

    private static double run(OptimizerInfo info, Tensor theta, Function<Tensor, Objective> problem, int steps) {
        Optimizer opt = Optimizer.of(info.rule(), List.of(theta));
        Objective f = problem.apply(theta);
        double last = Double.NaN;
        for (int i = 0; i < steps; i++) last = opt.step(f);
        return last;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void lossDecreases(OptimizerInfo info) {
        Tensor theta = param(0, 0, 0, 0, 0);
        Objective f = quadratic(theta);
        double start = f.evaluate().loss();
        run(info, theta, OptimizerMatrixTest::quadratic, 50);
        assertThat(f.evaluate().loss()).isLessThan(start * 0.9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void reachesTheOptimumOfAnIllConditionedQuadratic(OptimizerInfo info) {
        Tensor theta = param(0, 0, 0, 0, 0);
        run(info, theta, OptimizerMatrixTest::quadratic, info.steps());
        double[] t = theta.toDoubleArray();
        for (int i = 0; i < 5; i++) assertThat(Math.abs(t[i] - OPT[i])).as("θ_%d", i).isLessThan(1e-3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void solvesLeastSquares(OptimizerInfo info) {
        // y = X w* exactly, X 40×4 Gaussian / √40 · √3 (XᵀX eigenvalues around 3): the closed-form solution is w*.
        SplittableRandom rng = new SplittableRandom(11);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 40, 4).mul(Math.sqrt(3.0 / 40));
        double[] wStar = {0.5, -1.5, 2.0, 1.0};
        Tensor y = x.matmul(Tensor.of(wStar, 4, 1));
        Tensor w = Tensor.zeros(DType.FLOAT64, 4, 1).requiresGrad(true);
        run(info, w, p -> Objective.of(List.of(p), () -> x.matmul(p).sub(y).square().sum().mul(0.5)), info.steps());
        double[] got = w.toDoubleArray();
        for (int i = 0; i < 4; i++) assertThat(Math.abs(got[i] - wStar[i])).as("w_%d", i).isLessThan(2e-3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void logisticRegressionReachesTheNewtonLoss(OptimizerInfo info) {
        LogisticProblem lr = LogisticProblem.create();
        Tensor w = Tensor.zeros(DType.FLOAT64, 3).requiresGrad(true);
        run(info, w, lr::objective, info.steps());
        double loss = lr.objective(w).evaluate().loss();
        assertThat(loss - lr.optimalLoss()).as("excess loss").isBetween(-1e-12, 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void aSavedStateResumesTheTrajectoryExactly(OptimizerInfo info) {
        Tensor a = param(0.3, -0.2, 0.1, 0.4, 0.0);
        Optimizer first = Optimizer.of(info.rule(), List.of(a));
        Objective fa = quadratic(a);
        for (int i = 0; i < 7; i++) first.step(fa);
        StateDict saved = first.stateDict();
        Tensor b = param(a.toDoubleArray());
        for (int i = 0; i < 9; i++) first.step(fa);

        Optimizer resumed = Optimizer.of(info.rule(), List.of(b));
        resumed.loadStateDict(saved);
        Objective fb = quadratic(b);
        for (int i = 0; i < 9; i++) resumed.step(fb);
        assertThat(b.toDoubleArray()).containsExactly(a.toDoubleArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void badHyperParametersAreRefusedByName(OptimizerInfo info) {
        Tensor p = param(1, 2);
        for (double bad : new double[] {-0.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> Optimizer.withGroups(info.rule(), List.of(ParamGroup.of(List.of(p)).with("lr", bad))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lr").hasMessageContaining(String.valueOf(bad));
        }
        for (String beta : info.betaNames()) {
            for (double bad : new double[] {1.0, -0.1, Double.NaN}) {
                assertThatThrownBy(() -> Optimizer.withGroups(info.rule(), List.of(ParamGroup.of(List.of(p)).with(beta, bad))))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(beta).hasMessageContaining(String.valueOf(bad));
            }
        }
        Optimizer opt = Optimizer.of(info.rule(), List.of(p));
        assertThatThrownBy(() -> opt.setLearningRate(Double.NaN)).hasMessageContaining("lr");
        p.setGrad(Tensor.of(new double[] {Double.NaN, 0}, 2));
        assertThatThrownBy(opt::step).hasMessageContaining("non-finite");
        assertThat(p.toDoubleArray()).containsExactly(1, 2);
    }
}
