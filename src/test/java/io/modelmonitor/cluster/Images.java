package io.modelmonitor.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The images the test node can "pull": this project's one image, whose entrypoint runs the packaged application
 * ({@code src/main/docker/Dockerfile.jvm}); every other image fails to pull, as an unknown image does on a real
 * node. A container's memory limit is what the JVM sees as the machine's memory, as under a cgroup.
 */
final class Images {

    static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    /** The image's ENV JAVA_OPTS and USER, as Dockerfile.jvm sets them. */
    static final String IMAGE_JAVA_OPTS = "-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp";
    static final long IMAGE_USER = 185;

    /** What a container of a known image runs: its argv and the environment the image adds. */
    record Entrypoint(List<String> argv, Map<String, String> env) {
    }

    private Images() {
    }

    static boolean isProjectImage(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            name = name.substring(0, colon);
        }
        return name.equals("model-monitor") || name.endsWith("/model-monitor");
    }

    /** The entrypoint for the container, or empty when the image is not one this node has. */
    static Optional<Entrypoint> entrypoint(Container container, Map<String, String> containerEnv) {
        if (!isProjectImage(container.getImage()) || (container.getCommand() != null && !container.getCommand().isEmpty())) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(APP)) {
            throw new IllegalStateException(APP + " is missing: the cluster tests run the packaged application (mvn verify)");
        }
        List<String> argv = new ArrayList<>();
        argv.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        memoryLimit(container).ifPresent(bytes -> argv.add("-XX:MaxRAM=" + bytes));
        String javaOpts = containerEnv.getOrDefault("JAVA_OPTS", IMAGE_JAVA_OPTS);
        for (String opt : javaOpts.trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                argv.add(opt);
            }
        }
        argv.add("-jar");
        argv.add(APP.toString());
        if (container.getArgs() != null) {
            argv.addAll(container.getArgs());
        }
        return Optional.of(new Entrypoint(argv, Map.of("JAVA_OPTS", IMAGE_JAVA_OPTS)));
    }

    private static Optional<Long> memoryLimit(Container container) {
        if (container.getResources() == null || container.getResources().getLimits() == null) {
            return Optional.empty();
        }
        Quantity limit = container.getResources().getLimits().get("memory");
        return limit == null ? Optional.empty() : Optional.of(Quantity.getAmountInBytes(limit).longValue());
    }
}
