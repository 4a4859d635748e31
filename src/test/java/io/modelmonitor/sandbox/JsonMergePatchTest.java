package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The examples of RFC 7386, appendix A, that the mock's own merge gets wrong (arrays appended, nulls kept). */
class JsonMergePatchTest {

    @Test
    void nullRemovesArraysAreReplacedObjectsMerge() {
        assertThat(merge("{\"a\":\"b\"}", "{\"a\":null}")).isEqualTo("{}");
        assertThat(merge("{\"a\":[\"b\"]}", "{\"a\":\"c\"}")).isEqualTo("{\"a\":\"c\"}");
        assertThat(merge("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}")).isEqualTo("{\"a\":[1]}");
        assertThat(merge("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}")).isEqualTo("{\"a\":{\"b\":\"d\"}}");
        assertThat(merge("{\"e\":null}", "{\"a\":1}")).isEqualTo("{\"e\":null,\"a\":1}");
        assertThat(merge("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}")).isEqualTo("{\"a\":{\"bb\":{}}}");
    }

    private static String merge(String target, String patch) {
        return JsonMergePatch.apply(ApiDiscovery.tree(target), ApiDiscovery.tree(patch)).toString();
    }
}
