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

/** The package structure src/docs/architecture.md describes, read from the sources' imports. */
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

    /**
     * The operator's rooms, by stage, and the rooms each may import. The controller ({@code operator} itself) may
     * import any room and no room imports it; a room missing here, or an import not listed, fails the test, so a new
     * room or a new arrow between rooms is a decision written down here.
     */
    private static final Map<String, Set<String>> OPERATOR_ROOMS = Map.ofEntries(
            Map.entry("config", Set.of()),
            Map.entry("status", Set.of("config")),
            Map.entry("validation", Set.of("config", "status")),
            Map.entry("tls", Set.of("config")),
            Map.entry("injection", Set.of("config")),
            Map.entry("target", Set.of("config", "injection", "status")),
            Map.entry("source", Set.of("config", "injection", "target", "validation")),
            Map.entry("routing", Set.of("config", "injection", "status", "target", "validation")),
            Map.entry("judgement", Set.of("config", "injection", "source", "status", "target")),
            Map.entry("webhook", Set.of("config", "injection", "target", "tls", "validation")),
            Map.entry("verdictapi", Set.of("config", "status", "tls")));

    /** Imports between the operator's rooms; a kind's package (target.argo, ...) belongs to the target room. */
    private static Map<String, Set<String>> operatorRooms() throws IOException {
        Pattern room = Pattern.compile("^import (?:static )?io\\.modelmonitor\\.operator\\.([a-z]+)\\.", Pattern.MULTILINE);
        Path operator = SOURCES.resolve("operator");
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(operator)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = operator.relativize(file);
                String from = relative.getNameCount() == 1 ? "" : relative.getName(0).toString();
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = room.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
                Matcher root = Pattern.compile("^import (?:static )?io\\.modelmonitor\\.operator\\.[A-Z]", Pattern.MULTILINE)
                        .matcher(Files.readString(file));
                if (!from.isEmpty() && root.find()) {
                    to.add("");
                }
            }
        }
        return graph;
    }

    @Test
    void theOperatorsRoomsImportOnlyTheRoomsBelowThem() throws IOException {
        Map<String, Set<String>> graph = operatorRooms();
        graph.remove("");
        assertThat(graph.keySet()).as("rooms of the operator (add a new one to OPERATOR_ROOMS)")
                .isSubsetOf(OPERATOR_ROOMS.keySet());
        graph.forEach((room, imported) -> assertThat(imported).as("rooms that operator." + room + " imports")
                .isSubsetOf(OPERATOR_ROOMS.get(room)));
        List<String> cycles = new ArrayList<>();
        for (String start : OPERATOR_ROOMS.keySet()) {
            for (String next : OPERATOR_ROOMS.get(start)) {
                if (reaches(OPERATOR_ROOMS, next, start, new TreeSet<>())) {
                    cycles.add(start + " -> " + next + " -> ... -> " + start);
                }
            }
        }
        assertThat(cycles).as("cycles in the allowed imports between rooms").isEmpty();
    }

    @Test
    void onlyTheRegistryOfKindsNamesAKindAndKindsKnowOnlyTheCore() throws IOException {
        Path target = SOURCES.resolve("operator/target");
        Pattern kindImport = Pattern.compile("^import io\\.modelmonitor\\.operator\\.target\\.([a-z]+)\\.", Pattern.MULTILINE);
        try (Stream<Path> files = Files.walk(target)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = target.relativize(file);
                Set<String> kinds = new TreeSet<>();
                Matcher m = kindImport.matcher(Files.readString(file));
                while (m.find()) {
                    kinds.add(m.group(1));
                }
                if (relative.getNameCount() == 1) {
                    if (!relative.toString().equals("Targets.java")) {
                        assertThat(kinds).as(relative + " is the kinds' core: it names no kind").isEmpty();
                    }
                } else {
                    String kind = relative.getName(0).toString();
                    kinds.remove(kind);
                    // KServe's raw deployment mode serves its predictor from a Deployment, and says so by reusing it.
                    assertThat(kinds).as(relative + " imports other kinds").isSubsetOf(
                            kind.equals("kserve") ? Set.of("deployment") : Set.of());
                }
            }
        }
    }

    @Test
    void noOperatorRoomHoldsMoreThanANewcomerReadsAtOnce() throws IOException {
        Path operator = SOURCES.resolve("operator");
        try (Stream<Path> dirs = Files.walk(operator)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files.filter(f -> f.toString().endsWith(".java")).count()).as(dir.toString())
                            .isLessThanOrEqualTo(15);
                }
            }
        }
        assertThat(Files.readAllLines(operator.resolve("ModelMonitorController.java")).size())
                .as("lines of the controller").isLessThanOrEqualTo(200);
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
