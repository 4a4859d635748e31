package io.modelmonitor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where the window's counts come from: the collectors directly, or a Prometheus that scrapes them. */
public class MetricsSourceSpec {

    @JsonPropertyDescription("collectors (read every collector's snapshot) or prometheus (query the collectors' "
            + "metrics in Prometheus). Empty: the operator's configured default.")
    private MetricsSourceType type;

    @JsonPropertyDescription("The Prometheus to query when type is prometheus.")
    private PrometheusSourceSpec prometheus;

    /** A Prometheus-compatible query API (Prometheus, Thanos, Mimir, VictoriaMetrics). */

    public MetricsSourceType getType() {
        return type;
    }

    public void setType(MetricsSourceType type) {
        this.type = type;
    }

    public PrometheusSourceSpec getPrometheus() {
        return prometheus;
    }

    public void setPrometheus(PrometheusSourceSpec prometheus) {
        this.prometheus = prometheus;
    }

    public static class PrometheusSourceSpec {

        @Pattern("^https?://.+")
        @Size(max = 512)
        @JsonPropertyDescription("Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090. Empty: "
                + "the operator's configured default. It must be under the operator's allowed URLs when the platform "
                + "team set them (chart value metricsSource.allowedUrls).")
        private String url;

        @JsonPropertyDescription("Secret key holding a bearer token for the Prometheus API. It is sent only to a URL "
                + "the Secret itself allows, in its annotation modelmonitor.io/allowed-urls (comma-separated URL prefixes), "
                + "or under the operator's allowed URLs: naming a Secret does not make the operator send it anywhere.")
        private SecretKeyRef authSecretRef;

        @Size(max = 1024)
        @JsonPropertyDescription("PromQL label matchers selecting the monitor's collectors, e.g. "
                + "namespace=\"ml\",pod=~\"fraud-detector-.*\". Default: the monitor's namespace and the Deployment's pods.")
        private String selector;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public SecretKeyRef getAuthSecretRef() {
            return authSecretRef;
        }

        public void setAuthSecretRef(SecretKeyRef authSecretRef) {
            this.authSecretRef = authSecretRef;
        }

        public String getSelector() {
            return selector;
        }

        public void setSelector(String selector) {
            this.selector = selector;
        }
    }
}
