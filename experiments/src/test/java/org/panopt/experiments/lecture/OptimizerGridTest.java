package org.panopt.experiments.lecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.experiments.DataAvailable;
import org.panopt.experiments.RunOutputs;
import org.panopt.experiments.run.Run;

class OptimizerGridTest {

    @Test
    void tinyGridWritesBothTablesAndSgdNeedsALargeRate(@TempDir Path out) throws Exception {
        DataAvailable.assumeMnistDigits();
        Run run = RunOutputs.execute(out, "optimizer-grid", "--epochs", "1", "--train-size", "2000", "--hidden", "32");
        JsonNode config = RunOutputs.checkCommonFiles(run);
        assertThat(config.get("options").get("data").asText()).isEqualTo("mnist-digits");

        List<String[]> rows = RunOutputs.csv(run.dir().resolve("metrics.csv"));
        assertThat(rows).hasSize(1 + 27); // 3 methods × 5 rates + 12 Adadelta settings, one epoch each
        String report = Files.readString(run.dir().resolve("report.md"));
        assertThat(report).contains("Table 1").contains("Table 2").contains("(89.68 %)").contains("(1.83 %)");
        // One epoch of plain SGD at ε = 1e-4 barely moves from chance; at ε = 0.1 it learns.
        double at01 = error(rows, "SGD", "1e-1"), at1e4 = error(rows, "SGD", "1e-4");
        assertThat(at1e4).isGreaterThan(0.7);
        assertThat(at01).isLessThan(at1e4 - 0.3);
        assertThat(run.report().claims()).hasSize(4);
    }

    private static double error(List<String[]> rows, String method, String setting) {
        for (String[] r : rows) if (r[1].equals(method) && r[2].equals(setting)) return Double.parseDouble(r[6]);
        throw new AssertionError("no row for " + method + " " + setting);
    }
}
