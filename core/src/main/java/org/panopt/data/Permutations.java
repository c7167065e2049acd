package org.panopt.data;

import java.util.SplittableRandom;

/** Uniformly random permutations (Fisher–Yates), drawn from a caller's generator. */
final class Permutations {
    private Permutations() {}

    /** A uniformly random permutation of 0…n−1. */
    static int[] random(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
