package io.asger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import io.asger.config.AsgerSettings;
import io.asger.config.Settings;
import io.asger.errors.NoHttpClientRetries;
import io.asger.event.AsgEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;

/**
 * The one harness for a task's route file on its own: {@code routes/TASK.camel.yaml} in a CamelContext with
 * application.properties under the given properties, checked as start-up checks them ({@link AsgerSettings}), and
 * each event handed over exactly as {@code run-one-task} (routes/tasks.camel.yaml) hands it: the event as the body
 * and in the exchange property {@code event}, the task in {@code task}, and no header but the SQS ones Camel keeps.
 * No error handler: the exchange comes back with the very failure the retry and dead-letter configuration would
 * classify. (The *AppIT and *TaskIT tests run the same through the whole application behind a real queue.)
 */
public final class TaskRoutes implements AutoCloseable {

    private final String task;
    private final CamelContext context = TestCamelContexts.withoutCliConnector();
    private final ProducerTemplate producer;
    private io.asger.aws.AccountClients accountClients;

    private TaskRoutes(String task, Map<String, String> properties) throws Exception {
        this.task = task;
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            props.load(in);
        }
        props.putAll(properties);
        props.put("asger.tasks", task);
        boolean dryRun;
        // Read as start-up reads them, placeholders in values ({{env:CAMEL_MANAGEMENT_PORT:9876}}) resolved, by a
        // properties component of its own (as AsgerProperties does), not the one of the context under test.
        try (DefaultCamelContext reader = new DefaultCamelContext(false)) {
            reader.getPropertiesComponent().setInitialProperties(props);
            reader.build();
            AsgerSettings all = AsgerSettings.read(io.asger.config.AsgerProperties.of(reader.getPropertiesComponent()));
            dryRun = all.core().dryRun();
            // As io.asger.AsgerConfiguration binds it: the AWS clients of an event's account and region.
            accountClients = new io.asger.aws.AccountClients(all.accounts(), null);
            context.getRegistry().bind("accountClients", accountClients);
        }
        context.getPropertiesComponent().setInitialProperties(props);
        // As the application settles it (asger.dry-run exactly true or false); a harness without a queue URL is not
        // in local mode's forced dry run.
        io.asger.AsgerConfiguration.settleDryRun(context.getPropertiesComponent(), dryRun);
        // No dev consoles either: a task-route test reads none.
        context.setDevConsole(false);
        io.asger.AsgerConfiguration.bindHeaderClearing(context.getRegistry());
        // What application.properties does for Camel Main: no retries inside Apache HttpClient, no cookies.
        for (String scheme : new String[] {"http", "https"}) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setHttpClientConfigurer(new NoHttpClientRetries());
            http.setCookieManagementDisabled(true);
        }
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(PluginHelper.getResourceLoader(context).resolveResource("file:routes/" + task + ".camel.yaml"));
        context.start();
        producer = context.createProducerTemplate();
    }

    /** Loads routes/TASK.camel.yaml; throws InvalidSettingException for settings start-up would refuse. */
    public static TaskRoutes load(String task, Map<String, String> properties) throws Exception {
        return new TaskRoutes(task, properties);
    }

    /** The exchange run-one-task would send to direct:TASK-DIRECTION for this event. */
    public Exchange exchangeFor(AsgEvent event) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(ExchangeProperties.EVENT, event);
        exchange.setProperty(ExchangeProperties.TASK, task);
        exchange.setProperty(ExchangeProperties.MESSAGE_ID, event.getMessageId());
        // As route-by-event-type sets them.
        new io.asger.event.EventProperties().process(exchange);
        exchange.getMessage().setHeader(Sqs2Constants.RECEIPT_HANDLE, "receipt-handle-of-" + event.getMessageId());
        exchange.getMessage().setHeader(Sqs2Constants.MESSAGE_ID, event.getMessageId());
        exchange.getMessage().setBody(event);
        return exchange;
    }

    /** Sends the event into direct:TASK-DIRECTION; completes with the exchange when the route is done. */
    public CompletableFuture<Exchange> send(AsgEvent event) {
        return producer.asyncSend(endpoint(event), exchangeFor(event));
    }

    /** Sends and waits; the body the task ended with, or the exception it failed with. */
    public Object call(AsgEvent event) throws Exception {
        Exchange done = send(event).get();
        if (done.getException() != null) {
            throw done.getException();
        }
        return done.getMessage().getBody();
    }

    /** Sends and waits; the exchange, its failure (if any) unthrown. */
    public Exchange run(AsgEvent event) throws Exception {
        return send(event).get();
    }

    public CamelContext context() {
        return context;
    }

    private String endpoint(AsgEvent event) {
        return "direct:" + task + "-" + event.getDirection();
    }

    @Override
    public void close() throws Exception {
        context.close();
        accountClients.close();
    }
}
