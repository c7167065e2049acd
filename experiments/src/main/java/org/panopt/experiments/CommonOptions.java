package org.panopt.experiments;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every experiment takes. */
public final class CommonOptions {
    @Option(names = "--seed", description = "Seed of every random choice (initialization, batches, sampling); default ${DEFAULT-VALUE}.")
    public long seed = 0;

    @Option(names = "--seeds", description = "Repeat the run with seeds seed, seed+1, …, and plot mean ± one standard deviation; default ${DEFAULT-VALUE}.")
    public int seeds = 1;

    @Option(names = "--full", description = "Run the paper-scale setting instead of the minutes-long default.")
    public boolean full;

    @Option(names = "--out", description = "Root directory of the results; a run writes <out>/<experiment>/<timestamp>/; default ${DEFAULT-VALUE}.")
    public Path out = Path.of("results");

    /** The seeds of this run, in order. */
    public long[] seedList() {
        if (seeds < 1) throw new IllegalArgumentException("--seeds " + seeds + ": must be at least 1");
        long[] s = new long[seeds];
        for (int i = 0; i < seeds; i++) s[i] = seed + i;
        return s;
    }
}
