package io.modelmonitor.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The last requests the store served: method, path and the client's User-Agent. The mock records every request it serves in an
 * unbounded queue; a sandbox left running for hours would grow without end, so this drains that queue and keeps
 * only the newest {@link #CAPACITY} (enough to see what a component called).
 */
public final class RequestJournal {

    /** One request as the store saw it. */
    public record Request(String method, String path, String userAgent) {

        @Override
        public String toString() {
            return method + " " + path + " (" + userAgent + ")";
        }
    }

    static final int CAPACITY = 10_000;

    private final KubernetesMockServer mock;
    private final int capacity;
    private final Deque<Request> lines = new ArrayDeque<>();

    RequestJournal(KubernetesMockServer mock) {
        this(mock, CAPACITY);
    }

    RequestJournal(KubernetesMockServer mock, int capacity) {
        this.mock = mock;
        this.capacity = capacity;
    }

    /** Moves what the mock recorded into the bounded journal. */
    synchronized void drain() {
        try {
            RecordedRequest request;
            while ((request = mock.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
                if (lines.size() == capacity) {
                    lines.removeFirst();
                }
                lines.addLast(new Request(request.getMethod(), request.getPath(), request.getHeader("User-Agent")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized List<Request> recent() {
        drain();
        return List.copyOf(lines);
    }
}
