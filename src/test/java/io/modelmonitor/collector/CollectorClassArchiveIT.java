package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import io.modelmonitor.testsupport.Image;

/**
 * The packaged collector started as the image starts it (the image's JAVA_OPTS, read from its Dockerfile) loads its
 * classes from the class-data-sharing archive that src/native/cds.sh made for it: the collector's own, Netty's and
 * Jackson's, parsed once at build time instead of at every sidecar's start. An archive that does not fit costs only
 * that: the collector starts from its jars and serves. Beside the cluster tests: it shares nothing with them.
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorClassArchiveIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String predictThrough(CollectorProcess collector) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.dataPort()
                + "/v1/models/m:predict")).POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[[1]]}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The image's options plus a log of where each class came from. */
    private static List<String> imageOptionsLoggingClasses(Path classLog) {
        List<String> options = new ArrayList<>(Image.javaOpts(CollectorProcess.packagedApp()));
        options.add("-Xlog:class+load=info:file=" + classLog);
        return options;
    }

    @Test
    void theImagesCollectorLoadsItsDataPathFromTheArchive() throws Exception {
        assertThat(Image.JAVA_OPTS).contains("-XX:SharedArchiveFile=/deployments/collector.jsa");
        Path classLog = Files.createTempFile("classes", ".log");
        try (StubModel model = new StubModel(r -> StubModel.Response.json("{\"predictions\":[1]}"));
                CollectorProcess collector = CollectorProcess.startPackaged(model.port(), Map.of(),
                        imageOptionsLoggingClasses(classLog))) {
            assertThat(predictThrough(collector)).contains("\"predictions\":[1]");
            String classes = Files.readString(classLog);
            assertThat(classes).containsPattern("io\\.modelmonitor\\.collector\\.Collector source: shared objects file \\(top\\)")
                    .containsPattern("io\\.netty\\.channel\\.nio\\.NioEventLoop source: shared objects file \\(top\\)")
                    .containsPattern("io\\.modelmonitor\\.collector\\.PredictionReader source: shared objects file \\(top\\)");
            assertThat(collector.output()).doesNotContain("[cds]");
        } finally {
            Files.deleteIfExists(classLog);
        }
    }

    @Test
    void anArchiveThatDoesNotFitCostsOnlyTheHeadStart() throws Exception {
        Path foreign = Files.createTempFile("foreign", ".jsa");
        Files.writeString(foreign, "not an archive of this JVM ".repeat(1000));
        Path classLog = Files.createTempFile("classes", ".log");
        List<String> options = new ArrayList<>(imageOptionsLoggingClasses(classLog));
        options.replaceAll(o -> o.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + foreign : o);
        try (StubModel model = new StubModel(r -> StubModel.Response.json("{\"predictions\":[1]}"));
                CollectorProcess collector = CollectorProcess.startPackaged(model.port(), Map.of(), options)) {
            assertThat(predictThrough(collector)).contains("\"predictions\":[1]");
            assertThat(Files.readString(classLog))
                    .containsPattern("io\\.modelmonitor\\.collector\\.Collector source: file:.*model-monitor.*\\.jar")
                    .doesNotContain("io.modelmonitor.collector.Collector source: shared objects file");
        } finally {
            Files.deleteIfExists(foreign);
            Files.deleteIfExists(classLog);
        }
    }
}
