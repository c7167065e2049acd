package org.panopt.experiments.run;

/**
 * One claim of a paper set beside what our run found: {@code paper} quotes or paraphrases the claim,
 * {@code ours} states the measured figure, and {@code verdict} says in one word whether they agree.
 */
public record Claim(String paper, String ours, Verdict verdict) {
    public enum Verdict {
        AGREES("agrees"), DISAGREES("disagrees"), INCONCLUSIVE("inconclusive");

        private final String word;

        Verdict(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Verdict of(boolean agrees) {
            return agrees ? AGREES : DISAGREES;
        }
    }

    public Claim {
        if (paper == null || paper.isBlank() || ours == null || ours.isBlank() || verdict == null) {
            throw new IllegalArgumentException("a claim needs the paper's statement, our result and a verdict");
        }
    }

    /** The one-line verdict the report prints. */
    public String line() {
        return "**Our run " + (verdict == Verdict.INCONCLUSIVE ? "is " : "") + verdict.word() + "**: " + ours;
    }
}
