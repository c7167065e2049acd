package org.panopt.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.panopt.autograd.Autograd;
import org.panopt.nn.Module;
import org.panopt.tensor.Tensor;

/**
 * The torch.optim-like facade over an {@link UpdateRule}: parameter groups with their own hyper-parameters,
 * one {@link GradientTransformation} state per group (per-parameter tensors inside it), a learning rate
 * that can be read and set while training, and a {@link StateDict} that resumes a run exactly.
 *
 * <pre>{@code
 * Optimizer opt = Optimizer.of(Sgd.builder().lr(0.1).momentum(0.9).build(), model);
 * for (Batch b : batches) {
 *     double loss = opt.step(new ModuleObjective(model, lossFn, b.inputs(), b.targets()));
 * }
 * }</pre>
 *
 * <p>A step: (1) gradients — from {@link Objective#evaluate()} in {@link #step(Objective)}, or from each
 * parameter's {@code grad()} in {@link #step()}; (2) every gradient checked for NaN/∞ before anything
 * changes ({@link NonFinitePolicy}); (3) each group's transformation computes its updates and new state;
 * (4) only then are the updates added to the parameters, under {@code noGrad}. A failure in (1)–(3) leaves
 * parameters and state as they were.
 *
 * <p>Differences from torch.optim: a parameter without a gradient is an error (torch skips it silently);
 * state is created at construction (optax), not lazily — but a transformation may keep a tensor
 * {@code null} until its first step where PyTorch's first step differs (SGD's momentum buffer).
 */
public final class Optimizer {
    private final UpdateRule rule;
    private final List<Group> groups = new ArrayList<>();
    private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.THROW;
    private long steps;
    private long skipped;

    private static final class Group {
        final List<Tensor> params;
        final List<String> names;
        HyperParams hyper;
        GradientTransformation<?> transform;
        OptState state;

        Group(List<Tensor> params, List<String> names, HyperParams hyper, GradientTransformation<?> transform) {
            this.params = params;
            this.names = names;
            this.hyper = hyper;
            this.transform = transform;
            this.state = transform.init(params);
        }
    }

    private Optimizer(UpdateRule rule, List<ParamGroup> paramGroups) {
        this.rule = rule;
        if (paramGroups.isEmpty()) throw new IllegalArgumentException(rule.name() + ": no parameter groups");
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        HyperParams defaults = rule.defaults();
        for (int g = 0; g < paramGroups.size(); g++) {
            ParamGroup pg = paramGroups.get(g);
            for (int i = 0; i < pg.params().size(); i++) {
                Tensor p = pg.params().get(i);
                if (!seen.add(p)) throw new IllegalArgumentException(rule.name() + ": parameter '" + pg.names().get(i) + "' appears in more than one group");
                if (!p.isLeaf()) throw new IllegalArgumentException(rule.name() + ": parameter '" + pg.names().get(i) + "' " + p.shape() + " is not a leaf tensor");
            }
            HyperParams hyper = defaults.merge(pg.overrides(), rule.name() + " group " + g);
            groups.add(new Group(pg.params(), pg.names(), hyper, rule.transformation(hyper)));
        }
    }

    /** One group of {@code params} with the rule's defaults. */
    public static Optimizer of(UpdateRule rule, List<Tensor> params) {
        return new Optimizer(rule, List.of(ParamGroup.of(params)));
    }

    /** One group of the module's parameters (named as in the module) with the rule's defaults. */
    public static Optimizer of(UpdateRule rule, Module module) {
        return new Optimizer(rule, List.of(ParamGroup.of(module)));
    }

    /** Several groups, each overriding some of the rule's defaults. */
    public static Optimizer withGroups(UpdateRule rule, List<ParamGroup> groups) {
        return new Optimizer(rule, groups);
    }

    public UpdateRule rule() {
        return rule;
    }

    /** Sets what a NaN/∞ gradient does; returns this. */
    public Optimizer nonFinitePolicy(NonFinitePolicy policy) {
        this.nonFinitePolicy = policy;
        return this;
    }

    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    // ---------------------------------------------------------------- steps

    /**
     * Evaluates the objective at the current parameters (forward and backward), then takes one step; the
     * method may evaluate it again. Returns the loss before the step (NaN-free unless the loss itself is).
     */
    public double step(Objective objective) {
        Evaluation ev = objective.evaluate();
        Map<Tensor, Tensor> byParam = new IdentityHashMap<>();
        List<Tensor> ps = objective.parameters();
        if (ev.gradients().size() != ps.size()) {
            throw new IllegalStateException("objective returned " + ev.gradients().size() + " gradients for " + ps.size() + " parameters");
        }
        for (int i = 0; i < ps.size(); i++) byParam.put(ps.get(i), ev.gradients().get(i));
        List<List<Tensor>> grads = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Group gr = groups.get(g);
            List<Tensor> gs = new ArrayList<>(gr.params.size());
            for (int i = 0; i < gr.params.size(); i++) {
                Tensor grad = byParam.get(gr.params.get(i));
                if (grad == null) throw new IllegalArgumentException(rule.name() + ": parameter '" + gr.names.get(i) + "' (group " + g + ") is not among the objective's parameters");
                gs.add(grad);
            }
            grads.add(gs);
        }
        apply(grads, new StepContext(objective, ev));
        return ev.loss();
    }

    /** One step from the gradients already in each parameter's {@code grad()} (after {@code loss.backward()}). */
    public void step() {
        List<List<Tensor>> grads = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Group gr = groups.get(g);
            List<Tensor> gs = new ArrayList<>(gr.params.size());
            for (int i = 0; i < gr.params.size(); i++) {
                Tensor grad = gr.params.get(i).grad();
                if (grad == null) {
                    throw new IllegalStateException(rule.name() + ": parameter '" + gr.names.get(i) + "' (group " + g + ") has no gradient; call backward() first"
                            + " or leave the parameter out of the optimizer");
                }
                gs.add(grad.detach());
            }
            grads.add(gs);
        }
        apply(grads, StepContext.NONE);
    }

    private void apply(List<List<Tensor>> grads, StepContext context) {
        String bad = firstNonFinite(grads);
        if (bad != null) {
            if (nonFinitePolicy == NonFinitePolicy.SKIP) {
                skipped++;
                return;
            }
            throw new IllegalStateException(rule.name() + ": non-finite gradient in " + bad + "; no parameter was changed (NonFinitePolicy.SKIP skips such steps)");
        }
        List<List<Tensor>> updates = new ArrayList<>(groups.size());
        List<OptState> states = new ArrayList<>(groups.size());
        for (int g = 0; g < groups.size(); g++) {
            Group gr = groups.get(g);
            GradientTransformation.Update<OptState> u = Chain.apply(gr.transform, grads.get(g), gr.state, gr.params, context);
            if (u.updates().size() != gr.params.size()) {
                throw new IllegalStateException(rule.name() + ": transformation returned " + u.updates().size() + " updates for " + gr.params.size() + " parameters");
            }
            for (int i = 0; i < gr.params.size(); i++) {
                if (!u.updates().get(i).shape().equals(gr.params.get(i).shape())) {
                    throw new IllegalStateException(rule.name() + ": update for '" + gr.names.get(i) + "' has shape " + u.updates().get(i).shape()
                            + ", the parameter " + gr.params.get(i).shape());
                }
            }
            updates.add(u.updates());
            states.add(u.state());
        }
        Autograd.noGrad(() -> {
            for (int g = 0; g < groups.size(); g++) {
                Group gr = groups.get(g);
                for (int i = 0; i < gr.params.size(); i++) gr.params.get(i).addInPlace(updates.get(g).get(i), 1);
                gr.state = states.get(g);
            }
        });
        steps++;
    }

    private String firstNonFinite(List<List<Tensor>> grads) {
        for (int g = 0; g < grads.size(); g++) {
            for (int i = 0; i < grads.get(g).size(); i++) {
                Tensor t = grads.get(g).get(i);
                double m = Autograd.noGrad(() -> t.abs().max().item());
                if (!Double.isFinite(m)) return "parameter '" + groups.get(g).names.get(i) + "' (group " + g + "): max |g| = " + m;
            }
        }
        return null;
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Group g : groups) for (Tensor p : g.params) p.zeroGrad();
    }

    /** Steps taken (skipped ones not counted). */
    public long steps() {
        return steps;
    }

    /** Steps skipped under {@link NonFinitePolicy#SKIP}. */
    public long skippedSteps() {
        return skipped;
    }

    // ---------------------------------------------------------------- groups and hyper-parameters

    public int groupCount() {
        return groups.size();
    }

    public List<Tensor> params(int group) {
        return groups.get(checkGroup(group)).params;
    }

    public List<String> paramNames(int group) {
        return groups.get(checkGroup(group)).names;
    }

    /** The group's complete hyper-parameters (defaults merged with its overrides). */
    public HyperParams hyperParams(int group) {
        return groups.get(checkGroup(group)).hyper;
    }

    /** Sets one hyper-parameter of one group; checked by rebuilding the group's transformation (state kept). */
    public void setHyperParam(int group, String name, Object value) {
        Group g = groups.get(checkGroup(group));
        HyperParams next = g.hyper.merge(HyperParams.of(name, value), rule.name() + " group " + group);
        g.transform = rule.transformation(next);
        g.hyper = next;
    }

    /** The learning rate of group 0 (as {@code param_groups[0]['lr']}). */
    public double learningRate() {
        return learningRate(0);
    }

    /** The group's current η: the adapted value when its state carries one ({@link LearningRateState}), else its {@code lr}. */
    public double learningRate(int group) {
        Group g = groups.get(checkGroup(group));
        OptionalDouble own = StateTrees.findLearningRate(g.state);
        return own.isPresent() ? own.getAsDouble() : g.hyper.get("lr");
    }

    /** Sets η in every group. */
    public void setLearningRate(double lr) {
        for (int g = 0; g < groups.size(); g++) setLearningRate(g, lr);
    }

    /** Sets the group's η: its {@code lr} hyper-parameter, and the η its state carries if it carries one. */
    public void setLearningRate(int group, double lr) {
        Hyper.checkLearningRate(lr);
        Group g = groups.get(checkGroup(group));
        if (g.hyper.has("lr")) setHyperParam(group, "lr", lr);
        g.state = StateTrees.withLearningRate(g.state, lr);
    }

    private int checkGroup(int group) {
        if (group < 0 || group >= groups.size()) throw new IndexOutOfBoundsException(rule.name() + " has " + groups.size() + " groups, asked for group " + group);
        return group;
    }

    // ---------------------------------------------------------------- state

    /** The group's transformation state (immutable). */
    public OptState state(int group) {
        return groups.get(checkGroup(group)).state;
    }

    /**
     * The per-parameter state of {@code param} (torch's {@code optimizer.state[p]}): every per-parameter
     * tensor list of its group's state, at the parameter's position, by key ({@code links.1.mu}); tensors
     * not yet created are absent.
     */
    public Map<String, Tensor> parameterState(Tensor param) {
        for (Group g : groups) {
            for (int i = 0; i < g.params.size(); i++) {
                if (g.params.get(i) == param) {
                    Map<String, List<Tensor>> lists = new LinkedHashMap<>();
                    StateTrees.perParameterLists(g.state, "", lists);
                    Map<String, Tensor> out = new LinkedHashMap<>();
                    int idx = i;
                    lists.forEach((k, l) -> {
                        if (l.size() == g.params.size() && l.get(idx) != null) out.put(k, l.get(idx));
                    });
                    return out;
                }
            }
        }
        throw new IllegalArgumentException(rule.name() + ": tensor " + param.shape() + " is not one of this optimizer's parameters");
    }

    /** A copy of everything needed to resume: hyper-parameters, state, counters. */
    public StateDict stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Double> numbers = new LinkedHashMap<>();
        List<HyperParams> hypers = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            hypers.add(groups.get(g).hyper);
            StateTrees.flatten(groups.get(g).state, "group." + g + ".", tensors, numbers);
        }
        numbers.put("optimizer.steps", (double) steps);
        numbers.put("optimizer.skipped", (double) skipped);
        return new StateDict(rule.name(), hypers, tensors, numbers);
    }

    /**
     * Restores a {@link #stateDict()} taken from an optimizer with the same rule and the same group layout;
     * every key must be used and every shape must match, or nothing changes and the error names the key.
     */
    public void loadStateDict(StateDict dict) {
        if (!dict.rule().equals(rule.name())) throw new IllegalArgumentException("loadStateDict: state of " + dict.rule() + ", this optimizer is " + rule.name());
        if (dict.groups().size() != groups.size()) {
            throw new IllegalArgumentException("loadStateDict: " + dict.groups().size() + " groups saved, this optimizer has " + groups.size());
        }
        Set<String> used = new HashSet<>();
        List<OptState> states = new ArrayList<>();
        List<GradientTransformation<?>> transforms = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            HyperParams h = groups.get(g).hyper.merge(dict.groups().get(g), "loadStateDict group " + g);
            transforms.add(rule.transformation(h));
            states.add(StateTrees.restore(groups.get(g).transform.init(groups.get(g).params), "group." + g + ".", dict.tensors(), dict.numbers(), used));
        }
        Set<String> unused = new HashSet<>(dict.tensors().keySet());
        unused.addAll(dict.numbers().keySet());
        unused.removeAll(used);
        unused.remove("optimizer.steps");
        unused.remove("optimizer.skipped");
        if (!unused.isEmpty()) throw new IllegalArgumentException("loadStateDict: unexpected keys " + new java.util.TreeSet<>(unused));
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).hyper = groups.get(g).hyper.merge(dict.groups().get(g), "loadStateDict group " + g);
            groups.get(g).transform = transforms.get(g);
            groups.get(g).state = states.get(g);
        }
        steps = (long) dict.numbers().getOrDefault("optimizer.steps", 0.0).doubleValue();
        skipped = (long) dict.numbers().getOrDefault("optimizer.skipped", 0.0).doubleValue();
    }
}
