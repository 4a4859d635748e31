package io.modelmonitor.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@code src/kube/build.sh} left the control plane it built from source: {@code $MM_KUBE_BIN} if set, else
 * {@code ${MM_KUBE_CACHE:-~/.cache/model-monitor/kube}/<the k8s.io/kubernetes release in src/kube/go.mod>}.
 */
public final class KubeBinaries {

    private static final Path GO_MOD = Path.of("src", "kube", "go.mod");

    private KubeBinaries() {
    }

    /** The Kubernetes release the binaries are built from, as pinned in src/kube/go.mod (e.g. v1.36.3). */
    public static String version() {
        try {
            Matcher m = Pattern.compile("(?m)^\\s*(?:require\\s+)?k8s\\.io/kubernetes\\s+(v\\d+\\.\\d+\\.\\d+)\\b")
                    .matcher(Files.readString(GO_MOD));
            if (!m.find()) {
                throw new IllegalStateException("no k8s.io/kubernetes release in " + GO_MOD);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + GO_MOD + ": " + e.getMessage(), e);
        }
    }

    public static Path dir() {
        String explicit = System.getenv("MM_KUBE_BIN");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String cache = System.getenv("MM_KUBE_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "model-monitor", "kube");
        return root.resolve(version());
    }

    /** One of etcd, kube-apiserver, kube-controller-manager, kubectl; fails with what to run when it is missing. */
    public static Path binary(String name) {
        Path binary = dir().resolve(name);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: build the control plane with src/kube/build.sh "
                    + "(.ci/run and mvn verify do it; cold about 8 minutes, then cached)");
        }
        return binary;
    }

    public static Path kubectl() {
        return binary("kubectl");
    }
}
