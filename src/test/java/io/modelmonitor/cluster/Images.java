package io.modelmonitor.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.modelmonitor.testsupport.Image;

/**
 * The images the test node can "pull": this project's one image, whose entrypoint runs the packaged application
 * ({@code src/main/docker/Dockerfile.jvm}); every other image fails to pull, as an unknown image does on a real
 * node. A container's memory limit is what the JVM sees as the machine's memory, as under a cgroup.
 */
final class Images {

    private static final Path BUILT = Path.of("target", "quarkus-app").toAbsolutePath();
    private static Path installed;
    /** The image's USER, as Dockerfile.jvm sets it. */
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
        List<String> argv = new ArrayList<>();
        argv.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        memoryLimit(container).ifPresent(bytes -> argv.add("-XX:MaxRAM=" + bytes));
        // The image's /deployments is the copy of the packaged application this node runs.
        argv.addAll(Image.javaOpts(containerEnv.getOrDefault("JAVA_OPTS", Image.JAVA_OPTS), app().getParent()));
        argv.add("-jar");
        argv.add(app().toString());
        if (container.getArgs() != null) {
            argv.addAll(container.getArgs());
        }
        return Optional.of(new Entrypoint(argv, Map.of("JAVA_OPTS", Image.JAVA_OPTS)));
    }

    /**
     * The image's {@code /deployments}: the packaged application, copied once where the image's user (185) can read
     * it, as from an image layer; the build's own target/ may lie under a home directory only root can enter.
     */
    static synchronized Path app() {
        if (installed != null) {
            return installed;
        }
        if (!Files.isRegularFile(BUILT.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(BUILT + " is missing: the cluster tests run the packaged application (mvn verify)");
        }
        try {
            Path image = Files.createTempDirectory("model-monitor-image");
            try (var files = Files.walk(BUILT)) {
                for (Path source : files.toList()) {
                    Path copy = image.resolve("quarkus-app").resolve(BUILT.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(source, copy);
                    }
                }
            }
            // As the image build's RUN step: the collector's class-data-sharing archive, made for this copy.
            cds(image.resolve("quarkus-app"));
            try (var files = Files.walk(image)) {
                for (Path p : files.toList()) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                            : "rw-r--r--"));
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    ControlPlane.deleteRecursively(image);
                } catch (IOException e) {
                    // a temporary directory: the system cleans it eventually
                }
            }, "image-cleanup"));
            installed = image.resolve("quarkus-app").resolve("quarkus-run.jar");
            return installed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void cds(Path app) throws IOException {
        Path log = Files.createTempFile("cds", ".log");
        Process p = new ProcessBuilder("bash", "src/native/cds.sh", app.toString(),
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("src/native/cds.sh failed for the test node's image: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the image's archive", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Optional<Long> memoryLimit(Container container) {
        if (container.getResources() == null || container.getResources().getLimits() == null) {
            return Optional.empty();
        }
        Quantity limit = container.getResources().getLimits().get("memory");
        return limit == null ? Optional.empty() : Optional.of(Quantity.getAmountInBytes(limit).longValue());
    }
}
