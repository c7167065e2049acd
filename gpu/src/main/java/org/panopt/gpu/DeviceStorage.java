package org.panopt.gpu;

import java.lang.ref.Cleaner;
import org.panopt.backend.Storage;
import org.panopt.tensor.DType;
import org.panopt.tensor.Device;

/**
 * Tensor storage in device memory: a block of a {@link CachingAllocator}. The block goes back to the
 * allocator when {@link #close} is called — deterministically, for a caller that knows no tensor uses
 * the storage any more — or, as a safety net, when the storage becomes unreachable (a {@link Cleaner}).
 * Using a closed storage is an error that says so rather than reading freed memory.
 */
public final class DeviceStorage implements Storage, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final DType dtype;
    private final int size;
    private final Device device;
    private final CachingAllocator allocator;
    private final CachingAllocator.Block block;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    DeviceStorage(DType dtype, int size, Device device, CachingAllocator allocator) {
        this.dtype = dtype;
        this.size = size;
        this.device = device;
        this.allocator = allocator;
        this.block = size == 0 ? null : allocator.allocate((long) size * dtype.bytes());
        this.cleanable = block == null ? null : CLEANER.register(this, new Release(allocator, block));
    }

    // Holds no reference to the storage, or the storage would never become unreachable.
    private record Release(CachingAllocator allocator, CachingAllocator.Block block) implements Runnable {
        @Override
        public void run() {
            allocator.release(block);
        }
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Device device() {
        return device;
    }

    /** The device address of element {@code index}. */
    public long address(int index) {
        if (closed) throw new IllegalStateException("device storage of " + size + " " + dtype + " elements on " + device + " was closed");
        if (allocator.isClosed()) throw new IllegalStateException("the " + device + " backend was closed; its tensors are gone");
        return block == null ? 0 : block.address() + (long) index * dtype.bytes();
    }

    /** Returns the memory to the allocator now; every tensor viewing this storage becomes unusable. */
    @Override
    public void close() {
        closed = true;
        if (cleanable != null) cleanable.clean();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "DeviceStorage[" + size + " x " + dtype + " on " + device + (closed ? ", closed" : "") + "]";
    }
}
