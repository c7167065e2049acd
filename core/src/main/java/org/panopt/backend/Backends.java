package org.panopt.backend;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.panopt.tensor.Device;

/** The registry of backends: one instance per device, opened on first use. */
public final class Backends {
    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();
    private static final List<BackendProvider> PROVIDERS = ServiceLoader.load(BackendProvider.class)
            .stream().map(ServiceLoader.Provider::get).toList();

    private Backends() {}

    /** The backend for {@code device}, or an exception naming the device types that are available. */
    public static Backend of(Device device) {
        if (device.equals(Device.CPU)) return KernelTiming.isEnabled() ? TimedBackend.CPU : CpuBackend.INSTANCE;
        return OPEN.computeIfAbsent(device, d -> {
            for (BackendProvider p : PROVIDERS) {
                if (p.type().equals(d.type())) return p.open(d);
            }
            throw new IllegalStateException("no backend for device '" + d + "'; available types: cpu"
                    + PROVIDERS.stream().map(p -> ", " + p.type()).collect(Collectors.joining()));
        });
    }

    /** The device types that providers on the class path serve (always including {@code cpu}). */
    public static List<String> types() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of("cpu"),
                PROVIDERS.stream().map(BackendProvider::type).filter(t -> !t.equals("cpu"))).toList();
    }
}
