package io.modelmonitor.collector;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.modelmonitor.operator.config.OperatorConfig;

/**
 * A collector in a process of its own, started the way the operator injects it: the same JVM options
 * ({@link OperatorConfig#COLLECTOR_JVM_OPTIONS}: a 48 MiB heap, C2), the same entry point, configured by
 * environment. What a hostile client can do to the sidecar is measured on this, not on a collector sharing the
 * test's large heap.
 */
final class CollectorProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final int dataPort;
    private final int adminPort;

    private CollectorProcess(Process process, Path log, int dataPort, int adminPort) {
        this.process = process;
        this.log = log;
        this.dataPort = dataPort;
        this.adminPort = adminPort;
    }

    static CollectorProcess start(int modelPort, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(List.of(OperatorConfig.COLLECTOR_JVM_OPTIONS.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CollectorMain.class.getName()));
        return start(command, Map.of(), modelPort, env);
    }

    /**
     * The packaged application ({@code target/quarkus-app}, what the image holds), started as the image's entry point
     * starts it, with the JVM options the operator injects in {@code JAVA_TOOL_OPTIONS}: the black box a client of the
     * model meets. Only after {@code mvn package}, so for the integration tests.
     */
    static CollectorProcess startPackaged(int modelPort, Map<String, String> env) throws IOException {
        return startPackaged(modelPort, env, List.of());
    }

    /** As above, with the options the image's entry point puts before {@code -jar} (its JAVA_OPTS). */
    static CollectorProcess startPackaged(int modelPort, Map<String, String> env, List<String> imageOptions)
            throws IOException {
        Path jar = packagedApp().resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the packaged collector is tested after mvn package");
        }
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(imageOptions);
        command.addAll(List.of("-jar", jar.toString(), "collector"));
        return start(command, Map.of("JAVA_TOOL_OPTIONS", OperatorConfig.COLLECTOR_JVM_OPTIONS), modelPort, env);
    }

    /** Another build can be put to the same tests: -Dmm.packaged.app=<its quarkus-app folder> (e.g. an older release). */
    static Path packagedApp() {
        return Path.of(System.getProperty("mm.packaged.app", "target/quarkus-app")).toAbsolutePath();
    }

    private static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static CollectorProcess start(List<String> command, Map<String, String> jvm, int modelPort,
            Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("collector", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("MM_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(jvm);
        builder.environment().putAll(Map.of("MM_UPSTREAM_URL", "http://127.0.0.1:" + modelPort, "MM_PORT", "0",
                "MM_ADMIN_PORT", "0", "MM_BIND_ADDRESS", "127.0.0.1", "MM_POD_IP", "127.0.0.1",
                "MM_ID_KEY", CollectorTestSupport.ID_KEY, "MM_REVISION", "5d8f7c9b44", "MALLOC_ARENA_MAX", "2"));
        builder.environment().putAll(env);
        Process process = builder.start();
        Pattern ports = Pattern.compile("proxying :(\\d+) to .*, admin on :(\\d+)");
        Matcher m = await("the collector process starts").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> ports.matcher(Files.readString(log)), Matcher::find);
        return new CollectorProcess(process, log, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    int dataPort() {
        return dataPort;
    }

    int adminPort() {
        return adminPort;
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory now, in MiB (Linux /proc). */
    long rssMiB() throws IOException {
        return status("VmRSS:");
    }

    /** The most resident memory it ever had, in MiB: what a container limit would have met. */
    long peakRssMiB() throws IOException {
        return status("VmHWM:");
    }

    private long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        return -1;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One sample of a counter or gauge from /metrics, e.g. {@code modelmonitor_connections_closed_total{reason="idle_timeout"}}. */
    long metric(String series) throws Exception {
        for (String line : metrics().split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError(series + " not in /metrics");
    }

    /** SIGTERM, as the kubelet stops a container; the future completes when the process has exited. */
    CompletableFuture<Process> terminate() {
        process.destroy();
        return process.onExit();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
