package io.asger.config;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads and checks asger's settings. The source is a function from property name to value, so the daemon (Camel's
 * properties component: application.properties, -D, environment) and the command-line tools read the same way.
 */
public final class Settings {

    private final Function<String, Optional<String>> source;

    public Settings(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** {@code asger.queue-url} becomes {@code ASGER_QUEUE_URL}: Camel's form for environment variables. */
    public static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> get(String name) {
        return source.apply(name).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new InvalidSettingException(name, "is required but not set"));
    }

    public String text(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v < min || v > max) {
                throw new InvalidSettingException(name, "must be from " + min + " to " + max + ", was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name, "must be a whole number from " + min + " to " + max
                    + ", was '" + raw.get() + "'");
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
                throw new InvalidSettingException(name, "must be from " + min + " to " + max + ", was " + raw.get());
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name, "must be a number, was '" + raw.get() + "'");
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
            default -> throw new InvalidSettingException(name, "must be true or false, was '" + raw.get() + "'");
        };
    }

    /** An absolute http(s) URL, or empty when unset. */
    public Optional<URI> url(String name) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.get());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new InvalidSettingException(name, "must be an http or https URL, was '" + raw.get() + "'");
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidSettingException(name, "is not a valid URL: " + e.getMessage());
        }
    }
}
