package io.modelmonitor.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pod networking for the test node, as a CNI plugin would do it: a bridge on the host ({@value #GATEWAY}/24) and,
 * per pod, a network namespace with its own loopback and an {@code eth0} on the bridge. Processes of one pod share
 * 127.0.0.1 (the collector reaches its model there, as in a real pod); pods, the host and the API server reach each
 * other by address. Needs root (CI runs as root); only these addresses and loopback carry test traffic.
 */
final class PodNetwork implements AutoCloseable {

    static final String BRIDGE = "mmbr0";
    static final String GATEWAY = "10.213.0.1";
    private static final String PREFIX = "10.213.0.";
    private static final String NETNS_PREFIX = "mm-pod-";

    /** One pod's namespace and address. */
    record Sandbox(String netns, String ip) {
    }

    private final BitSet used = new BitSet(256);
    private int next;

    private PodNetwork() {
    }

    /** Creates the bridge, after removing what an earlier, interrupted run may have left. */
    static PodNetwork create() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the cluster tests give each pod a network namespace, which needs root "
                    + "(CI runs as root; locally: sudo -E mvn verify)");
        }
        cleanUpLeftovers();
        run("ip", "link", "add", BRIDGE, "type", "bridge");
        run("ip", "addr", "add", GATEWAY + "/24", "dev", BRIDGE);
        run("ip", "link", "set", BRIDGE, "up");
        return new PodNetwork();
    }

    /** A new network namespace with an address of its own, for one pod. */
    synchronized Sandbox add() {
        // Round robin rather than the lowest free address: a pod's address is not reused at once, as a CNI's IPAM.
        int host = -1;
        for (int i = 0; i < 253 && host < 0; i++) {
            int candidate = 2 + (next + i) % 253;
            if (!used.get(candidate)) {
                host = candidate;
            }
        }
        if (host < 0) {
            throw new IllegalStateException("no pod address left in " + PREFIX + "0/24");
        }
        next = host - 1;
        used.set(host);
        String netns = NETNS_PREFIX + host;
        String ip = PREFIX + host;
        try {
            run("ip", "netns", "add", netns);
            run("ip", "link", "add", hostSide(host), "type", "veth", "peer", "name", "mmp" + host);
            run("ip", "link", "set", "mmp" + host, "netns", netns);
            run("ip", "link", "set", hostSide(host), "master", BRIDGE);
            run("ip", "link", "set", hostSide(host), "up");
            run("ip", "-n", netns, "link", "set", "mmp" + host, "name", "eth0");
            run("ip", "-n", netns, "addr", "add", ip + "/24", "dev", "eth0");
            run("ip", "-n", netns, "link", "set", "eth0", "up");
            run("ip", "-n", netns, "link", "set", "lo", "up");
            run("ip", "-n", netns, "route", "add", "default", "via", GATEWAY);
            return new Sandbox(netns, ip);
        } catch (RuntimeException e) {
            remove(new Sandbox(netns, ip));
            throw e;
        }
    }

    /** Removes a pod's namespace and its veth pair; its processes are killed if any are left. */
    synchronized void remove(Sandbox sandbox) {
        int host = Integer.parseInt(sandbox.ip().substring(PREFIX.length()));
        killProcessesIn(sandbox.netns());
        // Deleting the host end removes the pair at once; a namespace's own devices go asynchronously.
        runQuietly("ip", "link", "del", hostSide(host));
        runQuietly("ip", "netns", "del", sandbox.netns());
        used.clear(host);
    }

    private static String hostSide(int host) {
        return "mmh" + host;
    }

    /** The command prefix that runs a program inside a pod's network namespace. */
    static List<String> enter(Sandbox sandbox) {
        return List.of("ip", "netns", "exec", sandbox.netns());
    }

    @Override
    public synchronized void close() {
        cleanUpLeftovers();
        used.clear();
    }

    private static void cleanUpLeftovers() {
        for (String line : runQuietly("ip", "netns", "list").lines().toList()) {
            String netns = line.split("\\s+")[0];
            if (netns.startsWith(NETNS_PREFIX)) {
                killProcessesIn(netns);
                runQuietly("ip", "netns", "del", netns);
            }
        }
        for (String line : runQuietly("ip", "-o", "link", "show").lines().toList()) {
            String[] fields = line.split(":\\s+");
            if (fields.length > 1 && fields[1].startsWith("mmh")) {
                runQuietly("ip", "link", "del", fields[1].replaceAll("@.*", ""));
            }
        }
        runQuietly("ip", "link", "del", BRIDGE);
    }

    private static void killProcessesIn(String netns) {
        for (String pid : runQuietly("ip", "netns", "pids", netns).lines().map(String::trim).filter(s -> !s.isEmpty())
                .toList()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    static String run(String... command) {
        Output out = exec(command);
        if (out.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + out.exit() + "): " + out.text());
        }
        return out.text();
    }

    private static String runQuietly(String... command) {
        return exec(command).text();
    }

    private record Output(int exit, String text) {
    }

    private static Output exec(String... command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Output(-1, text + " (timed out)");
            }
            return new Output(p.exitValue(), text);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
