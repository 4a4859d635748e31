package io.modelmonitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.CollectorContract.Env;

class CollectorContractTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(MM_[A-Z_]+)` \\| ([^|]+) \\| ([^|]+) \\|$", Pattern.MULTILINE);

    @Test
    void theReadmeTableListsEveryVariableWithItsDefaultAndNothingElse() throws Exception {
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("src/docs/collector.md")));
        while (row.find()) {
            documented.put(row.group(1), row.group(2).trim());
        }

        Map<String, String> contract = new LinkedHashMap<>();
        for (Env variable : Env.values()) {
            contract.put(variable.variable(), variable.defaultValue() == null ? "(unset)" : "`" + variable.defaultValue() + "`");
        }
        assertThat(documented).containsExactlyEntriesOf(contract);
    }

    @Test
    void aVariableFallsBackToItsDefaultOnlyWhenAbsent() {
        assertThat(Env.PORT.from(Map.of())).isEqualTo("9090");
        assertThat(Env.PORT.from(Map.of("MM_PORT", "7000"))).isEqualTo("7000");
        assertThat(Env.ID_KEY.from(Map.of())).isNull();
        assertThat(Env.UPSTREAM_URL.defaultValue()).isEqualTo("http://127.0.0.1:" + CollectorContract.MODEL_PORT);
    }

    @Test
    void everyVariableIsNamespacedAndNamedOnce() {
        assertThat(Env.values()).extracting(Env::variable).allMatch(v -> v.startsWith("MM_")).doesNotHaveDuplicates();
    }
}
