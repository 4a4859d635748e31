package io.modelmonitor.operator.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.modelmonitor.api.v1alpha1.Durations;
import io.modelmonitor.api.v1alpha1.ModelMonitor;
import io.modelmonitor.metrics.CollectorSnapshot;
import io.modelmonitor.metrics.MonitorWindow;
import io.modelmonitor.operator.target.Target;

/**
 * Every collector of the target, read directly: the judged revision's window is made of its pods' snapshots, and
 * each serving revision keeps a window of its own. The windows live in memory, per monitor; an operator restart
 * starts them afresh from the collectors' counters.
 */
public final class CollectorsSource implements MetricsSource {

    private final CollectorEndpoints endpoints;
    private final SnapshotReader reader;
    private final Map<String, MonitorWindow> windows = new ConcurrentHashMap<>();
    /** Per monitor, one window per serving revision (by its revision label), never restarted while it serves. */
    private final Map<String, Map<String, MonitorWindow>> byRevision = new ConcurrentHashMap<>();
    /** Per monitor, each collector's sketch cursor: the last epoch of features' sketches merged from it. */
    private final Map<String, Map<String, String>> cursors = new ConcurrentHashMap<>();

    public CollectorsSource(CollectorEndpoints endpoints, SnapshotReader reader) {
        this.endpoints = endpoints;
        this.reader = reader;
    }

    /** The default source: every monitor Prometheus does not serve. */
    @Override
    public boolean serves(ModelMonitor monitor) {
        return true;
    }

    @Override
    public Reading read(Request request) {
        ModelMonitor monitor = request.monitor();
        Target target = request.target();
        long windowMillis = Durations.parse(monitor.getSpec().getEvaluation().getWindow()).toMillis();
        List<CollectorEndpoints.Endpoint> found = endpoints.endpoints(monitor, target);
        boolean features = !monitor.getSpec().getModel().getFeatures().isEmpty();
        Map<String, String> mine = cursors.computeIfAbsent(monitor.getMetadata().getUid(), k -> new ConcurrentHashMap<>());
        SnapshotReader.Reads reads = features ? reader.read(found, name -> mine.getOrDefault(name, "-"))
                : reader.read(found);
        if (features) {
            moveCursors(mine, found, reads);
        }
        String judgedHash = target == null ? null : target.currentRevisionHash().orElse(null);
        // The judged revision's pods: its hash's, or every pod while the hash is not recorded yet.
        Set<String> judgedPods = found.stream().filter(e -> judgedHash == null || judgedHash.equals(e.revision()))
                .map(CollectorEndpoints.Endpoint::name).collect(Collectors.toSet());
        List<CollectorSnapshot> judgedReads = reads.snapshots().stream().filter(r -> judgedPods.contains(r.collector()))
                .toList();
        MonitorWindow window = windows.computeIfAbsent(monitor.getMetadata().getUid(), k -> new MonitorWindow(windowMillis));
        boolean restarted = window.advance(judgedReads, judgedPods, request.nowMillis(), request.revision(), windowMillis,
                request.judgeFromMillis());
        List<RevisionReading> revisions = revisions(monitor, target, found, reads, judgedHash, windowMillis,
                request.nowMillis());
        return new Reading("collectors", window.counts(), window.coveredSeconds(request.nowMillis()), judgedReads.size(),
                reads.failures(), window.hasData(),
                found.isEmpty() ? null : reads.snapshots().isEmpty() ? "no collector could be read" : null, judgedHash,
                restarted, revisions);
    }

    /**
     * Moves every serving revision's own window on (the judged one's too: unlike the judged window it does not
     * start over when the revision changes, so the revision being replaced keeps its history as a baseline).
     * A revision whose pods are all gone loses its window; its figures live on in status.healthyRevisions.
     */
    private List<RevisionReading> revisions(ModelMonitor monitor, Target target, List<CollectorEndpoints.Endpoint> found,
            SnapshotReader.Reads reads, String judgedHash, long windowMillis, long nowMillis) {
        if (judgedHash == null) {
            return List.of();
        }
        Map<String, Set<String>> podsByHash = new TreeMap<>();
        for (CollectorEndpoints.Endpoint e : found) {
            if (e.revision() != null) {
                podsByHash.computeIfAbsent(e.revision(), k -> new HashSet<>()).add(e.name());
            }
        }
        Map<String, MonitorWindow> mine = byRevision.computeIfAbsent(monitor.getMetadata().getUid(),
                k -> new ConcurrentHashMap<>());
        mine.keySet().retainAll(podsByHash.keySet());
        Map<String, Long> numbers = new HashMap<>();
        target.history().revisions().forEach(r -> numbers.put(r.templateHash(), r.number()));
        List<RevisionReading> revisions = new ArrayList<>();
        podsByHash.forEach((hash, pods) -> {
            MonitorWindow w = mine.computeIfAbsent(hash, k -> new MonitorWindow(windowMillis));
            w.advance(reads.snapshots().stream().filter(r -> pods.contains(r.collector())).toList(), pods, nowMillis, hash,
                    windowMillis);
            revisions.add(new RevisionReading(hash, numbers.get(hash), pods.size(), w.counts(), w.coveredSeconds(nowMillis)));
        });
        return revisions;
    }

    /** Each read collector's cursor moves to the last epoch it served; a gone pod's is forgotten with it. */
    private static void moveCursors(Map<String, String> cursors, List<CollectorEndpoints.Endpoint> found,
            SnapshotReader.Reads reads) {
        for (CollectorSnapshot s : reads.snapshots()) {
            var sketches = s.inputs() == null ? null : s.inputs().sketches();
            if (sketches != null && sketches.instance() != null && sketches.instance().length() <= 64) {
                cursors.put(s.collector(), sketches.instance() + ":" + sketches.toSeq());
            }
        }
        Set<String> present = found.stream().map(CollectorEndpoints.Endpoint::name).collect(Collectors.toSet());
        cursors.keySet().retainAll(present);
    }

    @Override
    public void forget(ModelMonitor monitor) {
        cursors.remove(monitor.getMetadata().getUid());
        windows.remove(monitor.getMetadata().getUid());
        byRevision.remove(monitor.getMetadata().getUid());
    }
}
