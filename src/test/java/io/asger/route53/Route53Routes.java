package io.asger.route53;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;

/**
 * routes/route53.camel.yaml on its own in a CamelContext, with application.properties under the given properties:
 * events go straight to direct:route53-up / -down, as the task chain sends them. (Route53AppIT runs the whole
 * application behind a real queue.)
 */
final class Route53Routes implements AutoCloseable {

    private final CamelContext context = new DefaultCamelContext();
    private final ProducerTemplate producer;

    Route53Routes(Map<String, String> properties) throws Exception {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            props.load(in);
        }
        props.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(props);
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(PluginHelper.getResourceLoader(context).resolveResource("file:routes/route53.camel.yaml"));
        context.start();
        producer = context.createProducerTemplate();
    }

    /** Sends the event into direct:route53-{direction}; completes with the exchange when the route is done. */
    CompletableFuture<Exchange> send(String direction, String instanceId, String groupName) {
        return producer.asyncSend("direct:route53-" + direction,
                ex -> ex.setProperty("event", AsgEvent.builder("up".equals(direction) ? EventType.UP : EventType.DOWN)
                        .instanceId(instanceId).groupName(groupName).build()));
    }

    /** Sends and waits; the body (a RecordOutcome or a message), or the exception the route ended with. */
    Object call(String direction, String instanceId, String groupName) throws Exception {
        Exchange done = send(direction, instanceId, groupName).get();
        if (done.getException() != null) {
            throw done.getException();
        }
        return done.getMessage().getBody();
    }

    ZoneChangeBatcher batcher() {
        return context.getRegistry().lookupByNameAndType("route53Batcher", ZoneChangeBatcher.class);
    }

    CamelContext context() {
        return context;
    }

    @Override
    public void close() throws Exception {
        context.close();
    }
}
