package org.panopt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 packing and micro-kernel for {@link BlockedGemm}. Arguments are trusted: {@link Gemm}
 * validated them.
 *
 * <p>The micro-kernel keeps an MR×NR = 4×(3·L) tile of C in 12 vector accumulators (L = lanes of
 * {@code SPECIES_PREFERRED}, 16 with AVX-512) and, per step p of the k-block, loads three vectors
 * of the packed B panel and broadcasts four values of the packed A panel:
 * {@code acc[r][v] += a[p][r] · b[p][v·L : (v+1)·L]}, 12 FMAs for 3 loads and 4 broadcasts.
 */
final class SgemmBlocked extends BlockedGemm<SgemmBlocked.Workspace> {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 4;
    static final int NR = 3 * L;
    static final int KC = 512;
    static final int MC = 96;
    static final int NC = NR * Math.max(1, 4096 / NR);

    /** Packing buffers of one thread, reused across calls so the hot path allocates nothing. */
    static final class Workspace {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private final boolean transA, transB;
    private final float alpha, beta;
    private final float[] a, b, c;
    private final int aOff, lda, bOff, ldb, cOff, ldc;

    SgemmBlocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float beta, float[] c, int cOff, int ldc) {
        super(m, n, k, MR, NR, KC, MC, NC);
        this.transA = transA;
        this.transB = transB;
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
        this.aOff = aOff;
        this.lda = lda;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.c = c;
        this.cOff = cOff;
        this.ldc = ldc;
    }

    @Override
    Workspace workspace() {
        return WORKSPACE.get();
    }

    @Override
    void packB(Workspace ws, int pc, int kcb, int jc, int ncb) {
        float[] dst = ws.b;
        for (int j0 = 0; j0 < ncb; j0 += NR) {
            int w = Math.min(NR, ncb - j0);
            int d = j0 * kcb; // panel j0/NR starts at (j0/NR)·kcb·NR
            if (!transB) {
                // op(B)[p][j] = b[p·ldb + j]: each panel row is a contiguous run of B's row.
                int s = bOff + pc * ldb + jc + j0;
                for (int p = 0; p < kcb; p++, s += ldb, d += NR) {
                    System.arraycopy(b, s, dst, d, w);
                    if (w < NR) java.util.Arrays.fill(dst, d + w, d + NR, 0f);
                }
            } else {
                // op(B)[p][j] = b[j·ldb + p]: four rows of B at a time, so that each visit to a panel
                // row writes four adjacent elements instead of one.
                int j = 0;
                for (; j + 4 <= w; j += 4) {
                    int s0 = bOff + (jc + j0 + j) * ldb + pc, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
                    for (int p = 0, dd = d + j; p < kcb; p++, dd += NR) {
                        dst[dd] = b[s0 + p];
                        dst[dd + 1] = b[s1 + p];
                        dst[dd + 2] = b[s2 + p];
                        dst[dd + 3] = b[s3 + p];
                    }
                }
                for (; j < w; j++) {
                    int s = bOff + (jc + j0 + j) * ldb + pc;
                    for (int p = 0, dd = d + j; p < kcb; p++, dd += NR) dst[dd] = b[s + p];
                }
                for (j = w; j < NR; j++) {
                    for (int p = 0, dd = d + j; p < kcb; p++, dd += NR) dst[dd] = 0f;
                }
            }
        }
    }

    @Override
    void packA(Workspace ws, int ic, int mcb, int pc, int kcb) {
        float[] dst = ws.a;
        for (int i0 = 0; i0 < mcb; i0 += MR) {
            int h = Math.min(MR, mcb - i0);
            int d = i0 * kcb;
            if (!transA && h == MR) {
                // op(A)[i][p] = a[i·lda + p]: interleave the MR rows, writing each packed column whole.
                int s0 = aOff + (ic + i0) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
                for (int p = 0, dd = d; p < kcb; p++, dd += MR) {
                    dst[dd] = a[s0 + p];
                    dst[dd + 1] = a[s1 + p];
                    dst[dd + 2] = a[s2 + p];
                    dst[dd + 3] = a[s3 + p];
                }
            } else if (!transA) {
                for (int r = 0; r < h; r++) {
                    int s = aOff + (ic + i0 + r) * lda + pc;
                    for (int p = 0, dd = d + r; p < kcb; p++, dd += MR) dst[dd] = a[s + p];
                }
            } else {
                // op(A)[i][p] = a[p·lda + i]: MR consecutive elements of A's row p.
                int s = aOff + pc * lda + ic + i0;
                for (int p = 0, dd = d; p < kcb; p++, s += lda, dd += MR) {
                    for (int r = 0; r < h; r++) dst[dd + r] = a[s + r];
                }
            }
            if (h < MR) {
                for (int r = h; r < MR; r++) {
                    for (int p = 0, dd = d + r; p < kcb; p++, dd += MR) dst[dd] = 0f;
                }
            }
        }
    }

    @Override
    void macroKernel(Workspace ws, int ic, int mcb, int jc, int ncb, int kcb, boolean first) {
        float bet = first ? beta : 1f;
        for (int jr = 0; jr < ncb; jr += NR) {
            int cols = Math.min(NR, ncb - jr);
            for (int ir = 0; ir < mcb; ir += MR) {
                int rows = Math.min(MR, mcb - ir);
                micro(kcb, ws.a, ir * kcb, ws.b, jr * kcb, ws.tile);
                update(ws.tile, c, cOff + (ic + ir) * ldc + jc + jr, ldc, rows, cols, alpha, bet);
            }
        }
    }

    /** One MR×NR tile of the product of packed panels: tile ← Σ_p a[p]ᵀ b[p], row-major MR×NR. */
    private static void micro(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            c02 = b2.fma(a0, c02);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            c12 = b2.fma(a1, c12);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            c22 = b2.fma(a2, c22);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            c32 = b2.fma(a3, c32);
        }
        // Spill to a scratch tile rather than passing vectors to a helper: a helper that C2 declines
        // to inline would box all twelve.
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c02.intoArray(tile, 2 * L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c12.intoArray(tile, NR + 2 * L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c22.intoArray(tile, 2 * NR + 2 * L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c32.intoArray(tile, 3 * NR + 2 * L);
    }

    /** C[0:rows, 0:cols] ← α·tile + β·C, never reading C when β = 0; masked at the right edge. */
    private static void update(float[] tile, float[] c, int ci, int ldc, int rows, int cols, float alpha, float beta) {
        for (int r = 0; r < rows; r++, ci += ldc) {
            for (int j = 0; j < cols; j += L) {
                int t = r * NR + j;
                if (j + L <= cols) {
                    FloatVector v = FloatVector.fromArray(S, tile, t).mul(alpha);
                    if (beta != 0f) v = v.add(FloatVector.fromArray(S, c, ci + j).mul(beta));
                    v.intoArray(c, ci + j);
                } else {
                    VectorMask<Float> mask = S.indexInRange(j, cols);
                    FloatVector v = FloatVector.fromArray(S, tile, t).mul(alpha);
                    if (beta != 0f) v = v.add(FloatVector.fromArray(S, c, ci + j, mask).mul(beta));
                    v.intoArray(c, ci + j, mask);
                }
            }
        }
    }
}
