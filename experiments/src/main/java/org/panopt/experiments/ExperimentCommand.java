package org.panopt.experiments;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.panopt.experiments.run.Run;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * The frame of every experiment: parses the common options ({@link CommonOptions}), opens the {@link Run}
 * (directory, config.json with every option and the provenance), calls {@link #execute}, and finishes the
 * run (report.md, final config). An experiment only measures, logs metrics, draws figures and states its
 * claims.
 */
public abstract class ExperimentCommand implements Callable<Integer> {
    @Mixin
    protected CommonOptions common;

    @Spec
    protected CommandSpec spec;

    private Run lastRun;

    /** The report's title: the experiment and the paper it reproduces. */
    protected abstract String title();

    /** Runs the experiment, writing into {@code run}. */
    protected abstract void execute(Run run) throws Exception;

    @Override
    public final Integer call() throws Exception {
        Run run = Run.start(common.out, spec.name(), commandLine(), options(), title());
        lastRun = run;
        try {
            execute(run);
        } catch (Exception | Error e) {
            run.fail(e);
            throw e;
        }
        run.finish();
        System.out.println(spec.name() + ": wrote " + run.dir().resolve("report.md"));
        return 0;
    }

    /** The run this command made last (for the demo's index and for tests). */
    public Run lastRun() {
        return lastRun;
    }

    // The command as typed: original arguments hold the whole line, up to and including this subcommand's name.
    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult() == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
        int self = args.indexOf(spec.name());
        List<String> own = self < 0 ? args : args.subList(self + 1, args.size());
        return "./panopt " + spec.name() + (own.isEmpty() ? "" : " " + String.join(" ", own));
    }

    // Every option's value (defaults included), by its longest name.
    private Map<String, Object> options() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            Object v = o.getValue();
            if (v instanceof Path p) v = p.toString();
            else if (v != null && !(v instanceof Number || v instanceof Boolean || v instanceof String || v instanceof List<?>)) v = v.toString();
            out.put(o.longestName().replaceFirst("^-+", ""), v);
        }
        return out;
    }
}
