package io.asger.config;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Where asger's settings come from, and a reader of them exactly as the daemon sees them (packaged defaults,
 * ./application.properties, -D system properties, ASGER_* environment variables), for the command-line tools and
 * for the start-up checks made before Camel Main runs.
 */
public final class AsgerProperties {

    /** Defaults packaged in the jar, then an operator's application.properties in the working directory. */
    public static final String LOCATIONS =
            "classpath:application.properties;optional=true,file:application.properties;optional=true";

    private AsgerProperties() {
    }

    public static Settings load(Map<String, String> overrides) {
        CamelContext context = new DefaultCamelContext(false);
        var pc = context.getPropertiesComponent();
        pc.setLocation(LOCATIONS);
        overrides.forEach(pc::addOverrideProperty);
        context.build();
        return of(pc);
    }

    /**
     * The settings as {@code pc} resolves them, and, for the settings whose names are not known in advance
     * (asger.accounts.&lt;account-id&gt;.role-arn), every name the sources can list: the properties files and
     * overrides, -D system properties and the environment, in rising precedence.
     */
    public static Settings of(org.apache.camel.spi.PropertiesComponent pc) {
        return new Settings(pc::resolveProperty, () -> {
            Map<String, String> named = new java.util.LinkedHashMap<>();
            pc.loadProperties().forEach((k, v) -> named.put(String.valueOf(k), String.valueOf(v)));
            System.getProperties().forEach((k, v) -> named.put(String.valueOf(k), String.valueOf(v)));
            named.putAll(System.getenv());
            return named;
        });
    }
}
