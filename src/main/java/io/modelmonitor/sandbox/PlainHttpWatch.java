package io.modelmonitor.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.vertx.core.Context;
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
            ApiDiscovery.Kind kind, boolean asTable) {
        String fieldSelector = request.getParam("fieldSelector");
        long timeout = parseLong(request.getParam("timeoutSeconds"), 300);
        var response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(kind.group())
                .withVersion(kind.version()).withPlural(kind.plural()).withKind(kind.kind()).withNamespaced(kind.namespaced())
                .build();
        var resources = store.genericKubernetesResources(context);
        // Every write goes through the request's own context, in order; events the store sends while the initial
        // ones are being listed wait until those and their bookmark are out (a DELETED before the ADDED it follows
        // would leave kubectl waiting on an object that is gone).
        Context ctx = vertx.getOrCreateContext();
        List<ObjectNode> held = new ArrayList<>();
        boolean[] live = {!"true".equals(request.getParam("sendInitialEvents"))};
        Consumer<ObjectNode> write = event -> ctx.runOnContext(v -> {
            if (!response.ended() && !response.closed()) {
                response.write(event + "\n");
            }
        });
        Watcher<GenericKubernetesResource> watcher = new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
                JsonNode object = JSON.valueToTree(resource);
                if (fieldSelector != null && !FieldSelectors.matches(fieldSelector, object)) {
                    return;
                }
                ObjectNode event = JSON.createObjectNode().put("type", action.name());
                event.set("object", asTable ? TableConverter.table(kind, object) : object);
                synchronized (held) {
                    if (live[0]) {
                        write.accept(event);
                    } else {
                        held.add(event);
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                ctx.runOnContext(v -> {
                    if (!response.ended() && !response.closed()) {
                        response.end();
                    }
                });
            }
        };
        Watch watch = target.namespace() == null ? resources.inAnyNamespace().watch(watcher)
                : resources.inNamespace(target.namespace()).watch(watcher);
        response.write("");
        catchUp(request, target, kind, resources, fieldSelector, watcher);
        if ("true".equals(request.getParam("sendInitialEvents"))) {
            var list = target.namespace() == null ? resources.inAnyNamespace().list()
                    : resources.inNamespace(target.namespace()).list();
            List<ObjectNode> initial = new ArrayList<>();
            for (GenericKubernetesResource resource : list.getItems()) {
                JsonNode object = JSON.valueToTree(resource);
                if (fieldSelector == null || FieldSelectors.matches(fieldSelector, object)) {
                    initial.add(JSON.createObjectNode().put("type", "ADDED")
                            .set("object", asTable ? TableConverter.table(kind, object) : object));
                }
            }
            ObjectNode bookmark = JSON.createObjectNode().put("type", "BOOKMARK");
            ObjectNode object = bookmark.putObject("object").put("kind", kind.kind())
                    .put("apiVersion", kind.group().isEmpty() ? kind.version() : kind.group() + "/" + kind.version());
            object.putObject("metadata").put("resourceVersion", list.getMetadata() == null
                    || list.getMetadata().getResourceVersion() == null ? "0" : list.getMetadata().getResourceVersion())
                    .putObject("annotations").put("k8s.io/initial-events-end", "true");
            synchronized (held) {
                initial.forEach(write);
                write.accept(bookmark);
                held.forEach(write);
                held.clear();
                live[0] = true;
            }
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

    /**
     * A watch from a resourceVersion must not miss what changed since: the store's watch starts now, so an object
     * watched by name ({@code kubectl delete} and {@code wait} do that) that is gone or newer by the time the watch
     * is up is reported at once, as the API server replays its history.
     */
    private static void catchUp(HttpServerRequest request, ResourcePath target, ApiDiscovery.Kind kind,
            MixedOperation<GenericKubernetesResource, ?, ?> resources, String fieldSelector,
            Watcher<GenericKubernetesResource> watcher) {
        String since = request.getParam("resourceVersion");
        String name = FieldSelectors.name(fieldSelector);
        if (since == null || since.isEmpty() || "0".equals(since) || name == null || target.namespace() == null) {
            return;
        }
        GenericKubernetesResource current = resources.inNamespace(target.namespace()).withName(name).get();
        if (current == null) {
            GenericKubernetesResource gone = new GenericKubernetesResource();
            gone.setApiVersion(kind.groupVersion());
            gone.setKind(kind.kind());
            gone.setMetadata(new ObjectMetaBuilder().withName(name)
                    .withNamespace(target.namespace()).withResourceVersion(since).build());
            watcher.eventReceived(Watcher.Action.DELETED, gone);
        } else if (newer(current.getMetadata().getResourceVersion(), since)) {
            watcher.eventReceived(Watcher.Action.MODIFIED, current);
        }
    }

    private static boolean newer(String version, String than) {
        try {
            return Long.parseLong(version) > Long.parseLong(than);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static long parseLong(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
