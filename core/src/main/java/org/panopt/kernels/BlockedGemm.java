package org.panopt.kernels;

/**
 * The dtype-independent half of GEMM: cache blocking and the split over threads, in the
 * Goto/BLIS loop order. A subclass (one per dtype) packs panels and runs the register-blocked
 * micro-kernel; this class only decides which blocks to pack and compute, in what order, on which
 * thread.
 *
 * <p>For C[m×n] ← α·op(A)·op(B) + β·C the loops are
 * <pre>
 *   for jc in n step NC            B block: KC×NC, lives in L3
 *     for pc in k step KC          rank-KC update; β applies only at pc = 0, later blocks add
 *       pack op(B)[pc:pc+KC, jc:jc+NC] into NR-wide panels
 *       for ic in m step MC        A block: MC×KC, lives in L2
 *         pack op(A)[ic:ic+MC, pc:pc+KC] into MR-tall panels
 *         macro-kernel: every MR×NR tile of C[ic:ic+MC, jc:jc+NC]
 * </pre>
 * Transposes are resolved while packing, so one micro-kernel serves all four cases.
 *
 * <p>Threads get disjoint slabs of C (rows when m has more tiles than n, else columns), each
 * computed with that thread's own packing buffers: no synchronisation beyond the final join, and
 * no two threads write the same cache line of C except at slab borders.
 *
 * @param <W> the per-thread packing workspace of the dtype
 */
abstract class BlockedGemm<W> {
    /** Below this many multiply-adds per thread a split costs more than it saves. */
    static final long MIN_FMAS_PER_THREAD = 1L << 21;

    final int m, n, k;
    private final int mr, nr, kc, mc, nc;

    BlockedGemm(int m, int n, int k, int mr, int nr, int kc, int mc, int nc) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.mr = mr;
        this.nr = nr;
        this.kc = kc;
        this.mc = mc;
        this.nc = nc;
    }

    /** This thread's packing buffers, large enough for KC×MC of A and KC×NC of B. */
    abstract W workspace();

    /** Packs op(B)[pc:pc+kcb, jc:jc+ncb] into ⌈ncb/NR⌉ panels of kcb×NR, zero-padded on the right. */
    abstract void packB(W ws, int pc, int kcb, int jc, int ncb);

    /** Packs op(A)[ic:ic+mcb, pc:pc+kcb] into ⌈mcb/MR⌉ panels of kcb×MR, zero-padded below. */
    abstract void packA(W ws, int ic, int mcb, int pc, int kcb);

    /**
     * C[ic:ic+mcb, jc:jc+ncb] ← α·(packed A)(packed B) + β'·C, tile by tile, with
     * β' = β for the first k-block ({@code first}) and 1 afterwards.
     */
    abstract void macroKernel(W ws, int ic, int mcb, int jc, int ncb, int kcb, boolean first);

    /** Runs the whole product on at most {@code maxThreads} threads of {@link Parallel}. */
    final void run(int maxThreads) {
        long fmas = (long) m * n * k;
        int mTiles = (m + mr - 1) / mr, nTiles = (n + nr - 1) / nr;
        int wanted = (int) Math.max(1, Math.min(maxThreads, fmas / MIN_FMAS_PER_THREAD));
        // Splitting rows makes every thread pack all of B (k×n); splitting columns, all of A (m×k).
        // Duplicate the smaller one, as long as the split dimension has a tile for every thread.
        boolean splitRows = m >= n ? mTiles >= wanted || mTiles >= nTiles : nTiles < wanted && mTiles > nTiles;
        int tiles = splitRows ? mTiles : nTiles;
        int parts = Math.min(wanted, tiles);
        if (parts == 1) {
            compute(0, m, 0, n);
            return;
        }
        Parallel.forEach(parts, t -> {
            // Slab borders on tile boundaries, so no thread computes a padded tile in the middle.
            int lo = (int) ((long) tiles * t / parts), hi = (int) ((long) tiles * (t + 1) / parts);
            if (splitRows) compute(lo * mr, Math.min(m, hi * mr), 0, n);
            else compute(0, m, lo * nr, Math.min(n, hi * nr));
        });
    }

    /** C[m0:m1, n0:n1] on the calling thread. */
    final void compute(int m0, int m1, int n0, int n1) {
        if (m0 >= m1 || n0 >= n1) return;
        W ws = workspace();
        for (int jc = n0; jc < n1; jc += nc) {
            int ncb = Math.min(nc, n1 - jc);
            // Equal k-blocks (784 → 392 + 392, not 512 + 272): the short block would pay the same
            // per-tile overhead for half the arithmetic.
            int kBlock = (k + (k + kc - 1) / kc - 1) / ((k + kc - 1) / kc);
            for (int pc = 0; pc < k; pc += kBlock) {
                int kcb = Math.min(kBlock, k - pc);
                packB(ws, pc, kcb, jc, ncb);
                for (int ic = m0; ic < m1; ic += mc) {
                    int mcb = Math.min(mc, m1 - ic);
                    packA(ws, ic, mcb, pc, kcb);
                    macroKernel(ws, ic, mcb, jc, ncb, kcb, pc == 0);
                }
            }
        }
    }
}
