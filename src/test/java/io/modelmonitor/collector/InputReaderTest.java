package io.modelmonitor.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.modelmonitor.api.v1alpha1.FeatureSpec;
import io.modelmonitor.api.v1alpha1.FeatureType;
import io.modelmonitor.api.v1alpha1.ModelProtocol;

class InputReaderTest {

    private static FeatureSpec feature(String name, FeatureType type, Integer index, String pointer) {
        FeatureSpec f = new FeatureSpec(name, type);
        f.setIndex(index);
        f.setPointer(pointer);
        return f;
    }

    private static final List<FeatureSpec> AMOUNT_COUNTRY = List.of(feature("amount", FeatureType.NUMERICAL, null, null),
            feature("country", FeatureType.CATEGORICAL, null, null));

    private static InputReader.Rows read(InputReader reader, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return reader.read(bytes, bytes.length);
    }

    private static List<String> row(InputReader.Rows rows, int i) {
        return Arrays.stream(rows.rows().get(i)).map(Object::toString).toList();
    }

    @Test
    void kserveV1ObjectInstancesAreReadByKeyOneRowPerInstance() {
        InputReader reader = new InputReader(ModelProtocol.KSERVE_V1, AMOUNT_COUNTRY);
        InputReader.Rows rows = read(reader, """
                {"instances": [{"amount": 12.5, "country": "DE"}, {"amount": null, "country": 7},
                 {"country": "FR", "extra": 1}, {"amount": "12", "country": {"nested": true}}]}""");
        assertThat(rows.violation()).isFalse();
        assertThat(rows.rows()).hasSize(4);
        assertThat(row(rows, 0)).containsExactly("Number[value=12.5]", "Category[value=DE]");
        assertThat(row(rows, 1)).as("null is missing; a number is a category spelled as text")
                .containsExactly("Missing[]", "Category[value=7]");
        assertThat(row(rows, 2)).containsExactly("Missing[]", "Category[value=FR]");
        assertThat(row(rows, 3)).as("text where a number belongs, an object where a category belongs")
                .containsExactly("WrongType[]", "WrongType[]");
    }

    @Test
    void arrayInstancesAreReadByIndexAndPointersReachIntoOtherShapes() {
        InputReader byIndex = new InputReader(ModelProtocol.KSERVE_V1, List.of(
                feature("age", FeatureType.NUMERICAL, 0, null), feature("income", FeatureType.NUMERICAL, 2, null)));
        InputReader.Rows rows = read(byIndex, "{\"instances\": [[31, 0, 4200.0], [45, 1]]}");
        assertThat(row(rows, 0)).containsExactly("Number[value=31.0]", "Number[value=4200.0]");
        assertThat(row(rows, 1)).as("a short row misses the feature").containsExactly("Number[value=45.0]", "Missing[]");

        InputReader byPointer = new InputReader(ModelProtocol.JSON, List.of(
                feature("age", FeatureType.NUMERICAL, null, "/customer/age")));
        assertThat(row(read(byPointer, "{\"customer\": {\"age\": 52}}"), 0)).containsExactly("Number[value=52.0]");
    }

    @Test
    void openInferenceV2TensorsAreReadRowByRowByNameOrColumn() {
        InputReader named = new InputReader(ModelProtocol.OPEN_INFERENCE_V2, AMOUNT_COUNTRY);
        InputReader.Rows rows = read(named, """
                {"inputs": [{"name": "amount", "shape": [3], "datatype": "FP32", "data": [1.5, 2.5, 3.5]},
                            {"name": "country", "shape": [3], "datatype": "BYTES", "data": ["DE", "FR", "DE"]}]}""");
        assertThat(rows.rows()).hasSize(3);
        assertThat(row(rows, 2)).containsExactly("Number[value=3.5]", "Category[value=DE]");

        InputReader columns = new InputReader(ModelProtocol.OPEN_INFERENCE_V2, List.of(
                feature("x0", FeatureType.NUMERICAL, 0, null), feature("x2", FeatureType.NUMERICAL, 2, null)));
        rows = read(columns, "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 3], \"datatype\": \"FP32\","
                + " \"data\": [1, 2, 3, 4, 5, 6]}]}");
        assertThat(row(rows, 0)).containsExactly("Number[value=1.0]", "Number[value=3.0]");
        assertThat(row(rows, 1)).containsExactly("Number[value=4.0]", "Number[value=6.0]");
    }

    @Test
    void shapesThatDoNotMatchAreViolationsNotExceptions() {
        InputReader reader = new InputReader(ModelProtocol.KSERVE_V1, AMOUNT_COUNTRY);
        assertThat(read(reader, "not json").violation()).isTrue();
        assertThat(read(reader, "[1, 2]").violation()).as("not an object").isTrue();
        assertThat(read(reader, "{\"instances\": []}").violation()).isTrue();
        assertThat(read(reader, "{\"instances\": [[1, 2]]}").violation()).as("an array where names are needed").isTrue();
        StringBuilder wide = new StringBuilder("{\"instances\": [{");
        for (int i = 0; i < 10_000; i++) {
            wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\": ").append(i);
        }
        assertThat(read(reader, wide.append("}]}").toString()).violation()).as("10,000 members").isTrue();
        InputReader tensors = new InputReader(ModelProtocol.OPEN_INFERENCE_V2, AMOUNT_COUNTRY);
        assertThat(read(tensors, "{\"inputs\": [{\"name\": \"amount\", \"shape\": [2], \"data\": [1, 2]},"
                + " {\"name\": \"country\", \"shape\": [3], \"data\": [\"a\", \"b\", \"c\"]}]}").violation())
                .as("tensors that disagree on the batch size").isTrue();
    }

    @Test
    void nonFiniteNumbersAndHugeStringsAreCountedNotKept() {
        InputReader reader = new InputReader(ModelProtocol.KSERVE_V1, AMOUNT_COUNTRY);
        String huge = "x".repeat(1 << 20);
        InputReader.Rows rows = read(reader, "{\"instances\": [{\"amount\": 1e999, \"country\": \"" + huge + "\"},"
                + " {\"amount\": \"NaN\", \"country\": \"DE\"}]}");
        assertThat(row(rows, 0).get(0)).as("an overflowing number is not a value").isEqualTo("WrongType[]");
        assertThat(((InputReader.Category) rows.rows().get(0)[1]).value()).as("a category is cut short at once")
                .hasSizeLessThanOrEqualTo(128);
        assertThat(row(rows, 1).get(0)).isEqualTo("WrongType[]");
    }
}
