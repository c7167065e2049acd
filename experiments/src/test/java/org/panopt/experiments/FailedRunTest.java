package org.panopt.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.run.Run;
import picocli.CommandLine;

/** A run whose experiment throws ends as failed — status, error and report — not as interrupted or running. */
class FailedRunTest {

    @Test
    void anExperimentThatThrowsLeavesAFailedRunWithItsError(@TempDir Path out) throws Exception {
        CommandLine cli = Cli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("vanishing-gradients", "--depth", "1", "--out", out.toString());
        assertThat(code).isNotZero();
        Run run = ((ExperimentCommand) cli.getSubcommands().get("vanishing-gradients").getCommand()).lastRun();
        JsonNode config = new ObjectMapper().readTree(run.dir().resolve("config.json").toFile());
        assertThat(config.get("status").asText()).isEqualTo("failed");
        assertThat(config.get("error").asText()).startsWith("IllegalArgumentException: --depth 1");
        assertThat(Files.readString(run.dir().resolve("report.md"))).contains("**Failed** after").contains("--depth 1 (≥ 2)");
        try (var files = Files.list(run.dir())) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()).isEmpty();
        }
    }
}
