package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** What the route files promise in their headers, and the outcome values they set. */
class RouteFileHeadersTest {

    static final Pattern USED = Pattern.compile("exchangeProperty\\.([A-Za-z][A-Za-z0-9]*)|name: ([a-z][A-Za-z0-9]*)\\n\\s+(?:simple|constant|method):");
    static final Pattern OUTCOME = Pattern.compile("name: asgerOutcome\\n\\s+constant: ([a-z-]+)");

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    static String header(String text) {
        StringBuilder h = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#")) {
                break;
            }
            h.append(line).append('\n');
        }
        return h.toString();
    }

    @Test
    void everyRouteFileHeaderNamesTheExchangePropertiesItUses() throws IOException {
        for (Path file : routeFiles()) {
            String text = Files.readString(file);
            Set<String> used = new TreeSet<>();
            Matcher m = USED.matcher(text);
            while (m.find()) {
                used.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
            used.removeIf(name -> name.startsWith("Camel"));
            String header = header(text);
            assertThat(used).as(file + " header").allSatisfy(name -> assertThat(header).contains(name));
        }
    }

    /** A {{placeholder}} inside a simple expression or a log message: its value becomes part of the expression. */
    static final Pattern SPLICED = Pattern.compile("(?:simple|message)[\"':=>\\s]+[^\\n]*?\\{\\{(asger\\.[a-z0-9.-]+)\\}\\}");

    /**
     * Settings reach expressions as ${properties:...} or bean properties, so that a value with a quote or ${ stays data;
     * only settings start-up checks can hold no ${...} may be spliced in as {{placeholders}} (resolved once, not looked
     * up at every call).
     */
    @Test
    void onlySettingsCheckedToHoldNoExpressionAreSplicedIntoOne() throws IOException {
        Set<String> spliced = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                Matcher m = SPLICED.matcher(text);
                while (m.find()) {
                    spliced.add(m.group(1));
                }
                if (file.toString().endsWith(".yaml")) {
                    spliced.addAll(splicedIn(text));
                }
            }
        }
        // asger.dry-run is settled to exactly true or false (AsgerConfiguration.settleDryRun), asger.chef.url checked
        // to be a URL (ChefSettings): neither can hold "${".
        assertThat(spliced).isNotEmpty().isSubsetOf("asger.dry-run", "asger.chef.url");
    }

    /**
     * The YAML keys whose text value is an expression: simple, a log message (also the short form {@code log: "..."}),
     * a toD URI, a bean call's parameters.
     */
    static final Set<String> EXPRESSION_KEYS = Set.of("simple", "message", "log", "toD", "method", "expression");
    /** {{asger.x}}, also with a default ({{asger.x:y}}) or optional ({{?asger.x}}). */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??(asger\\.[a-z0-9.-]+)(?::[^}]*)?\\}\\}");

    /**
     * The settings spliced into an expression of a YAML route file, read as YAML: a block scalar's lines too
     * ({@code message: >-} and the lines under it), which SPLICED, a line at a time, does not see.
     */
    static Set<String> splicedIn(String yaml) {
        Set<String> found = new TreeSet<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            walk(document, null, found);
        }
        return found;
    }

    private static void walk(Object node, Object key, Set<String> found) {
        if (node instanceof Map<?, ?> map) {
            // toD's long form: its uri is the expression.
            map.forEach((k, v) -> walk(v, "toD".equals(key) && "uri".equals(k) ? "toD" : k, found));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> walk(v, key, found));
        } else if (node instanceof String text && EXPRESSION_KEYS.contains(key)) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                found.add(m.group(1));
            }
        }
    }

    @Test
    void aSettingSplicedIntoAMultiLineExpressionIsFoundToo() {
        String route = """
                - route:
                    from:
                      uri: direct:x
                      steps:
                        - log:
                            message: >-
                              Message ${exchangeProperty.asgerMessageId}
                              sent to {{asger.queue-url}}
                        - log: "short form, {{asger.dlq-url:none}}"
                        - toD:
                            uri: "direct:{{?asger.tasks}}"
                        - to:
                            uri: "{{asger.chef.url}}"
                """;

        assertThat(splicedIn(route)).containsExactly("asger.dlq-url", "asger.queue-url", "asger.tasks");
        assertThat(SPLICED.matcher(route).find()).as("the line-by-line pattern alone misses it").isFalse();
    }

    @Test
    void theRoutesSetOnlyOutcomesMessageOutcomeKnows() throws IOException {
        Set<String> set = new TreeSet<>();
        for (Path file : routeFiles()) {
            Matcher m = OUTCOME.matcher(Files.readString(file));
            while (m.find()) {
                set.add(m.group(1));
            }
        }
        assertThat(set).containsExactlyInAnyOrder(
                Stream.of(MessageOutcome.values()).map(MessageOutcome::wire).toArray(String[]::new));
    }
}
