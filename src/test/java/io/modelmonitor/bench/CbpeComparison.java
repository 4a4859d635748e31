package io.modelmonitor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import io.modelmonitor.metrics.PerformanceEstimate;
import io.modelmonitor.metrics.ReferenceProfile;
import io.modelmonitor.metrics.ScoreCounts;

/**
 * Our side of src/bench/nannyml/cbpe_compare.py: a reference CSV (y_pred_proba, y_pred, y_true) made into the scores
 * by label a profile holds, and an analysis CSV (y_pred_proba, y_pred, chunk) counted per chunk as a collector counts
 * it; prints one line per chunk: chunk, estimated accuracy, its interval, estimated F1.
 */
public final class CbpeComparison {

    private CbpeComparison() {
    }

    public static void main(String... args) throws IOException {
        long[] counts = new long[ScoreCounts.BINS];
        long[] positives = new long[ScoreCounts.BINS];
        List<String> reference = Files.readAllLines(Path.of(args[0]));
        for (String line : reference.subList(1, reference.size())) {
            String[] cells = line.split(",");
            int bin = ScoreCounts.bin(Double.parseDouble(cells[0]));
            counts[bin]++;
            positives[bin] += Double.parseDouble(cells[2]) == 1 ? 1 : 0;
        }
        ReferenceProfile.Scores scores = new ReferenceProfile.Scores(counts, positives);
        TreeMap<Integer, ScoreCounts> chunks = new TreeMap<>();
        List<String> analysis = Files.readAllLines(Path.of(args[1]));
        for (String line : analysis.subList(1, analysis.size())) {
            String[] cells = line.split(",");
            ScoreCounts chunk = chunks.computeIfAbsent(Integer.parseInt(cells[2]), k -> ScoreCounts.empty());
            int bin = ScoreCounts.bin(Double.parseDouble(cells[0]));
            (Double.parseDouble(cells[1]) == 1 ? chunk.predictedPositive() : chunk.predictedNegative())[bin]++;
        }
        chunks.forEach((chunk, window) -> {
            PerformanceEstimate e = PerformanceEstimate.compute(window, scores, null, 0.95);
            System.out.printf(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f%n", chunk, e.accuracy().value(), e.accuracy().lower(),
                    e.accuracy().upper(), e.f1().value());
        });
    }
}
