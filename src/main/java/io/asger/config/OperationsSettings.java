package io.asger.config;

import java.util.List;

/**
 * How asger is watched: its log format, and Camel's management server (health and metrics, from
 * camel-observability-services). The management keys are Camel's own ({@code camel.management.*}); asger only
 * checks them, and defaults them in application.properties (port 9876, {@code CAMEL_MANAGEMENT_PORT} honoured).
 */
public record OperationsSettings(String logFormat, boolean managementEnabled, String managementHost, int managementPort) {

    public static final String LOG_FORMAT = "asger.log-format";
    public static final String MANAGEMENT_ENABLED = "camel.management.enabled";
    public static final String MANAGEMENT_HOST = "camel.management.host";
    public static final String MANAGEMENT_PORT = "camel.management.port";

    public static final List<String> LOG_FORMATS = List.of("text", "json");

    /** Reads and checks these settings alone; throws naming every bad one. */
    public static OperationsSettings read(Settings s) {
        OperationsSettings settings = from(s);
        s.check();
        return settings;
    }

    /** Reads them, noting the bad ones in {@code s} (see {@link AsgerSettings#read}). */
    static OperationsSettings from(Settings s) {
        return new OperationsSettings(s.oneOf(LOG_FORMAT, "text", LOG_FORMATS), s.bool(MANAGEMENT_ENABLED, true),
                s.text(MANAGEMENT_HOST, "0.0.0.0"), s.integer(MANAGEMENT_PORT, 9876, 1, 65_535));
    }
}
