package io.asger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went, from a JFR recording (scripts/bench.sh --profile DIR): the execution samples of the threads
 * that handle events (not start-up's), as two markdown tables. "Self" is the top frame of each sample; "total" counts
 * a sample once for every method on its stack, so a step's total is all the work under it. A benchmark's tool, not a
 * test. Beside FILE.jfr, the benchmark writes FILE.windows: the measured rounds' stretches (epoch milliseconds, from and
 * to, a line each); when it is there only samples inside them count, not the warm-up's (compiling, code not yet at
 * its fastest) nor the latency test's.
 *
 * <pre>java -cp target/test-classes:target/asger.jar io.asger.bench.JfrTop FILE.jfr [ROWS] [THREAD-REGEX]</pre>
 */
public final class JfrTop {

    /** The measured windows' file: FILE.jfr's name with this instead of ".jfr". */
    static final String WINDOWS = ".windows";

    /** Threads that handle events: Camel's (consumers, workers, the HTTP client's) and the baseline's. */
    static final String DEFAULT_THREADS = "Camel .*|.*asger-worker.*|.*asger-message-deletes.*|baseline.*|pool-.*";

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop FILE.jfr [ROWS] [THREAD-REGEX]");
            System.exit(64);
        }
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Pattern threads = Pattern.compile(args.length > 2 ? args[2] : DEFAULT_THREADS);
        Map<String, Integer> areas = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        List<long[]> windows = windows(Path.of(args[0]));
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || !inside(windows, event.getStartTime().toEpochMilli())) {
                continue;
            }
            String thread = event.getThread("sampledThread") == null ? "" : event.getThread("sampledThread").getJavaName();
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || thread == null || !threads.matcher(thread).matches()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            if (!frames.isEmpty()) {
                self.merge(name(frames.get(0)), 1, Integer::sum);
            }
            areas.merge(area(frames), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (seen.add(name)) {
                    total.merge(name, 1, Integer::sum);
                }
            }
        }
        System.out.printf("%s: %d execution samples of threads matching %s%s%n%n", args[0], samples, threads,
                windows == null ? ", the whole recording (no " + WINDOWS + " file: warm-up included)"
                        : windows.isEmpty() ? ", none: the process ran no measured round (only the latency test?)"
                        : ", in the " + windows.size() + " measured round(s) only");
        print("area", areas, samples, rows);
        print("self", self, samples, rows);
        print("total", total, samples, rows);
    }

    /** The measured windows noted beside the recording, or null when there is no such file (then all counts). */
    static List<long[]> windows(Path recording) throws IOException {
        String name = recording.getFileName().toString();
        Path file = recording.resolveSibling(name.replaceFirst("\\.jfr$", "") + WINDOWS);
        if (!Files.exists(file)) {
            return null;
        }
        List<long[]> windows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                String[] fromTo = line.trim().split(" ");
                windows.add(new long[] {Long.parseLong(fromTo[0]), Long.parseLong(fromTo[1])});
            }
        }
        return windows;
    }

    static boolean inside(List<long[]> windows, long at) {
        if (windows == null) {
            return true;
        }
        return windows.stream().anyMatch(w -> at >= w[0] && at <= w[1]);
    }

    private static void print(String what, Map<String, Integer> counts, int samples, int rows) {
        System.out.printf("| %s %% | samples | method |%n|---:|---:|---|%n", what);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("| %.1f | %d | `%s` |%n", 100.0 * e.getValue() / Math.max(1, samples),
                        e.getValue(), e.getKey()));
        System.out.println();
    }

    /** Areas by the package or class of a sample's innermost frame that is not the JDK's: the first match wins. */
    static final List<Map.Entry<String, String>> AREAS = List.of(
            Map.entry("io.asger.chef.ChefRequestSigner", "Chef request signing (RSA)"),
            Map.entry("org.apache.camel.cli.connector", "camel ps status (cli-connector)"),
            Map.entry("org.apache.camel.impl.console", "camel ps status (cli-connector)"),
            Map.entry("org.apache.camel.support.console", "camel ps status (cli-connector)"),
            Map.entry("org.apache.camel.support.management", "camel ps status (cli-connector)"),
            Map.entry("org.apache.camel.management", "JMX management"),
            Map.entry("com.fasterxml.jackson", "JSON (Jackson)"),
            Map.entry("software.amazon.awssdk", "AWS SDK (SQS calls)"),
            Map.entry("org.apache.camel.component.aws2.sqs", "Camel SQS consumer"),
            Map.entry("org.apache.http", "HTTP client (Apache)"),
            Map.entry("org.apache.hc", "HTTP client (Apache)"),
            Map.entry("org.apache.camel.component.http", "Camel HTTP producer"),
            Map.entry("org.apache.camel.http", "Camel HTTP producer"),
            Map.entry("org.apache.logging", "logging (log4j)"),
            Map.entry("org.slf4j", "logging (log4j)"),
            Map.entry("org.apache.camel.support.processor.CamelLogProcessor", "logging (Camel log EIP)"),
            Map.entry("org.apache.camel.processor.LogProcessor", "logging (Camel log EIP)"),
            Map.entry("org.apache.camel.mdc", "MDC (camel-mdc)"),
            Map.entry("org.apache.camel.language.simple", "simple expressions"),
            Map.entry("org.apache.camel.component.bean", "bean calls and their parameters"),
            Map.entry("org.apache.camel.language.bean", "bean calls and their parameters"),
            Map.entry("org.apache.camel.impl.converter", "type conversion"),
            Map.entry("org.apache.camel.converter", "type conversion"),
            Map.entry("org.apache.camel.spi.TypeConvertible", "type conversion"),
            Map.entry("io.micrometer", "metrics"),
            Map.entry("org.apache.camel.component.micrometer", "metrics"),
            Map.entry("org.elasticmq", "ElasticMQ"),
            Map.entry("org.apache.pekko", "ElasticMQ"),
            Map.entry("io.asger.bench", "baseline loop"),
            Map.entry("io.asger", "asger's beans"),
            Map.entry("org.apache.camel", "Camel routing engine"));

    static String area(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")
                    || type.startsWith("javax.") || type.startsWith("com.sun.")) {
                continue;
            }
            for (Map.Entry<String, String> area : AREAS) {
                if (type.startsWith(area.getKey())) {
                    return area.getValue();
                }
            }
            return type.contains(".") ? type.substring(0, type.lastIndexOf('.')) : type;
        }
        return "JDK only";
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private JfrTop() {
    }
}
