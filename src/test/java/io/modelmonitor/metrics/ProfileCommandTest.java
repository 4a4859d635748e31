package io.modelmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ProfileCommandTest {

    @TempDir
    Path dir;

    @Test
    void aCsvBecomesALabelledConfigMapWhoseProfileTheOperatorReads() throws Exception {
        StringBuilder csv = new StringBuilder("id,amount,country,note\n");
        for (int i = 0; i < 1000; i++) {
            csv.append(i).append(',').append(i % 100 == 0 ? "" : Double.toString(i / 10.0)).append(',')
                    .append(i % 3 == 0 ? "\"DE\"" : "FR").append(",\"a, quoted \"\"note\"\"\"\n");
        }
        Path file = dir.resolve("train.csv");
        Files.writeString(file, csv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProfileCommand.run(new String[] {"--csv", file.toString(), "--features", "amount:numerical,country:categorical",
            "--name", "fraud-reference", "--namespace", "models"}, new PrintStream(out), new PrintStream(err));

        JsonNode map = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(map.at("/kind").asText()).isEqualTo("ConfigMap");
        assertThat(map.at("/metadata/labels/modelmonitor.io~1profile").asText()).isEqualTo("true");
        ReferenceProfile profile = ReferenceProfile.parse(map.at("/data/profile.json").asText());
        assertThat(profile.rows()).isEqualTo(1000);
        ReferenceProfile.Feature amount = profile.features().get("amount");
        assertThat(amount.missing()).isEqualTo(10);
        assertThat(((FeatureSketch.Numerical) amount.sketch()).quantile(0.5)).isCloseTo(50, within(1.5));
        assertThat(((FeatureSketch.Categorical) profile.features().get("country").sketch()).frequent())
                .containsEntry("DE", 334L).containsEntry("FR", 666L);
    }

    @Test
    void scoresAndLabelsBecomeTheCalibrationOfTheEstimate() throws Exception {
        StringBuilder csv = new StringBuilder("proba,y\n");
        for (int i = 0; i < 1000; i++) {
            double p = (i % 100) / 100.0 + 0.005;
            csv.append(p).append(',').append(i % 100 < 70 ? (i / 100 < 3 ? "1.0" : "0") : "1").append('\n');
        }
        Path file = dir.resolve("scores.csv");
        Files.writeString(file, csv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProfileCommand.run(new String[] {"--csv", file.toString(), "--score", "proba", "--label", "y", "--name", "s"},
                new PrintStream(out), System.err);
        JsonNode map = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        ReferenceProfile profile = ReferenceProfile.parse(map.at("/data/profile.json").asText());
        assertThat(profile.features()).isEmpty();
        assertThat(profile.scores().counts()[10]).isEqualTo(10);
        assertThat(profile.scores().positives()[10]).as("1.0 is the positive label 1").isEqualTo(3);
        assertThat(profile.scores().positives()[80]).isEqualTo(10);
    }

    @Test
    void aColumnThatIsNotThereIsNamed() throws Exception {
        Path file = dir.resolve("train.csv");
        Files.writeString(file, "a,b\n1,2\n");
        assertThatThrownBy(() -> ProfileCommand.run(new String[] {"--csv", file.toString(), "--features", "c:numerical",
            "--name", "x"}, System.out, System.err)).hasMessageContaining("no column c");
    }
}
