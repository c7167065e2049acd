package org.panopt.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Small helpers shared by the bindings. */
final class Downcalls {
    private Downcalls() {}

    /** A Throwable out of {@code invokeExact} as an unchecked exception (native calls throw nothing checked). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed: " + t, t);
    }

    /** The NUL-terminated string at {@code address}, or null for a null pointer. */
    static String string(MemorySegment address) {
        if (address == null || address.equals(MemorySegment.NULL) || address.address() == 0) return null;
        return address.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    /** A native array of pointers to the NUL-terminated copies of {@code strings}. */
    static MemorySegment cStrings(Arena arena, java.util.List<String> strings) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, Math.max(1, strings.size()));
        for (int i = 0; i < strings.size(); i++) array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(strings.get(i)));
        return array;
    }
}
