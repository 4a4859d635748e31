package io.modelmonitor.operator;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;

import io.modelmonitor.api.v1alpha1.StoredSpec;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * A field this operator's types do not know is skipped, not fatal. Otherwise one stored ModelMonitor with a newer
 * field (the CRD upgraded before the operator, which a real API server then stores) fails the informer's
 * deserialization and stops the watch for every monitor. Each unknown field is logged once per type.
 */
@Singleton
public class UnknownFields implements KubernetesClientObjectMapperCustomizer {

    private static final Logger LOG = Logger.getLogger(UnknownFields.class);
    static final int MAX_REPORTED = 100;
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addHandler(new Handler());
        // And a stored spec that could not be read is copied as it was stored (the informer's cache copies through JSON).
        StoredSpec.writeBack(mapper);
    }

    static final class Handler extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser, JsonDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) throws IOException {
            String type = beanOrClass instanceof Class<?> c ? c.getSimpleName() : beanOrClass.getClass().getSimpleName();
            String field = type + "." + propertyName;
            if (REPORTED.size() < MAX_REPORTED && REPORTED.add(field)) {
                LOG.warnf("ignoring field '%s' of %s, which this operator version does not know (is the CRD newer than "
                        + "the operator?); further occurrences are not logged", propertyName, type);
            }
            parser.skipChildren();
            return true;
        }
    }
}
