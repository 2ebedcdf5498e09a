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
            var impl = pc instanceof org.apache.camel.component.properties.PropertiesComponent c ? c : null;
            if (impl != null) {
                putAll(named, impl.getInitialProperties());
            }
            putAll(named, pc.loadProperties());
            putAll(named, System.getProperties());
            named.putAll(System.getenv());
            // What a caller set above every source (AsgerApplication's overrides): listed only here.
            if (impl != null) {
                putAll(named, impl.getOverrideProperties());
            }
            return named;
        });
    }

    /** By entrySet: Camel's ordered Properties keep their entries outside the Hashtable that forEach walks. */
    private static void putAll(Map<String, String> named, java.util.Properties properties) {
        if (properties != null) {
            properties.entrySet().forEach(e -> named.put(String.valueOf(e.getKey()), String.valueOf(e.getValue())));
        }
    }
}
