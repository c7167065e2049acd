package org.panopt.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @Test
    void everyTourEntryIsARegisteredExperiment() {
        java.util.Map<String, picocli.CommandLine> subs = Cli.commandLine().getSubcommands();
        for (List<String> entry : Demo.TOUR) {
            assertThat(subs.containsKey(entry.getFirst())).as(entry.getFirst()).isTrue();
            Object command = subs.get(entry.getFirst()).getCommand();
            assertThat(command).isInstanceOf(ExperimentCommand.class);
        }
        // … and every experiment is on the tour.
        long experiments = subs.values().stream().filter(c -> c.getCommand() instanceof ExperimentCommand).count();
        assertThat(Demo.TOUR).hasSize((int) experiments);
    }

    @Test
    void indexLinksTheReportsItRan(@TempDir Path out) throws Exception {
        int code = Cli.commandLine().execute("demo", "--out", out.toString(), "--only", "vanishing-gradients");
        assertThat(code).isZero();
        Path demoDir;
        try (Stream<Path> s = Files.list(out.resolve("demo"))) {
            demoDir = s.findFirst().orElseThrow();
        }
        String index = Files.readString(demoDir.resolve("report.md"));
        assertThat(index).contains("vanishing-gradients").contains("claims agree").contains("report.md");
        String link = index.substring(index.indexOf("](") + 2, index.indexOf(".md)") + 3);
        assertThat(demoDir.resolve(link).normalize()).exists();
    }
}
