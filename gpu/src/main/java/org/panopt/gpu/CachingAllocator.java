package org.panopt.gpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Device memory handed out in blocks and kept for reuse, as PyTorch's CUDA caching allocator does: a
 * training step allocates the same sizes step after step, and {@code cuMemAlloc}/{@code cuMemFree} are
 * slow ({@code cuMemFree} synchronizes the device).
 *
 * <p>Sizes are rounded up to a size class — a multiple of 512 bytes up to 1 MiB, of 2 MiB above — and a
 * released block goes to the free list of its class, from which the next request of that class is
 * served. All work runs on one stream, so a block released after its last use was enqueued can be handed
 * out at once: later kernels are ordered after earlier ones.
 *
 * <p>When the raw allocator is out of memory (or the {@code limit} would be passed), the allocator first
 * frees its cached blocks, then asks for {@code reclaim} (the backend runs the garbage collector, whose
 * {@link java.lang.ref.Cleaner} releases the blocks of unreachable tensors) and waits a moment for
 * releases, then tries once more; only then is it an error, whose message holds the allocator's state.
 *
 * <p>{@link #close} frees every block, cached and live, back to the raw allocator; releases after that
 * are ignored. Thread-safe: releases come from the cleaner's thread.
 */
public final class CachingAllocator {

    /** The device's own allocator. */
    public interface RawMemory {
        /** A new block of {@code bytes} bytes, or 0 when the device is out of memory. */
        long tryAllocate(long bytes);

        void free(long address);
    }

    /** A block of device memory: its address and its (rounded) size. */
    public record Block(long address, long bytes) {}

    /** Counters, for messages and tests. */
    public record Stats(long liveBytes, long cachedBytes, long peakLiveBytes, long rawAllocations, long reuses, long rawFrees) {
        public long reservedBytes() {
            return liveBytes + cachedBytes;
        }

        @Override
        public String toString() {
            return String.format("%.1f MiB live (peak %.1f MiB), %.1f MiB cached; %d device allocations, %d reuses, %d frees",
                    liveBytes / 1048576.0, peakLiveBytes / 1048576.0, cachedBytes / 1048576.0, rawAllocations, reuses, rawFrees);
        }
    }

    static final long SMALL_LIMIT = 1L << 20;
    static final long SMALL_GRANULE = 512;
    static final long LARGE_GRANULE = 2L << 20;

    private final RawMemory raw;
    private final long limit;
    private final Runnable reclaim;
    private final long reclaimWaitMillis;
    private final TreeMap<Long, ArrayDeque<Long>> free = new TreeMap<>();
    private final Map<Long, Long> live = new HashMap<>();
    private long liveBytes, cachedBytes, peakLiveBytes, rawAllocations, reuses, rawFrees, releases;
    private volatile boolean closed;

    /**
     * @param raw               the device allocator
     * @param limit             most bytes to hold (live + cached) before trying to reclaim; {@code Long.MAX_VALUE} for none
     * @param reclaim           asks for unreachable blocks to be released (run while no lock is held)
     * @param reclaimWaitMillis how long to wait for releases after {@code reclaim}
     */
    public CachingAllocator(RawMemory raw, long limit, Runnable reclaim, long reclaimWaitMillis) {
        this.raw = raw;
        this.limit = limit;
        this.reclaim = reclaim;
        this.reclaimWaitMillis = reclaimWaitMillis;
    }

    /** The size class of a request: a multiple of 512 bytes up to 1 MiB, of 2 MiB above (at least 512). */
    public static long sizeClass(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
        if (bytes <= SMALL_LIMIT) return Math.max(SMALL_GRANULE, roundUp(bytes, SMALL_GRANULE));
        return roundUp(bytes, LARGE_GRANULE);
    }

    private static long roundUp(long x, long granule) {
        return (x + granule - 1) / granule * granule;
    }

    /** A block of at least {@code bytes} bytes. */
    public Block allocate(long bytes) {
        long size = sizeClass(bytes);
        Block b = tryAllocate(size, false);
        if (b != null) return b;
        synchronized (this) {
            freeCached();
        }
        b = tryAllocate(size, false);
        if (b != null) return b;
        long releasesBefore;
        synchronized (this) {
            releasesBefore = releases;
        }
        reclaim.run();
        waitForReleases(releasesBefore);
        b = tryAllocate(size, true); // a reclaimed block of this class, or fresh memory
        if (b != null) return b;
        synchronized (this) {
            freeCached(); // reclaimed blocks of other classes
        }
        b = tryAllocate(size, true);
        if (b != null) return b;
        throw new DeviceOutOfMemoryException("out of device memory allocating " + bytes + " bytes (size class " + size
                + ") after freeing the cache and collecting unreachable tensors; allocator: " + stats()
                + (limit == Long.MAX_VALUE ? "" : "; limit " + limit + " bytes"));
    }

    private synchronized Block tryAllocate(long size, boolean ignoreLimit) {
        if (closed) throw new IllegalStateException("the device allocator was closed");
        ArrayDeque<Long> list = free.get(size);
        if (list != null) {
            long address = list.pop();
            if (list.isEmpty()) free.remove(size);
            cachedBytes -= size;
            reuses++;
            return hand(address, size);
        }
        if (!ignoreLimit && liveBytes + cachedBytes + size > limit) return null;
        long address = raw.tryAllocate(size);
        if (address == 0) return null;
        rawAllocations++;
        return hand(address, size);
    }

    private Block hand(long address, long size) {
        live.put(address, size);
        liveBytes += size;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        return new Block(address, size);
    }

    private synchronized void waitForReleases(long releasesBefore) {
        long deadline = System.nanoTime() + reclaimWaitMillis * 1_000_000L;
        try {
            while (releases == releasesBefore) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return;
                wait(left);
            }
            // More releases usually follow the first one: give the cleaner a little longer.
            wait(Math.max(1, reclaimWaitMillis / 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns a block for reuse. Ignored after {@link #close} (the memory was freed then). */
    public synchronized void release(Block block) {
        if (closed) return;
        Long size = live.remove(block.address());
        if (size == null) {
            throw new IllegalStateException("release of device block 0x" + Long.toHexString(block.address()) + " that is not live");
        }
        liveBytes -= size;
        cachedBytes += size;
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(block.address());
        releases++;
        notifyAll();
    }

    /** Frees every cached block to the device (PyTorch's {@code empty_cache}); live blocks stay. */
    public synchronized void emptyCache() {
        freeCached();
    }

    private void freeCached() {
        for (Map.Entry<Long, ArrayDeque<Long>> e : free.entrySet()) {
            for (long address : e.getValue()) {
                raw.free(address);
                rawFrees++;
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Frees every block, cached and live; the allocator refuses new requests afterwards. */
    public synchronized void close() {
        if (closed) return;
        freeCached();
        for (long address : live.keySet()) {
            raw.free(address);
            rawFrees++;
        }
        live.clear();
        liveBytes = 0;
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public synchronized Stats stats() {
        return new Stats(liveBytes, cachedBytes, peakLiveBytes, rawAllocations, reuses, rawFrees);
    }
}
