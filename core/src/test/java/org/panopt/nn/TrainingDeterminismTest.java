package org.panopt.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.testing.ChildJvm;

/**
 * Training is a function of the seed: {@link SeededTraining} (a small float32 convolutional network, 40 SGD steps)
 * ends with the same loss and parameters, bit for bit, in the interpreter and under the JIT, in every repetition
 * (the later ones run the C2-compiled kernels), and with one worker thread or two.
 */
class TrainingDeterminismTest {
    @Test
    void sameSeedGivesBitIdenticalParametersInterpretedAndCompiled() throws Exception {
        List<String> interpreted = runs(ChildJvm.run(List.of("-Xint", "-Dpanopt.threads=2"), SeededTraining.class,
                List.of("1"), 600));
        List<String> jit = runs(ChildJvm.run(List.of("-Xbatch", "-Dpanopt.threads=2"), SeededTraining.class,
                List.of("60"), 600));
        List<String> oneThread = runs(ChildJvm.run(List.of("-Dpanopt.threads=1"), SeededTraining.class,
                List.of("3"), 600));
        assertThat(interpreted).hasSize(1);
        assertThat(jit).hasSize(60);
        assertThat(jit).as("every repetition under the JIT, against the interpreter's run").containsOnly(interpreted.getFirst());
        assertThat(oneThread).as("one thread against two").containsOnly(interpreted.getFirst());
    }

    private static List<String> runs(ChildJvm.Result r) {
        // "RUN <rep> <loss bits> <parameter hash>" → "<loss bits> <parameter hash>"
        return r.linesStartingWith("RUN ").stream().map(l -> l.substring(l.indexOf(' ', 4) + 1)).toList();
    }
}
