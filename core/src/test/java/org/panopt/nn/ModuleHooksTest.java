package org.panopt.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/** Module hooks and their handles. */
class ModuleHooksTest {

    /** Regression: a handle removes its own registration only, once; it used to remove any equal hook on every call. */
    @Test
    void aHandleRemovesOnlyItsOwnRegistrationEvenWhenCalledTwice() {
        Linear layer = new Linear(3, 2, true, DType.FLOAT64, new SplittableRandom(1));
        List<String> calls = new ArrayList<>();
        Module.ForwardHook hook = (m, in, out) -> calls.add("hook");
        Module.BackwardHook back = (m, g) -> calls.add("back");
        Module.HookHandle first = layer.registerForwardHook(hook);
        layer.registerForwardHook(hook);
        Module.HookHandle firstBack = layer.registerBackwardHook(back);
        layer.registerBackwardHook(back);
        first.remove();
        first.remove();
        firstBack.remove();
        firstBack.remove();
        layer.forward(Tensor.randn(new SplittableRandom(2), DType.FLOAT64, 2, 3)).sum().backward();
        assertThat(calls).containsExactly("hook", "back");
    }
}
