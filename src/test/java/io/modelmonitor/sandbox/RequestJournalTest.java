package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

class RequestJournalTest {

    @Test
    void keepsOnlyTheNewestRequestsAndEmptiesTheMocksQueue() throws Exception {
        KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        mock.init(InetAddress.getByName("127.0.0.1"), 0);
        try (KubernetesClient client = mock.createClient()) {
            RequestJournal journal = new RequestJournal(mock, 3);
            for (int i = 0; i < 5; i++) {
                client.configMaps().inNamespace("ns").withName("c" + i).get();
            }
            assertThat(journal.recent()).extracting(r -> r.method() + " " + r.path()).containsExactly("GET /api/v1/namespaces/ns/configmaps/c2",
                    "GET /api/v1/namespaces/ns/configmaps/c3", "GET /api/v1/namespaces/ns/configmaps/c4");
            assertThat(mock.takeRequest(0, TimeUnit.MILLISECONDS)).as("drained").isNull();
        } finally {
            mock.destroy();
        }
    }
}
