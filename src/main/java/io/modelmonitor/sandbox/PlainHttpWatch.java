package io.modelmonitor.sandbox;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * A plain-HTTP watch, as the API server serves kubectl ({@code get -w}, {@code wait}): events streamed as JSON
 * lines. The mock serves watches over WebSocket only; this one follows the store with a fabric8 watch. With
 * {@code sendInitialEvents=true} (a "watch list": kubectl 1.35 and later list this way) it first sends every
 * current object as ADDED and then the bookmark that ends the initial events, as the API server does; without
 * that bookmark a current kubectl's {@code wait} never sees the object.
 */
final class PlainHttpWatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlainHttpWatch() {
    }

    /** Serves one watch request until it times out or the client goes away. */
    static void serve(Vertx vertx, KubernetesClient store, HttpServerRequest request, ResourcePath target,
            ApiDiscovery.Kind kind) {
        String fieldSelector = request.getParam("fieldSelector");
        long timeout = parseLong(request.getParam("timeoutSeconds"), 300);
        var response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(kind.group())
                .withVersion(kind.version()).withPlural(kind.plural()).withKind(kind.kind()).withNamespaced(kind.namespaced())
                .build();
        var resources = store.genericKubernetesResources(context);
        Watcher<GenericKubernetesResource> watcher = new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
                JsonNode object = JSON.valueToTree(resource);
                if (fieldSelector != null && !FieldSelectors.matches(fieldSelector, object)) {
                    return;
                }
                ObjectNode event = JSON.createObjectNode().put("type", action.name());
                event.set("object", object);
                vertx.runOnContext(v -> {
                    if (!response.ended() && !response.closed()) {
                        response.write(event + "\n");
                    }
                });
            }

            @Override
            public void onClose(WatcherException cause) {
                vertx.runOnContext(v -> {
                    if (!response.ended() && !response.closed()) {
                        response.end();
                    }
                });
            }
        };
        Watch watch = target.namespace() == null ? resources.inAnyNamespace().watch(watcher)
                : resources.inNamespace(target.namespace()).watch(watcher);
        response.write("");
        if ("true".equals(request.getParam("sendInitialEvents"))) {
            var list = target.namespace() == null ? resources.inAnyNamespace().list()
                    : resources.inNamespace(target.namespace()).list();
            for (GenericKubernetesResource resource : list.getItems()) {
                watcher.eventReceived(Watcher.Action.ADDED, resource);
            }
            ObjectNode bookmark = JSON.createObjectNode().put("type", "BOOKMARK");
            ObjectNode object = bookmark.putObject("object").put("kind", kind.kind())
                    .put("apiVersion", kind.group().isEmpty() ? kind.version() : kind.group() + "/" + kind.version());
            object.putObject("metadata").put("resourceVersion", list.getMetadata() == null
                    || list.getMetadata().getResourceVersion() == null ? "0" : list.getMetadata().getResourceVersion())
                    .putObject("annotations").put("k8s.io/initial-events-end", "true");
            vertx.runOnContext(v -> {
                if (!response.ended() && !response.closed()) {
                    response.write(bookmark + "\n");
                }
            });
        }
        long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(timeout), t -> {
            watch.close();
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            watch.close();
        });
    }

    private static long parseLong(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
