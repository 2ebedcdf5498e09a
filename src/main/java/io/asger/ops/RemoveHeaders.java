package io.asger.ops;

import java.util.Arrays;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Camel's {@code removeHeaders} step for the patterns asger's routes use, exact names and wildcards ({@code Camel*}),
 * without regular expressions. Camel's own step tries each pattern that a header does not match as a wildcard once
 * more as a regular expression, compiled for every header at every call: before each HTTP call of a task, that was a
 * hundred compiled patterns per event (issue 17).
 *
 * <p>Removes every header whose name matches one of {@code patterns} and none of {@code excludePatterns}; names compare
 * ignoring case, as Camel's headers do. A pattern is a name, or a prefix followed by {@code *}; {@code *} alone matches
 * every name. Patterns are separated by commas.
 */
public final class RemoveHeaders implements Processor {

    private final String[] patterns;
    private final String[] excludePatterns;

    public RemoveHeaders(String patterns, String excludePatterns) {
        this.patterns = parse(patterns);
        this.excludePatterns = parse(excludePatterns);
        if (this.patterns.length == 0) {
            throw new IllegalArgumentException("RemoveHeaders needs at least one pattern");
        }
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().getHeaders().keySet().removeIf(name -> matchesAny(name, patterns)
                && !matchesAny(name, excludePatterns));
    }

    static boolean matchesAny(String name, String[] patterns) {
        for (String pattern : patterns) {
            if (pattern.endsWith("*")
                    ? name.regionMatches(true, 0, pattern, 0, pattern.length() - 1)
                    : name.equalsIgnoreCase(pattern)) {
                return true;
            }
        }
        return false;
    }

    private static String[] parse(String patterns) {
        if (patterns == null) {
            return new String[0];
        }
        String[] parsed = Arrays.stream(patterns.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toArray(String[]::new);
        for (String p : parsed) {
            if (p.indexOf('*') != p.length() - 1 && p.indexOf('*') >= 0) {
                throw new IllegalArgumentException("header pattern '" + p + "': only a trailing * is a wildcard");
            }
            if (p.chars().anyMatch(c -> "|()[]{}?+\\^$".indexOf(c) >= 0)) {
                throw new IllegalArgumentException("header pattern '" + p + "': names and trailing * only, no regular"
                        + " expressions (separate patterns with commas)");
            }
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "RemoveHeaders[" + String.join(",", patterns) + " except " + String.join(",", excludePatterns) + "]";
    }
}
