package org.panopt.experiments.run;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code report.md}: a title, the setting (with any data substitution stated), then sections in which each
 * figure stands beside the paper's claim and a one-line verdict on whether our run agrees, and a summary
 * table of all verdicts at the top. Built up while the run goes; {@link Run} writes it atomically at the end
 * (or, when interrupted, with a note saying so).
 */
public final class Report {
    private final String title;
    private final List<String> setting = new ArrayList<>();
    private final List<String> body = new ArrayList<>();
    private final List<Claim> claims = new ArrayList<>();

    Report(String title) {
        this.title = title;
    }

    /** A line of the setting: data, model, hyper-parameters, substitutions. */
    public Report setting(String line) {
        setting.add(line);
        return this;
    }

    public Report section(String heading) {
        body.add("## " + heading + "\n");
        return this;
    }

    public Report text(String markdown) {
        body.add(markdown + "\n");
        return this;
    }

    /** A figure (a file in the run directory) with its caption. */
    public Report figure(String file, String caption) {
        body.add("![" + caption + "](" + file + ")\n\n*" + caption + "*\n");
        return this;
    }

    /** The paper's claim and our verdict, placed where it is called (beside the figure it is about). */
    public Report claim(Claim c) {
        claims.add(c);
        body.add("> **Paper:** " + c.paper() + "\n>\n> " + c.line() + "\n");
        return this;
    }

    public Report table(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) sb.append(" --- |");
        sb.append('\n');
        for (List<String> r : rows) {
            if (r.size() != header.size()) throw new IllegalArgumentException("table row " + r + " has " + r.size() + " cells for " + header.size() + " columns");
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        body.add(sb.toString());
        return this;
    }

    public List<Claim> claims() {
        return List.copyOf(claims);
    }

    public String title() {
        return title;
    }

    /** The markdown text; {@code status} is a line placed under the title (completed, interrupted …). */
    String render(String status) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n").append(status).append("\n\n");
        if (!setting.isEmpty()) {
            sb.append("## Setting\n\n");
            for (String s : setting) sb.append("- ").append(s).append('\n');
            sb.append('\n');
        }
        if (!claims.isEmpty()) {
            sb.append("## Verdicts\n\n| paper's claim | our run | verdict |\n| --- | --- | --- |\n");
            for (Claim c : claims) sb.append("| ").append(oneLine(c.paper())).append(" | ").append(oneLine(c.ours())).append(" | ")
                    .append(c.verdict().word()).append(" |\n");
            sb.append('\n');
        }
        for (String b : body) sb.append(b).append('\n');
        sb.append("Files: `config.json` (options and provenance, enough to rerun), `metrics.csv` (every measured value).\n");
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace("|", "\\|");
    }
}
