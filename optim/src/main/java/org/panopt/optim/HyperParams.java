package org.panopt.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One parameter group's hyper-parameters by name (torch.optim's {@code param_group} dict): numbers
 * ({@code double}) and switches ({@code boolean}). Immutable; {@code with} returns a changed copy.
 * Names follow PyTorch where it has one ({@code lr}, {@code momentum}, {@code weight_decay}, {@code betas}
 * become {@code beta1}/{@code beta2}, {@code eps}, {@code nesterov} …).
 */
public final class HyperParams {
    private final Map<String, Object> values;

    private HyperParams(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** No hyper-parameters. */
    public static HyperParams empty() {
        return new HyperParams(new LinkedHashMap<>());
    }

    /** From alternating names and values ({@code Double}/{@code Integer}/{@code Boolean}): {@code of("lr", 0.1, "nesterov", true)}. */
    public static HyperParams of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("HyperParams.of: names and values must alternate, got " + namesAndValues.length + " items");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String name)) throw new IllegalArgumentException("HyperParams.of: item " + i + " is not a name: " + namesAndValues[i]);
            m.put(name, normalize(name, namesAndValues[i + 1]));
        }
        return new HyperParams(m);
    }

    private static Object normalize(String name, Object v) {
        return switch (v) {
            case Boolean b -> b;
            case Number n -> n.doubleValue();
            case null, default -> throw new IllegalArgumentException("hyper-parameter '" + name + "' must be a number or a boolean, got " + v);
        };
    }

    public Set<String> names() {
        return values.keySet();
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The number named {@code name}. */
    public double get(String name) {
        Object v = values.get(name);
        if (v instanceof Double d) return d;
        if (v == null) throw new IllegalArgumentException("no hyper-parameter '" + name + "'; there are " + values.keySet());
        throw new IllegalArgumentException("hyper-parameter '" + name + "' is a switch (" + v + "), not a number");
    }

    /** The switch named {@code name}. */
    public boolean flag(String name) {
        Object v = values.get(name);
        if (v instanceof Boolean b) return b;
        if (v == null) throw new IllegalArgumentException("no hyper-parameter '" + name + "'; there are " + values.keySet());
        throw new IllegalArgumentException("hyper-parameter '" + name + "' is a number (" + v + "), not a switch");
    }

    /** The raw value ({@code Double} or {@code Boolean}), or null. */
    public Object value(String name) {
        return values.get(name);
    }

    public HyperParams with(String name, double value) {
        return withValue(name, value);
    }

    public HyperParams with(String name, boolean value) {
        return withValue(name, value);
    }

    /** A copy with {@code name} set to a {@code Double} or {@code Boolean} value. */
    public HyperParams withValue(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, normalize(name, value));
        return new HyperParams(m);
    }

    /**
     * These values overridden by {@code overrides}, whose names must all exist here and keep their kind
     * (a misspelt name is an error naming the known ones, as a wrong key in torch would silently not be).
     */
    public HyperParams merge(HyperParams overrides, String owner) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        overrides.values.forEach((k, v) -> {
            Object old = values.get(k);
            if (old == null) throw new IllegalArgumentException(owner + " has no hyper-parameter '" + k + "'; it has " + values.keySet());
            if (old.getClass() != v.getClass()) {
                throw new IllegalArgumentException(owner + ": hyper-parameter '" + k + "' is a " + (old instanceof Boolean ? "switch" : "number") + ", got " + v);
            }
            m.put(k, v);
        });
        return new HyperParams(m);
    }

    /** Name → value ({@code Double} or {@code Boolean}), unmodifiable, in insertion order. */
    public Map<String, Object> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HyperParams h && h.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
