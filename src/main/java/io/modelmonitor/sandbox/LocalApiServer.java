package io.modelmonitor.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * A local Kubernetes API endpoint that the real {@code kubectl} can use: the fabric8 mock server (CRUD mode)
 * stores objects, and a front server on loopback adds what kubectl needs and the mock lacks: discovery,
 * server-side Table printing (with a CRD's printer columns), plain-HTTP watches (for {@code kubectl wait} and
 * {@code get -w}), real JSON merge-patch semantics, strategic merge patches (see {@link StrategicMerge}; apply
 * patches are applied as merge patches), status writes with a query string, field selectors, CRDs that become
 * Established, the scale subresource of Deployments and ReplicaSets, OpenAPI v3 for custom resources
 * ({@code kubectl explain}), SelfSubjectRulesReviews (everything allowed) and the protobuf bodies Helm and kubectl send for
 * Secrets, ConfigMaps and Namespaces (see {@link ProtobufObjects}).
 * <p>
 * What it does not do: authentication and authorization, admission (no OpenAPI v2 or CEL validation: kubectl apply needs
 * {@code --validate=false}), defaulting, garbage collection, protobuf for other kinds or in responses, aggregated
 * discovery, server-side apply field ownership, or any controller (see {@link SimulatedControlPlane}).
 */
public final class LocalApiServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> SCALABLE = Set.of("Deployment", "ReplicaSet");

    private final KubernetesMockServer mock;
    private final KubernetesClient store;
    private final Vertx vertx;
    private final HttpClient toMock;
    private final HttpServer front;
    private final RequestJournal journal;

    private LocalApiServer(KubernetesMockServer mock, KubernetesClient store, Vertx vertx, HttpClient toMock, HttpServer front) {
        this.mock = mock;
        this.store = store;
        this.vertx = vertx;
        this.toMock = toMock;
        this.front = front;
        this.journal = new RequestJournal(mock);
        vertx.setPeriodic(5_000, id -> journal.drain());
    }

    /** Starts on 127.0.0.1: {@code port} 0 picks a free one. */
    public static LocalApiServer start(int port) throws Exception {
        KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new LocalStoreDispatcher(), false);
        mock.init(InetAddress.getByName("127.0.0.1"), 0);
        KubernetesClient store = mock.createClient();
        Vertx vertx = Vertx.vertx();
        HttpClient toMock = vertx.createHttpClient();
        HttpServer front = vertx.createHttpServer();
        LocalApiServer server = new LocalApiServer(mock, store, vertx, toMock, front);
        front.requestHandler(server::handle);
        front.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return server;
    }

    /** The address kubectl, Helm and the operator use. */
    public String url() {
        return "http://127.0.0.1:" + front.actualPort();
    }

    /**
     * The store's own address. The operator's client uses it directly: fabric8 watches over WebSocket, which the
     * mock serves and the front does not proxy.
     */
    public String storeUrl() {
        return "http://127.0.0.1:" + mock.getPort();
    }

    /** A client talking to the store directly (for the sandbox's own bookkeeping). */
    public KubernetesClient client() {
        return store;
    }

    /** The newest requests the store served, at most {@link RequestJournal#CAPACITY}. */
    public List<RequestJournal.Request> recentRequests() {
        return journal.recent();
    }

    /** Writes a kubeconfig for this server and returns its path. */
    public Path writeKubeconfig(Path file, String namespace) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: model-monitor-sandbox
                  cluster:
                    server: %s
                users:
                - name: sandbox-user
                  user: {}
                contexts:
                - name: model-monitor-sandbox
                  context:
                    cluster: model-monitor-sandbox
                    user: sandbox-user
                    namespace: %s
                current-context: model-monitor-sandbox
                """.formatted(url(), namespace));
        return file.toAbsolutePath();
    }

    private ApiDiscovery discovery() {
        return new ApiDiscovery(store.apiextensions().v1().customResourceDefinitions().list().getItems());
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            try {
                route(request, body);
            } catch (RuntimeException e) {
                LOG.debugf(e, "local API: %s %s", request.method(), request.uri());
                status(request, 500, "InternalError", e.getMessage());
            }
        });
    }

    private void route(HttpServerRequest request, Buffer body) {
        String path = request.path();
        HttpMethod method = request.method();
        body = asJson(request, body);
        if (body == null) {
            return; // answered
        }
        if (method == HttpMethod.GET) {
            switch (path) {
                case "/version" -> {
                    json(request, 200, "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-model-monitor-sandbox\","
                            + "\"platform\":\"linux/amd64\"}");
                    return;
                }
                case "/api", "/api/" -> {
                    json(request, 200, discovery().apiVersions("127.0.0.1:" + front.actualPort()));
                    return;
                }
                case "/apis", "/apis/" -> {
                    json(request, 200, discovery().apiGroupList());
                    return;
                }
                default -> {
                }
            }
            if (path.startsWith("/openapi")) {
                openApi(request, path);
                return;
            }
        }
        ResourcePath target = ResourcePath.parse(path);
        if (target == null) {
            forward(request, body, request.uri(), null);
            return;
        }
        if (target.plural() == null && method == HttpMethod.GET) {
            discovery().resourceList(target.group(), target.version()).ifPresentOrElse(json -> json(request, 200, json),
                    () -> status(request, 404, "NotFound", "the server could not find the requested resource"));
            return;
        }
        ApiDiscovery.Kind kind = target.plural() == null ? null
                : discovery().find(target.group(), target.version(), target.plural()).orElse(null);
        String watch = request.getParam("watch");
        if (method == HttpMethod.GET && ("true".equals(watch) || "1".equals(watch)) && kind != null) {
            PlainHttpWatch.serve(vertx, store, request, target, kind, wantsTable(request));
            return;
        }
        if ("scale".equals(target.subresource()) && kind != null && SCALABLE.contains(kind.kind())) {
            scale(request, body, target, kind);
            return;
        }
        if (method == HttpMethod.GET && kind != null) {
            get(request, target, kind);
            return;
        }
        if (method == HttpMethod.PATCH && kind != null && target.name() != null) {
            patch(request, body, target);
            return;
        }
        String uri = "status".equals(target.subresource()) ? path : request.uri();
        forward(request, body, uri, kind != null && "customresourcedefinitions".equals(kind.plural())
                && (method == HttpMethod.POST || method == HttpMethod.PUT) ? this::establish : null);
    }

    /** GET of an object or a list: field selectors applied here, Tables built here. */
    private void get(HttpServerRequest request, ResourcePath target, ApiDiscovery.Kind kind) {
        String fieldSelector = request.getParam("fieldSelector");
        String labelSelector = request.getParam("labelSelector");
        String uri = request.path() + (labelSelector == null ? "" : "?labelSelector=" + encode(labelSelector));
        send(HttpMethod.GET, uri, null, "application/json").onComplete(ar -> {
            if (ar.failed()) {
                status(request, 503, "ServiceUnavailable", ar.cause().getMessage());
                return;
            }
            Reply reply = ar.result();
            if (reply.status() != 200) {
                raw(request, reply);
                return;
            }
            JsonNode result = ApiDiscovery.tree(reply.body().toString());
            if (result.has("items")) {
                ObjectNode list = (ObjectNode) result;
                list.put("kind", kind.kind() + "List");
                list.put("apiVersion", kind.groupVersion());
                if (fieldSelector != null && !fieldSelector.isBlank()) {
                    ArrayNode kept = JSON.createArrayNode();
                    list.get("items").forEach(i -> {
                        if (FieldSelectors.matches(fieldSelector, i)) {
                            kept.add(i);
                        }
                    });
                    list.set("items", kept);
                }
                list.get("items").forEach(i -> ((ObjectNode) i).put("kind", kind.kind()).put("apiVersion", kind.groupVersion()));
            }
            if (wantsTable(request)) {
                json(request, 200, TableConverter.table(kind, result).toString());
            } else {
                json(request, 200, result.toString());
            }
        });
    }

    private static boolean wantsTable(HttpServerRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("as=Table");
    }

    /** OpenAPI v3 for the custom resources ({@code kubectl explain}); no v2 document, so no client-side validation. */
    private void openApi(HttpServerRequest request, String path) {
        OpenApiDocuments documents = new OpenApiDocuments(store.apiextensions().v1().customResourceDefinitions().list().getItems());
        if (path.equals("/openapi/v3") || path.equals("/openapi/v3/")) {
            json(request, 200, documents.index());
            return;
        }
        String[] parts = path.split("/");
        if (parts.length == 6 && parts[3].equals("apis")) {
            var document = documents.document(parts[4], parts[5]);
            if (document.isPresent()) {
                json(request, 200, document.get());
                return;
            }
        }
        status(request, 404, "NotFound", "the local API publishes OpenAPI v3 for custom resources only (kubectl explain "
                + "modelmonitor); no v2 document, so kubectl apply needs --validate=false");
    }

    /**
     * The scale subresource of Deployments and ReplicaSets ({@code kubectl scale}): an autoscaling/v1 Scale read from
     * and written to the object's spec.replicas.
     */
    private void scale(HttpServerRequest request, Buffer body, ResourcePath target, ApiDiscovery.Kind kind) {
        HttpMethod method = request.method();
        if (method != HttpMethod.GET && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
            status(request, 405, "MethodNotAllowed", "the scale subresource supports get, update and patch");
            return;
        }
        send(HttpMethod.GET, target.objectPath(), null, "application/json").onComplete(ar -> {
            if (ar.failed()) {
                status(request, 503, "ServiceUnavailable", ar.cause().getMessage());
                return;
            }
            if (ar.result().status() != 200) {
                raw(request, ar.result());
                return;
            }
            ObjectNode object = (ObjectNode) ApiDiscovery.tree(ar.result().body().toString());
            ObjectNode scale = scaleOf(object);
            if (method == HttpMethod.GET) {
                json(request, 200, scale.toString());
                return;
            }
            JsonNode desired;
            try {
                JsonNode sent = JSON.readTree(body.getBytes());
                desired = method == HttpMethod.PUT ? sent : JsonMergePatch.apply(scale, sent);
            } catch (IOException | RuntimeException e) {
                status(request, 400, "BadRequest", "the Scale is not valid JSON");
                return;
            }
            JsonNode replicas = desired.path("spec").path("replicas");
            if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
                status(request, 422, "Invalid", kind.kind() + ".apps \"" + target.name()
                        + "\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0");
                return;
            }
            ((ObjectNode) object.get("spec")).put("replicas", replicas.asInt());
            ((ObjectNode) object.get("metadata")).remove("resourceVersion");
            send(HttpMethod.PUT, target.objectPath(), Buffer.buffer(object.toString()), "application/json").onComplete(written -> {
                if (written.failed() || written.result().status() != 200) {
                    if (written.failed()) {
                        status(request, 503, "ServiceUnavailable", written.cause().getMessage());
                    } else {
                        raw(request, written.result());
                    }
                    return;
                }
                json(request, 200, scaleOf((ObjectNode) ApiDiscovery.tree(written.result().body().toString())).toString());
            });
        });
    }

    private static ObjectNode scaleOf(ObjectNode object) {
        ObjectNode scale = JSON.createObjectNode().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (object.path("metadata").has(field)) {
                metadata.set(field, object.path("metadata").get(field));
            }
        }
        scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
        scale.putObject("status").put("replicas", object.path("status").path("replicas").asInt(0))
                .put("selector", TableConverter.pairs(object.path("spec").path("selector").path("matchLabels")));
        return scale;
    }

    /**
     * PATCH: the stored object, the patch merged in (strategic merge for built-in kinds, RFC 7386 otherwise, apply
     * patches as merges), written back whole.
     */
    private void patch(HttpServerRequest request, Buffer body, ResourcePath target) {
        String contentType = request.getHeader("Content-Type");
        if (contentType != null && contentType.startsWith("application/json-patch+json")) {
            forward(request, body, request.path(), null);
            return;
        }
        JsonNode patch;
        try {
            patch = JSON.readTree(body.getBytes());
        } catch (IOException e) {
            status(request, 400, "BadRequest", "the patch is not valid JSON or YAML");
            return;
        }
        boolean apply = contentType != null && contentType.startsWith("application/apply-patch");
        String objectPath = "status".equals(target.subresource()) ? target.objectPath() : request.path();
        send(HttpMethod.GET, target.objectPath(), null, "application/json").onComplete(ar -> {
            if (ar.failed()) {
                status(request, 503, "ServiceUnavailable", ar.cause().getMessage());
                return;
            }
            if (ar.result().status() == 404 && apply) {
                send(HttpMethod.POST, target.collectionPath(), Buffer.buffer(patch.toString()), "application/json")
                        .onComplete(created -> raw(request, created.result()));
                return;
            }
            if (ar.result().status() != 200) {
                raw(request, ar.result());
                return;
            }
            JsonNode stored = ApiDiscovery.tree(ar.result().body().toString());
            JsonNode merged = contentType != null && contentType.startsWith("application/strategic-merge-patch")
                    ? StrategicMerge.apply(stored, patch) : JsonMergePatch.apply(stored, patch);
            if (merged instanceof ObjectNode object && object.has("metadata")) {
                ((ObjectNode) object.get("metadata")).remove("resourceVersion");
            }
            send(HttpMethod.PUT, objectPath, Buffer.buffer(merged.toString()), "application/json")
                    .onComplete(written -> raw(request, written.result()));
        });
    }

    /** Marks a CRD Established and NamesAccepted, as the API server does once it serves it. */
    private void establish(Buffer written) {
        JsonNode crdJson = ApiDiscovery.tree(written.toString());
        String name = crdJson.path("metadata").path("name").asText();
        vertx.executeBlocking(() -> {
            CustomResourceDefinition crd = store.apiextensions().v1().customResourceDefinitions().withName(name).get();
            if (crd == null) {
                return null;
            }
            var status = new CustomResourceDefinitionStatusBuilder()
                    .withAcceptedNames(crd.getSpec().getNames()).withStoredVersions(crd.getSpec().getVersions().stream()
                            .filter(v -> Boolean.TRUE.equals(v.getStorage())).map(v -> v.getName()).toList())
                    .addNewCondition().withType("NamesAccepted").withStatus("True").withReason("NoConflicts").endCondition()
                    .addNewCondition().withType("Established").withStatus("True").withReason("InitialNamesAccepted").endCondition()
                    .build();
            crd.setStatus(status);
            store.apiextensions().v1().customResourceDefinitions().resource(crd).updateStatus();
            return null;
        });
    }

    private record Reply(int status, MultiMap headers, Buffer body) {
    }

    private Future<Reply> send(HttpMethod method, String uri, Buffer body, String contentType) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(mock.getPort())
                .setURI(uri).putHeader("Accept", "application/json").setTimeout(30_000);
        if (contentType != null && body != null) {
            options.putHeader("Content-Type", contentType);
        }
        return toMock.request(options)
                .compose(r -> body == null ? r.send() : r.send(body))
                .compose(r -> r.body().map(b -> new Reply(r.statusCode(), r.headers(), b)));
    }

    /**
     * The request's body as JSON, the one format the store reads: YAML and the protobuf Go clients send for
     * Secrets, ConfigMaps and Namespaces are converted here, once; null when the body was refused (answered).
     */
    private static Buffer asJson(HttpServerRequest request, Buffer body) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || body.length() == 0) {
            return body;
        }
        if (contentType.contains("protobuf")) {
            if (request.method() == HttpMethod.DELETE) {
                // DeleteOptions (grace period, propagation) mean nothing here: no kubelet, no garbage collector.
                return Buffer.buffer();
            }
            Optional<ObjectNode> decoded;
            try {
                decoded = ProtobufObjects.toJson(body.getBytes());
            } catch (IllegalArgumentException e) {
                status(request, 400, "BadRequest", "unreadable protobuf body: " + e.getMessage());
                return null;
            }
            if (decoded.isEmpty()) {
                status(request, 415, "UnsupportedMediaType", "the local API reads protobuf only for v1 Secrets, "
                        + "ConfigMaps and Namespaces; send JSON or YAML (e.g. kubectl apply -f)");
                return null;
            }
            return Buffer.buffer(decoded.get().toString());
        }
        if (contentType.contains("yaml")) {
            try {
                return Buffer.buffer(JSON.writeValueAsBytes(YAML.readTree(body.getBytes())));
            } catch (IOException e) {
                status(request, 400, "BadRequest", "the body is not valid YAML");
                return null;
            }
        }
        return body;
    }

    private void forward(HttpServerRequest request, Buffer body, String uri, Consumer<Buffer> after) {
        String header = request.getHeader("Content-Type");
        // Bodies are JSON by now (asJson); only a JSON patch keeps its own type.
        String contentType = header != null && header.startsWith("application/json-patch+json") ? header
                : "application/json";
        send(request.method(), uri, body.length() == 0 ? null : body, contentType)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        status(request, 503, "ServiceUnavailable", ar.cause().getMessage());
                        return;
                    }
                    if (after != null && ar.result().status() / 100 == 2) {
                        after.accept(ar.result().body());
                    }
                    raw(request, ar.result());
                });
    }

    private static void raw(HttpServerRequest request, Reply reply) {
        request.response().setStatusCode(reply.status())
                .putHeader("Content-Type", reply.headers().get("Content-Type") == null ? "application/json"
                        : reply.headers().get("Content-Type"))
                .end(reply.body());
    }

    private static void json(HttpServerRequest request, int status, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    private static void status(HttpServerRequest request, int code, String reason, String message) {
        ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("message", message).put("reason", reason).put("code", code);
        status.putObject("metadata");
        json(request, code, status.toString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            front.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("closing the local API front: %s", e.getMessage());
        }
        store.close();
        vertx.close();
        mock.destroy();
    }
}
