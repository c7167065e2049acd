package org.panopt.gpu.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.panopt.kernels.BinaryOp;
import org.panopt.kernels.ReduceOp;
import org.panopt.kernels.UnaryOp;
import org.panopt.tensor.DType;

/**
 * The generated kernel source covers every op of core's enums in both dtypes — so a new op in core
 * fails here (and in {@link CudaExpressions}'s switches) until it has a CUDA kernel.
 */
class CudaKernelsTest {
    private final CudaKernels catalogue = CudaKernels.catalogue();

    private void assertKernel(String name) {
        assertThat(catalogue.kernels()).as("kernel %s", name).containsKey(name);
        assertThat(catalogue.source()).contains("extern \"C\" __global__ void " + name + "(");
    }

    @Test
    void everyUnaryAndBinaryOpHasAKernelPerDtype() {
        for (DType t : DType.values()) {
            for (UnaryOp op : UnaryOp.values()) {
                assertThat(CudaExpressions.unary(op)).isNotBlank();
                assertKernel(CudaKernels.unary(op, t));
            }
            for (BinaryOp op : BinaryOp.values()) {
                assertThat(CudaExpressions.binary(op)).isNotBlank();
                assertKernel(CudaKernels.binary(op, t));
            }
        }
    }

    @Test
    void everyReductionHasRowAndColumnKernelsAndDistinctCodes() {
        List<Integer> codes = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            codes.add(CudaExpressions.reduceCode(op));
            for (DType t : DType.values()) {
                assertKernel(CudaKernels.reduceRows(op, t));
                assertKernel(CudaKernels.reduceCols(op, t));
            }
        }
        assertThat(codes).doesNotHaveDuplicates();
        assertThatThrownBy(() -> CudaKernels.argReduce(ReduceOp.SUM, DType.FLOAT32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBackendsOtherKernelsExistForBothDtypes() {
        for (DType t : DType.values()) {
            for (String name : List.of(CudaKernels.fill(t), CudaKernels.where(t), CudaKernels.copyBlocks(t),
                    CudaKernels.argReduce(ReduceOp.MAX, t), CudaKernels.argReduce(ReduceOp.MIN, t),
                    CudaKernels.softmaxRows(false, t), CudaKernels.softmaxRows(true, t), CudaKernels.softmaxCols(false, t),
                    CudaKernels.softmaxCols(true, t), CudaKernels.logSumExpRows(t), CudaKernels.logSumExpCols(t),
                    CudaKernels.im2col(t), CudaKernels.col2im(t), CudaKernels.maxPool(t), CudaKernels.maxPoolBackward(t),
                    CudaKernels.maxPoolGather(t), CudaKernels.avgPool(t), CudaKernels.avgPoolBackward(t))) {
                assertKernel(name);
            }
        }
        assertKernel(CudaKernels.convert(DType.FLOAT32, DType.FLOAT64));
        assertKernel(CudaKernels.convert(DType.FLOAT64, DType.FLOAT32));
    }

    @Test
    void exactlyTheBlockReductionsUseBarriersAndTheirBuffer() {
        for (Kernel k : catalogue.kernels().values()) {
            assertThat(k.body().contains("__shared__")).as("%s declares a shared buffer", k.name()).isEqualTo(k.usesBarriers());
        }
        assertThat(catalogue.kernels().values().stream().filter(Kernel::usesBarriers).map(Kernel::name))
                .containsExactlyInAnyOrder("reduce_rows_sum_f32", "reduce_rows_max_f32", "reduce_rows_min_f32",
                        "reduce_rows_sum_f64", "reduce_rows_max_f64", "reduce_rows_min_f64",
                        "softmax_rows_f32", "log_softmax_rows_f32", "softmax_rows_f64", "log_softmax_rows_f64",
                        "logsumexp_rows_f32", "logsumexp_rows_f64");
        assertThat(catalogue.source()).contains("#define PN_BLOCK " + CudaKernels.BLOCK).contains("#define PN_MAX_RANK " + CudaKernels.MAX_RANK);
    }

    @Test
    void signaturesUseTheDtypesElementTypeAndDeclareEveryParameter() {
        Kernel k = catalogue.kernel("binary_add_f64");
        assertThat(k.definition()).startsWith("extern \"C\" __global__ void binary_add_f64(const double* a, const double* b, double* y, "
                + "int n, PnShape shape, PnStrides as, PnStrides bs)");
        assertThat(catalogue.kernel("fill_f32").params().get(2)).isEqualTo(new Param("float", "value", Param.Kind.FLOAT));
        for (Kernel kernel : catalogue.kernels().values()) {
            for (Param p : kernel.params()) assertThat(kernel.body()).as("%s uses %s", kernel.name(), p.name()).contains(p.name());
        }
        assertThatThrownBy(() -> catalogue.kernel("no_such_kernel")).hasMessageContaining("no_such_kernel");
    }

    @Test
    void javaSemanticsWhereCDiffers() {
        assertThat(CudaExpressions.binary(BinaryOp.MAX)).isEqualTo("pn_max(a, b)");  // NaN-propagating, unlike fmaxf
        assertThat(CudaExpressions.binary(BinaryOp.POW)).isEqualTo("pn_pow(a, b)");  // Math.pow's special cases
        assertThat(CudaExpressions.unary(UnaryOp.RELU)).isEqualTo("pn_max(x, T(0))");
        assertThat(catalogue.source()).contains("if (b != b) return b;").contains("pn_abs(b) == pn_inf(b)) return pn_nan(a);");
    }
}
