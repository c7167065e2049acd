package org.panopt.tensor;

/**
 * Where a tensor's storage lives: a backend name ({@code "cpu"}, {@code "cuda"}, …) and an index.
 * An op on tensors of two devices is an error; {@link Tensor#to(Device)} copies between them.
 */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        if (type == null || type.isBlank()) throw new IllegalArgumentException("device type is empty");
        if (index < 0) throw new IllegalArgumentException("device index " + index + " is negative");
    }

    /** Parses {@code "cpu"}, {@code "cuda"}, {@code "cuda:1"}. */
    public static Device parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) return new Device(spec, 0);
        try {
            return new Device(spec.substring(0, colon), Integer.parseInt(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device '" + spec + "': index after ':' is not a number", e);
        }
    }

    @Override
    public String toString() {
        return index == 0 && type.equals("cpu") ? "cpu" : type + ":" + index;
    }
}
