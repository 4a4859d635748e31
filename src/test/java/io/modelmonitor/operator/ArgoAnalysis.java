package io.modelmonitor.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The AnalysisTemplate of deploy/examples/progressive-delivery, measured the way Argo Rollouts measures it: src/argo-eval (Go, with the
 * jsonpath and expr libraries Argo uses, built here once) GETs the template's URL with its headers and applies its
 * jsonPath, successCondition and failureCondition. Only the Service address is pointed at the test's operator.
 */
public final class ArgoAnalysis {

    static final String EXAMPLE_SERVICE = "http://model-monitor-verdict.model-monitor.svc:8082/v1/namespaces/ml/";
    private static Path binary;

    private final Map<String, Object> metric;

    private ArgoAnalysis(Map<String, Object> metric) {
        this.metric = metric;
    }

    @SuppressWarnings("unchecked")
    public static ArgoAnalysis fromExample() throws IOException {
        HasMetadata template = ExamplesTest.load().stream()
                .filter(o -> "AnalysisTemplate".equals(o.getKind()) && "model-quality".equals(o.getMetadata().getName()))
                .findFirst().orElseThrow();
        Map<String, Object> spec = (Map<String, Object>) ((GenericKubernetesResource) template).getAdditionalProperties()
                .get("spec");
        return new ArgoAnalysis(((List<Map<String, Object>>) spec.get("metrics")).get(0));
    }

    /** Argo's phase for one measurement (Successful, Failed, Inconclusive or Error) and the value it read. */
    @SuppressWarnings("unchecked")
    public String measure(String verdictBase, String namespace, Map<String, String> args) throws Exception {
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) metric.get("provider")).get("web");
        String url = (String) web.get("url");
        assertThat(url).as("the example points at the chart's verdict Service").startsWith(EXAMPLE_SERVICE);
        url = verdictBase + "/v1/namespaces/" + namespace + "/" + url.substring(EXAMPLE_SERVICE.length());
        List<String> command = new ArrayList<>(List.of(binary().toString(), "-url", substitute(url, args),
                "-json-path", (String) web.get("jsonPath"),
                "-success", (String) metric.get("successCondition"), "-failure", (String) metric.get("failureCondition")));
        for (Map<String, Object> header : (List<Map<String, Object>>) web.getOrDefault("headers", List.of())) {
            command.add("-header");
            command.add(header.get("key") + ": " + substitute((String) header.get("value"), args));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static String substitute(String text, Map<String, String> args) {
        for (var e : args.entrySet()) {
            text = text.replace("{{args." + e.getKey() + "}}", e.getValue());
        }
        assertThat(text).as("every argument given").doesNotContain("{{");
        return text;
    }

    /** go build of src/argo-eval into target/ (the Go build cache makes a second build instant). */
    private static synchronized Path binary() throws Exception {
        if (binary == null) {
            Path out = Path.of("target", "argo-eval", "argo-eval").toAbsolutePath();
            Files.createDirectories(out.getParent());
            Process build = new ProcessBuilder("go", "build", "-o", out.toString(), ".").directory(Path.of("src", "argo-eval")
                    .toFile()).redirectErrorStream(true).start();
            String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(build.waitFor(300, TimeUnit.SECONDS) && build.exitValue() == 0).as("go build src/argo-eval: " + log)
                    .isTrue();
            binary = out;
        }
        return binary;
    }
}
