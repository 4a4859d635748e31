package io.modelmonitor.sandbox;

import java.time.Duration;
import java.util.Locale;

import io.modelmonitor.api.v1alpha1.Durations;

/**
 * The sandbox's command line: {@code sandbox [--story release|inputs|llm] [--keep-running] [--rate N] [--labeled F]
 * [--label-delay D] [--help]}.
 */
public record SandboxOptions(boolean keepRunning, int rate, double labeled, boolean help, String story,
        Duration labelDelay) {

    /** The bad release, rolled back: the story the README tells first. */
    public static final String RELEASE = "release";
    /** A feature pipeline that breaks while labels are late: caught from the inputs before the first label. */
    public static final String INPUTS = "inputs";
    /** A language model's release with a slower first token and more cut-off answers, rolled back. */
    public static final String LLM = "llm";

    public SandboxOptions(boolean keepRunning, int rate, double labeled, boolean help) {
        this(keepRunning, rate, labeled, help, RELEASE, Duration.ZERO);
    }

    public boolean inputsStory() {
        return INPUTS.equals(story);
    }

    public boolean llmStory() {
        return LLM.equals(story);
    }

    public static final int DEFAULT_RATE = 60;
    public static final String LOG_FILE = "target/sandbox/sandbox.log";
    public static final String KUBECONFIG = "target/sandbox/kubeconfig";

    public static final String USAGE = """
            usage: java -jar target/quarkus-app/quarkus-run.jar sandbox [--story release|inputs|llm] [--keep-running]
                                                                        [--rate N] [--labeled F] [--label-delay D]

            The whole loop on one machine, in about 90 seconds: a local Kubernetes API that kubectl can use, the real
            operator, a simulated control plane running a demo fraud model with real collectors, client traffic with
            ground truth a second later; then a bad release, its rollback and the recovery, and a summary.

              --story S       release (default): the story above. inputs: the model's feature pipeline breaks
                              (amounts in cents, region empty for "us") while labels come --label-delay late;
                              the monitor catches it from the inputs and its estimated accuracy first, names the
                              feature, and the labels confirm it later. llm: a chat model streaming tokens
                              through the OpenAI API, people accepting or rejecting its answers; v2 has a slower
                              first token and cuts more answers off, and is rolled back
              --keep-running  after the summary, keep everything up, traffic and labels included, until Ctrl-C; deploy
                              a bad version yourself and watch the loop again:
                                kubectl --kubeconfig %2$s \\
                                  set image deploy/fraud-detector model=model-monitor/demo-fraud-model:v2
              --rate N        client requests per second, 1 to 500 (default %1$d)
              --labeled F     share of predictions whose ground truth is sent back, 0 to 1 (default 1); with fewer
                              labels the objectives wait longer for their 100 labels per window
              --label-delay D how long ground truth takes to come back, e.g. 45s (default 0; 45s for --story inputs)
              -h, --help      this text

            Demo model images (namespace demo): model-monitor/demo-fraud-model:v2 is the bad release (accuracy about
            0.78); :v3 is accurate overall (about 0.95) but finds only 60%% of the frauds of the "us" region, which
            only the equalOpportunityDifference objective catches; a tag containing "crashloop" crash-loops; any
            other tag behaves as v1 (accuracy about 0.96).
            The terminal shows the story and the monitor's Events; the operator's own log goes to %3$s.
            """.formatted(DEFAULT_RATE, KUBECONFIG, LOG_FILE);

    /** Reads the arguments; a wrong one is an IllegalArgumentException that says which and what is accepted. */
    public static SandboxOptions parse(String... args) {
        boolean keepRunning = false;
        boolean help = false;
        int rate = DEFAULT_RATE;
        double labeled = 1.0;
        String story = RELEASE;
        Duration labelDelay = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--keep-running" -> keepRunning = true;
                case "-h", "--help" -> help = true;
                case "--rate" -> rate = rate(value(args, ++i, arg));
                case "--labeled" -> labeled = labeled(value(args, ++i, arg));
                case "--story" -> story = story(value(args, ++i, arg));
                case "--label-delay" -> labelDelay = delay(value(args, ++i, arg));
                default -> {
                    if (arg.startsWith("--story=")) {
                        story = story(arg.substring("--story=".length()));
                    } else if (arg.startsWith("--label-delay=")) {
                        labelDelay = delay(arg.substring("--label-delay=".length()));
                    } else if (arg.startsWith("--rate=")) {
                        rate = rate(arg.substring("--rate=".length()));
                    } else if (arg.startsWith("--labeled=")) {
                        labeled = labeled(arg.substring("--labeled=".length()));
                    } else {
                        throw new IllegalArgumentException("unknown option '" + arg + "' (see sandbox --help)");
                    }
                }
            }
        }
        if (labelDelay == null) {
            labelDelay = INPUTS.equals(story) ? Duration.ofSeconds(45) : Duration.ZERO;
        }
        return new SandboxOptions(keepRunning, rate, labeled, help, story, labelDelay);
    }

    private static String story(String text) {
        if (RELEASE.equals(text) || INPUTS.equals(text) || LLM.equals(text)) {
            return text;
        }
        throw new IllegalArgumentException("--story is release, inputs or llm, got '" + text + "'");
    }

    private static Duration delay(String text) {
        try {
            Duration d = Durations.parseAllowingZero(text.trim());
            if (d.compareTo(Duration.ofMinutes(10)) <= 0) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw new IllegalArgumentException("--label-delay must be a duration from 0s to 10m (e.g. 45s), got '" + text + "'");
    }

    /** How the traffic is described to the user. */
    public String describeTraffic() {
        return rate + " requests/s, " + (labeled >= 1 ? "every prediction labelled"
                : String.format(Locale.ROOT, "%.0f%% of predictions labelled", labeled * 100))
                + (labelDelay.isZero() ? "" : ", " + Durations.format(labelDelay) + " later");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value (see sandbox --help)");
        }
        return args[i];
    }

    private static int rate(String text) {
        try {
            int rate = Integer.parseInt(text.trim());
            if (rate >= 1 && rate <= 500) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--rate must be a whole number of requests per second from 1 to 500, got '"
                + text + "'");
    }

    private static double labeled(String text) {
        try {
            double share = Double.parseDouble(text.trim());
            if (share >= 0 && share <= 1) {
                return share;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--labeled must be a share from 0 to 1 (e.g. 0.5), got '" + text + "'");
    }
}
