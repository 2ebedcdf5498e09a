package io.asger.route53;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;

/**
 * routes/route53.camel.yaml on its own in a CamelContext, with application.properties under the given properties,
 * until core's AsgerTestApp (the whole application behind a real queue) is on this branch.
 */
final class Route53Routes implements AutoCloseable {

    /** The getters of io.asger.event.AsgEvent the route reads; stand-in until core's event class is on this branch. */
    public static final class Event {
        private final String instanceId;
        private final String groupName;

        Event(String instanceId, String groupName) {
            this.instanceId = instanceId;
            this.groupName = groupName;
        }

        public String getInstanceId() {
            return instanceId;
        }

        public String getGroupName() {
            return groupName;
        }
    }

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
                ex -> ex.setProperty("event", new Event(instanceId, groupName)));
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
