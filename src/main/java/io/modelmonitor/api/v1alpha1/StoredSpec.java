package io.modelmonitor.api.v1alpha1;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * Reads a stored monitor's spec so that a spec this operator cannot read costs that monitor alone. Without it one
 * stored object with, say, {@code minSamples: 3000000000} (accepted by a CRD without that maximum) failed the
 * informer's deserialization, and the watch stopped for every monitor of every tenant. Such a spec becomes a
 * placeholder that says what could not be read ({@link ModelMonitorSpec#unreadable()}); the operator reports it
 * Invalid on that monitor, and keeps its target only so that a deletion can still give the target back. A
 * placeholder is written as the stored JSON it came from ({@link Writer}, which the operator's client applies to
 * {@code ModelMonitor.spec} as a mix-in, {@link WriteBack}): the informer's cache copies resources through JSON,
 * and a copy must be the same unreadable spec, not a spec of defaults (seen on the real API server).
 */
public final class StoredSpec {

    private StoredSpec() {
    }

    /** The deserializer of {@code ModelMonitor.spec}. */
    public static final class Reader extends JsonDeserializer<ModelMonitorSpec> {

        @Override
        public ModelMonitorSpec deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode tree = parser.readValueAsTree();
            try {
                return context.readTreeAsValue(tree, ModelMonitorSpec.class);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                // Only what the value is (out of range, wrong type, unknown enum): an I/O failure is not the object's.
                return ModelMonitorSpec.unreadable(problem(e), target(tree, context), tree);
            }
        }

        private static TargetSpec target(JsonNode tree, DeserializationContext context) {
            try {
                TargetSpec target = tree == null || !tree.has("target") ? null
                        : context.readTreeAsValue(tree.get("target"), TargetSpec.class);
                return target == null ? new TargetSpec() : target;
            } catch (IOException | IllegalArgumentException e) {
                return new TargetSpec();
            }
        }
    }

    /** The mix-in that writes {@code ModelMonitor.spec} with {@link Writer}: add it to every mapper that copies monitors. */
    public abstract static class WriteBack {
        @JsonSerialize(using = Writer.class)
        public abstract ModelMonitorSpec getSpec();
    }

    /** Adds {@link WriteBack} to a mapper. */
    public static void writeBack(ObjectMapper mapper) {
        mapper.addMixIn(ModelMonitor.class, WriteBack.class);
    }

    /** The serializer of {@code ModelMonitor.spec}: a placeholder as the JSON it was read from, any other as itself. */
    public static final class Writer extends JsonSerializer<ModelMonitorSpec> {

        @Override
        public void serialize(ModelMonitorSpec spec, JsonGenerator generator,
                SerializerProvider provider) throws IOException {
            if (spec.unreadable() != null && spec.stored() != null) {
                generator.writeTree(spec.stored());
            } else {
                provider.findValueSerializer(ModelMonitorSpec.class).serialize(spec, generator, provider);
            }
        }
    }

    /** The field that could not be read and why, phrased for the monitor's author, bounded in length. */
    static String problem(Exception e) {
        StringBuilder path = new StringBuilder("spec");
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append('.').append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
        }
        String why = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
        why = why == null ? e.getClass().getSimpleName() : why.lines().findFirst().orElse("").trim();
        if (why.length() > 200) {
            why = why.substring(0, 200) + "...";
        }
        return path + ": " + why;
    }
}
