package io.asger;

import java.util.Map;
import java.util.Optional;

import io.asger.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Reads asger's settings exactly as the daemon does (packaged defaults, ./application.properties, -D system
 * properties, ASGER_* environment variables), for the command-line tools and for start-up choices that must be made
 * before Camel Main runs.
 */
public final class AsgerProperties {

    private AsgerProperties() {
    }

    public static Settings load(Map<String, String> overrides) {
        CamelContext context = new DefaultCamelContext(false);
        var pc = context.getPropertiesComponent();
        pc.setLocation(AsgerApplication.PROPERTY_LOCATIONS);
        overrides.forEach(pc::addOverrideProperty);
        context.build();
        return new Settings(name -> {
            Optional<String> value = pc.resolveProperty(name);
            return value;
        });
    }
}
