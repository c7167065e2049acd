package org.panopt.bench;

import dev.ludovic.netlib.blas.BLAS;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.panopt.kernels.Gemm;

/**
 * One library's GEMM, adapted to panopt's row-major convention: computes C = op(A)·op(B) (α = 1,
 * β = 0) into {@code p.c*} from the densely stored operands {@code p.a*}, {@code p.b*}.
 */
interface GemmLibrary {
    String name();

    void run(GemmShape s, Operands p);

    /** Densely stored operands of one shape (leading dimension = stored row length), one dtype. */
    final class Operands {
        final boolean single;
        final float[] af, bf, cf;
        final double[] ad, bd, cd;

        Operands(boolean single, float[] a, float[] b, int cLength) {
            this.single = single;
            if (single) {
                af = a;
                bf = b;
                cf = new float[cLength];
                ad = bd = cd = null;
            } else {
                ad = toDouble(a);
                bd = toDouble(b);
                cd = new double[cLength];
                af = bf = cf = null;
            }
        }

        /** C as doubles, for comparing libraries. */
        double[] c() {
            return single ? toDouble(cf) : cd.clone();
        }

        void clearC() {
            if (single) java.util.Arrays.fill(cf, Float.NaN);
            else java.util.Arrays.fill(cd, Double.NaN);
        }

        private static double[] toDouble(float[] x) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) y[i] = x[i];
            return y;
        }
    }

    static int lda(GemmShape s) {
        return s.transA() ? s.m() : s.k();
    }

    static int ldb(GemmShape s) {
        return s.transB() ? s.k() : s.n();
    }

    /** panopt's {@link Gemm}. */
    record Panopt() implements GemmLibrary {
        public String name() {
            return "panopt";
        }

        public void run(GemmShape s, Operands p) {
            if (p.single) {
                Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, p.af, 0, lda(s), p.bf, 0, ldb(s),
                        0f, p.cf, 0, s.n());
            } else {
                Gemm.dgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1.0, p.ad, 0, lda(s), p.bd, 0, ldb(s),
                        0.0, p.cd, 0, s.n());
            }
        }
    }

    /**
     * A column-major netlib-java BLAS. Row-major storage of an r×c matrix (leading dimension ld) is
     * column-major storage of its c×r transpose, so row-major C = op(A)·op(B) is computed as the
     * column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: B passed first, A second, m and n swapped, and each
     * operand keeps its letter. B stored k×n row-major already is op(B)ᵀ column-major ("N"); B
     * stored n×k ({@code transB}) is op(B) column-major, which BLAS must transpose ("T").
     */
    record Netlib(String name, BLAS blas) implements GemmLibrary {
        public void run(GemmShape s, Operands p) {
            String ta = s.transB() ? "T" : "N", tb = s.transA() ? "T" : "N";
            if (p.single) {
                blas.sgemm(ta, tb, s.n(), s.m(), s.k(), 1f, p.bf, 0, ldb(s), p.af, 0, lda(s), 0f, p.cf, 0, s.n());
            } else {
                blas.dgemm(ta, tb, s.n(), s.m(), s.k(), 1.0, p.bd, 0, ldb(s), p.ad, 0, lda(s), 0.0, p.cd, 0, s.n());
            }
        }
    }

    /** EJML's row-major dense ops; the concurrent {@code CommonOps_MT_*} variants when {@code concurrent}. */
    record Ejml(boolean concurrent) implements GemmLibrary {
        public String name() {
            return concurrent ? "EJML-MT" : "EJML";
        }

        public void run(GemmShape s, Operands p) {
            int ar = s.transA() ? s.k() : s.m(), ac = s.transA() ? s.m() : s.k();
            int br = s.transB() ? s.n() : s.k(), bc = s.transB() ? s.k() : s.n();
            if (p.single) {
                FMatrixRMaj a = FMatrixRMaj.wrap(ar, ac, p.af), b = FMatrixRMaj.wrap(br, bc, p.bf);
                FMatrixRMaj c = FMatrixRMaj.wrap(s.m(), s.n(), p.cf);
                switch (s.ops()) {
                    case "NN" -> { if (concurrent) CommonOps_MT_FDRM.mult(a, b, c); else CommonOps_FDRM.mult(a, b, c); }
                    case "NT" -> { if (concurrent) CommonOps_MT_FDRM.multTransB(a, b, c); else CommonOps_FDRM.multTransB(a, b, c); }
                    case "TN" -> { if (concurrent) CommonOps_MT_FDRM.multTransA(a, b, c); else CommonOps_FDRM.multTransA(a, b, c); }
                    default -> { if (concurrent) CommonOps_MT_FDRM.multTransAB(a, b, c); else CommonOps_FDRM.multTransAB(a, b, c); }
                }
            } else {
                DMatrixRMaj a = DMatrixRMaj.wrap(ar, ac, p.ad), b = DMatrixRMaj.wrap(br, bc, p.bd);
                DMatrixRMaj c = DMatrixRMaj.wrap(s.m(), s.n(), p.cd);
                switch (s.ops()) {
                    case "NN" -> { if (concurrent) CommonOps_MT_DDRM.mult(a, b, c); else CommonOps_DDRM.mult(a, b, c); }
                    case "NT" -> { if (concurrent) CommonOps_MT_DDRM.multTransB(a, b, c); else CommonOps_DDRM.multTransB(a, b, c); }
                    case "TN" -> { if (concurrent) CommonOps_MT_DDRM.multTransA(a, b, c); else CommonOps_DDRM.multTransA(a, b, c); }
                    default -> { if (concurrent) CommonOps_MT_DDRM.multTransAB(a, b, c); else CommonOps_DDRM.multTransAB(a, b, c); }
                }
            }
        }
    }
}
