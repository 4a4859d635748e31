package io.modelmonitor.operator.validation;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a monitor's author may make the operator do with the operator's rights. Whoever may create a ModelMonitor in a
 * namespace gets no more than that namespace: the operator runs no image, sends no Secret and reroutes no Service on
 * their word alone.
 * <ul>
 * <li>{@code spec.collector.image}: the operator's own collector image, or one under
 * {@code modelmonitor.collector.allowed-images} (exact images, or prefixes ending in {@code /}); any other image would
 * run in the target's pods with the model's traffic.</li>
 * <li>{@code spec.metricsSource.prometheus}: a URL under {@code modelmonitor.metrics-source.allowed-urls} when that is
 * set; and {@code authSecretRef} is sent as a bearer token only to a URL the Secret's own annotation
 * {@value #SECRET_URLS} names (or the operator's allowed URLs): otherwise any Secret of the namespace could be sent to
 * an address the author chose.</li>
 * <li>{@code spec.target.service}: rerouted only if its selector selects the target's pods.</li>
 * </ul>
 */
public final class AuthorLimits {

    /** On a Secret: the URL prefixes (comma-separated) its value may be sent to as a Prometheus bearer token. */
    public static final String SECRET_URLS = "modelmonitor.io/allowed-urls";

    private AuthorLimits() {
    }

    /** Why the monitor's collector image may not run, if it may not. */
    public static Optional<String> imageProblem(String requested, String defaultImage, List<String> allowed) {
        if (requested == null || requested.isBlank() || requested.equals(defaultImage)) {
            return Optional.empty();
        }
        for (String entry : allowed) {
            if (requested.equals(entry) || entry.endsWith("/") && requested.startsWith(entry)) {
                return Optional.empty();
            }
        }
        return Optional.of("spec.collector.image " + SpecValidator.quote(requested) + " is not allowed: this operator "
                + "injects its own collector image (" + defaultImage + ") or one under modelmonitor.collector.allowed-images "
                + "(chart value collector.allowedImages), which is " + (allowed.isEmpty() ? "empty" : allowed)
                + "; remove spec.collector.image or ask the platform team to allow it");
    }

    /** Why the operator may not query this Prometheus URL, if it may not. */
    public static Optional<String> urlProblem(String url, List<String> allowed) {
        if (allowed.isEmpty() || under(url, allowed)) {
            return Optional.empty();
        }
        return Optional.of("the Prometheus URL is not under modelmonitor.metrics-source.allowed-urls (chart value "
                + "metricsSource.allowedUrls)");
    }

    /** Why a Secret may not be sent to this URL as a bearer token, if it may not. */
    public static Optional<String> secretProblem(String secretName, Map<String, String> secretAnnotations, String url,
            List<String> allowed) {
        String own = secretAnnotations == null ? null : secretAnnotations.get(SECRET_URLS);
        List<String> fromSecret = own == null ? List.of() : List.of(own.split("\\s*,\\s*"));
        if (under(url, fromSecret) || !allowed.isEmpty() && under(url, allowed)) {
            return Optional.empty();
        }
        return Optional.of("spec.metricsSource.prometheus.authSecretRef: Secret " + secretName + " is not sent to this "
                + "URL: annotate the Secret with " + SECRET_URLS + " naming the URL (or a prefix of it), or use a URL "
                + "under the operator's allowed URLs");
    }

    /** Whether the URL is under one of the prefixes: same scheme, host and port, and a path that starts with theirs. */
    static boolean under(String url, List<String> prefixes) {
        URI target;
        try {
            target = URI.create(url).normalize();
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (String prefix : prefixes) {
            try {
                URI p = URI.create(prefix.trim()).normalize();
                if (p.getScheme() != null && p.getScheme().equalsIgnoreCase(target.getScheme()) && p.getHost() != null
                        && p.getHost().equalsIgnoreCase(target.getHost()) && port(p) == port(target)
                        && target.getRawUserInfo() == null && !path(target).matches("(.*/)?\\.\\.(/.*)?")
                        && path(target).startsWith(path(p))) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not a URL: matches nothing
            }
        }
        return false;
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The path, "/" when there is none (http://host:9090 is http://host:9090/). */
    private static String path(URI uri) {
        return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    }

    /** Why the Service may not be rerouted to the collector, if it may not: it must select the target's pods. */
    public static Optional<String> serviceProblem(String service, Map<String, String> selector, Map<String, String> podLabels,
            String target) {
        if (selector == null || selector.isEmpty()) {
            return Optional.of("spec.target.service " + service + " has no selector: the operator reroutes only a "
                    + "Service that selects the target's pods");
        }
        Map<String, String> labels = podLabels == null ? Map.of() : podLabels;
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return Optional.of("spec.target.service " + service + " does not select the pods of " + target
                        + " (selector " + e.getKey() + "=" + e.getValue() + "): the operator reroutes only a Service "
                        + "that selects the target's pods");
            }
        }
        return Optional.empty();
    }
}
