package io.modelmonitor.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code profile --csv train.csv --features amount:numerical,country:categorical --name fraud-reference
 * [--namespace ns] [--score proba --label y [--positive 1]]}: reads a CSV of the data a model was trained or validated on (a header row, then one row per
 * instance; an empty cell is a missing value) and prints a ConfigMap holding its {@link ReferenceProfile}, for
 * {@code kubectl apply -f -}. The sketches are the collectors' own, so the reference and the live window are
 * compared bin for bin. With a binary classifier's score column and the label column, the profile also holds the
 * scores by label, which calibrate the performance the operator estimates before labels come.
 */
public final class ProfileCommand {

    private ProfileCommand() {
    }

    public static void main(String... args) throws IOException {
        try {
            run(args, System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("profile: " + e.getMessage());
            System.err.println("usage: profile --csv FILE --features NAME:numerical|categorical[,...] --name CONFIGMAP "
                    + "[--namespace NS] [--score COLUMN --label COLUMN [--positive LABEL]]");
            System.exit(2);
        }
    }

    /** The command with its output and diagnostics where the caller wants them. */
    public static void run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        String csv = required(options, "csv");
        String name = required(options, "name");
        Map<String, String> declared = new LinkedHashMap<>();
        String featureList = options.containsKey("score") ? options.getOrDefault("features", "") : required(options, "features");
        for (String f : featureList.isBlank() ? new String[0] : featureList.split(",")) {
            String[] parts = f.trim().split(":");
            if (parts.length != 2 || !(parts[1].equals(FeatureSketch.NUMERICAL) || parts[1].equals(FeatureSketch.CATEGORICAL))) {
                throw new IllegalArgumentException("--features takes name:numerical or name:categorical, got '" + f + "'");
            }
            declared.put(parts[0], parts[1]);
        }
        if (declared.size() > ReferenceProfile.MAX_FEATURES) {
            throw new IllegalArgumentException("at most " + ReferenceProfile.MAX_FEATURES + " features");
        }
        if (options.containsKey("score") != options.containsKey("label")) {
            throw new IllegalArgumentException("--score and --label go together: the scores are calibrated on the labels");
        }
        ReferenceProfile profile = profile(Path.of(csv), declared, options.get("score"), options.get("label"),
                options.getOrDefault("positive", "1"), err);
        ObjectMapper json = new ObjectMapper();
        ObjectNode map = json.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode metadata = map.putObject("metadata").put("name", name);
        if (options.containsKey("namespace")) {
            metadata.put("namespace", options.get("namespace"));
        }
        metadata.putObject("labels").put("modelmonitor.io/profile", "true");
        map.putObject("data").put(ReferenceProfile.KEY, profile.toJson());
        out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(map));
    }

    static ReferenceProfile profile(Path csv, Map<String, String> declared, String scoreColumn, String labelColumn,
            String positive, PrintStream err) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IllegalArgumentException(csv + " is empty");
            }
            List<String> columns = cells(header);
            int[] index = new int[declared.size()];
            FeatureSketch[] sketches = new FeatureSketch[declared.size()];
            long[] missing = new long[declared.size()];
            long[] wrong = new long[declared.size()];
            List<String> names = new ArrayList<>(declared.keySet());
            for (int f = 0; f < index.length; f++) {
                index[f] = column(columns, names.get(f), csv);
                sketches[f] = FeatureSketch.empty(declared.get(names.get(f)));
            }
            int scoreAt = scoreColumn == null ? -1 : column(columns, scoreColumn, csv);
            int labelAt = labelColumn == null ? -1 : column(columns, labelColumn, csv);
            long[] scoreCounts = new long[ScoreCounts.BINS];
            long[] scorePositives = new long[ScoreCounts.BINS];
            long unscored = 0;
            long rows = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                rows++;
                List<String> cells = cells(line);
                if (scoreAt >= 0) {
                    double score = scoreAt < cells.size() ? parse(cells.get(scoreAt)) : Double.NaN;
                    String label = labelAt < cells.size() ? cells.get(labelAt).trim() : "";
                    if (Double.isNaN(score) || score < 0 || score > 1 || label.isEmpty()) {
                        unscored++;
                    } else {
                        int bin = ScoreCounts.bin(score);
                        scoreCounts[bin]++;
                        scorePositives[bin] += same(label, positive) ? 1 : 0;
                    }
                }
                for (int f = 0; f < index.length; f++) {
                    String cell = index[f] < cells.size() ? cells.get(index[f]).trim() : "";
                    if (cell.isEmpty()) {
                        missing[f]++;
                    } else if (sketches[f] instanceof FeatureSketch.Numerical numerical) {
                        try {
                            double value = Double.parseDouble(cell);
                            if (Double.isFinite(value)) {
                                numerical.update(value);
                            } else {
                                wrong[f]++;
                            }
                        } catch (NumberFormatException e) {
                            wrong[f]++;
                        }
                    } else {
                        ((FeatureSketch.Categorical) sketches[f]).update(cell);
                    }
                }
            }
            Map<String, ReferenceProfile.Feature> features = new LinkedHashMap<>();
            for (int f = 0; f < index.length; f++) {
                if (wrong[f] > 0) {
                    err.println("profile: " + names.get(f) + ": " + wrong[f] + " cells are not numbers; counted as missing");
                }
                if (sketches[f].n() == 0) {
                    throw new IllegalArgumentException(names.get(f) + " has no value in " + csv);
                }
                features.put(names.get(f), new ReferenceProfile.Feature(sketches[f].type(), sketches[f].n(),
                        missing[f] + wrong[f], sketches[f]));
            }
            if (unscored > 0) {
                err.println("profile: " + unscored + " rows without a score in [0, 1] and a label were left out of the scores");
            }
            ReferenceProfile.Scores scores = scoreAt < 0 ? null : new ReferenceProfile.Scores(scoreCounts, scorePositives);
            if (features.isEmpty() && scores == null) {
                throw new IllegalArgumentException("nothing to profile: name --features, or --score and --label");
            }
            return new ReferenceProfile(rows, features, scores);
        }
    }

    private static int column(List<String> columns, String name, Path csv) {
        int at = columns.indexOf(name);
        if (at < 0) {
            throw new IllegalArgumentException(csv + " has no column " + name + " (columns: " + String.join(", ", columns) + ")");
        }
        return at;
    }

    private static double parse(String cell) {
        try {
            return Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** 1, 1.0 and "1" are the same label, as the collector reads them. */
    private static boolean same(String label, String positive) {
        if (label.equals(positive)) {
            return true;
        }
        double a = parse(label);
        double b = parse(positive);
        return !Double.isNaN(a) && a == b;
    }

    /** One CSV line's cells (RFC 4180 quoting within a line). */
    static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
