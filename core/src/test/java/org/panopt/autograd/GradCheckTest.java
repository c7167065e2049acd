package org.panopt.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** GradCheck itself: it passes correct rules, catches wrong ones (first and second order) and says where. */
class GradCheckTest {

    private static Tensor matrix(double offset) {
        double[] v = new double[12];
        for (int i = 0; i < v.length; i++) v[i] = offset + 0.1 * i;
        return Tensor.of(v, 3, 4);
    }

    // A gradient hook that scales element 5 of the gradient by 1.001: a first-order error at one element.
    private static Tensor corrupted(Tensor t) {
        if (t.requiresGrad()) {
            double[] m = new double[t.size()];
            java.util.Arrays.fill(m, 1);
            m[5] = 1.001;
            Tensor mask = Tensor.of(m, t.dims());
            t.registerHook(g -> g.mul(mask));
        }
        return t;
    }

    @Test
    void correctRulesPassWithSmallErrors() {
        GradCheck.Report r = GradCheck.gradCheck(in -> in.get(0).mul(in.get(1)).tanh(), List.of(matrix(-0.5), matrix(0.2)));
        assertThat(r.passed()).isTrue();
        assertThat(r.maxAbsError()).isLessThan(1e-8);
        assertThat(r.message()).contains("gradCheck passed");
        assertThat(GradCheck.gradGradCheck(in -> in.get(0).mul(in.get(1)).tanh(), List.of(matrix(-0.5), matrix(0.2))).passed()).isTrue();
    }

    @Test
    void aWrongFirstDerivativeFailsNamingTheInputAndElement() {
        GradCheck.Report r = GradCheck.firstOrder(in -> in.get(0).exp().add(corrupted(in.get(1).sin())),
                List.of(matrix(-0.5), matrix(0.2)), GradCheck.ATOL, GradCheck.RTOL, GradCheck.STEP);
        assertThat(r.passed()).isFalse();
        assertThat(r.input()).isEqualTo(1);
        assertThat(r.element()).isEqualTo(5);
        assertThat(r.index()).containsExactly(1, 1);
        assertThatThrownBy(r::orThrow).isInstanceOf(AssertionError.class)
                .hasMessageContaining("FAILED").hasMessageContaining("input 1 element 5 (index [1, 1])");
    }

    @Test
    void aBackwardRuleThatIsRightButNotDifferentiableFailsOnlyTheSecondOrderCheck() {
        // The gradient reaching exp(x) is 2·exp(x)·r; detaching it keeps its value but drops its dependence on x.
        java.util.function.Function<List<Tensor>, Tensor> f = in -> {
            Tensor t = in.get(0).exp();
            if (t.requiresGrad()) t.registerHook(Tensor::detach);
            return t.square();
        };
        List<Tensor> x = List.of(matrix(-0.5));
        assertThat(GradCheck.firstOrder(f, x, GradCheck.ATOL, GradCheck.RTOL, GradCheck.STEP).passed()).isTrue();
        assertThatThrownBy(() -> GradCheck.gradGradCheck(f, x)).isInstanceOf(AssertionError.class).hasMessageContaining("gradGradCheck FAILED");
    }

    @Test
    void inputsTheOutputIgnoresHaveZeroGradientAndLinearFunctionsZeroHessian() {
        List<Tensor> in = List.of(matrix(-0.5), matrix(0.2));
        assertThat(GradCheck.gradCheck(x -> x.get(0).exp(), in).passed()).isTrue();
        assertThat(GradCheck.gradGradCheck(x -> x.get(0).add(x.get(1)), in).passed()).isTrue();
    }

    @Test
    void worksWhenCalledWithRecordingOff() {
        List<Tensor> x = List.of(matrix(-0.5));
        assertThat(Autograd.noGrad(() -> GradCheck.gradGradCheck(in -> in.get(0).sin().mul(in.get(0)), x)).passed()).isTrue();
    }

    @Test
    void float32IsRefused() {
        assertThatThrownBy(() -> GradCheck.gradCheck(x -> x.get(0).exp(), List.of(Tensor.ones(DType.FLOAT32, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FLOAT32").hasMessageContaining("float64");
        assertThatThrownBy(() -> GradCheck.gradCheck(x -> x.get(0).to(DType.FLOAT32), List.of(Tensor.ones(DType.FLOAT64, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("returns FLOAT32");
    }

    @Test
    void theInputsAreLeftUntouched() {
        Tensor x = matrix(-0.5);
        double[] before = x.toDoubleArray();
        GradCheck.gradGradCheck(in -> in.get(0).sin(), List.of(x));
        assertThat(x.toDoubleArray()).containsExactly(before);
        assertThat(x.grad()).isNull();
        assertThat(x.requiresGrad()).isFalse();
    }

    // ---- variables read by a closure (how a stateful module is checked)

    @Test
    void variablesReadByAClosureAreCheckedInPlaceAndRestored() {
        Tensor w = matrix(-0.5).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {0.3, -0.2, 0.1, 0.4}).requiresGrad(true);
        Tensor x = matrix(0.2).transpose().copy().requiresGrad(true); // [4, 3]
        java.util.function.Supplier<Tensor> f = () -> x.matmul(w).add(b).tanh();
        double[] before = w.toDoubleArray();
        assertThat(GradCheck.gradCheckVariables(f, List.of(x, w, b)).passed()).isTrue();
        assertThat(GradCheck.gradGradCheckVariables(f, List.of(x, w, b)).passed()).isTrue();
        assertThat(w.toDoubleArray()).containsExactly(before);
        assertThat(w.grad()).isNull();
        assertThat(w.requiresGrad()).isTrue();
    }

    @Test
    void aWrongDerivativeOfAVariableFailsNamingIt() {
        Tensor a = matrix(-0.5).requiresGrad(true);
        Tensor c = matrix(0.2).requiresGrad(true);
        double[] before = c.toDoubleArray();
        assertThatThrownBy(() -> GradCheck.gradCheckVariables(() -> a.exp().add(corrupted(c.sin())), List.of(a, c)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("input 1 element 5 (index [1, 1])");
        assertThat(c.toDoubleArray()).containsExactly(before); // restored after the failure too
        java.util.function.Supplier<Tensor> detachedBackward = () -> {
            Tensor t = a.exp();
            if (t.requiresGrad()) t.registerHook(Tensor::detach);
            return t.square();
        };
        assertThat(GradCheck.gradCheckVariables(detachedBackward, List.of(a)).passed()).isTrue();
        assertThatThrownBy(() -> GradCheck.gradGradCheckVariables(detachedBackward, List.of(a))).hasMessageContaining("gradGradCheck FAILED");
    }

    @Test
    void variablesMustBeDistinctLeavesThatRequireAGradient() {
        Tensor a = matrix(-0.5).requiresGrad(true);
        assertThatThrownBy(() -> GradCheck.gradCheckVariables(a::exp, List.of(matrix(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("variable 0 [3, 4]").hasMessageContaining("leaf");
        assertThatThrownBy(() -> GradCheck.gradCheckVariables(a::exp, List.of(a.exp())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaf");
        assertThatThrownBy(() -> GradCheck.gradCheckVariables(a::exp, List.of(a, a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("variables 0 and 1 are the same tensor");
    }
}
