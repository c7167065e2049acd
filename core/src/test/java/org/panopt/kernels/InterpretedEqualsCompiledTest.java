package org.panopt.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.panopt.testing.ChildJvm;

/**
 * Every kernel of {@link FloatMaps} and {@link DoubleMaps} gives the same bits in the interpreter, in C1-compiled
 * code and in C2-compiled code: {@link KernelFingerprint} runs in three child JVMs ({@code -Xint}; C1 only; the
 * default tiered JIT, warmed up until the kernels are compiled at tier 4) and their hashes must agree kernel by
 * kernel. This is what makes a training run repeat bit for bit: which code the JIT has compiled at a given step
 * depends on timing, so a kernel whose result depends on it makes the run depend on timing.
 *
 * <p>The Vector API's own {@code lanewise(EXP)} and {@code reduceLanes(ADD)} fail this (SVML intrinsics and an
 * unspecified reduction order once compiled, per-lane {@code Math.exp} in double and a sequential sum before).
 */
class InterpretedEqualsCompiledTest {
    /** Rounds of the whole fingerprint in the JIT child: enough for every kernel to reach tier 4 under -Xbatch. */
    static final int WARM_ROUNDS = 400;

    /** Tier-4 compilations printed by -XX:+PrintCompilation: "time id flags 4 class::method ...". */
    static final Pattern TIER4 = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*\\s4\\s+(org\\.panopt\\.kernels\\.\\w+::\\w+)");

    @Test
    void kernelsGiveTheSameBitsInterpretedAndCompiled() throws Exception {
        ChildJvm.Result interpreted = ChildJvm.run(List.of("-Xint"), KernelFingerprint.class, List.of("1"), 600);
        ChildJvm.Result c1 = ChildJvm.run(List.of("-XX:TieredStopAtLevel=1", "-Xbatch"), KernelFingerprint.class,
                List.of("100"), 600);
        ChildJvm.Result c2 = ChildJvm.run(List.of("-Xbatch", "-XX:+PrintCompilation"), KernelFingerprint.class,
                List.of(Integer.toString(WARM_ROUNDS)), 600);

        // The JIT child really ran the kernels compiled by C2 (else the comparison below would prove nothing).
        List<String> tier4 = new ArrayList<>();
        for (String line : c2.stdout()) {
            Matcher m = TIER4.matcher(line);
            if (m.find()) tier4.add(m.group(1));
        }
        for (String kernel : List.of("exp", "log", "sigmoid", "tanh", "log1p", "expm1", "softplusFromExp", "sum", "dot",
                "sumOfExp")) {
            assertThat(tier4).as("C2 compiled FloatMaps::%s", kernel).contains("org.panopt.kernels.FloatMaps::" + kernel);
            assertThat(tier4).as("C2 compiled DoubleMaps::%s", kernel).contains("org.panopt.kernels.DoubleMaps::" + kernel);
        }

        Map<String, String> reference = hashes(interpreted, "first");
        assertThat(reference).hasSizeGreaterThan(300);
        assertSameBits("C1-compiled", reference, hashes(c1, "last"));
        assertSameBits("tiered JIT, first round", reference, hashes(c2, "first"));
        assertSameBits("tiered JIT after warm-up (C2)", reference, hashes(c2, "last"));
    }

    private static Map<String, String> hashes(ChildJvm.Result r, String round) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : r.linesStartingWith("FP " + round + " ")) {
            String rest = line.substring(("FP " + round + " ").length());
            int cut = rest.lastIndexOf(' ');
            out.put(rest.substring(0, cut), rest.substring(cut + 1));
        }
        return out;
    }

    private static void assertSameBits(String mode, Map<String, String> interpreted, Map<String, String> other) {
        assertThat(other.keySet()).as("kernels fingerprinted in %s", mode).containsExactlyElementsOf(interpreted.keySet());
        List<String> differ = new ArrayList<>();
        for (var e : interpreted.entrySet()) if (!e.getValue().equals(other.get(e.getKey()))) differ.add(e.getKey());
        assertThat(differ).as("kernels whose bits differ between the interpreter and %s", mode).isEmpty();
    }
}
