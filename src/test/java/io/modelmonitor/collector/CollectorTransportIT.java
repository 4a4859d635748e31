package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import io.modelmonitor.testsupport.Image;

/**
 * The packaged collector's sockets where it really runs: a root filesystem it cannot write (here its temporary
 * directory is /proc, where not even root can create a file), so Netty cannot unpack its epoll library. Asked for
 * epoll (MM_TRANSPORT auto) with the image's JAVA_OPTS (the library in lib/native on java.library.path), it runs on
 * epoll; without them it says why it runs on NIO, and serves all the same. Beside the cluster tests: it shares nothing with them.
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorTransportIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> AUTO = Map.of("MM_TRANSPORT", "auto");
    private static final List<String> UNWRITABLE = List.of("-Djava.io.tmpdir=/proc", "-Dio.netty.native.workdir=/proc");

    private static String predictThrough(CollectorProcess collector) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.dataPort()
                + "/v1/models/m:predict")).POST(HttpRequest.BodyPublishers.ofString("{\"instances\":[[1]]}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theImagesLibraryPathPutsTheSocketsOnEpollOnAReadOnlyFilesystem() throws Exception {
        try (StubModel model = new StubModel(r -> StubModel.Response.json("{\"predictions\":[1]}"))) {
            // The image's JAVA_OPTS as its Dockerfile writes them, then the unwritable temporary directory over theirs.
            List<String> image = new ArrayList<>(Image.javaOpts(CollectorProcess.packagedApp()));
            image.addAll(UNWRITABLE);
            try (CollectorProcess collector = CollectorProcess.startPackaged(model.port(), AUTO, image)) {
                assertThat(collector.output()).contains("sockets epoll,");
                assertThat(predictThrough(collector)).contains("\"predictions\":[1]");
            }
            try (CollectorProcess withoutIt = CollectorProcess.startPackaged(model.port(), AUTO, UNWRITABLE)) {
                assertThat(withoutIt.output()).contains("sockets nio (epoll unavailable: ")
                        .contains("netty_transport_native_epoll");
                assertThat(predictThrough(withoutIt)).contains("\"predictions\":[1]");
            }
            try (CollectorProcess byDefault = CollectorProcess.startPackaged(model.port(), Map.of(), image)) {
                assertThat(byDefault.output()).as("NIO is the default (issue 32: epoll bought nothing)").contains("sockets nio,");
            }
        }
    }
}
