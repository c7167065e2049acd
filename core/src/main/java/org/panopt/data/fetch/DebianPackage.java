package org.panopt.data.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A package of Debian's archive, fetched with {@code apt-get download} (no installation, no root, no
 * dependencies: the R packages would otherwise pull in R) and unpacked with {@code dpkg-deb -x}. When
 * the package is installed on this machine, its files are taken from there instead.
 */
public record DebianPackage(String name) implements PackageArchive {

    @Override
    public Path unpack(Path workDir, List<String> wanted) throws IOException {
        Path system = Path.of("/");
        if (wanted.stream().allMatch(p -> Files.isRegularFile(system.resolve(p)))) return system;
        Path download = Files.createDirectories(workDir.resolve("download"));
        try {
            ExternalCommand.run(download, List.of("apt-get", "download", name));
        } catch (DataUnavailableException e) {
            throw new DataUnavailableException(e.getMessage() + "\n(if apt-get cannot locate the package, its lists may be missing: run 'apt-get update')", e);
        }
        Path deb = ExternalCommand.single(download, ".deb", "Debian package");
        Path root = Files.createDirectories(workDir.resolve("root"));
        ExternalCommand.run(workDir, List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
        return root;
    }

    @Override
    public String describe() {
        return "Debian package " + name;
    }

    @Override
    public String manualSteps() {
        return "on a Debian or Ubuntu machine: apt-get download " + name + " && dpkg-deb -x " + name + "_*.deb " + name;
    }
}
