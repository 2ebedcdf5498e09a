package io.asger.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads and checks asger's settings. The source is a function from property name to value, so the daemon (Camel's
 * properties component: application.properties, -D, environment) and the command-line tools read the same way.
 *
 * <p>A bad value does not stop reading: each getter notes the problem and answers its fallback, so that
 * {@link #check()} can name every bad setting of a start-up at once, one line each.
 */
public final class Settings {

    private final Function<String, Optional<String>> source;
    private final java.util.function.Supplier<java.util.Map<String, String>> named;
    private final List<InvalidSettingException.Problem> problems = new ArrayList<>();

    public Settings(Function<String, Optional<String>> source) {
        this(source, java.util.Map::of);
    }

    /**
     * @param named every setting the sources can list, by the name it is given under (a property key, an environment
     *              variable's name) with its value: for the settings whose names are not known in advance
     *              ({@code asger.accounts.<account-id>.role-arn}), which a source that only answers names asked for
     *              cannot give (Camel maps an environment variable to a key only when asked for that key)
     */
    public Settings(Function<String, Optional<String>> source, java.util.function.Supplier<java.util.Map<String, String>> named) {
        this.source = source;
        this.named = named;
    }

    /** Every setting the sources list, by the name it was given under; see {@link #Settings(Function, java.util.function.Supplier)}. */
    public java.util.Map<String, String> named() {
        return named.get();
    }

    /** {@code asger.queue-url} becomes {@code ASGER_QUEUE_URL}: Camel's form for environment variables. */
    public static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Notes a bad setting; {@link #check()} reports it with the others. */
    public void problem(String setting, String problem) {
        problems.add(new InvalidSettingException.Problem(setting, problem));
    }

    /** Throws one InvalidSettingException naming every problem noted so far; nothing when there is none. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new InvalidSettingException(problems);
        }
    }

    public boolean hasProblem(String setting) {
        return problems.stream().anyMatch(p -> p.setting().equals(setting));
    }

    public Optional<String> get(String name) {
        return source.apply(name).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The value; empty (and a problem noted) when it is not set. */
    public String require(String name, String why) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            problem(name, why);
            return "";
        }
        return v.get();
    }

    public String require(String name) {
        return require(name, "is required but not set");
    }

    public String text(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    /** The value with no trimming and no fallback: empty stays empty (a template may be meant empty). */
    public String raw(String name) {
        return source.apply(name).orElse("");
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v < min || v > max) {
                problem(name, "must be from " + min + " to " + max + ", was " + v);
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(name, "must be a whole number from " + min + " to " + max + ", was '" + raw.get() + "'");
            return fallback;
        }
    }

    public double decimal(String name, double fallback, double min, double max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(raw.get());
            if (!(v >= min && v <= max)) {
                problem(name, "must be from " + min + " to " + max + ", was " + raw.get());
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(name, "must be a number from " + min + " to " + max + ", was '" + raw.get() + "'");
            return fallback;
        }
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problem(name, "must be true or false, was '" + raw.get() + "'");
                yield fallback;
            }
        };
    }

    /** One of the allowed words (case-insensitive, answered in lower case). */
    public String oneOf(String name, String fallback, List<String> allowed) {
        String v = text(name, fallback).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            problem(name, "must be one of " + String.join(", ", allowed) + ", was '" + text(name, fallback) + "'");
            return fallback;
        }
        return v;
    }

    /** An absolute http(s) URL, or empty when unset (or bad: the problem is noted). */
    public Optional<URI> url(String name) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.get());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                problem(name, "must be an http or https URL, was '" + raw.get() + "'");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            problem(name, "is not a valid URL: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** A file that exists and can be read, or empty when unset (or bad: the problem is noted). */
    public Optional<Path> readableFile(String name) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(raw.get());
        if (!Files.isRegularFile(file)) {
            problem(name, "names '" + raw.get() + "', which is not a file");
            return Optional.empty();
        }
        if (!Files.isReadable(file)) {
            problem(name, "names '" + raw.get() + "', which asger may not read");
            return Optional.empty();
        }
        return Optional.of(file);
    }
}
