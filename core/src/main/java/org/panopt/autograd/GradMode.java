package org.panopt.autograd;

import java.util.function.Supplier;

/**
 * Whether ops record themselves for autograd on this thread. On by default; off inside
 * {@link #noGrad} scopes (optimizer updates, evaluation) and while a backward pass without
 * {@code createGraph} runs.
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Runs {@code body} with recording switched to {@code enabled}, restoring the previous mode after. */
    public static <T> T with(boolean enabled, Supplier<T> body) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        try {
            return body.get();
        } finally {
            ENABLED.set(previous);
        }
    }

    /** Runs {@code body} without recording. */
    public static <T> T noGrad(Supplier<T> body) {
        return with(false, body);
    }

    /** Runs {@code body} without recording. */
    public static void noGrad(Runnable body) {
        with(false, () -> {
            body.run();
            return null;
        });
    }
}
