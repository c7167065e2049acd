package org.panopt.optim;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.panopt.autograd.Autograd;
import org.panopt.tensor.Tensor;

/**
 * Generic walks over {@link OptState} records (the conventions are on {@link OptState}): flatten a state into
 * named tensors and numbers, rebuild a state of the same layout from them, find the learning rate a state
 * carries. Keys are the record components' names joined by dots, list elements by their index:
 * {@code links.1.mu.3} is the first moment of parameter 3 in the second link of a chain.
 */
public final class StateTrees {
    private StateTrees() {}

    /** Adds copies of every tensor of {@code state} to {@code tensors} and every number to {@code numbers}, keys prefixed. */
    public static void flatten(OptState state, String prefix, Map<String, Tensor> tensors, Map<String, Double> numbers) {
        for (RecordComponent c : components(state)) {
            String key = prefix + c.getName();
            Object v = read(state, c);
            switch (v) {
                case null -> { }
                case Tensor t -> tensors.put(key, copy(t));
                case OptState s -> flatten(s, key + ".", tensors, numbers);
                case List<?> list -> {
                    for (int i = 0; i < list.size(); i++) {
                        switch (list.get(i)) {
                            case null -> { }
                            case Tensor t -> tensors.put(key + "." + i, copy(t));
                            case OptState s -> flatten(s, key + "." + i + ".", tensors, numbers);
                            default -> throw unsupported(state, c);
                        }
                    }
                }
                case Boolean b -> numbers.put(key, b ? 1.0 : 0.0);
                case Number n -> numbers.put(key, n.doubleValue());
                default -> throw unsupported(state, c);
            }
        }
    }

    /**
     * A state with {@code template}'s layout and the values saved under {@code prefix}. Every tensor must match
     * the template's shape (it takes the template's dtype); a key the template expects but the saved state
     * lacks is an error, except a tensor the template also lacks (not created yet). Keys read are added to {@code used}.
     */
    public static <S extends OptState> S restore(S template, String prefix, Map<String, Tensor> tensors, Map<String, Double> numbers, Set<String> used) {
        RecordComponent[] cs = components(template);
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int k = 0; k < cs.length; k++) {
            RecordComponent c = cs[k];
            types[k] = c.getType();
            String key = prefix + c.getName();
            Object v = read(template, c);
            Class<?> type = c.getType();
            if (type == Tensor.class) {
                args[k] = restoreTensor((Tensor) v, key, tensors, used);
            } else if (OptState.class.isAssignableFrom(type)) {
                args[k] = v == null ? null : restore((OptState) v, key + ".", tensors, numbers, used);
            } else if (type == List.class) {
                List<?> list = (List<?>) v;
                List<Object> out = new ArrayList<>(list.size());
                boolean ofTensors = elementType(c) == Tensor.class;
                for (int i = 0; i < list.size(); i++) {
                    Object e = list.get(i);
                    if (ofTensors) out.add(restoreTensor((Tensor) e, key + "." + i, tensors, used));
                    else if (e instanceof OptState s) out.add(restore(s, key + "." + i + ".", tensors, numbers, used));
                    else throw unsupported(template, c);
                }
                args[k] = ofTensors ? java.util.Collections.unmodifiableList(out) : List.copyOf(out);
            } else if (type.isPrimitive() || Number.class.isAssignableFrom(type) || type == Boolean.class) {
                Double d = numbers.get(key);
                if (d == null) {
                    if (v == null) { args[k] = null; continue; }
                    throw new IllegalArgumentException("state: missing number '" + key + "'");
                }
                used.add(key);
                args[k] = number(type, d, key);
            } else {
                throw unsupported(template, c);
            }
        }
        try {
            Constructor<?> ctor = template.getClass().getDeclaredConstructor(types);
            ctor.setAccessible(true);
            @SuppressWarnings("unchecked")
            S s = (S) ctor.newInstance(args);
            return s;
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("state '" + prefix + "': " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild state record " + template.getClass().getName() + ": " + e, e);
        }
    }

    /** The learning rate carried by the first {@link LearningRateState} in the tree, depth first. */
    public static OptionalDouble findLearningRate(OptState state) {
        if (state instanceof LearningRateState l) return OptionalDouble.of(l.learningRate());
        for (OptState child : children(state)) {
            OptionalDouble r = findLearningRate(child);
            if (r.isPresent()) return r;
        }
        return OptionalDouble.empty();
    }

    /** The tree with the first {@link LearningRateState}'s η replaced (unchanged when there is none). */
    public static OptState withLearningRate(OptState state, double lr) {
        if (state instanceof LearningRateState l) return l.withLearningRate(lr);
        if (findLearningRate(state).isEmpty()) return state;
        RecordComponent[] cs = components(state);
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        boolean done = false;
        for (int k = 0; k < cs.length; k++) {
            types[k] = cs[k].getType();
            Object v = read(state, cs[k]);
            if (!done && v instanceof OptState s && findLearningRate(s).isPresent()) {
                v = withLearningRate(s, lr);
                done = true;
            } else if (!done && v instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list);
                for (int i = 0; i < out.size() && !done; i++) {
                    if (out.get(i) instanceof OptState s && findLearningRate(s).isPresent()) {
                        out.set(i, withLearningRate(s, lr));
                        done = true;
                    }
                }
                v = java.util.Collections.unmodifiableList(out);
            }
            args[k] = v;
        }
        try {
            Constructor<?> ctor = state.getClass().getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return (OptState) ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild state record " + state.getClass().getName() + ": " + e, e);
        }
    }

    /** The {@code List<Tensor>} components of the tree (per-parameter state), by key, each list one tensor per parameter. */
    public static void perParameterLists(OptState state, String prefix, Map<String, List<Tensor>> out) {
        for (RecordComponent c : components(state)) {
            Object v = read(state, c);
            String key = prefix + c.getName();
            if (v instanceof OptState s) perParameterLists(s, key + ".", out);
            else if (v instanceof List<?> list) {
                if (c.getType() == List.class && elementType(c) == Tensor.class) {
                    @SuppressWarnings("unchecked")
                    List<Tensor> ts = (List<Tensor>) list;
                    out.put(key, ts);
                } else {
                    for (int i = 0; i < list.size(); i++) if (list.get(i) instanceof OptState s) perParameterLists(s, key + "." + i + ".", out);
                }
            }
        }
    }

    private static List<OptState> children(OptState state) {
        List<OptState> out = new ArrayList<>();
        for (RecordComponent c : components(state)) {
            Object v = read(state, c);
            if (v instanceof OptState s) out.add(s);
            else if (v instanceof List<?> list) for (Object e : list) if (e instanceof OptState s) out.add(s);
        }
        return out;
    }

    private static Tensor restoreTensor(Tensor like, String key, Map<String, Tensor> tensors, Set<String> used) {
        Tensor saved = tensors.get(key);
        if (saved == null) {
            if (like == null) return null;
            throw new IllegalArgumentException("state: missing tensor '" + key + "' (expected shape " + like.shape() + ")");
        }
        used.add(key);
        if (like != null && !like.shape().equals(saved.shape())) {
            throw new IllegalArgumentException("state: tensor '" + key + "' has shape " + saved.shape() + ", expected " + like.shape());
        }
        Tensor out = copy(saved);
        return like == null ? out : out.to(like.dtype());
    }

    private static Object number(Class<?> type, double d, String key) {
        if (type == double.class || type == Double.class) return d;
        if (type == boolean.class || type == Boolean.class) return d != 0;
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
            if (d != Math.rint(d)) throw new IllegalArgumentException("state: '" + key + "' = " + d + " should be an integer");
            return type == long.class || type == Long.class ? (Object) (long) d : (Object) (int) d;
        }
        throw new IllegalArgumentException("state: '" + key + "' has unsupported type " + type);
    }

    private static Tensor copy(Tensor t) {
        return Autograd.noGrad(() -> t.detach().copy());
    }

    private static RecordComponent[] components(OptState state) {
        RecordComponent[] cs = state.getClass().getRecordComponents();
        if (cs == null) throw new IllegalArgumentException("optimizer state " + state.getClass().getName() + " is not a record");
        return cs;
    }

    private static Object read(OptState state, RecordComponent c) {
        try {
            var m = c.getAccessor();
            m.setAccessible(true);
            return m.invoke(state);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + state.getClass().getName() + "." + c.getName() + ": " + e, e);
        }
    }

    private static Type elementType(RecordComponent c) {
        if (c.getGenericType() instanceof ParameterizedType p) {
            Type a = p.getActualTypeArguments()[0];
            if (a instanceof java.lang.reflect.WildcardType w) return w.getUpperBounds()[0];
            if (a instanceof ParameterizedType pa) return pa.getRawType();
            return a;
        }
        return Object.class;
    }

    private static IllegalArgumentException unsupported(OptState state, RecordComponent c) {
        return new IllegalArgumentException("optimizer state " + state.getClass().getSimpleName() + "." + c.getName() + " has type " + c.getGenericType()
                + "; states hold Tensor, List<Tensor>, numbers, booleans and nested OptStates only");
    }
}
