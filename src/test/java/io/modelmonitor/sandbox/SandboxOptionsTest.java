package io.modelmonitor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SandboxOptionsTest {

    @Test
    void defaultsAreTheStoryAsTheReadmeTellsIt() {
        SandboxOptions options = SandboxOptions.parse();
        assertThat(options.keepRunning()).isFalse();
        assertThat(options.rate()).isEqualTo(60);
        assertThat(options.labeled()).isEqualTo(1.0);
        assertThat(options.describeTraffic()).isEqualTo("60 requests/s, every prediction labelled");
    }

    @Test
    void theInputsStoryWaitsForItsLabelsUnlessToldOtherwise() {
        SandboxOptions inputs = SandboxOptions.parse("--story", "inputs");
        assertThat(inputs.inputsStory()).isTrue();
        assertThat(inputs.labelDelay()).isEqualTo(Duration.ofSeconds(45));
        assertThat(inputs.describeTraffic()).isEqualTo("60 requests/s, every prediction labelled, 45s later");
        assertThat(SandboxOptions.parse("--story=inputs", "--label-delay=2m").labelDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(SandboxOptions.parse().labelDelay()).isZero();
        assertThat(SandboxOptions.parse("--story", "llm").llmStory()).isTrue();
        assertThatThrownBy(() -> SandboxOptions.parse("--story", "chat")).hasMessage("--story is release, inputs or llm, got 'chat'");
        assertThatThrownBy(() -> SandboxOptions.parse("--label-delay", "1h")).hasMessageContaining("from 0s to 10m");
    }

    @Test
    void flagsTakeTheirValueSeparatedOrAfterAnEqualsSign() {
        SandboxOptions options = SandboxOptions.parse("--keep-running", "--rate", "120", "--labeled=0.25");
        assertThat(options.keepRunning()).isTrue();
        assertThat(options.rate()).isEqualTo(120);
        assertThat(options.labeled()).isEqualTo(0.25);
        assertThat(options.describeTraffic()).isEqualTo("120 requests/s, 25% of predictions labelled");
        assertThat(SandboxOptions.parse("--rate=7").rate()).isEqualTo(7);
        assertThat(SandboxOptions.parse("-h").help()).isTrue();
    }

    @Test
    void aWrongValueSaysWhichOptionAndWhatIsAccepted() {
        assertThatThrownBy(() -> SandboxOptions.parse("--rate", "0")).hasMessage(
                "--rate must be a whole number of requests per second from 1 to 500, got '0'");
        assertThatThrownBy(() -> SandboxOptions.parse("--rate", "fast")).hasMessageContaining("got 'fast'");
        assertThatThrownBy(() -> SandboxOptions.parse("--labeled", "1.5")).hasMessage(
                "--labeled must be a share from 0 to 1 (e.g. 0.5), got '1.5'");
        assertThatThrownBy(() -> SandboxOptions.parse("--labeled", "NaN")).hasMessageContaining("got 'NaN'");
        assertThatThrownBy(() -> SandboxOptions.parse("--rate")).hasMessage("--rate needs a value (see sandbox --help)");
        assertThatThrownBy(() -> SandboxOptions.parse("--keep-runing")).hasMessage(
                "unknown option '--keep-runing' (see sandbox --help)");
    }

    @Test
    void theUsageNamesEveryOptionAndTheLogFile() {
        assertThat(SandboxOptions.USAGE).contains("--keep-running", "--rate N", "--labeled F", "--help",
                "set image deploy/fraud-detector model=model-monitor/demo-fraud-model:v2", "target/sandbox/sandbox.log");
    }
}
