package io.modelmonitor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The README is a front page and every document it leads to is reachable, down to the heading a link names. */
class DocumentationTest {

    private static final Path README = Path.of("README.md");
    private static final Path DOCS = Path.of("src/docs");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

    private static List<Path> documents() throws IOException {
        List<Path> all = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(all::add);
        }
        return all;
    }

    /** GitHub's anchor for a heading. */
    private static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\w\\- ]", "").replace(' ', '-');
    }

    private static Set<String> anchors(Path document) throws IOException {
        String text = Files.readString(document).replaceAll("(?s)```.*?```", "");
        Set<String> anchors = new TreeSet<>();
        Matcher m = HEADING.matcher(text);
        while (m.find()) {
            anchors.add(anchor(m.group(1)));
        }
        return anchors;
    }

    @Test
    void theReadmeIsAFrontPageThatLeadsToEveryDocument() throws IOException {
        String readme = Files.readString(README);
        assertThat(readme.lines().count()).as("README lines").isLessThanOrEqualTo(300);
        assertThat(readme).contains("## Quickstart", "## Install", "## Documentation");
        for (Path doc : documents().subList(1, documents().size())) {
            assertThat(readme).as("the README links " + doc).contains("](" + doc.toString().replace('\\', '/') + ")");
            assertThat(Files.readString(doc)).as(doc + " links back").contains("](../../README.md)");
        }
    }

    @Test
    void everyRelativeLinkReachesAFileAndEveryAnchorAHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(2);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path file = path.isEmpty() ? doc : doc.toAbsolutePath().getParent().resolve(path).normalize();
                if (!Files.exists(file)) {
                    broken.add(doc + ": " + target + " (no such file)");
                } else if (anchor != null && file.toString().endsWith(".md") && !anchors(file).contains(anchor)) {
                    broken.add(doc + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }
}
