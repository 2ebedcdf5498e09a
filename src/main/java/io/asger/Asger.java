package io.asger;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.asger.cli.NotRunningException;
import io.asger.cli.ReconcileCommand;
import io.asger.cli.ReplayCommand;
import io.asger.cli.SendCommand;
import io.asger.cli.UsageException;
import io.asger.config.AsgerProperties;
import io.asger.config.InvalidSettingException;
import io.asger.config.OperationsSettings;
import io.asger.config.Settings;
import org.apache.camel.main.Main;

/**
 * {@code java -jar asger.jar [run]}: the daemon. {@code send FILE...}: put events on the queue.
 * {@code replay [--count N] [--list]}: move dead letters back to the queue. {@code reconcile [--dry-run]
 * [--max-deletions N]}: one reconcile sweep, its ghosts handled. All read the same configuration.
 */
public final class Asger {

    static final String USAGE = """
            usage: java -jar asger.jar [run]                  consume the queue and run the task chains
                   java -jar asger.jar send [--raw] FILE...   send event files to the queue (asger.queue-url); each is
                                                             checked first, --raw sends what asger would refuse
                   java -jar asger.jar replay [--count N] [--list]
                                                             move dead letters (asger.dlq-url) back to the queue
                   java -jar asger.jar reconcile [--dry-run] [--max-deletions N]
                                                             find ghosts the events missed, send them down the chain
            settings: application.properties in the working directory, -Dasger.x=..., or ASGER_X environment variables""";

    private Asger() {
    }

    public static void main(String[] args) {
        chooseLogFormat();
        int code = run(args);
        if (code == 78) {
            // Nothing ran that needs stopping: skip the shutdown hooks, whose "JVM shutdown hook triggered" line
            // would only mislead after a configuration error.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    static int run(String[] args) {
        String command = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (command) {
                case "run" -> daemon();
                case "send" -> SendCommand.run(rest, AsgerProperties.load(Map.of()), System.out);
                case "replay" -> ReplayCommand.run(rest, AsgerProperties.load(Map.of()), System.out);
                case "reconcile" -> ReconcileCommand.run(rest, System.out);
                case "-h", "--help", "help" -> {
                    System.out.println(USAGE);
                    yield 0;
                }
                default -> {
                    System.err.println("asger: unknown command '" + command + "'\n" + USAGE);
                    yield 64;
                }
            };
        } catch (InvalidSettingException e) {
            printSettingErrors(e);
            return 78;
        } catch (NotRunningException e) {
            System.err.println("asger: " + e.getMessage());
            return 69;
        } catch (UsageException e) {
            System.err.println("asger: " + e.getMessage() + "\n" + USAGE);
            return 64;
        } catch (Exception e) {
            InvalidSettingException setting = findSettingError(e);
            if (setting != null) {
                printSettingErrors(setting);
                return 78;
            }
            System.err.println("asger: " + e);
            return 1;
        }
    }

    private static int daemon() throws Exception {
        Main main = AsgerApplication.create(Map.of());
        // SIGTERM (and Ctrl-C) is a normal stop: Camel stops gracefully (io.asger.ops.GracefulShutdown) and asger
        // exits 0. Left to the JVM, the signal would run the stop in a shutdown hook and exit 143.
        for (String signal : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> main.completed());
        }
        main.run();
        int code = main.getExitCode();
        return code < 0 ? 0 : code;
    }

    /**
     * The log layout must be known before the first line is logged, so asger.log-format is read here, before Camel
     * (from where Camel would read it: -D, ASGER_LOG_FORMAT, ./application.properties), and handed to log4j2.xml as the
     * system property asger.log.layout. A bad value logs as text; the settings check then stops start-up naming it.
     */
    static final String LOG_LAYOUT = "asger.log.layout";

    static void chooseLogFormat() {
        String format = System.getProperty(OperationsSettings.LOG_FORMAT);
        if (format == null) {
            format = System.getenv(Settings.envName(OperationsSettings.LOG_FORMAT));
        }
        if (format == null) {
            java.nio.file.Path local = java.nio.file.Path.of("application.properties");
            if (java.nio.file.Files.isReadable(local)) {
                java.util.Properties p = new java.util.Properties();
                try (var in = java.nio.file.Files.newInputStream(local)) {
                    p.load(in);
                    format = p.getProperty(OperationsSettings.LOG_FORMAT);
                } catch (java.io.IOException e) {
                    format = null;
                }
            }
        }
        format = format == null ? "text" : format.trim().toLowerCase(java.util.Locale.ROOT);
        System.setProperty(LOG_LAYOUT, OperationsSettings.LOG_FORMATS.contains(format) ? format : "text");
    }

    /** One line per bad setting, no stack trace. */
    static void printSettingErrors(InvalidSettingException e) {
        for (String line : e.lines()) {
            System.err.println("asger: configuration error: " + line);
        }
    }

    static InvalidSettingException findSettingError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidSettingException s) {
                return s;
            }
        }
        return null;
    }
}
