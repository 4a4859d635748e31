package io.modelmonitor.operator.source;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.api.v1alpha1.ReferenceSpec;
import io.modelmonitor.metrics.ReferenceProfile;

/**
 * The reference profiles monitors name in {@code spec.reference}: read from the monitor's own namespace, by name
 * only, and only from a ConfigMap that carries the profile label, so a monitor cannot make the operator read (or
 * show anything of) some other ConfigMap. A profile is parsed once per resourceVersion and kept for the monitors
 * that name it, at most {@link #CACHED} of them.
 */
@ApplicationScoped
public class ReferenceProfiles {

    /** A monitor's reference, or why it has none it can use; both null when it names none. */
    public record Loaded(ReferenceProfile profile, String problem) {

        public static final Loaded NONE = new Loaded(null, null);
    }

    static final int CACHED = 256;
    /** How long a reference read stands before it is read again: an edited profile takes effect within it. */
    static final long REFRESH = 60_000;

    private record Cached(String resourceVersion, Loaded loaded, long readMillis) {
    }

    private final KubernetesClient client;
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHED;
        }
    };

    public ReferenceProfiles(KubernetesClient client) {
        this.client = client;
    }

    public Loaded load(ModelMonitor monitor) {
        ReferenceSpec reference = monitor.getSpec().getReference();
        if (reference == null || reference.getConfigMap() == null) {
            return Loaded.NONE;
        }
        String namespace = monitor.getMetadata().getNamespace();
        String name = reference.getConfigMap();
        String where = "reference ConfigMap " + namespace + "/" + name;
        String key = namespace + "/" + name;
        long now = System.currentTimeMillis();
        synchronized (cache) {
            Cached cached = cache.get(key);
            if (cached != null && now - cached.readMillis() < REFRESH) {
                return cached.loaded();
            }
        }
        return read(namespace, name, where, key, now);
    }

    private Loaded read(String namespace, String name, String where, String key, long now) {
        ConfigMap map;
        try {
            map = client.configMaps().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            // Not cached: an API server that failed once is asked again at the next evaluation.
            return new Loaded(null, where + " cannot be read (" + (e.getCode() == 403 ? "forbidden" : "HTTP " + e.getCode())
                    + ")");
        }
        if (map == null) {
            return remember(key, null, new Loaded(null, where + " does not exist"), now);
        }
        if (map.getMetadata().getLabels() == null
                || !"true".equals(map.getMetadata().getLabels().get(ReferenceSpec.PROFILE_LABEL))) {
            return remember(key, null, new Loaded(null, where + " is not labelled " + ReferenceSpec.PROFILE_LABEL
                    + "=true, so it is not read"), now);
        }
        String version = map.getMetadata().getResourceVersion();
        synchronized (cache) {
            Cached cached = cache.get(key);
            if (cached != null && version != null && version.equals(cached.resourceVersion())) {
                return remember(key, version, cached.loaded(), now);
            }
        }
        Loaded loaded;
        try {
            String text = map.getData() == null ? null : map.getData().get(ReferenceProfile.KEY);
            loaded = new Loaded(ReferenceProfile.parse(text), null);
        } catch (IllegalArgumentException e) {
            loaded = new Loaded(null, where + " " + e.getMessage());
        }
        return remember(key, version, loaded, now);
    }

    private Loaded remember(String key, String version, Loaded loaded, long now) {
        synchronized (cache) {
            cache.put(key, new Cached(version, loaded, now));
        }
        return loaded;
    }
}
