package org.panopt.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds the shared libraries of the CUDA stack the way a CUDA user expects them to be found.
 *
 * <p>Directories, in this order (duplicates dropped):
 * <ol>
 *   <li>{@code $CUDA_HOME} and then {@code $CUDA_PATH}: {@code lib64}, {@code targets/<arch>-linux/lib}, {@code lib};</li>
 *   <li>every entry of {@code $LD_LIBRARY_PATH};</li>
 *   <li>{@code /usr/local/cuda/lib64}, {@code /usr/local/cuda/targets/<arch>-linux/lib};</li>
 *   <li>where containers mount the driver: {@code /usr/local/nvidia/lib64}, {@code /usr/local/nvidia/lib};</li>
 *   <li>the distribution's library directories: {@code /usr/lib/<arch>-linux-gnu}, {@code /usr/lib64}, {@code /usr/lib/wsl/lib}.</li>
 * </ol>
 * In each directory the library's sonames are tried newest first (e.g. {@code libcublas.so.13}, then
 * {@code libcublas.so.12}); a directory the user named wins over a newer version elsewhere. Directories
 * named {@code stubs} are skipped: the toolkit's link-time stub of {@code libcuda} fails every call. When
 * no directory holds the library, the system loader is asked for each soname (it consults the loader
 * cache, {@code /etc/ld.so.cache}).
 *
 * <p>The environment, the default directories, the file test and the system loader are parameters, so
 * the search order is tested against fake directories.
 */
public final class LibraryLocator {

    /** A library to find: a name for messages and its sonames, preferred first. */
    public record Spec(String name, List<String> sonames) {
        public Spec {
            Objects.requireNonNull(name, "name");
            if (sonames.isEmpty()) throw new IllegalArgumentException("library " + name + ": no sonames");
            sonames = List.copyOf(sonames);
        }
    }

    /** The NVIDIA driver's CUDA library. */
    public static final Spec DRIVER = new Spec("CUDA driver", List.of("libcuda.so.1"));
    /** cuBLAS of CUDA 13, else 12. */
    public static final Spec CUBLAS = new Spec("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"));
    /** NVRTC of CUDA 13, else 12. */
    public static final Spec NVRTC = new Spec("NVRTC", List.of("libnvrtc.so.13", "libnvrtc.so.12"));

    /** Whether the system loader (dlopen by soname) can load a library. */
    @FunctionalInterface
    public interface SystemLoader {
        boolean canLoad(String soname);
    }

    /**
     * Where a library was found: a file ({@code path} set) or by soname through the system loader
     * ({@code path} null). {@code searched} lists the directories looked at, for messages.
     */
    public record Location(Spec spec, String soname, Path path, List<Path> searched) {
        /** Opens the library for the lifetime of {@code arena}. */
        public NativeLibrary open(Arena arena) {
            try {
                SymbolLookup lookup = path != null ? SymbolLookup.libraryLookup(path, arena) : SymbolLookup.libraryLookup(soname, arena);
                return new NativeLibrary(spec.name(), soname, path != null ? path.toString() : soname + " (system loader)", lookup);
            } catch (IllegalArgumentException e) {
                throw new CudaUnavailableException(spec.name() + ": " + describe() + " was found but could not be loaded: " + e.getMessage(), e);
            }
        }

        public String describe() {
            return path != null ? path.toString() : soname + " from the system loader";
        }
    }

    private final Map<String, String> env;
    private final String arch;
    private final List<Path> defaultDirs;
    private final Predicate<Path> isFile;
    private final SystemLoader loader;

    /**
     * @param env         the environment ({@code CUDA_HOME}, {@code CUDA_PATH}, {@code LD_LIBRARY_PATH} are read)
     * @param arch        {@code x86_64} or {@code aarch64}
     * @param defaultDirs directories searched after the environment's
     * @param isFile      whether a path is an existing file
     * @param loader      the system loader, asked last
     */
    public LibraryLocator(Map<String, String> env, String arch, List<Path> defaultDirs, Predicate<Path> isFile, SystemLoader loader) {
        this.env = Map.copyOf(env);
        this.arch = arch;
        this.defaultDirs = List.copyOf(defaultDirs);
        this.isFile = isFile;
        this.loader = loader;
    }

    /** The locator for this process: its environment, the usual directories, the real file system and loader. */
    public static LibraryLocator system() {
        String arch = archTriple();
        return new LibraryLocator(System.getenv(), arch, defaultDirectories(arch), Files::isRegularFile, LibraryLocator::dlopenable);
    }

    /** {@code x86_64} or {@code aarch64}, as CUDA's {@code targets/} and Debian's multiarch directories name them. */
    static String archTriple() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : "x86_64";
    }

    /** The fixed directories searched after the environment's, for an architecture triple. */
    public static List<Path> defaultDirectories(String arch) {
        return List.of(Path.of("/usr/local/cuda/lib64"), Path.of("/usr/local/cuda").resolve(targetsLib(arch)),
                Path.of("/usr/local/nvidia/lib64"), Path.of("/usr/local/nvidia/lib"),
                Path.of("/usr/lib", arch + "-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib/wsl/lib"));
    }

    /** CUDA's per-architecture library directory under a toolkit root: {@code targets/x86_64-linux/lib} or {@code targets/sbsa-linux/lib}. */
    static String targetsLib(String arch) {
        return "targets/" + (arch.equals("aarch64") ? "sbsa-linux" : arch + "-linux") + "/lib";
    }

    private static boolean dlopenable(String soname) {
        try (Arena probe = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, probe);
            return true;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return false;
        }
    }

    /** The directories searched, in order. */
    public List<Path> searchDirectories() {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        String targets = targetsLib(arch);
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String home = env.get(var);
            if (home == null || home.isBlank()) continue;
            Path h = Path.of(home);
            dirs.add(h.resolve("lib64"));
            dirs.add(h.resolve(targets));
            dirs.add(h.resolve("lib"));
        }
        String ld = env.get("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String entry : ld.split(":")) {
                if (entry.isBlank()) continue;
                Path p = Path.of(entry);
                if (isStubs(p)) continue;
                dirs.add(p);
            }
        }
        dirs.addAll(defaultDirs);
        dirs.removeIf(LibraryLocator::isStubs);
        return new ArrayList<>(dirs);
    }

    private static boolean isStubs(Path p) {
        for (Path part : p) if (part.toString().equals("stubs")) return true;
        return false;
    }

    /** Where {@code spec} is, or empty when neither a directory nor the system loader has it. */
    public Optional<Location> locate(Spec spec) {
        List<Path> dirs = searchDirectories();
        for (Path dir : dirs) {
            for (String soname : spec.sonames()) {
                Path candidate = dir.resolve(soname);
                if (isFile.test(candidate)) return Optional.of(new Location(spec, soname, candidate, dirs));
            }
        }
        for (String soname : spec.sonames()) {
            if (loader.canLoad(soname)) return Optional.of(new Location(spec, soname, null, dirs));
        }
        return Optional.empty();
    }

    /** Like {@link #locate} but an exception naming what was looked for and where when it is not found. */
    public Location require(Spec spec) {
        return locate(spec).orElseThrow(() -> new CudaUnavailableException(notFound(spec)));
    }

    /** The message for a library that is nowhere: its sonames, the directories searched, what to do. */
    public String notFound(Spec spec) {
        return spec.name() + " library not found: looked for " + String.join(" or ", spec.sonames()) + " in "
                + searchDirectories() + " and through the system loader. "
                + (spec == DRIVER ? "Install the NVIDIA driver (a GPU is required)"
                                  : "Install the CUDA toolkit 12 or 13, or set CUDA_HOME to it")
                + "; tensors keep working on the cpu device.";
    }
}
