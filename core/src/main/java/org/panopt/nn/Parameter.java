package org.panopt.nn;

import org.panopt.tensor.Tensor;

/** A trainable tensor with its dotted name in the network and the module that owns it. */
public record Parameter(String name, Tensor value, Module owner) {}
