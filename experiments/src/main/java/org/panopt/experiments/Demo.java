package org.panopt.experiments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.panopt.experiments.run.Claim;
import org.panopt.experiments.run.Run;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./panopt demo}: a quick tour — a small version of every experiment, then one index report that
 * links their reports and tallies their verdicts. Sized for a 2-core machine: about 5 minutes when it is quiet
 * (most experiments at their default size, the slowest three reduced), well inside 15 when it is shared.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Quick tour: a small version of every experiment, and an index report linking them.")
public final class Demo implements Callable<Integer> {
    /** Each experiment with the arguments of its small version. */
    static final List<List<String>> TOUR = List.of(
            List.of("vanishing-gradients"),
            List.of("optimizer-grid", "--epochs", "3", "--hidden", "100"),
            List.of("regularization", "--train-size", "300", "--test-size", "500", "--epochs", "150"),
            List.of("adaptive-lr"),
            List.of("scale-amended-sgd", "--train-size", "1000", "--test-size", "1000", "--epochs", "3", "--batch", "64"),
            List.of("local-hessian-spectra"),
            List.of("residual-conditioning"),
            List.of("kfac-autoencoder", "--skip-no-momentum"),
            List.of("kfac-fisher", "--fisher-inputs", "300", "--damping-sweep", "0.01"));

    private static String arguments(List<String> entry) {
        return entry.size() == 1 ? "(defaults)" : String.join(" ", entry.subList(1, entry.size()));
    }

    @Option(names = "--out", description = "Root directory of the results; default ${DEFAULT-VALUE}.")
    Path out = Path.of("results");

    @Option(names = "--seed", description = "Seed passed to every experiment; default ${DEFAULT-VALUE}.")
    long seed = 0;

    @Option(names = "--only", split = ",", description = "Run only these experiments of the tour (names).")
    List<String> only = List.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Run index = Run.start(out, "demo", "./panopt demo --seed " + seed + " --out " + out, java.util.Map.of("seed", seed, "out", out.toString()),
                "panopt demo: a small version of every experiment");
        index.report().setting("Each experiment below ran at its default size or, where the arguments are listed, a reduced one; `./panopt <experiment> --full` runs the paper-scale setting.");
        List<List<String>> rows = new ArrayList<>();
        int failed = 0;
        for (List<String> entry : TOUR) {
            String name = entry.getFirst();
            if (!only.isEmpty() && !only.contains(name)) continue;
            List<String> args = new ArrayList<>(entry);
            args.addAll(List.of("--seed", Long.toString(seed), "--out", out.toString()));
            CommandLine cli = Cli.commandLine();
            int code = cli.execute(args.toArray(String[]::new));
            ExperimentCommand cmd = cli.getSubcommands().get(name).getCommand();
            Run run = cmd.lastRun();
            if (code != 0 || run == null) {
                failed++;
                rows.add(List.of(name, arguments(entry), "failed (exit " + code + ")", "–"));
                continue;
            }
            List<Claim> claims = run.report().claims();
            long agree = claims.stream().filter(c -> c.verdict() == Claim.Verdict.AGREES).count();
            String link = "[report](" + index.dir().relativize(run.dir().resolve("report.md")).toString().replace('\\', '/') + ")";
            rows.add(List.of(name, arguments(entry), agree + " of " + claims.size() + " claims agree", link));
        }
        index.report().section("Experiments").table(List.of("experiment", "arguments", "verdicts", "report"), rows);
        index.result("failed", failed);
        index.finish();
        System.out.println("demo: wrote " + index.dir().resolve("report.md"));
        return failed == 0 ? 0 : 1;
    }
}
