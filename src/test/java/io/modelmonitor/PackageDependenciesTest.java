package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The package structure the README's Architecture part describes, read from the sources' imports. */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/modelmonitor");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.modelmonitor\\.([a-z]+)\\.", Pattern.MULTILINE);

    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // Main: the entry point picks a role, it may import any
                }
                String from = relative.getName(0).toString();
                Matcher m = IMPORT.matcher(Files.readString(file));
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    @Test
    void packagesImportEachOtherWithoutCycles() throws IOException {
        Map<String, Set<String>> graph = imports();
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            for (String next : graph.get(start)) {
                if (reaches(graph, next, start, new TreeSet<>())) {
                    cycles.add(start + " -> " + next + " -> ... -> " + start);
                }
            }
        }
        assertThat(cycles).as("import cycles between packages").isEmpty();
    }

    @Test
    void theMathAndTheRulesKnowNothingOfKubernetesOrTheOtherRoles() throws IOException {
        Map<String, Set<String>> graph = imports();
        assertThat(graph.get("metrics")).isEmpty();
        assertThat(graph.get("evaluation")).containsOnly("api", "metrics");
        assertThat(graph.get("collector")).doesNotContain("operator", "sandbox", "alerting");
        assertThat(graph.get("operator")).doesNotContain("sandbox", "collector");
        assertThat(graph.get("alerting")).containsOnly("api");
        for (String pure : List.of("metrics", "evaluation")) {
            try (Stream<Path> files = Files.walk(SOURCES.resolve(pure))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    assertThat(Files.readString(file)).as(file.toString()).doesNotContain("import io.fabric8")
                            .doesNotContain("import io.javaoperatorsdk");
                }
            }
        }
        assertThat(Files.readString(SOURCES.resolve("rollback/RollbackPlanner.java"))).doesNotContain("import io.fabric8");
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        return graph.getOrDefault(from, Set.of()).stream().anyMatch(n -> reaches(graph, n, to, seen));
    }
}
