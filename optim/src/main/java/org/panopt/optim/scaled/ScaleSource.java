package org.panopt.optim.scaled;

import java.util.List;

/** Where the per-block scalars come from at each step (the paper's formulas, a variant, or fixed values in tests). */
@FunctionalInterface
public interface ScaleSource {

    /** The scalars of every block (input side first), from the blocks' current weights. */
    List<BlockScalars> scalars(List<Block> blocks);
}
