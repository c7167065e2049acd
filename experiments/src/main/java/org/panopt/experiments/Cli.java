package org.panopt.experiments;

import org.panopt.experiments.adaptive.AdaptiveLearningRate;
import org.panopt.experiments.kfac.KfacAutoencoder;
import org.panopt.experiments.kfac.KfacFisher;
import org.panopt.experiments.lecture.OptimizerGrid;
import org.panopt.experiments.lecture.Regularization;
import org.panopt.experiments.lecture.VanishingGradients;
import org.panopt.experiments.localhessian.ScaleAmendedTraining;
import org.panopt.experiments.localhessian.LocalHessianSpectra;
import org.panopt.experiments.localhessian.ResidualConditioning;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./panopt <experiment> [options]}: the experiment drivers, each a subcommand with its own --help. */
@Command(name = "panopt", mixinStandardHelpOptions = true, version = "panopt 0.1.0-SNAPSHOT",
        description = "Back-propagation seen through curvature: experiment drivers that reproduce the seed papers.%n"
                + "Every run writes results/<experiment>/<timestamp>/ (config.json, metrics.csv, PNG figures, report.md).",
        subcommands = {Demo.class, VanishingGradients.class, Regularization.class, OptimizerGrid.class, AdaptiveLearningRate.class,
                LocalHessianSpectra.class, ResidualConditioning.class, ScaleAmendedTraining.class, KfacAutoencoder.class, KfacFisher.class, CommandLine.HelpCommand.class})
public final class Cli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A command line over a fresh {@link Cli}. */
    public static CommandLine commandLine() {
        return new CommandLine(new Cli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }
}
