package org.panopt.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Downcalls into NVRTC ({@code libnvrtc.so.13} or {@code .12}), the run-time compiler of CUDA C++:
 * {@link #compileToPtx} turns kernel source into PTX that the driver loads as a module. A compilation
 * error is an exception carrying NVRTC's log (the compiler's messages with line numbers).
 */
public final class Nvrtc {
    private final NativeLibrary library;
    private final MethodHandle version, create, compile, ptxSize, ptx, logSize, log, destroy, errorString;

    public Nvrtc(NativeLibrary library) {
        this.library = library;
        version = library.bind("nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        create = library.bind("nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = library.bind("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        ptxSize = library.bind("nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptx = library.bind("nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        logSize = library.bind("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = library.bind("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = library.bind("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = library.bind("nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    public NativeLibrary library() {
        return library;
    }

    public CudaException error(String call, int status) {
        return new CudaException(call, status, statusName(status), null);
    }

    /** {@code nvrtcGetErrorString}: the enum name of an {@code nvrtcResult}, e.g. {@code NVRTC_ERROR_COMPILATION}. */
    public String statusName(int status) {
        try {
            return Downcalls.string((MemorySegment) errorString.invokeExact(status));
        } catch (Throwable t) {
            return null;
        }
    }

    private void check(String call, int status) {
        if (status != 0) throw error(call, status);
    }

    /** {major, minor} of this NVRTC. */
    public int[] version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            check("nvrtcVersion", (int) version.invokeExact(major, minor));
            return new int[] {major.get(JAVA_INT, 0), minor.get(JAVA_INT, 0)};
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * Compiles {@code source} (named {@code name} in messages) with {@code options}, e.g.
     * {@code --gpu-architecture=compute_90}, and returns the PTX text.
     *
     * @throws CudaException for any failure; a compilation error's message holds NVRTC's log
     */
    public String compileToPtx(String source, String name, List<String> options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progOut = arena.allocate(ADDRESS);
            check("nvrtcCreateProgram", (int) create.invokeExact(progOut, arena.allocateFrom(source), arena.allocateFrom(name),
                    0, MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment prog = progOut.get(ADDRESS, 0);
            try {
                int r = (int) compile.invokeExact(prog, options.size(), Downcalls.cStrings(arena, options));
                if (r != 0) {
                    String programLog = programLog(arena, prog);
                    throw new CudaException("nvrtcCompileProgram(" + name + ", " + options + ")", r, statusName(r),
                            programLog.isBlank() ? null : "compiler log:\n" + programLog);
                }
                MemorySegment sizeOut = arena.allocate(JAVA_LONG);
                check("nvrtcGetPTXSize", (int) ptxSize.invokeExact(prog, sizeOut));
                MemorySegment text = arena.allocate(sizeOut.get(JAVA_LONG, 0));
                check("nvrtcGetPTX", (int) ptx.invokeExact(prog, text));
                return text.getString(0);
            } finally {
                check("nvrtcDestroyProgram", (int) destroy.invokeExact(progOut));
            }
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private String programLog(Arena arena, MemorySegment prog) throws Throwable {
        MemorySegment sizeOut = arena.allocate(JAVA_LONG);
        if ((int) logSize.invokeExact(prog, sizeOut) != 0) return "";
        long size = sizeOut.get(JAVA_LONG, 0);
        if (size <= 1) return "";
        MemorySegment text = arena.allocate(size);
        if ((int) log.invokeExact(prog, text) != 0) return "";
        return text.getString(0);
    }
}
