package io.modelmonitor.alerting;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One log record with fields a log pipeline can index (the JSON format puts them under {@code mdc}): put into the
 * MDC for that record only and taken out after it, so the next record of the thread carries none of them. Fields
 * whose value is null are left out.
 */
public final class LogFields {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    private LogFields() {
    }

    public static LogFields of(String key, Object value) {
        return new LogFields().and(key, value);
    }

    public LogFields and(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** Logs one record at {@code level} with these fields. */
    public void log(Logger log, Logger.Level level, String format, Object... params) {
        fields.forEach((key, value) -> {
            if (value != null) {
                MDC.put(key, value.toString());
            }
        });
        try {
            log.logf(level, format, params);
        } finally {
            fields.keySet().forEach(MDC::remove);
        }
    }
}
