package org.panopt.experiments.adaptive;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.panopt.data.Dataset;
import org.panopt.experiments.run.MetricsLog;
import org.panopt.experiments.run.Progress;
import org.panopt.experiments.train.Training;
import org.panopt.nn.Module;
import org.panopt.nn.loss.Loss;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.NonFinitePolicy;
import org.panopt.optim.Optimizer;
import org.panopt.optim.UpdateRule;
import org.panopt.tensor.DType;

/**
 * One training run that records what the learning-rate experiments plot: per step the batch loss (before
 * the step) and the learning rate the optimizer holds after it — the adapted η for the Ravaut–Gorti and
 * hypergradient rules — and per epoch the loss (and error) on the training and test sets in evaluation mode.
 *
 * <p>Probes: with a {@code probeTwin} (the same architecture in float64) the Ravaut–Gorti rules evaluate the
 * line function in float64 (spec B.6); with a {@code probeSet}, each step's probes use a batch drawn at random
 * from it instead of the training batch (the validation-batch variant, spec B.5). A run that diverges — a
 * non-finite loss or gradient, or a loss above {@code divergenceFactor} times the first — stops there; the rest
 * of its arrays stay NaN and {@link Result#divergedAtStep} says where.
 */
final class TracedTraining {

    /**
     * What to train and how.
     *
     * @param model            the network (its parameters are trained in place)
     * @param probeTwin        the same architecture in float64 for float64 probes, or null (probes in the model's dtype)
     * @param loss             the loss
     * @param train            the training set
     * @param probeSet         where the probes' batches are drawn from (validation-batch variant), or null for the training batch
     * @param trainEval        the set whose loss is evaluated each epoch as the training loss, or null for none
     * @param test             the test set
     * @param batch            mini-batch size (the full set: full-batch gradient descent)
     * @param epochs           epochs (passes over {@code train})
     * @param classification   whether to measure error rates
     * @param seed             the seed of the batch order and the probe batches
     * @param divergenceFactor stop when a batch loss exceeds this times the first batch loss
     */
    record Setup(Module model, Module probeTwin, Loss loss, Dataset train, Dataset probeSet, Dataset trainEval, Dataset test, int batch, int epochs,
                 boolean classification, long seed, double divergenceFactor) {}

    /**
     * The traces of one run; arrays are NaN past a divergence.
     *
     * @param stepLoss       batch loss before each step
     * @param stepEta        the learning rate after each step (the one the next step uses)
     * @param trainLoss      per epoch, the loss on {@code trainEval} (NaN without it)
     * @param trainError     per epoch, its error rate (NaN unless classifying)
     * @param testLoss       per epoch, the test loss
     * @param testError      per epoch, the test error rate (NaN unless classifying)
     * @param stepsPerEpoch  optimizer steps in one epoch
     * @param divergedAtStep the 1-based step at which the run stopped, or −1
     */
    record Result(double[] stepLoss, double[] stepEta, double[] trainLoss, double[] trainError, double[] testLoss, double[] testError, int stepsPerEpoch,
                  int divergedAtStep) {
        boolean diverged() {
            return divergedAtStep >= 0;
        }

        /** The last finite per-epoch training loss, or +∞ when the run diverged. */
        double finalTrainLoss() {
            return diverged() ? Double.POSITIVE_INFINITY : trainLoss[trainLoss.length - 1];
        }
    }

    private TracedTraining() {}

    static Result run(Setup s, UpdateRule rule, String part, String method, MetricsLog steps, MetricsLog epochs, Progress progress) {
        Optimizer opt = Optimizer.of(rule, s.model()).nonFinitePolicy(NonFinitePolicy.SKIP);
        int batch = Math.min(s.batch(), s.train().size());
        int perEpoch = s.train().size() / batch;
        double[] stepLoss = nans(perEpoch * s.epochs()), stepEta = nans(perEpoch * s.epochs());
        double[] trainLoss = nans(s.epochs()), trainError = nans(s.epochs()), testLoss = nans(s.epochs()), testError = nans(s.epochs());
        SplittableRandom order = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L + 1);
        SplittableRandom probes = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L + 2);
        int step = 0, diverged = -1;
        double first = Double.NaN;
        for (int e = 0; e < s.epochs() && diverged < 0; e++) {
            s.model().train();
            for (Dataset b : s.train().batches(batch, batch < s.train().size(), true, order)) {
                ModuleObjective objective = new ModuleObjective(s.model(), s.loss(), b.inputs(), b.targets());
                if (s.probeTwin() != null) objective = objective.withProbeModel(s.probeTwin());
                if (s.probeSet() != null) {
                    Dataset v = s.probeSet().subset(randomIndices(s.probeSet().size(), batch, probes));
                    objective = objective.withProbeBatch(v.inputs(), v.targets());
                }
                double l = opt.step(objective);
                if (Double.isNaN(first)) first = l;
                if (!Double.isFinite(l) || opt.skippedSteps() > 0 || Math.abs(l) > s.divergenceFactor() * Math.abs(first)) {
                    diverged = step + 1;
                    break;
                }
                stepLoss[step] = l;
                stepEta[step] = opt.learningRate();
                steps.row(part, method, s.seed(), step + 1, l, stepEta[step]);
                step++;
            }
            if (diverged >= 0) break;
            if (s.trainEval() != null) {
                Training.Evaluation t = Training.evaluate(s.model(), s.loss(), s.trainEval(), 1000, s.classification());
                trainLoss[e] = t.loss();
                trainError[e] = t.error();
            }
            Training.Evaluation t = Training.evaluate(s.model(), s.loss(), s.test(), 1000, s.classification());
            testLoss[e] = t.loss();
            testError[e] = t.error();
            epochs.row(part, method, s.seed(), e + 1, step, trainLoss[e], trainError[e], testLoss[e], testError[e], opt.learningRate());
            if (progress != null) progress.step(part + " " + method + " loss " + MetricsLog.fmt(Double.isNaN(trainLoss[e]) ? testLoss[e] : trainLoss[e])
                    + " η " + MetricsLog.fmt(opt.learningRate()));
        }
        if (diverged >= 0 && progress != null) {
            for (int e = (diverged - 1) / Math.max(1, perEpoch); e < s.epochs(); e++) progress.step(part + " " + method + " diverged at step " + diverged);
        }
        return new Result(stepLoss, stepEta, trainLoss, trainError, testLoss, testError, perEpoch, diverged);
    }

    private static int[] randomIndices(int n, int k, SplittableRandom rng) {
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) idx[i] = rng.nextInt(n);
        return idx;
    }

    static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /** The set in float64 (the linear models of the experiment run in double). */
    static Dataset toFloat64(Dataset d) {
        return new Dataset(d.inputs().to(DType.FLOAT64), d.targets().to(DType.FLOAT64));
    }
}
