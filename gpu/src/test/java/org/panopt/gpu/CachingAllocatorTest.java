package org.panopt.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator's bookkeeping against a fake device allocator with a capacity. */
class CachingAllocatorTest {

    /** Hands out increasing fake addresses up to a capacity; records frees. */
    static final class FakeMemory implements CachingAllocator.RawMemory {
        final long capacity;
        long next = 0x10000, used;
        final Map<Long, Long> live = new HashMap<>();
        final List<Long> freed = new ArrayList<>();

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long tryAllocate(long bytes) {
            if (used + bytes > capacity) return 0;
            long a = next;
            next += bytes;
            used += bytes;
            live.put(a, bytes);
            return a;
        }

        @Override
        public void free(long address) {
            Long b = live.remove(address);
            if (b == null) throw new AssertionError("double free of " + address);
            used -= b;
            freed.add(address);
        }
    }

    private static CachingAllocator allocator(FakeMemory raw, long limit, Runnable reclaim) {
        return new CachingAllocator(raw, limit, reclaim, 50);
    }

    @Test
    void roundsToSizeClasses() {
        assertThat(CachingAllocator.sizeClass(0)).isEqualTo(512);
        assertThat(CachingAllocator.sizeClass(1)).isEqualTo(512);
        assertThat(CachingAllocator.sizeClass(512)).isEqualTo(512);
        assertThat(CachingAllocator.sizeClass(513)).isEqualTo(1024);
        assertThat(CachingAllocator.sizeClass(1 << 20)).isEqualTo(1 << 20);
        assertThat(CachingAllocator.sizeClass((1 << 20) + 1)).isEqualTo(2L << 20);
        assertThat(CachingAllocator.sizeClass((5L << 20) + 3)).isEqualTo(6L << 20);
        assertThatThrownBy(() -> CachingAllocator.sizeClass(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reusesAReleasedBlockOfTheSameClassOnly() {
        FakeMemory raw = new FakeMemory(1 << 30);
        CachingAllocator a = allocator(raw, Long.MAX_VALUE, () -> {});
        CachingAllocator.Block b1 = a.allocate(1000);
        assertThat(b1.bytes()).isEqualTo(1024);
        a.release(b1);
        CachingAllocator.Block other = a.allocate(3000); // another class: a new device block
        assertThat(other.address()).isNotEqualTo(b1.address());
        CachingAllocator.Block again = a.allocate(700);  // same class as 1000: the cached block
        assertThat(again.address()).isEqualTo(b1.address());
        CachingAllocator.Stats s = a.stats();
        assertThat(s.rawAllocations()).isEqualTo(2);
        assertThat(s.reuses()).isEqualTo(1);
        assertThat(s.liveBytes()).isEqualTo(1024 + 3072);
        assertThat(s.cachedBytes()).isZero();
        assertThat(raw.freed).isEmpty();
    }

    @Test
    void emptyCacheFreesOnlyCachedBlocks() {
        FakeMemory raw = new FakeMemory(1 << 30);
        CachingAllocator a = allocator(raw, Long.MAX_VALUE, () -> {});
        CachingAllocator.Block keep = a.allocate(4 << 20);
        CachingAllocator.Block drop = a.allocate(4 << 20);
        a.release(drop);
        assertThat(a.stats().cachedBytes()).isEqualTo(4 << 20);
        a.emptyCache();
        assertThat(raw.freed).containsExactly(drop.address());
        assertThat(raw.live).containsOnlyKeys(keep.address());
        assertThat(a.stats().reservedBytes()).isEqualTo(4 << 20);
    }

    @Test
    void closeFreesLiveAndCachedBlocksAndIgnoresLateReleases() {
        FakeMemory raw = new FakeMemory(1 << 30);
        CachingAllocator a = allocator(raw, Long.MAX_VALUE, () -> {});
        CachingAllocator.Block live = a.allocate(100);
        a.release(a.allocate(5000));
        a.close();
        assertThat(raw.live).isEmpty();
        assertThat(a.isClosed()).isTrue();
        a.release(live); // the cleaner of a storage that outlived its backend: nothing to do
        assertThat(raw.freed).hasSize(2);
        assertThatThrownBy(() -> a.allocate(10)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aReleaseOfAnUnknownBlockIsAnError() {
        CachingAllocator a = allocator(new FakeMemory(1 << 20), Long.MAX_VALUE, () -> {});
        CachingAllocator.Block b = a.allocate(10);
        a.release(b);
        assertThatThrownBy(() -> a.release(b)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not live");
    }

    @Test
    void outOfMemoryFirstFreesTheCacheThenReclaimsThenFails() {
        FakeMemory raw = new FakeMemory(5 << 20);
        List<CachingAllocator.Block> unreachable = new ArrayList<>();
        CachingAllocator[] self = new CachingAllocator[1];
        // The reclaim hook stands in for the garbage collector: it releases blocks nobody holds.
        CachingAllocator a = allocator(raw, Long.MAX_VALUE, () -> {
            for (CachingAllocator.Block b : unreachable) self[0].release(b);
            unreachable.clear();
        });
        self[0] = a;
        CachingAllocator.Block cached = a.allocate(2 << 20);
        a.release(cached);                       // 2 MiB cached in the 2 MiB class
        unreachable.add(a.allocate(1 << 20));    // 1 MiB live but unreachable
        CachingAllocator.Block held = a.allocate(512 << 10);
        // 4 MiB class (3 MiB rounded up): needs the cached 2 MiB freed and the unreachable 1 MiB reclaimed and freed.
        CachingAllocator.Block big = a.allocate(3 << 20);
        assertThat(big.bytes()).isEqualTo(4L << 20);
        assertThat(raw.freed).contains(cached.address());
        assertThatThrownBy(() -> a.allocate(1 << 20)).isInstanceOf(DeviceOutOfMemoryException.class)
                .hasMessageContaining("out of device memory allocating 1048576 bytes").hasMessageContaining("live");
        assertThat(held.bytes()).isEqualTo(512 << 10);
    }

    @Test
    void theLimitTriggersReclaimBeforeTheDeviceRunsOut() {
        FakeMemory raw = new FakeMemory(1 << 30);
        int[] reclaims = {0};
        CachingAllocator a = allocator(raw, 4 << 20, () -> reclaims[0]++);
        a.allocate(2 << 20);
        a.allocate(2 << 20);
        CachingAllocator.Block over = a.allocate(2 << 20); // over the limit: reclaim asked, then allowed past it
        assertThat(reclaims[0]).isEqualTo(1);
        assertThat(over.bytes()).isEqualTo(2 << 20);
        assertThat(a.stats().peakLiveBytes()).isEqualTo(6 << 20);
    }
}
