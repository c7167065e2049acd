package org.panopt.gpu.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * An opened shared library and the downcall handles bound from it.
 *
 * @param name     what it is, for messages ("cuBLAS")
 * @param soname   the soname that was loaded ("libcublas.so.13")
 * @param location where it came from (a path, or the soname through the system loader)
 * @param lookup   its symbols
 */
public record NativeLibrary(String name, String soname, String location, SymbolLookup lookup) {
    private static final Linker LINKER = Linker.nativeLinker();

    /** The function {@code symbol} as a method handle; an exception naming the library when it lacks it. */
    public MethodHandle bind(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = lookup.find(symbol).orElseThrow(() -> new CudaUnavailableException(
                name + " (" + location + ") has no function " + symbol + "; it may be too old (CUDA 12 or newer is needed)"));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    /** The function {@code symbol}, or empty when this version of the library lacks it. */
    public Optional<MethodHandle> bindOptional(String symbol, FunctionDescriptor descriptor) {
        return lookup.find(symbol).map(a -> LINKER.downcallHandle(a, descriptor));
    }

    @Override
    public String toString() {
        return name + " " + location;
    }
}
