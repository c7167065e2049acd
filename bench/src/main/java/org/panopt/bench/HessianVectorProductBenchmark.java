package org.panopt.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.panopt.autograd.Autograd;
import org.panopt.hessian.BatchLoss;
import org.panopt.hessian.GaussNewtonOperator;
import org.panopt.hessian.HessianOperator;
import org.panopt.nn.loss.Reduction;
import org.panopt.nn.loss.SigmoidCrossEntropy;
import org.panopt.nn.models.DeepAutoencoder;
import org.panopt.tensor.DType;
import org.panopt.tensor.Tensor;

/**
 * A Hessian–vector product against a gradient on the MNIST deep autoencoder (784-1000-500-250-30-250-500-
 * 1000-784, logistic units, sigmoid cross-entropy summed per case; 2.8 M float32 parameters), the cost
 * ratio the issue asks about (target: HVP ≤ 3× gradient). Inputs are synthetic pixels in [0, 1] — the cost
 * does not depend on the values.
 * <ul>
 * <li>{@code gradient}: forward + loss + back-propagation to every parameter.</li>
 * <li>{@code hvpTensors}: {@code Autograd.hvp} with the direction already as tensors (double
 *     back-propagation alone).</li>
 * <li>{@code hessianOperator}: {@link HessianOperator#apply} — the same plus the double[] ↔ tensor
 *     conversions of the operator interface.</li>
 * <li>{@code hessianOperatorRetained}: {@link HessianOperator#retained}'s apply — the forward pass and the
 *     gradient graph recorded once, each product one vector–Jacobian product of it (Lanczos, power iteration).</li>
 * <li>{@code gaussNewtonOperator}: a GGN product (J·v by double-vjp, then Jᵀ).</li>
 * </ul>
 * <pre>
 *   java -jar bench/target/benchmarks.jar HessianVectorProductBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class HessianVectorProductBenchmark {
    @Param({"256"})
    public int batch;

    private DeepAutoencoder model;
    private Tensor x;
    private SigmoidCrossEntropy loss;
    private List<Tensor> params;
    private List<Tensor> direction;
    private double[] v;
    private double[] out;
    private HessianOperator hessian;
    private HessianOperator retained;
    private GaussNewtonOperator ggn;

    @Setup
    public void setup() {
        model = DeepAutoencoder.mnist(new SplittableRandom(1));
        x = Tensor.rand(new SplittableRandom(2), 0, 1, DType.FLOAT32, batch, 784);
        loss = new SigmoidCrossEntropy(Reduction.BATCH_MEAN);
        params = model.parameters();
        BatchLoss f = BatchLoss.of(model, loss, x, x);
        SplittableRandom rng = new SplittableRandom(3);
        v = new double[f.dim()];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian();
        out = new double[f.dim()];
        direction = f.toTensors(v);
        hessian = new HessianOperator(f);
        retained = HessianOperator.retained(f);
        ggn = new GaussNewtonOperator(f);
    }

    @Benchmark
    public List<Tensor> gradient() {
        return Autograd.grad(List.of(loss.loss(model.forward(x), x)), params, null, false);
    }

    @Benchmark
    public List<Tensor> hvpTensors() {
        return Autograd.hvp(loss.loss(model.forward(x), x), params, direction);
    }

    @Benchmark
    public double[] hessianOperator() {
        hessian.apply(v, out);
        return out;
    }

    @Benchmark
    public double[] hessianOperatorRetained() {
        retained.apply(v, out);
        return out;
    }

    @Benchmark
    public double[] gaussNewtonOperator() {
        ggn.apply(v, out);
        return out;
    }
}
