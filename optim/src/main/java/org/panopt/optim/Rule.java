package org.panopt.optim;

import java.util.function.Function;

/**
 * An {@link UpdateRule} from a name, defaults and a function that builds the transformation for one group's
 * hyper-parameters. The defaults are checked on construction by building once.
 *
 * <pre>{@code
 * UpdateRule adam = Adam.rule().with("lr", 3e-4, "amsgrad", true);
 * }</pre>
 */
public record Rule(String name, HyperParams defaults, Function<HyperParams, GradientTransformation<?>> builder) implements UpdateRule {
    public Rule {
        builder.apply(defaults);
    }

    /** This rule with some defaults changed (names must exist; values are checked). */
    public Rule with(Object... namesAndValues) {
        return new Rule(name, defaults.merge(HyperParams.of(namesAndValues), name), builder);
    }

    @Override
    public GradientTransformation<?> transformation(HyperParams hyper) {
        return builder.apply(hyper);
    }
}
