package io.modelmonitor.operator.validation;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitorSpec;

/**
 * The bounds the CRD schema declares (the generator's {@code @Min}, {@code @Max}, {@code @Size} and {@code @Pattern}
 * on the API types, and the CEL range of a duration), checked again by the operator, read from the same annotations: a
 * spec that reached the operator without the schema (an older CRD, the sandbox, a test) is held to exactly the same
 * bounds.
 */
final class SchemaBounds {

    private static final String API_PACKAGE = ModelMonitorSpec.class.getPackageName();
    /** The one shape of CEL rule a duration field carries: its range. */
    private static final Pattern DURATION_RANGE = Pattern.compile(
            "duration\\(self\\) >= duration\\('([^']+)'\\) && duration\\(self\\) <= duration\\('([^']+)'\\)");

    private SchemaBounds() {
    }

    static List<String> problems(ModelMonitorSpec spec) {
        List<String> problems = new ArrayList<>();
        check(spec, "spec", problems);
        return problems;
    }

    private static void check(Object object, String path, List<String> problems) {
        for (Class<?> type = object.getClass(); type != null && type.getPackageName().equals(API_PACKAGE);
                type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object value;
                try {
                    value = field.get(object);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("API field " + field + " is not readable", e);
                }
                if (value == null) {
                    continue;
                }
                String at = path + "." + name(field);
                bounds(field, value, at, problems);
                durationRange(field, value, at, problems);
                if (value instanceof List<?> list) {
                    for (int i = 0; i < list.size(); i++) {
                        if (list.get(i) != null && isApiType(list.get(i))) {
                            check(list.get(i), at + "[" + i + "]", problems);
                        }
                    }
                } else if (isApiType(value) && !value.getClass().isEnum()) {
                    check(value, at, problems);
                }
            }
        }
    }

    private static void bounds(Field field, Object value, String at, List<String> problems) {
        Min min = field.getAnnotation(Min.class);
        Max max = field.getAnnotation(Max.class);
        if (value instanceof Number number) {
            double v = number.doubleValue();
            if (min != null && (min.inclusive() ? v < min.value() : v <= min.value())) {
                problems.add(at + " must be " + (min.inclusive() ? "at least " : "above ") + plain(min.value()) + ", got " + number);
            }
            if (max != null && (max.inclusive() ? v > max.value() : v >= max.value())) {
                problems.add(at + " must be " + (max.inclusive() ? "at most " : "below ") + plain(max.value()) + ", got " + number);
            }
        }
        Size size = field.getAnnotation(Size.class);
        long length = value instanceof String s ? s.length() : value instanceof Collection<?> c ? c.size()
                : value instanceof Map<?, ?> m ? m.size() : -1;
        String unit = value instanceof String ? " characters" : " items";
        if (size != null && length >= 0) {
            if (length < size.min()) {
                problems.add(at + " needs at least " + size.min() + unit + ", has " + length);
            }
            if (length > size.max()) {
                problems.add(at + " allows at most " + size.max() + unit + ", has " + length);
            }
        }
        io.fabric8.generator.annotation.Pattern pattern = field.getAnnotation(io.fabric8.generator.annotation.Pattern.class);
        if (pattern != null && value instanceof String s && (size == null || length <= size.max())
                && !Pattern.compile(pattern.value()).matcher(s).matches()) {
            problems.add(at + " " + SpecValidator.quote(s) + " does not match " + pattern.value());
        }
    }

    /** A duration outside the range its CEL rule states (one that does not parse is SpecValidator's to report). */
    private static void durationRange(Field field, Object value, String at, List<String> problems) {
        ValidationRule rule = field.getAnnotation(ValidationRule.class);
        Matcher range = rule == null ? null : DURATION_RANGE.matcher(rule.value());
        if (range == null || !range.matches() || !(value instanceof String text)) {
            return;
        }
        try {
            Duration d = Durations.parseAllowingZero(text);
            if (d.compareTo(Durations.parseAllowingZero(range.group(1))) < 0
                    || d.compareTo(Durations.parseAllowingZero(range.group(2))) > 0) {
                problems.add(at + " " + text + " must be between " + range.group(1) + " and " + range.group(2));
            }
        } catch (IllegalArgumentException e) {
            // not a duration: said by the pattern or the validator
        }
    }

    private static boolean isApiType(Object value) {
        return value.getClass().getPackageName().equals(API_PACKAGE);
    }

    private static String name(Field field) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : field.getName();
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
