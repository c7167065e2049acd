package org.panopt.gpu.kernels;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@code __global__} function of the generated source: its name, its parameters (what
 * {@link LaunchArgs} checks a launch against), and the body that instantiates a template of the prelude.
 *
 * @param name        the C name (also the symbol: kernels are {@code extern "C"})
 * @param params      the parameters in order
 * @param body        the statements inside the braces
 * @param usesBarriers whether the kernel calls {@code __syncthreads()} (a block reduction in shared memory sized for
 *                     exactly {@link CudaKernels#BLOCK} threads per block)
 */
public record Kernel(String name, List<Param> params, String body, boolean usesBarriers) {
    public Kernel {
        params = List.copyOf(params);
    }

    /** The definition: {@code extern "C" __global__ void name(params) { body }}. */
    public String definition() {
        String signature = params.stream().map(p -> p.cType() + " " + p.name()).collect(Collectors.joining(", "));
        return "extern \"C\" __global__ void " + name + "(" + signature + ") {\n    " + body + "\n}\n";
    }
}
