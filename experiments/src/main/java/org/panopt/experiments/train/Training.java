package org.panopt.experiments.train;

import java.util.SplittableRandom;
import org.panopt.autograd.Autograd;
import org.panopt.data.Dataset;
import org.panopt.nn.Module;
import org.panopt.nn.loss.Loss;
import org.panopt.optim.ModuleObjective;
import org.panopt.optim.Optimizer;
import org.panopt.tensor.Tensor;

/**
 * The training loop pieces the drivers share: one epoch of optimizer steps over seeded mini-batches, and
 * an evaluation pass (eval mode, no gradient) that gives the mean loss and, for classifiers, the error rate.
 */
public final class Training {
    private Training() {}

    /** Mean loss over a set, and the fraction of misclassified examples (NaN when not classifying). */
    public record Evaluation(double loss, double error) {}

    /** Called after every optimizer step with the step's index in the epoch and its loss. */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(int step, double loss);
    }

    /**
     * One epoch: the model in training mode, mini-batches of {@code batchSize} in an order drawn from
     * {@code rng} (the last, smaller batch dropped), one {@link Optimizer#step} each. Returns the mean of the
     * batch losses.
     */
    public static double epoch(Module model, Loss loss, Optimizer optimizer, Dataset train, int batchSize, SplittableRandom rng,
                               StepListener listener) {
        model.train();
        double sum = 0;
        int steps = 0;
        for (Dataset b : train.batches(batchSize, true, true, rng)) {
            double l = optimizer.step(new ModuleObjective(model, loss, b.inputs(), b.targets()));
            if (listener != null) listener.afterStep(steps, l);
            sum += l;
            steps++;
        }
        if (steps == 0) throw new IllegalArgumentException("batch size " + batchSize + " exceeds the " + train.size() + " training examples");
        return sum / steps;
    }

    /**
     * Mean loss over {@code data} (each batch's reduced loss weighted by its size) and, when
     * {@code classification}, the error rate of argmax(output) against the integer labels. Eval mode
     * (running batch-norm statistics, no dropout), no gradient; the model's mode is restored.
     */
    public static Evaluation evaluate(Module model, Loss loss, Dataset data, int batchSize, boolean classification) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            return Autograd.noGrad(() -> {
                double lossSum = 0;
                long wrong = 0;
                for (int from = 0; from < data.size(); from += batchSize) {
                    Dataset b = data.slice(from, Math.min(data.size(), from + batchSize));
                    Tensor out = model.forward(b.inputs());
                    lossSum += loss.loss(out, b.targets()).item() * b.size();
                    if (classification) wrong += misclassified(out, b.targets());
                }
                return new Evaluation(lossSum / data.size(), classification ? (double) wrong / data.size() : Double.NaN);
            });
        } finally {
            model.train(wasTraining);
        }
    }

    /** How many rows of {@code logits [N, K]} have their largest entry away from the label. */
    public static long misclassified(Tensor logits, Tensor labels) {
        double[] predicted = logits.argmax(1, false).toDoubleArray();
        double[] y = labels.toDoubleArray();
        long wrong = 0;
        for (int i = 0; i < predicted.length; i++) if (predicted[i] != y[i]) wrong++;
        return wrong;
    }
}
