package org.panopt.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.panopt.hessian.BatchLoss;
import org.panopt.hessian.DenseOperator;
import org.panopt.hessian.HessianOperator;
import org.panopt.hessian.LinearOperator;
import org.panopt.hessian.spectrum.EigenPairs;
import org.panopt.hessian.spectrum.Lanczos;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * Time for the k = 20 largest eigenpairs by Lanczos with full re-orthogonalization, one call per
 * measurement (single-shot):
 * <ul>
 * <li>{@code autoencoder}: the exact Hessian of the MNIST deep autoencoder (2.8 M parameters, batch 64),
 *     with the Krylov dimension capped at 2k = 40 (PyHessian-style fixed budget; the basis alone is
 *     40 × 2.8 M doubles = 0.9 GB). Dominated by the 40 Hessian–vector products, each on the gradient graph
 *     recorded once ({@link HessianOperator#retained}, as PyHessian does); {@code autoencoderFresh} records it
 *     at every product.</li>
 * <li>{@code dense2000}: a 2000 × 2000 symmetric matrix with a decaying spectrum, run to convergence
 *     (tolerance 1e-10): the algorithm's own cost (products, re-orthogonalization, tridiagonal eigen).</li>
 * </ul>
 * <pre>
 *   java -jar bench/target/benchmarks.jar LanczosBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class LanczosBenchmark {
    @Param({"autoencoder", "autoencoderFresh", "dense2000"})
    public String operator;

    private LinearOperator a;
    private Lanczos.Options options;

    @Setup
    public void setup() {
        switch (operator) {
            case "autoencoder", "autoencoderFresh" -> {
                DeepAutoencoder model = DeepAutoencoder.mnist(new SplittableRandom(1));
                Tensor x = Tensor.rand(new SplittableRandom(2), 0, 1, DType.FLOAT32, 64, 784);
                BatchLoss f = BatchLoss.of(model, new SigmoidCrossEntropy(Reduction.BATCH_MEAN), x, x);
                a = operator.equals("autoencoder") ? HessianOperator.retained(f) : new HessianOperator(f);
                options = Lanczos.Options.defaults().withMaxIterations(40).withTolerance(1e-6);
            }
            case "dense2000" -> {
                int n = 2000;
                DMatrixRMaj q = RandomMatrices_DDRM.orthogonal(n, n, new java.util.Random(3));
                double[] lambda = new double[n];
                for (int i = 0; i < n; i++) lambda[i] = Math.pow(0.99, i);
                DMatrixRMaj qd = new DMatrixRMaj(n, n);
                CommonOps_DDRM.mult(q, CommonOps_DDRM.diag(lambda), qd);
                DMatrixRMaj m = new DMatrixRMaj(n, n);
                CommonOps_DDRM.multTransB(qd, q, m);
                a = DenseOperator.symmetric(m);
                options = Lanczos.Options.defaults();
            }
            default -> throw new IllegalArgumentException("LanczosBenchmark: unknown operator " + operator);
        }
    }

    @Benchmark
    public EigenPairs top20() {
        return Lanczos.eigenpairs(a, 20, Lanczos.Which.LARGEST, options);
    }
}
