package org.panopt.gpu.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.panopt.gpu.kernels.CudaKernels;
import org.panopt.gpu.kernels.Kernel;
import org.panopt.gpu.kernels.Param;

/**
 * The backend's CUDA kernels compiled for the host: {@link CudaKernels#source()} — the very text NVRTC
 * compiles on a GPU machine — after {@code cuda_emulation.h} (which maps blocks, threads, barriers and
 * shared memory onto host threads), plus one {@code emu_<kernel>(grid, block, void** args)} entry per
 * kernel that unpacks a {@code cuLaunchKernel}-style argument array by the kernel's declared parameter
 * types. Built once per source (cached under {@code target/cuda-emulator}) with the host's {@code g++}.
 * Launches run on the calling thread and are serialized (the emulation keeps global state).
 */
public final class KernelEmulator {
    private static KernelEmulator instance;
    private static String unavailable;

    private final SymbolLookup library;
    private final Map<String, MethodHandle> entries = new ConcurrentHashMap<>();

    private KernelEmulator(SymbolLookup library) {
        this.library = library;
    }

    /** The emulator, built on first use; an exception saying why when there is no working C++ compiler. */
    public static synchronized KernelEmulator get() {
        if (instance == null && unavailable == null) {
            try {
                instance = new KernelEmulator(SymbolLookup.libraryLookup(build(), Arena.global()));
            } catch (IOException | RuntimeException e) {
                unavailable = "the CUDA-kernel emulator could not be built with g++: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unavailable = "interrupted while building the CUDA-kernel emulator";
            }
        }
        if (instance == null) throw new IllegalStateException(unavailable);
        return instance;
    }

    /** Null when the emulator can be built here, else the reason (for test assumptions). */
    public static synchronized String unavailableReason() {
        try {
            get();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** The host C++ source: emulation header, kernel source, entry points. */
    static String source() throws IOException {
        String header;
        try (InputStream in = KernelEmulator.class.getResourceAsStream("cuda_emulation.h")) {
            if (in == null) throw new IOException("cuda_emulation.h is missing from the test resources");
            header = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(header).append('\n').append(CudaKernels.catalogue().source()).append('\n');
        for (Kernel k : CudaKernels.catalogue().kernels().values()) {
            sb.append("extern \"C\" void emu_").append(k.name()).append("(unsigned grid, unsigned block, void** args) {\n");
            sb.append("    pn_emu_run(grid, block, ").append(k.usesBarriers()).append(", [&] { ").append(k.name()).append('(');
            List<Param> ps = k.params();
            for (int i = 0; i < ps.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append("*(").append(ps.get(i).cType()).append(" *) args[").append(i).append(']');
            }
            sb.append("); });\n}\n");
        }
        return sb.toString();
    }

    private static Path build() throws IOException, InterruptedException {
        String src = source();
        String key;
        try {
            key = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(src.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = Path.of("target", "cuda-emulator").toAbsolutePath();
        Files.createDirectories(dir);
        Path lib = dir.resolve("libpanopt_emu_" + key + ".so");
        if (Files.isRegularFile(lib)) return lib;
        Path cpp = dir.resolve("kernels_" + key + ".cpp");
        Files.writeString(cpp, src, StandardCharsets.UTF_8);
        Path tmp = dir.resolve("libpanopt_emu_" + key + ".so.tmp");
        // -O0: compiles in a third of -O1's time, and the tests run as fast. -ffp-contract=off: no fused multiply-adds
        // the CPU kernels do not make either (NVRTC gets --fmad=false).
        // -U_FORTIFY_SOURCE: the fibers' _longjmp between stacks must not be checked as an unwinding jump.
        Process p = new ProcessBuilder("g++", "-std=c++17", "-O0", "-shared", "-fPIC", "-ffp-contract=off", "-U_FORTIFY_SOURCE",
                "-o", tmp.toString(), cpp.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("g++ failed on " + cpp + ":\n" + out);
        }
        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return lib;
    }

    /** Runs kernel {@code name} on {@code grid} blocks of {@code block} threads with a {@code void**} argument array. */
    public synchronized void launch(String name, int grid, int block, MemorySegment args) {
        MethodHandle h = entries.computeIfAbsent(name, n -> Linker.nativeLinker().downcallHandle(
                library.find("emu_" + n).orElseThrow(() -> new IllegalArgumentException("the emulator has no kernel " + n)),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)));
        try {
            h.invokeExact(grid, block, args);
        } catch (Throwable t) {
            throw new IllegalStateException("emulated launch of " + name + " failed", t);
        }
    }
}
