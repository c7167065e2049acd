package org.panopt.hessian;

import java.util.List;

/**
 * diag(A₁, A₂, …, A_k) on the concatenation of the blocks' vectors: the curvature of a network with
 * cross-block terms dropped (K-FAC's block-diagonal view; the weight Hessian of a fully connected block,
 * one block per row of W).
 */
final class BlockDiagonalOperator implements LinearOperator {
    private final List<LinearOperator> blocks;
    private final int[] offsets;

    BlockDiagonalOperator(List<? extends LinearOperator> blocks) {
        if (blocks.isEmpty()) throw new IllegalArgumentException("a block-diagonal operator needs at least one block");
        this.blocks = List.copyOf(blocks);
        this.offsets = new int[blocks.size() + 1];
        for (int b = 0; b < blocks.size(); b++) offsets[b + 1] = Math.addExact(offsets[b], blocks.get(b).dim());
    }

    @Override
    public int dim() {
        return offsets[blocks.size()];
    }

    @Override
    public void apply(double[] v, double[] out) {
        checkLength("block-diagonal apply", v);
        for (int b = 0; b < blocks.size(); b++) {
            int n = blocks.get(b).dim();
            double[] part = new double[n];
            double[] res = new double[n];
            System.arraycopy(v, offsets[b], part, 0, n);
            blocks.get(b).apply(part, res);
            System.arraycopy(res, 0, out, offsets[b], n);
        }
    }

    @Override
    public boolean isSymmetric() {
        return blocks.stream().allMatch(LinearOperator::isSymmetric);
    }
}
