package io.modelmonitor.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the project's image adds to every role (src/main/docker/Dockerfile.jvm), read from the Dockerfile itself. */
public final class Image {

    private static final Path DOCKERFILE = Path.of("src", "main", "docker", "Dockerfile.jvm");
    /** Where the image holds the packaged application. */
    public static final String DEPLOYMENTS = "/deployments";
    /** The image's ENV JAVA_OPTS, as written: tests cannot drift from the image. */
    public static final String JAVA_OPTS = javaOpts();

    private Image() {
    }

    /** The image's JAVA_OPTS for a copy of the packaged application at {@code app} (what the image has at /deployments). */
    public static List<String> javaOpts(Path app) {
        return javaOpts(JAVA_OPTS, app);
    }

    /** Options written for the image (a container's own JAVA_OPTS, say), for the copy at {@code app}. */
    public static List<String> javaOpts(String options, Path app) {
        return Arrays.stream(options.replace(DEPLOYMENTS, app.toAbsolutePath().toString()).trim().split("\\s+"))
                .filter(o -> !o.isEmpty()).toList();
    }

    private static String javaOpts() {
        try {
            Matcher m = Pattern.compile("(?m)^ENV JAVA_OPTS=\"([^\"]*)\"").matcher(Files.readString(DOCKERFILE));
            if (!m.find()) {
                throw new IllegalStateException(DOCKERFILE + " sets no JAVA_OPTS");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
