package io.modelmonitor.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelmonitor.api.CollectorContract;
import io.modelmonitor.operator.injection.Annotations;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The demo's clients: fraud-scoring requests spread over the model's ready pods (what the Service would do),
 * each carrying a region in X-Segment; a second later the ground truth for each prediction arrives at the
 * feedback endpoint of any replica, with the bearer token. In chat mode (the llm story) they are people asking a chat
 * model through the OpenAI API, streamed, in English or French; each accepts an answer unless it was cut off (most
 * reject those) or, now and then, for no reason the model could help.
 */
public final class TrafficGenerator implements AutoCloseable {

    /** Feedback on one prediction: the JSON members after its id ("label":1, or "accepted":true). */
    private record Label(String id, String feedback, long dueMillis) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, String> pods;
    private final String token;
    private final int rate;
    private final double labeledShare;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http;
    private final SplittableRandom random = new SplittableRandom(7);
    private final List<String> targets = new ArrayList<>();
    private final List<String> feedbackTargets = new ArrayList<>();
    /** Labels waiting for their due time (at most --label-delay x --rate of them), oldest first. */
    private final Deque<Label> pending = new ArrayDeque<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong unanswered = new AtomicLong();
    final AtomicLong labeled = new AtomicLong();
    private long counter;
    private final List<Long> timers = new CopyOnWriteArrayList<>();

    public TrafficGenerator(KubernetesClient client, String namespace, String app, String token, int rate) {
        this(client, namespace, app, token, rate, 1.0);
    }

    /** {@code labeled}: the share of predictions whose ground truth is sent back (0 to 1). */
    public TrafficGenerator(KubernetesClient client, String namespace, String app, String token, int rate, double labeled) {
        this(client, namespace, Map.of("app", app), token, rate, labeled);
    }

    /** Traffic to the ready pods with these labels (a KServe predictor's, stable and canaries alike). */
    public TrafficGenerator(KubernetesClient client, String namespace, Map<String, String> pods, String token, int rate,
            double labeled) {
        this.labeledShare = labeled;
        this.client = client;
        this.namespace = namespace;
        this.pods = Map.copyOf(pods);
        this.token = token;
        this.rate = rate;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(1000),
                // Enough connections for every stream open at once (a chat answer takes about half a second): a pool
                // that is too small queues the feedback behind the streams until it times out.
                new PoolOptions().setHttp1MaxSize(64));
    }

    /**
     * Whether the inputs come from a broken feature pipeline from now on: {@code amount} in cents instead of euros,
     * and {@code region} empty for every request from "us" (the header still says where it came from).
     */
    private volatile boolean brokenInputs;

    private volatile long labelDelayMillis;

    private volatile boolean chat;

    /** Chat requests to an OpenAI-compatible model, and accept or reject feedback on its answers. */
    public TrafficGenerator chat(boolean on) {
        this.chat = on;
        return this;
    }

    /** Ground truth comes back this long after its prediction, as it does where it takes a chargeback or a review. */
    public TrafficGenerator labelDelay(Duration delay) {
        this.labelDelayMillis = delay.toMillis();
        return this;
    }

    public TrafficGenerator brokenInputs(boolean broken) {
        this.brokenInputs = broken;
        return this;
    }

    public TrafficGenerator start() {
        timers.add(vertx.setPeriodic(1, 1000, t -> vertx.executeBlocking(this::discover)));
        timers.add(vertx.setPeriodic(1000 / Math.max(1, rate), t -> send()));
        timers.add(vertx.setPeriodic(1000, t -> sendLabels()));
        return this;
    }

    /** The endpoints of the Service: ready pods, through their collector when they have one. */
    private Void discover() {
        List<String> data = new ArrayList<>();
        List<String> feedback = new ArrayList<>();
        for (Pod pod : client.pods().inNamespace(namespace).withLabels(pods).list().getItems()) {
            if (!ready(pod)) {
                continue;
            }
            var collector = pod.getSpec().getContainers().stream()
                    .filter(c -> Annotations.COLLECTOR_CONTAINER.equals(c.getName())).findFirst();
            if (collector.isPresent()) {
                String port = collector.get().getPorts().get(0).getContainerPort().toString();
                data.add(pod.getStatus().getPodIP() + ":" + port);
                feedback.add(pod.getStatus().getPodIP() + ":" + port);
            } else {
                var ports = pod.getSpec().getContainers().get(0).getPorts();
                data.add(pod.getStatus().getPodIP() + ":" + (ports == null || ports.isEmpty() ? 8080 : ports.get(0).getContainerPort()));
            }
        }
        synchronized (targets) {
            targets.clear();
            targets.addAll(data);
            feedbackTargets.clear();
            feedbackTargets.addAll(feedback);
        }
        return null;
    }

    /** Requests sent, failed (5xx or no answer) and labels delivered so far. */
    public long sentCount() {
        return sent.get();
    }

    public long failedCount() {
        return failed.get();
    }

    /** Failed requests that got no answer at all (refused, reset, timed out). */
    public long unansweredCount() {
        return unanswered.get();
    }

    public long labeledCount() {
        return labeled.get();
    }

    /** What a Service's endpoints hold: pods that are ready and not terminating. */
    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null && "Running".equals(pod.getStatus().getPhase())
                && pod.getMetadata().getDeletionTimestamp() == null
                && (pod.getStatus().getConditions() == null || pod.getStatus().getConditions().isEmpty()
                        || pod.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    }

    private String nextTarget() {
        synchronized (targets) {
            return targets.isEmpty() ? null : targets.get((int) (counter++ % targets.size()));
        }
    }

    private void send() {
        String target = nextTarget();
        if (target == null) {
            return;
        }
        if (chat) {
            ask(target);
            return;
        }
        int truth = random.nextDouble() < 0.3 ? 1 : 0;
        String region = random.nextDouble() < 0.6 ? "eu" : "us";
        double amount = 10 + random.nextDouble() * 990;
        boolean broken = brokenInputs;
        String body = String.format(Locale.ROOT, "{\"instances\":[{\"amount\":%.2f,\"region\":%s,\"truth\":%d}]}",
                broken ? amount * 100 : amount, broken && "us".equals(region) ? "null" : "\"" + region + "\"", truth);
        String[] hostPort = target.split(":");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(hostPort[0])
                .setPort(Integer.parseInt(hostPort[1])).setURI("/v1/models/fraud-detector:predict")
                .putHeader("Content-Type", "application/json").putHeader("X-Segment", region).setTimeout(5000);
        sent.incrementAndGet();
        boolean labeledNow = random.nextDouble() < labeledShare;
        http.request(options).compose(r -> r.send(Buffer.buffer(body))).onComplete(ar -> {
            if (ar.failed() || ar.result().statusCode() >= 500) {
                failed.incrementAndGet();
                if (ar.failed()) {
                    unanswered.incrementAndGet();
                }
                return;
            }
            String id = ar.result().getHeader(CollectorContract.PREDICTION_ID_HEADER);
            ar.result().body();
            if (id != null && labeledNow) {
                queue(id, "\"label\":" + truth);
            }
        });
    }

    private void queue(String id, String feedback) {
        synchronized (pending) {
            pending.add(new Label(id, feedback, System.currentTimeMillis() + labelDelayMillis));
        }
    }

    private record Answer(HttpClientResponse response, Buffer body) {
    }

    /** One person's question, streamed; their verdict on the answer goes back as feedback on its id. */
    private void ask(String target) {
        String language = random.nextDouble() < 0.6 ? "en" : "fr";
        String body = "{\"model\":\"demo-llm\",\"messages\":[{\"role\":\"user\",\"content\":\"" + (language.equals("en")
                ? "Is my card blocked?" : "Ma carte est-elle bloquée ?") + "\"}],\"max_tokens\":32,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}";
        String[] hostPort = target.split(":");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(hostPort[0])
                .setPort(Integer.parseInt(hostPort[1])).setURI("/v1/chat/completions")
                .putHeader("Content-Type", "application/json").putHeader("X-Segment", language).setTimeout(10_000);
        sent.incrementAndGet();
        boolean feedbackNow = random.nextDouble() < labeledShare;
        double mood = random.nextDouble();
        http.request(options).compose(r -> r.send(Buffer.buffer(body))
                .compose(response -> response.body().map(answer -> new Answer(response, answer))))
                .onComplete(ar -> {
                    if (ar.failed() || ar.result().response().statusCode() >= 500) {
                        failed.incrementAndGet();
                        if (ar.failed()) {
                            unanswered.incrementAndGet();
                        }
                        return;
                    }
                    String id = ar.result().response().getHeader(CollectorContract.PREDICTION_ID_HEADER);
                    boolean cutOff = ar.result().body().toString().contains("\"finish_reason\":\"length\"");
                    boolean accepted = cutOff ? mood < 0.1 : mood < 0.85;
                    if (id != null && feedbackNow) {
                        queue(id, "\"accepted\":" + accepted);
                    }
                });
    }

    private void sendLabels() {
        List<Label> batch = new ArrayList<>();
        long now = System.currentTimeMillis();
        synchronized (pending) {
            // In the order they were predicted, so the due ones lead.
            while (!pending.isEmpty() && pending.peekFirst().dueMillis() <= now) {
                batch.add(pending.pollFirst());
            }
        }
        String target;
        synchronized (targets) {
            if (batch.isEmpty() || feedbackTargets.isEmpty()) {
                return;
            }
            target = feedbackTargets.get(random.nextInt(feedbackTargets.size()));
        }
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < batch.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(batch.get(i).id()).append("\",")
                    .append(batch.get(i).feedback()).append('}');
        }
        String[] hostPort = target.split(":");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(hostPort[0])
                .setPort(Integer.parseInt(hostPort[1])).setURI(CollectorContract.FEEDBACK_PATH)
                .putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + token).setTimeout(5000);
        http.request(options).compose(r -> r.send(Buffer.buffer(json.append(']').toString())))
                .onSuccess(r -> labeled.addAndGet(batch.size()));
    }

    @Override
    public void close() {
        // The timers first: one that fires while Vert.x closes would meet a closed HTTP client.
        timers.forEach(vertx::cancelTimer);
        vertx.close();
    }
}
