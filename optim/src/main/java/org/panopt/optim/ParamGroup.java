package org.panopt.optim;

import java.util.ArrayList;
import java.util.List;
import org.panopt.nn.Module;
import org.panopt.nn.Parameter;
import org.panopt.tensor.Tensor;

/**
 * Parameters that share hyper-parameters (torch.optim's {@code param_group}): the tensors, their names (for
 * messages and state keys) and the hyper-parameters that differ from the rule's defaults.
 *
 * @param params    the parameter tensors (leaves)
 * @param names     one name per parameter
 * @param overrides hyper-parameters for this group, overriding {@link UpdateRule#defaults()}
 */
public record ParamGroup(List<Tensor> params, List<String> names, HyperParams overrides) {
    public ParamGroup {
        params = List.copyOf(params);
        names = List.copyOf(names);
        if (params.size() != names.size()) throw new IllegalArgumentException("ParamGroup: " + params.size() + " parameters but " + names.size() + " names");
        if (params.isEmpty()) throw new IllegalArgumentException("ParamGroup: a group needs at least one parameter");
    }

    /** A group of unnamed parameters ({@code "p0"}, {@code "p1"}, …) with the rule's defaults. */
    public static ParamGroup of(List<Tensor> params) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) names.add("p" + i);
        return new ParamGroup(params, names, HyperParams.empty());
    }

    /** A group of a module's parameters, by their dotted names. */
    public static ParamGroup of(Module module) {
        return ofNamed(module.namedParameters(), HyperParams.empty());
    }

    /** A group of named parameters. */
    public static ParamGroup ofNamed(List<Parameter> named, HyperParams overrides) {
        return new ParamGroup(named.stream().map(Parameter::value).toList(), named.stream().map(Parameter::name).toList(), overrides);
    }

    /** This group with one hyper-parameter overridden. */
    public ParamGroup with(String name, double value) {
        return new ParamGroup(params, names, overrides.with(name, value));
    }

    public ParamGroup with(String name, boolean value) {
        return new ParamGroup(params, names, overrides.with(name, value));
    }
}
