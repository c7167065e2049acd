package org.panopt.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.panopt.experiments.run.Run;
import picocli.CommandLine;

/** Runs an experiment through the CLI and checks what every run must write; shared by the smoke tests. */
public final class RunOutputs {
    private RunOutputs() {}

    /** Executes {@code args} (an experiment and its options, {@code --out} added) and returns its run. */
    public static Run execute(Path out, String... args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = Cli.commandLine();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--out", out.toString()));
        int code = cli.execute(all.toArray(String[]::new));
        assertThat(code).as("exit code of " + all).isZero();
        ExperimentCommand cmd = cli.getSubcommands().get(args[0]).getCommand();
        return cmd.lastRun();
    }

    /** config.json parses and is complete; every PNG decodes; report.md has its verdicts. Returns the config. */
    public static JsonNode checkCommonFiles(Run run) throws IOException {
        Path dir = run.dir();
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(config.get("status").asText()).isEqualTo("completed");
        assertThat(config.get("experiment").asText()).isEqualTo(run.experiment());
        assertThat(config.get("command").asText()).startsWith("./panopt " + run.experiment() + " --").doesNotContain(run.experiment() + " " + run.experiment());
        assertThat(config.get("options").has("seed")).isTrue();
        JsonNode prov = config.get("provenance");
        for (String key : List.of("gitCommit", "jdk", "os", "arch", "floatLanes", "backends", "libraries")) assertThat(prov.has(key)).as(key).isTrue();
        assertThat(prov.get("libraries").has("info.picocli:picocli")).as("picocli version in provenance").isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> pngs = files.filter(p -> p.toString().endsWith(".png")).toList();
            assertThat(pngs).isNotEmpty();
            for (Path p : pngs) {
                BufferedImage img = ImageIO.read(p.toFile());
                assertThat(img).as(p.toString()).isNotNull();
                assertThat(img.getWidth()).isGreaterThan(100);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()).as("leftover temporary files").isEmpty();
        }
        String report = Files.readString(dir.resolve("report.md"));
        assertThat(report).contains("# ").contains("Completed in").contains("## Verdicts");
        return config;
    }

    /** metrics.csv as rows of cells (header first), reading the RFC 4180 quoting {@code MetricsLog} writes (no newlines in our cells). */
    public static List<String[]> csv(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(RunOutputs::cells).toList();
    }

    private static String[] cells(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c != '"') cell.append(c);
                else if (i + 1 < line.length() && line.charAt(i + 1) == '"') cell.append(line.charAt(++i));
                else quoted = false;
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) throw new AssertionError("unterminated quoted cell in: " + line);
        out.add(cell.toString());
        return out.toArray(String[]::new);
    }
}
